"""The gradebook on PostgreSQL (nbgrader's c.CourseDirectory.db_url) gives the same marks as
on SQLite: grade-cohort, formgrader's API (a trainer marking a written answer) and
`nbgrader export`, against a real PostgreSQL server from Debian's packages.

The test starts its own server: `initdb` into a temporary folder (as the `postgres` system
user when run as root, since PostgreSQL refuses to run as root), on a free port on 127.0.0.1
with password authentication, and stops and removes it afterwards.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest
from browser_support import free_port
from nbgrader.api import Gradebook
from nbgrader_course import BIN, CourseFolder, nbgrader_env
from notebook_files import ASSIGNMENTS
from test_assignments import FIRST, fill, max_points, solution_answers

pytestmark = pytest.mark.postgres
START_TIMEOUT = 60  # seconds; measured about 2 s


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        pytest.fail(
            "PostgreSQL is not installed: apt-get install -y postgresql (scripts/test.sh does)",
            pytrace=False,
        )
    return found[-1].parent


class PostgresServer:
    """A throwaway PostgreSQL server; `url` is a SQLAlchemy URL for database `gradebook`."""

    def __init__(self):
        self.bin = postgres_bin()
        self.tmp = Path(tempfile.mkdtemp(prefix="course-pg-"))
        self.data, self.socket_dir = self.tmp / "data", self.tmp / "socket"
        self.port = free_port()
        self.password = secrets.token_hex(16)
        self.proc: subprocess.Popen | None = None
        self.run_as = None
        if os.geteuid() == 0:
            name = "postgres" if _user_exists("postgres") else "nobody"
            self.run_as = pwd.getpwnam(name)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://course:{self.password}@127.0.0.1:{self.port}/gradebook"

    def _as_user(self) -> dict:
        if self.run_as is None:
            return {}
        return {"user": self.run_as.pw_uid, "group": self.run_as.pw_gid, "extra_groups": []}

    def start(self) -> PostgresServer:
        self.socket_dir.mkdir()
        self.data.mkdir(mode=0o700)
        password_file = self.tmp / "password"
        password_file.write_text(self.password + "\n")
        if self.run_as is not None:
            os.chmod(self.tmp, 0o755)
            for path in (self.socket_dir, self.data, password_file):
                os.chown(path, self.run_as.pw_uid, self.run_as.pw_gid)
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(self.tmp)}
        made = subprocess.run(
            [
                str(self.bin / "initdb"), "-D", str(self.data), "-U", "course",
                "--auth-host=scram-sha-256", "--auth-local=peer", f"--pwfile={password_file}",
                "--encoding=UTF8", "--no-sync",
            ],
            capture_output=True, text=True, timeout=120, env=env, cwd=self.tmp,
            **self._as_user(),
        )  # fmt: skip
        if made.returncode != 0:
            self.stop()
            pytest.fail(f"initdb failed:\n{made.stdout}\n{made.stderr}")
        log = open(self.tmp / "server.log", "ab")  # noqa: SIM115 (kept open for the server)
        self.proc = subprocess.Popen(
            [
                str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port),
                "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.socket_dir}",
                "-c", "fsync=off",
            ],
            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=self.tmp,
            start_new_session=True, **self._as_user(),
        )  # fmt: skip
        log.close()
        import psycopg

        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                dsn = f"host=127.0.0.1 port={self.port} user=course password={self.password}"
                with psycopg.connect(dsn + " dbname=postgres", autocommit=True) as conn:
                    conn.execute("CREATE DATABASE gradebook")
                return self
            except psycopg.OperationalError as error:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    log_text = (self.tmp / "server.log").read_text(errors="replace")[-2000:]
                    self.stop()
                    pytest.fail(f"PostgreSQL did not start: {error}\n{log_text}")
                time.sleep(0.2)

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            _stop(proc, signal.SIGINT, 30)  # SIGINT: PostgreSQL's "fast" shutdown
        shutil.rmtree(self.tmp, ignore_errors=True)


def _stop(proc: subprocess.Popen, sig: int, timeout: float) -> None:
    """Ask a server to stop; kill its process group if it has not stopped within `timeout`."""
    proc.send_signal(sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


# -- one cohort, graded the same way into either gradebook ------------------------------------


def cohort_notebooks() -> dict[str, nbformat.NotebookNode]:
    released = nbformat.read(ASSIGNMENTS / FIRST / f"{FIRST}.ipynb", as_version=4)
    answers = solution_answers(FIRST)
    half = dict(list(answers.items())[: len(answers) // 2])
    return {
        "trainee_model": fill(released, answers),
        "trainee_half": fill(released, half),
        "trainee_blank": released,
    }


def written_grade_id() -> str:
    _, manual = max_points(FIRST)
    assert manual, "the first assessment should have a written answer"
    return next(iter(manual))


def grade(course: CourseFolder) -> subprocess.CompletedProcess:
    course.generate(FIRST)
    for student, notebook in cohort_notebooks().items():
        course.submit(student, FIRST, notebook)
    result = subprocess.run(
        [str(BIN / "grade-cohort"), FIRST, "--no-progress"],
        cwd=course.root, env=nbgrader_env(), capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "graded 3 of 3 submissions" in result.stdout, result.stdout
    return result


def scores(url: str) -> dict[tuple[str, str], float | None]:
    with Gradebook(url) as gb:
        return {
            (student, g.name): g.score
            for student in cohort_notebooks()
            for g in gb.find_submission_notebook(FIRST, FIRST, student).grades
        }


def export(course: CourseFolder) -> dict[str, tuple[str, str]]:
    rows = course.export()
    return {r["student_id"]: (r["score"], r["status"]) for r in rows if r["assignment"] == FIRST}


@contextlib.contextmanager
def formgrader(course: CourseFolder):
    """Jupyter Server with nbgrader's formgrader, serving the course folder; yields a
    function that calls formgrader's API as the trainer."""
    token, port = secrets.token_hex(16), free_port()
    config = course.root.parent / "jupyter-config"
    config.mkdir(exist_ok=True)
    log = open(course.root.parent / "formgrader.log", "ab")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            str(BIN / "jupyter"), "server", "--no-browser", "--allow-root", "--ip=127.0.0.1",
            f"--port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={course.root}",
        ],
        cwd=course.root, env={**nbgrader_env(), "JUPYTER_CONFIG_DIR": str(config)},
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    log.close()

    def api(method: str, path: str, body=None):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/formgrader/api/{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"token {token}"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                api("GET", "status")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    text = (course.root.parent / "formgrader.log").read_text(errors="replace")
                    pytest.fail(f"formgrader did not start:\n{text[-3000:]}")
                time.sleep(0.3)
        yield api
    finally:
        _stop(proc, signal.SIGTERM, 20)


@pytest.fixture(scope="module")
def both(postgres, tmp_path_factory):
    """The same cohort graded into SQLite and into PostgreSQL; on PostgreSQL the written
    answer is marked through formgrader's API, on SQLite through nbgrader's Gradebook."""
    sqlite = CourseFolder.create(tmp_path_factory.mktemp("sqlite") / "course")
    grade(sqlite)
    sqlite.set_manual_score(FIRST, "trainee_model", written_grade_id(), 2.0)

    pg = CourseFolder.create(tmp_path_factory.mktemp("postgres") / "course")
    (pg.root / "nbgrader_local_config.py").write_text(
        f"c.CourseDirectory.db_url = {postgres.url!r}\n"
    )
    grade(pg)
    with formgrader(pg) as api:
        submitted = {n["student"]: n for n in api("GET", f"submitted_notebooks/{FIRST}/{FIRST}")}
        grades = api("GET", f"grades?submission_id={submitted['trainee_model']['id']}")
        written = next(g for g in grades if g["name"] == written_grade_id())
        marked = api("PUT", f"grade/{written['id']}", {"manual_score": 2.0})
        listed = api("GET", f"submissions/{FIRST}")
    return {"sqlite": sqlite, "pg": pg, "url": postgres.url, "marked": marked, "listed": listed}


def test_the_course_folder_uses_postgresql_when_configured(both):
    from safeguarding_course.grading.gradebook import gradebook_url

    assert gradebook_url(both["pg"].root) == both["url"]
    assert not (both["pg"].root / "gradebook.db").exists(), "a SQLite gradebook was made too"
    assert gradebook_url(both["sqlite"].root).startswith("sqlite:///")


def test_postgresql_gives_the_same_marks_as_sqlite(both):
    on_sqlite = scores(f"sqlite:///{both['sqlite'].root / 'gradebook.db'}")
    on_postgres = scores(both["url"])
    assert on_postgres == on_sqlite
    total, manual = max_points(FIRST)
    model = sum(v for (s, _), v in on_postgres.items() if s == "trainee_model")
    assert model == total - sum(manual.values()) + 2.0  # all auto marks, 2 for the written one
    assert 0 < sum(v or 0 for (s, _), v in on_postgres.items() if s == "trainee_half") < total
    assert sum(v or 0 for (s, _), v in on_postgres.items() if s == "trainee_blank") == 0


def test_formgrader_marks_and_lists_submissions_from_postgresql(both):
    assert both["marked"]["manual_score"] == 2.0
    by_student = {s["student"]: s for s in both["listed"]}
    assert set(by_student) == set(cohort_notebooks())
    total, manual = max_points(FIRST)
    assert by_student["trainee_model"]["score"] == total - sum(manual.values()) + 2.0


def test_export_from_postgresql_matches_sqlite(both):
    on_postgres, on_sqlite = export(both["pg"]), export(both["sqlite"])
    assert on_postgres == on_sqlite
    assert on_postgres["trainee_model"][1] == "graded"
    with (both["pg"].root / "grades.csv").open() as handle:
        assert {r["student_id"] for r in csv.DictReader(handle)} == set(cohort_notebooks())


def test_the_cohort_report_reads_postgresql_as_it_reads_sqlite(both):
    from safeguarding_course.grading.report import build_report

    on_postgres, on_sqlite = build_report(both["pg"].root), build_report(both["sqlite"].root)
    assert on_postgres.totals == on_sqlite.totals
    assert on_postgres.totals[FIRST]["trainee_model"] == on_sqlite.totals[FIRST]["trainee_model"]
    assert set(on_postgres.totals[FIRST]) == set(cohort_notebooks())
