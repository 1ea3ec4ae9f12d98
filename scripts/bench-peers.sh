#!/usr/bin/env bash
# Benchmark (not a test): the worker fleet against the tools a team would use instead, one run, same data, same
# machine, ratios printed. Pairs: Elasticsearch 7.17 (with the reindex module added: _reindex from remote, local
# _reindex, elasticdump), Elasticsearch 8 (elasticdump), Solr 8.11 -> 9.10 (create-only streaming expression),
# OpenSearch 2.19 (with its reindex module added likewise: _reindex from remote).
# Measured like a deployment (--pin, the default with 2 or more cores): the clusters keep their own cores, the copy
# tools run elsewhere. The harness JVM runs under 'taskset -c <first half of the cores>', so ZooKeeper, the Solr 9
# target (in this JVM), the Elasticsearch nodes and the Solr 8 child JVM (its children) and the in-cluster peers
# (_reindex, the streaming expression) share those; every tool process (worker JVMs, 'backfill plan', elasticdump)
# is started under 'taskset -c <the other cores>'. Per tool: docs/s, the ratio to the fleet's best, and the CPU
# seconds per million documents the copy cost the source and the target (from /proc); the fleet at 1, 2, 4 and 8
# workers with its steady-state rate, and once more at its best worker count with the worker's benchmark-only
# -Dbackfill.bench.guard=off (the resurrection guard's share of the source's CPU).
# Usage: scripts/bench-peers.sh [--docs N] [--pairs es7,es8,solr8,os2] [--pin|--no-pin] [--tune] [--no-guard-row]
#        [--workers 1,2,4,8]
#   --docs N         documents per pair (default 200000)      --pairs   which pairs (default all)
#   --no-pin         clusters and tools share every core       --tune    also the long page-size/in-flight sweep rows
#   --no-guard-row   skip the fleet runs without the guard       --workers which fleet sizes (default 1,2,4,8)
# Before the measured rows, one untimed fleet copy warms the clusters' JIT (else the first row pays for it).
# Profiling: BENCH_WORKER_JVM_OPTS (worker JVMs) and BENCH_CLUSTER_JVM_OPTS (Elasticsearch/OpenSearch nodes, which run
# as 'nobody' when started by root, and the Solr 8 child JVM), e.g. "-XX:StartFlightRecording=filename=/tmp/jfr/,settings=profile" with
# /tmp/jfr writable by all; a node writes its recording when it stops at the end of the run.
set -euo pipefail
cd "$(dirname "$0")/.."
ES7=7.17.29
OS2=2.19.6
DIST=/tmp/backfill-fleet-es-dist
{ command -v setpriv && command -v taskset; } >/dev/null 2>&1 \
  || { apt-get update -qq && apt-get install -y -qq util-linux >/dev/null; }

# --pin / --no-pin are this script's; the rest goes to the harness
ARGS=()
PIN=""
for a in "$@"; do
  case "$a" in
    --pin) PIN=on ;;
    --no-pin) PIN=off ;;
    *) ARGS+=("$a") ;;
  esac
