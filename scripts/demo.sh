#!/usr/bin/env bash
# The demo on the embedded default: builds what it needs, then tells the whole story on real embedded servers
# (ZooKeeper, a legacy and a new Solr cluster, or Elasticsearch / OpenSearch with --engine): a skewed history,
# a live dual-writer, plan, three worker processes (one killed with SIGKILL and restarted), status, verify.
# Exits 0 only if nothing was lost, overwritten or resurrected. Usage: scripts/demo.sh [--engine solr|elasticsearch|opensearch] [--docs N]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v setpriv >/dev/null 2>&1; then
  # Elasticsearch refuses to run as root; the testkit starts it as 'nobody' through util-linux's setpriv.
  apt-get update -qq && apt-get install -y -qq util-linux >/dev/null
fi
echo "building (the backfill jar and the demo) ..."
mvn -B -q install -Dmaven.test.skip=true
mvn -B -q -pl demo dependency:build-classpath -Dmdep.outputFile="$PWD/demo/target/classpath.txt" >/dev/null
exec java -Xmx2g -Dbackfill.jar=cli/target/backfill.jar -Dlog4j2.configurationFile=log4j2-test.xml \
  -cp "demo/target/classes:$(cat demo/target/classpath.txt)" io.backfillfleet.demo.DemoMain "$@"
