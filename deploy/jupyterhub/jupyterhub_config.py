"""JupyterHub for one cohort of the course on one machine (JupyterHub 6.1).

setup.sh copies this file to ROOT/jupyterhub_config.py beside the hub_settings.json it writes;
start.sh runs the hub with it, as root. Every user (the trainer and each trainee) is a Linux
user with a private home folder, and their server runs as them (LocalProcessSpawner):

* the course's environment (ROOT/env/venv) is readable by all and holds the course package
  installed from a wheel, so kernels never read the trainer's course folder, which stays
  mode 700 (solutions, gradebook, submissions and feedback);
* each user's ~/course is their own writable copy of the teaching notebooks, made (or topped
  up with new modules, never overwriting) by `copy_course` when their server starts;
* the shared Jupyter config (ROOT/etc/jupyter) gives nbgrader the exchange and the course id;
  trainees' servers also read ROOT/etc/jupyter-trainees first, which hides nbgrader's
  instructor tools (Formgrader, Create Assignment, the course list) from them.

Local additions: every ROOT/jupyterhub_config.d/*.py runs at the end, with `c` and `settings`.
"""

import asyncio
import json
import os
import pwd
from pathlib import Path

c = get_config()  # noqa: F821  (JupyterHub provides get_config)
HERE = Path(__file__).resolve().parent
settings = json.loads((HERE / "hub_settings.json").read_text(encoding="utf-8"))
VENV = Path(settings["venv"])
HUB_DIR = Path(settings["hub_dir"])

# -- the hub and its proxy --------------------------------------------------------------------
c.JupyterHub.ip = settings["ip"]
c.JupyterHub.port = settings["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings["hub_port"]
c.JupyterHub.cookie_secret_file = str(HUB_DIR / "jupyterhub_cookie_secret")
c.JupyterHub.db_url = f"sqlite:///{HUB_DIR / 'jupyterhub.sqlite'}"
c.ConfigurableHTTPProxy.command = [settings["proxy"]]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['proxy_api_port']}"
c.ConfigurableHTTPProxy.pid_file = str(HUB_DIR / "jupyterhub-proxy.pid")

# -- who may log in ---------------------------------------------------------------------------
if settings["auth"] == "shared-password":
    # A workshop: one password for the whole cohort (ROOT/hub/shared_password), given out on
    # the day. Only the listed users can log in with it.
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = (
        Path(settings["password_file"]).read_text(encoding="utf-8").strip()
    )
else:
    c.JupyterHub.authenticator_class = "pam"  # each user's own Linux password
c.Authenticator.allowed_users = {settings["trainer"], *settings["trainees"]}

# -- each user's server, as that user ---------------------------------------------------------
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(VENV / "bin" / "jupyterhub-singleuser")]
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/lab/tree/course/00_start_here.ipynb"
c.Spawner.environment = {
    "PATH": f"{VENV / 'bin'}:/usr/local/bin:/usr/bin:/bin",  # nbgrader runs alembic
    # trainees' servers read the config that hides the instructor tools first
    "JUPYTER_CONFIG_PATH": lambda spawner: (
        settings["shared_config"]
        if spawner.user.name == settings["trainer"]
        else f"{settings['trainee_config']}:{settings['shared_config']}"
    ),
    "EXCHANGE": settings["exchange"],  # as the trainer guide's commands name it
}
# Many trainees logging in at once on a small machine start slowly; give them time.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 120

COPY_TIMEOUT = 120  # seconds


async def copy_course(spawner):
    """Give the user their own writable copy of the teaching notebooks in ~/course: copy what
    is missing, keep everything already there. It runs as the user, never as root."""
    entry = pwd.getpwnam(spawner.user.name)
    process = await asyncio.create_subprocess_exec(
        "/bin/sh",
        "-c",
        'mkdir -p "$2" && cp -Rn "$1/." "$2/"',
        "copy_course",
        settings["notebooks"],
        os.path.join(entry.pw_dir, "course"),
        user=entry.pw_uid,
        group=entry.pw_gid,
        extra_groups=[],
        cwd=entry.pw_dir,
        env={"HOME": entry.pw_dir, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), COPY_TIMEOUT)
    except TimeoutError:
        process.kill()
        raise RuntimeError(
            f"copying the course into ~{entry.pw_name}/course took too long"
        ) from None
    if process.returncode != 0:
        raise RuntimeError(
            f"the course could not be copied into ~{entry.pw_name}/course: "
            f"{output.decode('utf-8', 'replace')[-500:]}"
        )


c.Spawner.pre_spawn_hook = copy_course

# -- servers nobody uses are stopped after an hour, so memory goes to active trainees ---------
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [str(VENV / "bin" / "python"), "-m", "jupyterhub_idle_culler", "--timeout=3600"],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]

# -- local additions --------------------------------------------------------------------------
for extra in sorted((HERE / "jupyterhub_config.d").glob("*.py")):
    code = compile(extra.read_text(encoding="utf-8"), str(extra), "exec")
    exec(code, {"c": c, "settings": settings})
