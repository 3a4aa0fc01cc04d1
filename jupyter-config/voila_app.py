"""Jupyter server settings for the course as an app: Voila (a server extension, enabled when
voila is installed) shows each module at /voila/render/course/NN_....ipynb with the code hidden.
Used by `bash scripts/open_course.sh --app`; a JupyterHub's single-user servers can load the
same file (`--config=.../voila_app.py`) to serve /user/<name>/voila/render/course/...
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 (given by Jupyter when it loads this file)

# The course's page template (voila/templates/safeguarding-course/, beside this file): Voila's
# own "lab" page with the notebook inside a `main` landmark. Voila finds templates in the
# Jupyter data folders, and JUPYTER_PATH adds this folder to them, so the template works
# wherever this file is used, with nothing to install.
HERE = Path(__file__).resolve().parent
os.environ["JUPYTER_PATH"] = os.pathsep.join(
    p for p in (str(HERE), os.environ.get("JUPYTER_PATH", "")) if p
)
c.VoilaConfiguration.template = "safeguarding-course"

# Leave out front-end extensions that are for JupyterLab only (they fail to load in Voila and
# slow the page down); the widgets and the course's controls (anywidget) stay.
c.VoilaConfiguration.extension_denylist = [
    "@jupyter/nbgrader",
    "@jupyter-notebook/lab-extension",
    "@voila-dashboards/jupyterlab-preview",
]
c.VoilaConfiguration.show_tracebacks = False
c.VoilaConfiguration.theme = "light"
