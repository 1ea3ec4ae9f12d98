#!/usr/bin/env bash
# The migration matrix (not a unit test): every supported source major into every supported target major, each
# cell with a live dual-writer, two worker processes and verify. Prints the matrix with pass/fail per cell; exits 0
# only if every cell passes. CI runs it at 4,000 documents per cell (MigrationMatrixIT).
# Usage: scripts/matrix.sh [DOCS_PER_CELL]   (default 20000)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v setpriv >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq util-linux >/dev/null  # Elasticsearch runs as 'nobody' via setpriv
fi
mvn -B -q install -Dmaven.test.skip=true
mvn -B -q -pl demo dependency:build-classpath -Dmdep.outputFile="$PWD/demo/target/classpath.txt" >/dev/null
exec java -Xmx2g -Dbackfill.jar=cli/target/backfill.jar -Dlog4j2.configurationFile=log4j2-test.xml \
  -cp "demo/target/classes:$(cat demo/target/classpath.txt)" io.backfillfleet.demo.MigrationMatrix "$@"
