#!/usr/bin/env bash
# Benchmark (not a test): the tail of a skewed job (one slice given 9x its estimate after planning) copied by 4 worker
# processes with --split auto and with --split off, under a fleet budget; prints wall time, the fleet's rate, the
# ideal time and the tail (first idle worker to the job's end).
# Usage: scripts/bench-split.sh [--engine solr|elasticsearch|opensearch] [--docs N] [--docs-per-second N]   (default 40000, 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -Dmaven.test.skip=true
mvn -B -q -pl demo dependency:build-classpath -Dmdep.outputFile="$PWD/demo/target/classpath.txt" >/dev/null
exec java -Xmx3g -Dbackfill.jar=cli/target/backfill.jar -Dlog4j2.configurationFile=log4j2-test.xml \
  -cp "demo/target/classes:$(cat demo/target/classpath.txt)" io.backfillfleet.demo.SplitTailBenchmark "$@" \
  2> >(grep --line-buffered -v -E 'WARN|^\s+at ' >&2)
