#!/usr/bin/env bash
# The test command for a fresh machine (JDK 17 and Maven only): unit tests, then integration tests against
# real ZooKeeper, SolrCloud and Elasticsearch servers that the build starts itself. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v setpriv >/dev/null 2>&1; then
  # Elasticsearch refuses to run as root; the tests start it as 'nobody' through util-linux's setpriv.
  apt-get update -qq && apt-get install -y -qq util-linux >/dev/null
fi
exec mvn -B verify "$@"
