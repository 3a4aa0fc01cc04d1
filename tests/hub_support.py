"""A real JupyterHub for a cohort, set up by the course's own command, for tests.

`CohortHub` makes a trainer and trainees with unique names (a random suffix, so two runs on
one machine never collide), runs `deploy/jupyterhub/setup.sh` for them into a temporary
folder, starts the hub with `deploy/jupyterhub/start.sh` on free ports on 127.0.0.1, and
always stops it and removes the users (`userdel -r`), their processes and its folders.

Tests act as each user through the hub: a token per user (made by a test-only service
added in ROOT/jupyterhub_config.d), the user's server's REST API, and `run_code`, which runs
Python in a kernel of that user's own server (so it runs as that Linux user).

The environment (the course installed from a wheel into a venv from Debian's Python, and
configurable-http-proxy from npm) is built once by `python tests/hub_support.py prepare`,
which scripts/test.sh runs as root.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy" / "jupyterhub"
COURSE_ID = "online-grooming-awareness"
START_TIMEOUT = 90  # seconds for the hub to answer; measured about 3 s
SPAWN_TIMEOUT = 180  # seconds for user servers; measured 2-15 s
REQUEST_TIMEOUT = 60
KERNEL_TIMEOUT = 120  # one piece of code in a kernel (an nbgrader command takes a few s)


# -- the environment -----------------------------------------------------------------------------


def _reachable_by_everyone(path: Path) -> bool:
    """Whether every user can reach `path` (each folder above it has the x bit for others)."""
    for folder in [path, *path.parents]:
        if folder.exists() and not folder.stat().st_mode & stat.S_IXOTH:
            return False
    return True


def env_dir() -> Path:
    """Where the hub's environment lives: $COURSE_HUB_TEST_ENV; else .hub-env in the
    repository when every user can reach it; else a folder in /var/tmp for this checkout."""
    configured = os.environ.get("COURSE_HUB_TEST_ENV")
    if configured:
        return Path(configured)
    if _reachable_by_everyone(REPO):
        return REPO / ".hub-env"
    digest = hashlib.sha256(str(REPO).encode()).hexdigest()[:12]
    return Path("/var/tmp") / f"safeguarding-course-hub-env-{digest}"


def prepare() -> None:
    """Build (or update) the hub's environment: what scripts/test.sh runs as root."""
    subprocess.run(
        ["bash", str(DEPLOY / "setup.sh"), "--environment-only", "--env-dir", str(env_dir())],
        check=True,
        timeout=1800,
    )


