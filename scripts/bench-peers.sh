#!/usr/bin/env bash
# Benchmark (not a test): the worker fleet against the tools a team would use instead, one run, same data, same
# machine, ratios printed. Pairs: Elasticsearch 7.17 (with the reindex module added: _reindex from remote, local
# _reindex, elasticdump), Elasticsearch 8 (elasticdump), Solr 8.11 -> 9.10 (create-only streaming expression).
# Usage: scripts/bench-peers.sh [--docs N] [--pairs es7,es8,solr8]   (default 200000, all pairs)
set -euo pipefail
cd "$(dirname "$0")/.."
ES7=7.17.29
DIST=/tmp/backfill-fleet-es-dist
command -v setpriv >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq util-linux >/dev/null; }
mvn -B -q install -Dmaven.test.skip=true
mvn -B -q -pl demo dependency:build-classpath -Dmdep.outputFile="$PWD/demo/target/classpath.txt" >/dev/null

# Elasticsearch 7.17 with a 'reindex' module: the reindex-client jar from Maven Central is the module's code
# (the integ-test-zip ships without it). Built once into a copy of the distribution; the original stays untouched.
REINDEX_DIST=$DIST/elasticsearch-$ES7-reindex
if [ ! -f "$REINDEX_DIST/modules/reindex/plugin-descriptor.properties" ]; then
  mvn -B -q -f bench/peers/reindex-module/pom.xml package
  rm -rf "$REINDEX_DIST"; cp -a "$DIST/elasticsearch-$ES7" "$REINDEX_DIST"
  M=$REINDEX_DIST/modules/reindex; mkdir -p "$M"
  for j in bench/peers/reindex-module/target/jars/*.jar; do
    case "$(basename "$j")" in elasticsearch-core-*) continue;; esac  # already in lib/: jar hell otherwise
    cp "$j" "$M/"
  done
  cat > "$M/plugin-descriptor.properties" <<EOP
description=The Reindex module adds APIs to reindex from one index to another or update documents in place.
version=$ES7
name=reindex
classname=org.elasticsearch.reindex.ReindexPlugin
java.version=1.8
elasticsearch.version=$ES7
extended.plugins=
has.native.controller=false
type=isolated
EOP
  cat > "$M/plugin-security.policy" <<'EOP'
grant {
  permission java.net.SocketPermission "*", "connect";
};
grant codeBase "${codebase.elasticsearch-rest-client}" {
  permission java.net.NetPermission "getProxySelector";
};
grant codeBase "${codebase.httpasyncclient}" {
  permission java.net.NetPermission "getProxySelector";
};
EOP
fi
# elasticdump from npm, pinned by the lock file; a preload shim answers its version probe (GET /), which the
# integ-test-zip distributions do not serve
[ -x bench/peers/tools/node_modules/.bin/elasticdump ] || (cd bench/peers/tools && npm ci --no-audit --no-fund --silent)

exec java -Xmx3g -Dbackfill.jar=cli/target/backfill.jar -Dlog4j2.configurationFile=log4j2-test.xml \
  -Dbench.tools="$PWD/bench/peers/tools" -Dbench.es7.reindex.dist="$REINDEX_DIST" \
  -cp "demo/target/classes:$(cat demo/target/classpath.txt)" io.backfillfleet.demo.PeerBenchmark "$@" \
  2> >(grep -v -E 'WARN|^\s+at ' >&2)
