#!/usr/bin/env bash
# Benchmark (not a test): plans N tenants (default 10000) against real Solr and Elasticsearch; prints, per engine,
# queries sent, wall time of the plan (indexing the generated documents not counted) and whether the goal of issue 16
# is met: 100,000 tenants planned in under 60 s. Usage: scripts/bench-plan.sh [tenants]   (the goal: 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -pl planner -am -DskipTests
mvn -B -q -pl planner exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=io.backfillfleet.planner.bench.PlannerBenchmark -Dexec.args="${1:-10000}" \
  -Djava.io.tmpdir="$PWD/planner/target" 2> >(grep -v -E 'WARN|^\s+at ' >&2)
