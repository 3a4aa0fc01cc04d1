"""Set up a JupyterHub for one cohort of the course on one Linux machine. Run it as root
through setup.sh (it uses only Python's standard library, so Debian's /usr/bin/python3 runs it).

    sudo bash deploy/jupyterhub/setup.sh --trainer TRAINER --trainees trainees.csv

What it does, each step safe to repeat (run it again after changing the trainee list or
updating the course; nothing a trainee or the trainer wrote is overwritten):

1. The environment, in ROOT/env (readable by every user, writable by root only): a Python
   venv built from Debian's /usr/bin/python3 with the course's pinned requirements, the hub's
   (requirements.txt beside this file) and the course package installed from a wheel (never
   editable, so no user's kernel reads the trainer's folder), and configurable-http-proxy
   from npm (package-lock.json beside this file). Skipped when nothing has changed.
2. Linux users for the trainer and every trainee in the CSV (nbgrader's student import
   format: id,first_name,last_name,email), with home folders only their owner can open.
3. The shared Jupyter config every user server reads (ROOT/etc/jupyter: the exchange and the
   course id for nbgrader) and the one trainees' servers read first (ROOT/etc/jupyter-trainees:
   nbgrader's instructor tools, Formgrader, Create Assignment and the course list, off).
4. The exchange (ROOT/exchange, mode 1777 as nbgrader needs) with the course's folder in it
   owned by the trainer, so no trainee can take the course's name first.
5. The trainer's course folder ~TRAINER/online-grooming-awareness, mode 700: nbgrader's
   config, solutions/ and the trainee list; trainee names imported into the gradebook with
   `nbgrader db student import`.
6. The teaching notebooks (ROOT/course, read-only), which the hub copies into each user's
   ~/course when their server starts (see jupyterhub_config.py), and the hub's settings
   (ROOT/hub_settings.json) and config (ROOT/jupyterhub_config.py).

Then start the hub with `sudo bash deploy/jupyterhub/start.sh`.
"""

from __future__ import annotations

import argparse
import csv
import grp
import hashlib
import io
import json
import os
import pwd
import re
import secrets
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
COURSE_ID = "online-grooming-awareness"
DEFAULT_ROOT = Path("/srv/safeguarding-course")
SYSTEM_PYTHON = Path("/usr/bin/python3")
NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
CSV_COLUMNS = ("id", "first_name", "last_name", "email")
#: nbgrader's tools for instructors: off for every user, on for the trainer
INSTRUCTOR_LAB_EXTENSIONS = (
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:create-assignment",
)
INSTRUCTOR_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
)
COMMAND_TIMEOUT = 900  # seconds; a first pip install takes about two minutes


class SetupError(SystemExit):
    """A problem the person running setup can fix; the message says what to do."""

    def __init__(self, message: str):
        super().__init__(f"setup: {message}")


def say(message: str) -> None:
    print(f"setup: {message}", flush=True)


def run(cmd: list[str], *, user: str | None = None, cwd: Path | None = None, env=None,
        input_bytes: bytes | None = None, what: str = "") -> subprocess.CompletedProcess:
    """Run a command (as `user` if given); a failure stops setup with its output."""
    kwargs = {}
    if user is not None:
        entry = pwd.getpwnam(user)
        kwargs = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
        env = {
            "HOME": entry.pw_dir,
            "USER": user,
            "LOGNAME": user,
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            **(env or {}),
        }
        cwd = cwd or Path(entry.pw_dir)
    try:
        result = subprocess.run(
            cmd, cwd=cwd, env=env, input=input_bytes, capture_output=True,
            timeout=COMMAND_TIMEOUT, **kwargs,
        )
    except FileNotFoundError:
        raise SetupError(
            f"{cmd[0]} was not found; {what or 'install it and run setup again'}"
        ) from None
    except subprocess.TimeoutExpired:
        raise SetupError(
            f"`{' '.join(cmd)}` took more than {COMMAND_TIMEOUT} s; run setup again"
        ) from None
    if result.returncode != 0:
        output = (result.stdout + result.stderr).decode("utf-8", "replace")[-3000:]
        raise SetupError(
            f"`{' '.join(cmd)}`{f' (as {user})' if user else ''} failed "
            f"(exit {result.returncode}){f': {what}' if what else ''}\n{output}"
        )
    return result


# -- checks ------------------------------------------------------------------------------------


