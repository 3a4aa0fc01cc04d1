#!/usr/bin/env bash
# Set up (or update) the course's JupyterHub for one cohort on this machine. Run as root:
#   sudo bash deploy/jupyterhub/setup.sh --trainer TRAINER --trainees trainees.csv
# Safe to run again. Options: --help. What it does: cohort_hub.py's docstring.
set -euo pipefail
[ -x /usr/bin/python3 ] || { echo "setup: /usr/bin/python3 is missing: apt-get install -y python3 python3-venv" >&2; exit 1; }
exec /usr/bin/python3 "$(dirname "$0")/cohort_hub.py" "$@"
