#!/usr/bin/env bash
# Benchmark (not a test): store read-only rate, create-only write rate, and the backfill with 1, 2 and 4 worker
# processes on the same skewed data (20 tenants), with ratios to the serial limit and ZooKeeper operations per
# million documents. Usage: scripts/bench-copy.sh [--engine solr|elasticsearch|opensearch] [--docs N]   (default 500000)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -Dmaven.test.skip=true
mvn -B -q -pl demo dependency:build-classpath -Dmdep.outputFile="$PWD/demo/target/classpath.txt" >/dev/null
exec java -Xmx3g -Dbackfill.jar=cli/target/backfill.jar -Dlog4j2.configurationFile=log4j2-test.xml \
  -cp "demo/target/classes:$(cat demo/target/classpath.txt)" io.backfillfleet.demo.CopyBenchmark "$@" 2> >(grep -v -E 'WARN|^\s+at ' >&2)
