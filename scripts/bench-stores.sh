#!/usr/bin/env bash
# Benchmark (not a test): read, create-only write and one-thread copy rates per engine on the same generated
# documents, with the copy's ratio to the serial limit 1/(1/read + 1/write). Usage: scripts/bench-stores.sh [docs]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -pl stores -am -DskipTests
mvn -B -q -pl stores exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=io.backfillfleet.store.bench.StoreBenchmark -Dexec.args="${1:-100000}" \
  -Djava.io.tmpdir="$PWD/stores/target" 2> >(grep -v -E 'WARN|^\s+at ' >&2)
