#!/usr/bin/env bash
# The test command for a fresh machine (JDK 17 and Maven only): unit tests, then integration tests against
# real ZooKeeper, SolrCloud and Elasticsearch servers that the build starts itself. Extra arguments go to Maven.
# It installs what the tests need from Debian when missing: util-linux's setpriv, Chromium and Prometheus.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v setpriv >/dev/null 2>&1; then
  # Elasticsearch refuses to run as root; the tests start it as 'nobody' through util-linux's setpriv.
  apt-get update -qq && apt-get install -y -qq util-linux >/dev/null
fi
if ! command -v chromium >/dev/null 2>&1; then
  # the browser check of the HTML reports (ReadCheckCommandsIT) opens them in Debian's headless Chromium; without
  # it that check is skipped with a message saying so
  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
    || echo "test.sh: could not install chromium; the browser check of the HTML reports will be skipped" >&2
fi
if ! command -v promtool >/dev/null 2>&1 || [ ! -x /usr/bin/prometheus ]; then
  # a real Prometheus scrapes a worker (PrometheusScrapeIT) and promtool tests the chart's alerts (AlertRulesTest);
  # without the package those tests fail saying so
  (apt-get update -qq && apt-get install -y -qq prometheus >/dev/null) \
    || echo "test.sh: could not install Debian's prometheus package; the Prometheus tests will fail for that reason" >&2
fi
exec mvn -B verify "$@"
