#!/usr/bin/env bash
# Start the course's JupyterHub set up by setup.sh, in the foreground (Ctrl+C stops it and
# every user server). Run as root:  sudo bash deploy/jupyterhub/start.sh
set -euo pipefail
ROOT="${COURSE_HUB_ROOT:-/srv/safeguarding-course}"
SETTINGS="$ROOT/hub_settings.json"
[ -f "$SETTINGS" ] || { echo "start: $SETTINGS not found: run deploy/jupyterhub/setup.sh first (or set COURSE_HUB_ROOT)." >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "start: run it as root (sudo): the hub starts each user's server as that user." >&2; exit 1; }
VENV="$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["venv"])' "$SETTINGS")"
cd "$ROOT/hub"
exec "$VENV/bin/jupyterhub" -f "$ROOT/jupyterhub_config.py"