def check_machine(need_users: bool) -> None:
    if sys.platform != "linux":
        raise SetupError("the hub runs on Linux only.")
    if need_users and os.geteuid() != 0:
        raise SetupError("run it as root (sudo bash deploy/jupyterhub/setup.sh ...): it creates "
                         "users and folders that belong to them.")
    if not SYSTEM_PYTHON.is_file():
        raise SetupError(f"{SYSTEM_PYTHON} is missing: apt-get install -y python3 python3-venv")
    version = run([str(SYSTEM_PYTHON), "-c", "import sys; print(sys.version_info[:2] >= (3, 11))"])
    if version.stdout.strip() != b"True":
        raise SetupError(f"{SYSTEM_PYTHON} is older than Python 3.11, which nbgrader 0.9 needs.")
    if shutil.which("npm") is None or shutil.which("node") is None:
        raise SetupError("node and npm are missing (the hub's proxy needs them): "
                         "apt-get install -y nodejs npm")


def read_trainees(path: Path) -> list[dict[str, str]]:
    """The trainee list: nbgrader's student import CSV, ids checked as Linux user names."""
    if not path.is_file():
        raise SetupError(f"the trainee list {path} does not exist.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise SetupError(f"{path} is not UTF-8 text: save it from your spreadsheet as "
                         "'CSV UTF-8'.") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise SetupError(f"{path}: the first line must name the columns "
                         f"{','.join(CSV_COLUMNS)} (missing: {', '.join(missing)}).")
    rows, seen = [], set()
    for line, row in enumerate(reader, start=2):
        trainee = (row.get("id") or "").strip()
        if not NAME.match(trainee):
            raise SetupError(
                f"{path}, line {line}: the id {trainee!r} cannot be a Linux user name. Use "
                "lower-case letters, digits, '-' or '_', starting with a letter (at most 32)."
            )
        if trainee in seen:
            raise SetupError(f"{path}, line {line}: the id {trainee!r} is listed twice.")
        seen.add(trainee)
        rows.append({c: (row.get(c) or "").strip() for c in CSV_COLUMNS})
    if not rows:
        raise SetupError(f"{path} lists no trainees.")
    return rows


# -- 1. the environment -------------------------------------------------------------------------


def _digest(*parts: bytes) -> str:
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


#: what the course's wheel is built from (pyproject.toml names jupyter-config/ in data-files)
WHEEL_FOLDERS = ("src", "jupyter-config")


def _course_source_digest() -> str:
    files = sorted(
        p for folder in WHEEL_FOLDERS for p in (REPO / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".pyc")
        and ".egg-info" not in str(p)
    )  # fmt: skip
    files.append(REPO / "pyproject.toml")
    return _digest(*(str(p.relative_to(REPO)).encode() + b"\0" + p.read_bytes() for p in files))


def course_requirements() -> str:
    """The course's pinned requirements without its editable install of itself."""
    lines = (REPO / "requirements.txt").read_text().splitlines()
    return "\n".join(line for line in lines if not line.strip().startswith("-e")) + "\n"