done
# the cores this shell may use (its affinity list, e.g. "0-3" or "0,2,4-5"), expanded
CPUS=()
IFS=, read -ra RANGES <<< "$(awk '/^Cpus_allowed_list:/ {print $2}' /proc/self/status)"
for r in "${RANGES[@]}"; do
  if [[ $r == *-* ]]; then for ((c = ${r%-*}; c <= ${r#*-}; c++)); do CPUS+=("$c"); done; else CPUS+=("$r"); fi
done
[ -n "$PIN" ] || { [ "${#CPUS[@]}" -ge 2 ] && PIN=on || PIN=off; }
PINNED=()
if [ "$PIN" = on ]; then
  [ "${#CPUS[@]}" -ge 2 ] || { echo "--pin needs at least 2 cores; this machine has ${#CPUS[@]}" >&2; exit 2; }
  HALF=$(( ${#CPUS[@]} / 2 ))  # cluster side: the first half (at least 1); tools: the rest
  CLUSTER_CPUS=$(IFS=,; echo "${CPUS[*]:0:HALF}")
  TOOL_CPUS=$(IFS=,; echo "${CPUS[*]:HALF}")
  echo "pinning: clusters, ZooKeeper, harness and in-cluster peers on cores $CLUSTER_CPUS; copy tools on cores $TOOL_CPUS"
  PINNED=(taskset -c "$CLUSTER_CPUS")
  PIN_PROPS=(-Dbench.cluster.cpus="$CLUSTER_CPUS" -Dbench.tool.cpus="$TOOL_CPUS")
else
  echo "pinning: off (clusters and copy tools share cores ${CPUS[*]})"
  PIN_PROPS=()
fi
mvn -B -q install -Dmaven.test.skip=true
mvn -B -q -pl demo dependency:build-classpath -Dmdep.outputFile="$PWD/demo/target/classpath.txt" >/dev/null
# this worktree's own modules, not their jars in ~/.m2: another checkout's 'mvn install' replaces those, also while
# this harness runs and loads classes from them
sed -i -E "s#[^:]*/io/backfillfleet/([a-z0-9-]+)/[^/:]+/[^/:]+\.jar#$PWD/\1/target/classes#g" demo/target/classpath.txt

# A copy of a distribution with a 'reindex' module: the reindex-client jar from Maven Central is the module's code
# (the integ-test-zips ship without it). Built once; the original stays untouched. Arguments: the distribution's
# directory under $DIST, the module's pom directory, the jars already in lib/ (patterns: jar hell otherwise), the
# rest client's codebase name; the plugin descriptor comes on stdin.
with_reindex_module() {
  local dist=$DIST/$1-reindex m j p skip
  [ -f "$dist/modules/reindex/plugin-descriptor.properties" ] && return
  mvn -B -q -f "$2/pom.xml" package
  rm -rf "$dist"; cp -a "$DIST/$1" "$dist"
  m=$dist/modules/reindex; mkdir -p "$m"
  for j in "$2"/target/jars/*.jar; do
    skip=no
    for p in $3; do [[ $(basename "$j") == $p ]] && skip=yes; done
    [ "$skip" = yes ] || cp "$j" "$m/"
  done
  cat > "$m/plugin-descriptor.properties"
  cat > "$m/plugin-security.policy" <<EOP
grant {
  permission java.net.SocketPermission "*", "connect";
};
grant codeBase "\${codebase.$4}" {
  permission java.net.NetPermission "getProxySelector";
};
grant codeBase "\${codebase.httpasyncclient}" {
  permission java.net.NetPermission "getProxySelector";
};
EOP
}
REINDEX_DIST=$DIST/elasticsearch-$ES7-reindex
with_reindex_module "elasticsearch-$ES7" bench/peers/reindex-module "elasticsearch-core-*" elasticsearch-rest-client <<EOP
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
OS_REINDEX_DIST=$DIST/opensearch-$OS2-reindex
with_reindex_module "opensearch-$OS2" bench/peers/reindex-module-opensearch \
    "opensearch-common-* reactive-streams-* reactor-core-*" opensearch-rest-client <<EOP
description=The Reindex module adds APIs to reindex from one index to another or update documents in place.
version=$OS2
name=reindex
classname=org.opensearch.index.reindex.ReindexPlugin
java.version=11
opensearch.version=$OS2
extended.plugins=
has.native.controller=false
EOP
# elasticdump from npm, pinned by the lock file; a preload shim answers its version probe (GET /), which the
# integ-test-zip distributions do not serve
[ -x bench/peers/tools/node_modules/.bin/elasticdump ] || (cd bench/peers/tools && npm ci --no-audit --no-fund --silent)

exec "${PINNED[@]}" java -Xmx3g "${PIN_PROPS[@]}" \
  -Dbackfill.jar=cli/target/backfill.jar -Dlog4j2.configurationFile=log4j2-test.xml \
  -Dbench.tools="$PWD/bench/peers/tools" -Dbench.es7.reindex.dist="$REINDEX_DIST" \
  -Dbench.os.reindex.dist="$OS_REINDEX_DIST" \
  -cp "demo/target/classes:$(cat demo/target/classpath.txt)" io.backfillfleet.demo.PeerBenchmark "${ARGS[@]}" \
  2> >(grep --line-buffered -v -E 'WARN|^\s+at ' >&2)
