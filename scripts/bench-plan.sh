#!/usr/bin/env bash
# Benchmark (not a test): plans N tenants (default 10000) against real Solr and Elasticsearch; prints queries sent
# and wall time. Usage: scripts/bench-plan.sh [tenants]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -pl planner -am -DskipTests
mvn -B -q -pl planner exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=io.backfillfleet.planner.bench.PlannerBenchmark -Dexec.args="${1:-10000}" \
  -Djava.io.tmpdir="$PWD/planner/target" 2> >(grep -v -E 'WARN|^\s+at ' >&2)