def install_environment(env_dir: Path) -> tuple[Path, Path]:
    """The venv and the proxy; returns their paths. Reinstalls only what has changed."""
    env_dir.mkdir(parents=True, exist_ok=True)
    venv, proxy_dir = env_dir / "venv", env_dir / "proxy"
    python = venv / "bin" / "python"
    if not python.exists():
        say(f"making the environment {venv} from {SYSTEM_PYTHON}")
        run([str(SYSTEM_PYTHON), "-m", "venv", str(venv)],
            what="on Debian, apt-get install -y python3-venv")
    marker = venv / ".course-installed"
    wanted = {
        "requirements": _digest(course_requirements().encode(),
                                (HERE / "requirements.txt").read_bytes()),
        "course": _course_source_digest(),
    }
    done = json.loads(marker.read_text()) if marker.is_file() else {}
    if done.get("requirements") != wanted["requirements"]:
        say("installing the pinned requirements (about two minutes the first time)")
        with tempfile.TemporaryDirectory() as tmp:
            reqs = Path(tmp) / "course-requirements.txt"
            reqs.write_text(course_requirements())
            run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                 "-r", str(reqs), "-r", str(HERE / "requirements.txt")],
                what="check the network to PyPI and the pins in requirements.txt")
        done["requirements"] = wanted["requirements"]
        done.pop("course", None)
    if done.get("course") != wanted["course"]:
        say("installing the course package from a wheel (not editable)")
        with tempfile.TemporaryDirectory() as tmp:
            for folder in WHEEL_FOLDERS:
                if (REPO / folder).is_dir():
                    shutil.copytree(REPO / folder, Path(tmp) / folder,
                                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
            for name in ("pyproject.toml", "README.md", "LICENSE"):
                shutil.copy(REPO / name, Path(tmp) / name)
            run([str(python), "-m", "pip", "wheel", "--quiet", "--no-deps",
                 "--disable-pip-version-check", "-w", str(Path(tmp) / "dist"), tmp])
            wheel = next((Path(tmp) / "dist").glob("*.whl"))
            run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall",
                 "--disable-pip-version-check", str(wheel)])
        done["course"] = wanted["course"]
    marker.write_text(json.dumps(done))
    lock = (HERE / "package-lock.json").read_bytes()
    proxy = proxy_dir / "node_modules" / ".bin" / "configurable-http-proxy"
    proxy_marker = proxy_dir / ".installed"
    installed = proxy_marker.read_text() if proxy_marker.is_file() else ""
    if not proxy.exists() or installed != _digest(lock):
        say("installing configurable-http-proxy from npm (package-lock.json)")
        proxy_dir.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(HERE / name, proxy_dir / name)
        run(["npm", "ci", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=proxy_dir, what="check the network to the npm registry")
        proxy_marker.write_text(_digest(lock))
    run(["chmod", "-R", "a+rX,go-w", str(env_dir)])
    return venv, proxy


# -- 2. users -----------------------------------------------------------------------------------


def ensure_user(name: str) -> pwd.struct_passwd:
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        say(f"adding the user {name}")
        run(["useradd", "--create-home", "--shell", "/bin/bash", "--user-group", name],
            what="useradd comes with Debian's passwd package")
        entry = pwd.getpwnam(name)
    if entry.pw_uid == 0:
        raise SetupError(f"{name} is a root account; choose another name.")
    home = Path(entry.pw_dir)
    if not home.is_dir():
        raise SetupError(f"the home folder of {name} ({home}) does not exist.")
    os.chmod(home, 0o700)  # reflections, progress and CPD records are the user's own
    return entry


# -- files as a user ----------------------------------------------------------------------------


def copy_as(user: str, files: dict[str, bytes], dest: Path, mode: int = 0o600) -> None:
    """Write `files` (relative path -> bytes) into `dest` as `user`, keeping any file that is
    already there. The user's own tar does the writing, so nothing is written with root's
    rights into a folder the user controls."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in sorted(files.items()):
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), mode, int(time.time())
            tar.addfile(info, io.BytesIO(data))
    run(["mkdir", "-p", "-m", "700", str(dest)], user=user)
    run(["tar", "-x", "--skip-old-files", "--no-same-owner", "-C", str(dest), "-f", "-"],
        user=user, input_bytes=buffer.getvalue())


def write_as(user: str, path: Path, data: bytes, mode: str = "600") -> None:
    """Write (replace) one file as `user`."""
    run(["mkdir", "-p", str(path.parent)], user=user)
    run(["sh", "-c", 'umask 077 && cat > "$1" && chmod "$2" "$1"', "sh", str(path), mode],
        user=user, input_bytes=data)


def tree_bytes(folder: Path, prefix: str) -> dict[str, bytes]:
    return {
        f"{prefix}/{p.relative_to(folder)}": p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts
    }


# -- 3.-6. the cohort ---------------------------------------------------------------------------


def write_shared_config(root: Path, exchange: Path) -> tuple[Path, Path]:
    """ROOT/etc/jupyter, read by every user's server, and ROOT/etc/jupyter-trainees, read
    before it by trainees' servers only (the hub sets JUPYTER_CONFIG_PATH; it outranks a
    user's own ~/.jupyter, so a trainee cannot switch the instructor tools back on)."""
    config, trainees = root / "etc" / "jupyter", root / "etc" / "jupyter-trainees"
    for folder in (config, trainees):
        shutil.rmtree(folder, ignore_errors=True)  # written afresh, so nothing stale stays
    config.mkdir(parents=True, exist_ok=True)
    (trainees / "labconfig").mkdir(parents=True, exist_ok=True)
    (config / "nbgrader_config.py").write_text(
        '"""nbgrader settings for every user of the hub (written by setup.sh)."""\n'
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        f"c.Exchange.root = {str(exchange)!r}\n"
        "# collected submissions stay private to the trainer; none filed under another's name\n"
        'c.ExchangeFactory.collect = "safeguarding_course.exchange.PrivateCollect"\n'
        "c.PrivateCollect.require_owner = True\n"
    )
    (trainees / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {name: True for name in INSTRUCTOR_LAB_EXTENSIONS}}, indent=2))
    (trainees / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {n: False for n in INSTRUCTOR_SERVER_EXTENSIONS}}},
        indent=2))
    run(["chmod", "-R", "a+rX,go-w", str(root / "etc")])
    return config, trainees


