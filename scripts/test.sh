#!/usr/bin/env bash
# Install everything the tests need, then run the whole test suite.
# Used as written by the README and by CI (.ci/run). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "Python 3.11 or newer is needed (python3 is $(python3 --version))." >&2; exit 1; }
[ -d .venv ] || python3 -m venv .venv
. .venv/bin/activate
pip install --quiet -r requirements-test.txt
# the course's Jupyter settings, as scripts/open_course.sh installs them for a learner
mkdir -p .venv/share/jupyter/lab/settings/overrides.d .venv/etc/jupyter/jupyter_server_config.d
cp jupyter-config/lab-settings/safeguarding-course.json .venv/share/jupyter/lab/settings/overrides.d/
cp jupyter-config/jupyter_server_config.d/safeguarding-course.json .venv/etc/jupyter/jupyter_server_config.d/

# The browser tests drive Debian's Chromium (Playwright's own browser download is not used).
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq chromium
fi

# The PostgreSQL gradebook test starts a server from Debian's packages.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq postgresql
fi

# The hub tests add Linux users, so they run as root (as in CI): build the hub's environment
# (the course from a wheel, JupyterHub, configurable-http-proxy from npm); quick when unchanged.
if [ "$(id -u)" = 0 ]; then
  if ! command -v npm >/dev/null || ! /usr/bin/python3 -c 'import ensurepip' 2>/dev/null; then
    apt-get update -qq
    apt-get install -y -qq nodejs npm python3-venv
  fi
  python tests/hub_support.py prepare
else
  echo "Not root: the JupyterHub tests will be skipped (they add Linux users)."
fi

ruff check src tests deploy benchmarks
python -m pytest -n 2 --dist loadfile --durations=15 "$@"
