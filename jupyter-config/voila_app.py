"""Jupyter server settings for the course as an app: Voila (a server extension, enabled when
voila is installed) shows each module at /voila/render/course/NN_....ipynb with the code hidden.
Used by `bash scripts/open_course.sh --app`; a JupyterHub's single-user servers can load the
same file (`--config=.../voila_app.py`) to serve /user/<name>/voila/render/course/...
"""

c = get_config()  # noqa: F821 (given by Jupyter when it loads this file)

# Leave out front-end extensions that are for JupyterLab only (they fail to load in Voila and
# slow the page down); the widgets and the course's controls (anywidget) stay.
c.VoilaConfiguration.extension_denylist = [
    "@jupyter/nbgrader",
    "@jupyter-notebook/lab-extension",
    "@voila-dashboards/jupyterlab-preview",
]
c.VoilaConfiguration.show_tracebacks = False
c.VoilaConfiguration.theme = "light"