def ensure_exchange(exchange: Path, trainer: pwd.struct_passwd) -> None:
    exchange.mkdir(parents=True, exist_ok=True)
    os.chown(exchange, 0, 0)
    os.chmod(exchange, 0o1777)  # writable by all, as nbgrader checks; sticky, like /tmp
    course = exchange / COURSE_ID
    if course.is_symlink():
        raise SetupError(f"{course} is a symbolic link; remove it and run setup again.")
    if not course.exists():
        course.mkdir()
        os.chown(course, trainer.pw_uid, trainer.pw_gid)
        os.chmod(course, 0o755)
    owner = course.stat().st_uid
    if owner != trainer.pw_uid:
        raise SetupError(
            f"{course} belongs to {pwd.getpwuid(owner).pw_name}, not the trainer "
            f"{trainer.pw_name}: someone else made it. Check what is in it, remove it, and "
            "run setup again."
        )


def set_up_trainer(trainer: pwd.struct_passwd, venv: Path, shared_config: Path,
                   trainees_csv: Path, db_url: str | None) -> Path:
    name, home = trainer.pw_name, Path(trainer.pw_dir)
    course = home / COURSE_ID
    files = {"nbgrader_config.py": (REPO / "nbgrader_config.py").read_bytes()}
    files.update(tree_bytes(REPO / "solutions", "solutions"))
    files["docs/cohort_report.ipynb"] = (REPO / "docs" / "cohort_report.ipynb").read_bytes()
    say(f"the trainer's course folder {course} (mode 700; files already there are kept)")
    copy_as(name, files, course)
    run(["chmod", "700", str(course)], user=name)
    write_as(name, course / "trainees.csv", trainees_csv.read_bytes())
    if db_url:
        write_as(name, course / "nbgrader_local_config.py",
                 f"c.CourseDirectory.db_url = {db_url!r}\n".encode())
    write_as(name, home / ".jupyter" / "nbgrader_config.py", (
        "# The trainer's course folder (written by deploy/jupyterhub/setup.sh): formgrader\n"
        "# and nbgrader's commands use it wherever they are started.\n"
        f"c.CourseDirectory.root = {str(course)!r}\n").encode(), mode="644")
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",  # nbgrader runs alembic
        "JUPYTER_CONFIG_PATH": str(shared_config),
    }
    say("importing the trainees' names into the gradebook (nbgrader db student import)")
    run([str(venv / "bin" / "nbgrader"), "db", "student", "import", "trainees.csv"],
        user=name, env=env, cwd=course)
    return course


def publish_notebooks(root: Path) -> Path:
    """The teaching notebooks, read-only, for the hub to copy into each user's ~/course."""
    target = root / "course"
    staging = root / ".course-new"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(REPO / "course", staging,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "my_cpd_record",
                                                  "__pycache__"))
    run(["chmod", "-R", "a+rX,go-w", str(staging)])
    old = root / ".course-old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def hub_password(hub_dir: Path) -> Path:
    path = hub_dir / "shared_password"
    if not path.is_file():
        path.write_text(secrets.token_urlsafe(12) + "\n")
    os.chmod(path, 0o600)
    return path


