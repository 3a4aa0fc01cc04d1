#!/usr/bin/env bash
# Open the course: install what it needs into .venv (the first time, or when the requirements
# change), then start it on this computer with this folder as the top folder, at the start
# page (course/00_start_here.ipynb), so course/, assignments/ and docs/ are all reachable.
#
#   bash scripts/open_course.sh         JupyterLab (notebooks you can run and edit)
#   bash scripts/open_course.sh --app   the course as an app (Voila: pages with the code hidden)
#
# Works as a normal user and as root (in a container, say): Jupyter refuses root unless it is
# told --allow-root, so the script adds it for root only. Extra arguments go to Jupyter.
# COURSE_VENV names an environment to use as it is, with nothing installed into it (the
# test of this command uses the test environment that way).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"

MODE=lab
if [ "${1:-}" = "--app" ]; then MODE=app; shift; fi

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "Python 3.11 or newer is needed (python3 is $(python3 --version))." >&2; exit 1; }

if [ -n "${COURSE_VENV:-}" ]; then
  VENV="$COURSE_VENV"
else
  VENV="$REPO/.venv"
  STAMP="$VENV/.course-installed"
  WANT="$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1) $REPO"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  if [ "$(cat "$STAMP" 2>/dev/null || true)" != "$WANT" ]; then
    echo "Installing the course's tools into .venv (the first time takes a minute or two)..."
    "$VENV/bin/pip" install --quiet -r requirements.txt
    echo "$WANT" > "$STAMP"
  fi
  # The course's Jupyter settings: widget state saved with the notebook, and the server
  # extension that keeps saved widgets displayable. A wheel install puts them there itself;
  # an editable install (as here) does not.
  mkdir -p "$VENV/share/jupyter/lab/settings/overrides.d" "$VENV/etc/jupyter/jupyter_server_config.d"
  cp jupyter-config/lab-settings/safeguarding-course.json \
    "$VENV/share/jupyter/lab/settings/overrides.d/"
  cp jupyter-config/jupyter_server_config.d/safeguarding-course.json \
    "$VENV/etc/jupyter/jupyter_server_config.d/"
fi
# shellcheck disable=SC1091
. "$VENV/bin/activate"

ARGS=(--ServerApp.root_dir="$REPO")
[ "$(id -u)" = 0 ] && ARGS+=(--allow-root)

if [ "$MODE" = app ]; then
  START=/voila/render/course/00_start_here.ipynb
  echo "Opening the course as an app at ${START} (press Ctrl+C twice to stop)."
  exec jupyter server "${ARGS[@]}" --ServerApp.default_url="$START" --ServerApp.open_browser=True \
    --config="$REPO/jupyter-config/voila_app.py" "$@"
fi
START=/lab/tree/course/00_start_here.ipynb
echo "Opening the course in JupyterLab at ${START} (press Ctrl+C twice to stop)."
exec jupyter lab "${ARGS[@]}" --LabApp.default_url="$START" "$@"
