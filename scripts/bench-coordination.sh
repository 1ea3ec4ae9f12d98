#!/usr/bin/env bash
# Benchmark (not a test): the real coordination at internet scale on this machine. An embedded ZooKeeper ensemble of
# 3 with default settings, a job of N slices (default 1,000,000), W simulated workers (default 200: threads, each its
# own ZooKeeper session) that claim, checkpoint and complete with a fake copy, and status read while they work.
# Prints publish time, claims/s, ZooKeeper reads and writes per slice, the largest response, a worker's heap, status
# time, and whether every slice completed exactly once. Usage: scripts/bench-coordination.sh [slices] [workers] [claims]
# (claims: stop after this many, a sample of a large job's run; default all). ZooKeeper's fsync is off by default
# (ZK_FORCE_SYNC=yes turns it on): three members sharing one disk measure the disk, not the coordination.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -pl coordinator-model -am -DskipTests
# three ZooKeeper servers hold the million slices in this JVM (about 1.5 GB each)
MAVEN_OPTS="${MAVEN_OPTS:-} -Xmx12g -Dzookeeper.jmx.log4j.disable=true -Dzookeeper.forceSync=${ZK_FORCE_SYNC:-no}" \
  mvn -B -q -pl coordinator-model exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=io.backfillfleet.coordinator.bench.CoordinationBenchmark -Dexec.args="${1:-1000000} ${2:-200} ${3:-}" \
  -Djava.io.tmpdir="$PWD/coordinator-model/target" 2> >(grep -v -E 'WARN|^\s+at ' >&2)