def env(name: str, default: str = "") -> str:
    """A default for an option from the environment ($COURSE_HUB_<NAME>)."""
    return os.environ.get(f"COURSE_HUB_{name}", default)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="setup.sh", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(os.environ.get(
        "COURSE_HUB_ROOT", DEFAULT_ROOT)), help=f"the hub's folder (default {DEFAULT_ROOT}, "
        "or $COURSE_HUB_ROOT)")
    parser.add_argument("--trainer", help="the trainer's user name (made if missing)")
    parser.add_argument("--trainees", type=Path, help="CSV: id,first_name,last_name,email")
    parser.add_argument("--auth", choices=("shared-password", "pam"), default="shared-password",
                        help="shared-password (a workshop: one password for the cohort, in "
                        "ROOT/hub/shared_password) or pam (each user's own Linux password)")
    parser.add_argument("--ip", default=env("IP", "0.0.0.0"), help="address the hub listens "
                        "on (default all; $COURSE_HUB_IP)")
    parser.add_argument("--port", type=int, default=int(env("PORT", "8000")),
                        help="port of the hub (default 8000; $COURSE_HUB_PORT)")
    parser.add_argument("--hub-port", type=int, default=int(env("HUB_PORT", "8081")),
                        help="the hub's internal port (default 8081; $COURSE_HUB_HUB_PORT)")
    parser.add_argument("--proxy-api-port", type=int, default=int(env("PROXY_API_PORT", "8001")),
                        help="the proxy's internal API port (default 8001; "
                        "$COURSE_HUB_PROXY_API_PORT)")
    parser.add_argument("--db-url", help="the gradebook's database URL, for example "
                        "postgresql+psycopg://trainer:PASSWORD@127.0.0.1/gradebook "
                        "(default: SQLite in the trainer's course folder)")
    parser.add_argument("--env-dir", type=Path, default=env("ENV_DIR") or None,
                        help="where the Python environment and the proxy are installed "
                        "(default ROOT/env; $COURSE_HUB_ENV_DIR)")
    parser.add_argument("--environment-only", action="store_true",
                        help="only install (or update) the environment and the proxy")
    args = parser.parse_args(argv)

    check_machine(need_users=not args.environment_only)
    root = args.root.resolve()
    env_dir = (args.env_dir or root / "env").resolve()
    if args.environment_only:
        venv, proxy = install_environment(env_dir)
        say(f"environment ready: {venv} and {proxy}")
        return 0
    if not args.trainer or not args.trainees:
        parser.error("give --trainer NAME and --trainees FILE.csv")
    if not NAME.match(args.trainer):
        raise SetupError(f"the trainer's name {args.trainer!r} cannot be a Linux user name.")
    trainees = read_trainees(args.trainees)
    if args.trainer in {t["id"] for t in trainees}:
        raise SetupError(f"{args.trainer} is both the trainer and in {args.trainees}.")

    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o755)
    hub_dir = root / "hub"
    hub_dir.mkdir(exist_ok=True)
    os.chmod(hub_dir, 0o700)
    venv, proxy = install_environment(env_dir)
    trainer = ensure_user(args.trainer)
    for trainee in trainees:
        ensure_user(trainee["id"])
    exchange = root / "exchange"
    ensure_exchange(exchange, trainer)
    shared_config, trainee_config = write_shared_config(root, exchange)
    notebooks = publish_notebooks(root)
    set_up_trainer(trainer, venv, shared_config, args.trainees.resolve(), args.db_url)
    (root / "jupyterhub_config.d").mkdir(exist_ok=True)
    shutil.copy(HERE / "jupyterhub_config.py", root / "jupyterhub_config.py")
    settings = {
        "root": str(root),
        "venv": str(venv),
        "proxy": str(proxy),
        "shared_config": str(shared_config),
        "trainee_config": str(trainee_config),
        "exchange": str(exchange),
        "notebooks": str(notebooks),
        "hub_dir": str(hub_dir),
        "auth": args.auth,
        "password_file": str(hub_password(hub_dir)),
        "trainer": args.trainer,
        "trainees": [t["id"] for t in trainees],
        "ip": args.ip,
        "port": args.port,
        "hub_port": args.hub_port,
        "proxy_api_port": args.proxy_api_port,
        "course_id": COURSE_ID,
    }
    (root / "hub_settings.json").write_text(json.dumps(settings, indent=2) + "\n")
    gid = grp.getgrnam("root").gr_gid
    for name in ("hub_settings.json", "jupyterhub_config.py"):
        os.chown(root / name, 0, gid)
        os.chmod(root / name, 0o644)
    say(f"done: {len(trainees)} trainees and the trainer {args.trainer}.")
    say(f"start the hub with: sudo bash {HERE / 'start.sh'} (it serves http://{args.ip}:"
        f"{args.port}/)")
    if args.auth == "shared-password":
        say(f"the cohort's password is in {hub_dir / 'shared_password'} (root only)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
