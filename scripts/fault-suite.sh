#!/usr/bin/env bash
# Proof under fire (not a unit test): the backfill under live dual-writes while workers are SIGKILLed, a ZooKeeper
# member stops, a worker freezes past its session, the target goes down, and throttle/pause change. Prints one line
# of figures; exits 0 only if nothing was lost, overwritten or resurrected. CI runs a reduced size (FaultSuiteIT).
# Usage: scripts/fault-suite.sh [--engine solr|elasticsearch|opensearch] [--docs N]   (default: solr, 200000)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -Dmaven.test.skip=true
mvn -B -q -pl demo dependency:build-classpath -Dmdep.outputFile="$PWD/demo/target/classpath.txt" >/dev/null
exec java -Xmx2g -Dbackfill.jar=cli/target/backfill.jar -Dlog4j2.configurationFile=log4j2-test.xml \
  -cp "demo/target/classes:$(cat demo/target/classpath.txt)" io.backfillfleet.demo.FaultSuite "$@"