def require_hub_machine() -> Path:
    """Hub tests need root (they add Linux users) and the prepared environment."""
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("hub tests add Linux users, so they run as root (as in CI)")
    venv = env_dir() / "venv"
    if not (venv / "bin" / "jupyterhub").exists():
        pytest.fail(
            f"the hub's environment is missing ({venv}): run `python tests/hub_support.py "
            "prepare` (scripts/test.sh does) first",
            pytrace=False,
        )
    return venv


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def descendants(pid: int) -> list[int]:
    """The ids of every process started (directly or not) by process `pid`."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat_line = (entry / "stat").read_text()
                parent = int(stat_line.rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


# -- the hub ---------------------------------------------------------------------------------


class HubError(AssertionError):
    pass


class CohortHub:
    """A hub for one trainer and `trainees` trainees. Use as a context manager."""

    def __init__(self, trainees: int = 2):
        self.venv = require_hub_machine()
        suffix = secrets.token_hex(3)
        self.trainer = f"tr{suffix}"
        self.trainees = [f"t{i + 1:02d}{suffix}" for i in range(trainees)]
        self.root = Path(tempfile.mkdtemp(prefix="course-hub-"))
        self.port, self.hub_port, self.api_port = free_port(), free_port(), free_port()
        self.service_token = secrets.token_hex(24)
        self.proc: subprocess.Popen | None = None
        self.log_path = self.root.parent / f"{self.root.name}.log"
        self.setup_output = ""
        self.tokens: dict[str, str] = {}
        self.trainees_csv = self.root.parent / f"{self.root.name}-trainees.csv"

    # -- paths and names

    @property
    def users(self) -> list[str]:
        return [self.trainer, *self.trainees]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def exchange(self) -> Path:
        return self.root / "exchange"

    def home(self, user: str) -> Path:
        return Path(pwd.getpwnam(user).pw_dir)

    @property
    def course(self) -> Path:
        """The trainer's private course folder."""
        return self.home(self.trainer) / COURSE_ID

    @property
    def password(self) -> str:
        return (self.root / "hub" / "shared_password").read_text().strip()

    def setup_env(self) -> dict[str, str]:
        """The environment setup.sh and start.sh run with: this hub's folder, environment,
        address and ports (each has a $COURSE_HUB_* default in setup.sh)."""
        return {
            **os.environ,
            "COURSE_HUB_ROOT": str(self.root),
            "COURSE_HUB_ENV_DIR": str(env_dir()),
            "COURSE_HUB_IP": "127.0.0.1",
            "COURSE_HUB_PORT": str(self.port),
            "COURSE_HUB_HUB_PORT": str(self.hub_port),
            "COURSE_HUB_PROXY_API_PORT": str(self.api_port),
        }

    def setup_args(self) -> list[str]:
        return ["--trainer", self.trainer, "--trainees", str(self.trainees_csv)]

    def write_trainee_list(self) -> Path:
        with self.trainees_csv.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "first_name", "last_name", "email"])
            for i, name in enumerate(self.trainees):
                writer.writerow([name, f"Trainee{i + 1}", f"Test{i + 1}", f"{name}@example.org"])
        return self.trainees_csv

    # -- lifecycle

    def setup(
        self, command: list[str] | None = None, cwd: Path | None = None, extra: dict | None = None
    ) -> CohortHub:
        """Run the course's one setup command (or `command`, which must be it, as written),
        with `extra` environment variables."""
        self.write_trainee_list()
        command = command or ["bash", str(DEPLOY / "setup.sh"), *self.setup_args()]
        result = subprocess.run(
            command,
            env={**self.setup_env(), **(extra or {})},
            capture_output=True,
            text=True,
            timeout=1200,
            cwd=cwd,
        )
        self.setup_output = result.stdout + result.stderr
        if result.returncode != 0:
            raise HubError(f"setup failed ({result.returncode}):\n{self.setup_output[-4000:]}")
        # a test-only service that can act for the users (never part of a real deployment)
        (self.root / "jupyterhub_config.d" / "50-course-tests.py").write_text(
            "c.JupyterHub.services.append(\n"
            f'    {{"name": "course-tests", "api_token": {self.service_token!r}}}\n'
            ")\n"
            "c.JupyterHub.load_roles.append({\n"
            '    "name": "course-tests",\n'
            '    "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"],\n'
            '    "services": ["course-tests"],\n'
            "})\n"
        )
        return self

    def start(self, command: list[str] | None = None, cwd: Path | None = None) -> CohortHub:
        command = command or ["bash", str(DEPLOY / "start.sh")]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                command,
                env=self.setup_env(),
                cwd=cwd or self.root,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise HubError(f"the hub exited ({self.proc.returncode}):\n{self.log_tail()}")
            with contextlib.suppress(HubError, OSError):
                if self.hub_api("GET", "/hub/api/")[0] == 200:
                    return self
            time.sleep(0.3)
        raise HubError(f"the hub did not answer in {START_TIMEOUT} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 60) -> str:
        if not self.log_path.exists():
            return "(no hub log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the hub (it stops every user server), then remove what the test made."""
        proc, self.proc = self.proc, None
        if proc is not None:
            # the hub starts its proxy and services in sessions of their own: note them all
            family = {pid: _cmdline(pid) for pid in descendants(proc.pid)}
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=30)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
            for pid, cmdline in family.items():  # what the hub left behind, by the ids noted
                if cmdline and _cmdline(pid) == cmdline:  # the same process, not a reused id
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.kill(pid, signal.SIGKILL)
        for user in self.users:
            self._end_processes_of(user)
            subprocess.run(["userdel", "-r", user], capture_output=True, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)
        for path in (self.trainees_csv, self.log_path):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    @staticmethod
    def _end_processes_of(user: str) -> None:
        """End processes still running as a user this test made (by their ids)."""
        try:
            uid = pwd.getpwnam(user).pw_uid
        except KeyError:
            return
        for _ in range(2):
            found = subprocess.run(
                ["ps", "-o", "pid=", "-u", str(uid)], capture_output=True, text=True
            ).stdout.split()
            for pid in found:
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid), signal.SIGKILL)
            if not found:
                return
            time.sleep(0.5)

    def __enter__(self) -> CohortHub:
        try:
            return self.setup().start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # -- HTTP

    def request(
        self, method: str, path: str, token: str, body=None, raw: bytes | None = None,
        timeout: float = REQUEST_TIMEOUT,
    ) -> tuple[int, bytes]:  # fmt: skip
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(
            self.base_url + path,
            method=method,
            data=data,
            headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            raise HubError(f"{method} {path}: {error}") from None

    def hub_api(self, method: str, path: str, body=None) -> tuple[int, dict | list | None]:
        status, data = self.request(method, path, self.service_token, body)
        try:
            return status, json.loads(data) if data else None
        except ValueError:
            return status, None

    def token(self, user: str) -> str:
        """An API token for `user` (acts as that user on their own server)."""
        if user not in self.tokens:
            status, data = self.hub_api(
                "POST", f"/hub/api/users/{user}/tokens", {"expires_in": 7200, "note": "tests"}
            )
            if status != 201:
                raise HubError(f"no token for {user}: {status} {data}")
            self.tokens[user] = data["token"]
        return self.tokens[user]

    def spawn(self, *users: str) -> float:
        """Start the servers of `users` at once; return the seconds until all were ready."""
        users = users or tuple(self.users)
        start = time.monotonic()
        # all at once: the hub answers each request only when that server is up (or 10 s)
        with ThreadPoolExecutor(max_workers=min(len(users), 16)) as pool:
            answers = list(
                pool.map(lambda u: self.hub_api("POST", f"/hub/api/users/{u}/server"), users)
            )
        for user, (status, data) in zip(users, answers, strict=True):
            if status not in (201, 202, 400):  # 400: already running
                raise HubError(f"could not start {user}'s server: {status} {data}")
        waiting = set(users)
        deadline = start + SPAWN_TIMEOUT
        while waiting and time.monotonic() < deadline:
            for user in sorted(waiting):
                _, data = self.hub_api("GET", f"/hub/api/users/{user}")
                server = (data or {}).get("servers", {}).get("")
                if server and server.get("ready"):
                    waiting.discard(user)
            time.sleep(0.3)
        if waiting:
            raise HubError(f"servers not ready in {SPAWN_TIMEOUT} s: {waiting}\n{self.log_tail()}")
        return time.monotonic() - start

    def user_api(self, user: str, method: str, path: str, body=None, as_user: str | None = None):
        """`path` on `user`'s server, with the token of `as_user` (default: the user)."""
        token = self.token(as_user or user)
        return self.request(method, f"/user/{user}/{path.lstrip('/')}", token, body)

    # -- code in a user's own kernel

    def run_code(self, user: str, code: str, timeout: float = KERNEL_TIMEOUT) -> str:
        """Run `code` in a new kernel on `user`'s server; return what it printed. An error in
        the code raises HubError with the traceback."""
        with UserKernel(self, user) as kernel:
            return kernel.run(code, timeout)


class UserKernel:
    """A kernel on a user's server, driven over its websocket as the user."""

    def __init__(self, hub: CohortHub, user: str):
        self.hub, self.user = hub, user
        self.kernel_id: str | None = None
        self.ws = None
        self.session = uuid.uuid4().hex

    def __enter__(self) -> UserKernel:
        status, data = self.hub.user_api(self.user, "POST", "api/kernels", {"name": "python3"})
        if status != 201:
            raise HubError(f"no kernel for {self.user}: {status} {data[:300]!r}")
        self.kernel_id = json.loads(data)["id"]
        self._connect()
        return self

    def _connect(self) -> None:
        import websocket

        url = (
            f"ws://127.0.0.1:{self.hub.port}/user/{self.user}/api/kernels/{self.kernel_id}"
            f"/channels?session_id={self.session}"
        )
        self.ws = websocket.create_connection(
            url, header=[f"Authorization: token {self.hub.token(self.user)}"], timeout=30
        )

    def run(self, code: str, timeout: float = KERNEL_TIMEOUT) -> str:
        if not self.ws.connected:  # the server closed an idle socket: open a new one
            self._connect()
        msg_id = uuid.uuid4().hex
        self.ws.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "username": self.user,
                        "session": self.session,
                        "msg_type": "execute_request",
                        "version": "5.3",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": False,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                    "channel": "shell",
                    "buffers": [],
                }
            )
        )
        out, error, done, replied = [], None, False, False
        deadline = time.monotonic() + timeout
        while not (done and replied):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise HubError(f"code in {self.user}'s kernel did not finish in {timeout} s")
            self.ws.settimeout(min(remaining, 30))
            raw = self.ws.recv()
            if isinstance(raw, bytes):  # a widget message with binary buffers: not output
                continue
            if not raw:
                raise HubError(f"{self.user}'s kernel connection closed")
            message = json.loads(raw)
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "stream":
                out.append(content["text"])
            elif kind in ("execute_result", "display_data"):
                out.append(content.get("data", {}).get("text/plain", ""))
            elif kind == "error":
                error = "\n".join(content.get("traceback", [])) or content.get("evalue")
            elif kind == "status" and content.get("execution_state") == "idle":
                done = True
            elif kind == "execute_reply":
                replied = True
        if error:
            raise HubError(f"error in {self.user}'s kernel:\n{error}\n{''.join(out)[-2000:]}")
        return "".join(out)

    def __exit__(self, *exc_info) -> None:
        with contextlib.suppress(Exception):
            self.ws.close()
        if self.kernel_id:
            with contextlib.suppress(HubError):
                self.hub.user_api(self.user, "DELETE", f"api/kernels/{self.kernel_id}")


def shell(command: str, cwd: str = "~") -> str:
    """Kernel code that runs a shell command in the user's kernel (as that user), prints its
    output and fails if it fails."""
    return (
        "import os, subprocess\n"
        f"r = subprocess.run({command!r}, shell=True, cwd=os.path.expanduser({cwd!r}), "
        "capture_output=True, text=True, timeout=600)\n"
        "print(r.stdout + r.stderr)\n"
        "assert r.returncode == 0, f'exit {r.returncode}'\n"
    )


def login(page, hub: CohortHub, user: str) -> None:
    """Log in on the hub's login page as a person would."""
    page.goto(f"{hub.base_url}/hub/login", wait_until="domcontentloaded")
    page.fill("#username_input", user)
    page.fill("#password_input", hub.password)
    page.click("#login_submit")


if __name__ == "__main__":
    if sys.argv[1:] == ["prepare"]:
        prepare()
    elif sys.argv[1:] == ["env-dir"]:
        print(env_dir())
    else:
        print("usage: python tests/hub_support.py prepare | env-dir", file=sys.stderr)
        sys.exit(2)
