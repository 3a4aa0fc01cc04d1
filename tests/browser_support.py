"""Reusable helpers for tests that drive the course in JupyterLab in a real Chromium.

What is here:

* `JupyterLabServer`: starts JupyterLab on a free port on 127.0.0.1 with a random token, a
  fresh config, runtime and IPython directory, and a *temporary copy* of the course folder as
  its root, so a test never writes into the repository. It waits on `/api/status` and always
  stops the server (and any kernel it started) afterwards.
* `launch_chromium`: Debian's `/usr/bin/chromium` with the flags that work on these machines
  (see /work/shared/testing.md). It fails, not skips, when the browser is missing.
* Fixtures `lab_server` (one per test module), `chromium` (one per test process) and
  `lab_page` (a fresh browser context and page per test).
* Shared by the course's browser tests (conftest.py imports them, so each test process has
  one of each): `app_server` (JupyterLab and the Voila app on one server), `lab_session` (one
  JupyterLab page that opens each notebook from the file browser, so Lab loads once, not once
  per test) and `voila_page` (one page, with a warm cache, for the app's pages).
* Page helpers: `open_notebook`, `run_all_cells`, `wait_for_run_all_to_finish`, and
  `screenshot_on_failure`.

Import the fixtures into a test module (`from browser_support import lab_server, ...`);
they are plain pytest fixtures. A test module that imports a fixture gets its own copy of it,
so the shared ones come from conftest.py instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: the folder served (as a temporary copy); override only to try a draft notebook elsewhere
COURSE_DIR = Path(os.environ.get("COURSE_TEST_COURSE_DIR", REPO / "course"))
CHROMIUM = Path(os.environ.get("COURSE_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

SERVER_START_TIMEOUT = 60  # seconds; measured about 3 s
KERNEL_TIMEOUT_MS = 120_000  # kernel start, and a whole Run All
UI_TIMEOUT_MS = 30_000  # one widget reacting to a click
#: the notebook panel that is showing (Lab keeps hidden panels in the DOM)
NOTEBOOK_PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
NEWS_TOAST_NO = ".jp-toast-button:has-text('No')"


# --------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterLabServer:
    """JupyterLab serving a temporary copy of `source_dir`. Use as a context manager."""

    def __init__(self, source_dir: Path = COURSE_DIR, extra_args: tuple[str, ...] = ()):
        self.source_dir = Path(source_dir)
        self.extra_args = tuple(extra_args)
        self.token = secrets.token_hex(24)
        self.port = 0
        self.tmp: Path | None = None
        self.root_dir: Path | None = None
        self.log_path: Path | None = None
        self.proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str, **params: str) -> str:
        """`path` on this server, with the token (and any extra query flags) added."""
        flags = [name if value == "" else f"{name}={value}" for name, value in params.items()]
        query = "&".join([f"token={self.token}", *flags])
        return f"{self.base_url}/{path.lstrip('/')}?{query}"

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path or not self.log_path.exists():
            return "(no server log)"
        text = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def shut_down_sessions(self) -> None:
        """Shut down every notebook session (and its kernel) on this server."""
        with contextlib.suppress(OSError, ValueError):
            with urllib.request.urlopen(self.url("api/sessions"), timeout=10) as resp:
                sessions = json.load(resp)
            for session in sessions:
                request = urllib.request.Request(
                    self.url(f"api/sessions/{session['id']}"), method="DELETE"
                )
                with contextlib.suppress(OSError):
                    urllib.request.urlopen(request, timeout=30).close()

    # -- lifecycle

    def start(self) -> JupyterLabServer:
        if not self.source_dir.is_dir():
            pytest.fail(f"course folder {self.source_dir} does not exist")
        self.tmp = Path(tempfile.mkdtemp(prefix="course-lab-"))
        self.root_dir = self.tmp / "course"
        shutil.copytree(
            self.source_dir,
            self.root_dir,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
        for name in ("config", "runtime", "ipython"):
            (self.tmp / name).mkdir()
        self.log_path = self.tmp / "server.log"

        venv_bin = str(Path(sys.executable).parent)
        env = {
            **os.environ,
            # Fresh user-level config, runtime and IPython state. The lab extensions (widgets,
            # nbgrader) and the kernelspec stay visible: they live in the venv's share/jupyter,
            # which is on the data path whatever JUPYTER_DATA_DIR says; we do not touch it.
            "JUPYTER_CONFIG_DIR": str(self.tmp / "config"),
            "JUPYTER_RUNTIME_DIR": str(self.tmp / "runtime"),
            "IPYTHONDIR": str(self.tmp / "ipython"),
            "JUPYTERLAB_WORKSPACES_DIR": str(self.tmp / "config" / "workspaces"),
            "JUPYTERLAB_SETTINGS_DIR": str(self.tmp / "config" / "user-settings"),
            "PATH": venv_bin + os.pathsep + os.environ.get("PATH", ""),
            "PYTHONUNBUFFERED": "1",
            # the learner's progress, saved by the widgets, stays in the temporary folder
            "SAFEGUARDING_COURSE_HOME": str(self.tmp / "learner_home"),
        }
        env.pop("JUPYTER_TOKEN", None)

        last_error = ""
        for _attempt in range(3):  # a free port can be taken between probe and bind
            self.port = free_port()
            cmd = [
                sys.executable,
                "-m",
                "jupyterlab",
                "--no-browser",
                "--allow-root",
                "--ip=127.0.0.1",
                f"--port={self.port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.root_dir}",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                *self.extra_args,
            ]
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(
                    cmd,
                    cwd=self.root_dir,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                )
            try:
                self._wait_until_ready()
                return self
            except RuntimeError as exc:
                last_error = str(exc)
                self._stop_process()
        self.stop()
        pytest.fail(f"JupyterLab did not start: {last_error}")

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        status_url = self.url("api/status")
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"server exited with code {self.proc.returncode}\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(status_url, timeout=2) as resp:
                    if resp.status == 200:
                        json.load(resp)
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
                pass
            time.sleep(0.2)
        raise RuntimeError(
            f"no answer from {self.base_url}/api/status in {SERVER_START_TIMEOUT} s\n"
            f"{self.log_tail()}"
        )

    def _stop_process(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # the server shuts its kernels down on SIGTERM
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        # The server ran in its own session: end anything it left behind (a kernel), by the
        # process group id of the process we started, and nothing else.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)

    def stop(self) -> None:
        self._stop_process()
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def __enter__(self) -> JupyterLabServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


# --------------------------------------------------------------------------- the browser


def require_chromium() -> Path:
    """The Chromium to drive. A missing browser is a failure, not a skip: CI installs it."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Browser tests need Debian's chromium: "
            "`apt-get install -y chromium` (do not run `playwright install`).",
            pytrace=False,
        )
    return CHROMIUM


@contextlib.contextmanager
def launch_chromium() -> Iterator:
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(executable), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def lab_server() -> Iterator[JupyterLabServer]:
    """JupyterLab on a temporary copy of course/ (one per test module)."""
    with JupyterLabServer(COURSE_DIR) as server:
        yield server


@pytest.fixture(scope="session")
def chromium():
    """One Chromium per test process."""
    with launch_chromium() as browser:
        yield browser


@pytest.fixture
def lab_page(chromium, lab_server):
    """A page in a fresh browser context; the news toast is dismissed whenever it shows."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    page.add_locator_handler(page.locator(NEWS_TOAST_NO), _dismiss_toast, no_wait_after=True)
    try:
        yield page
    finally:
        context.close()


# --------------------------------------------------------------------------- page helpers


def new_page(browser, width: int = 1280, height: int = 900):
    """A page in a new browser context; the news toast is dismissed whenever it shows."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    page.add_locator_handler(page.locator(NEWS_TOAST_NO), _dismiss_toast, no_wait_after=True)
    return page


def _dismiss_toast(button) -> None:
    """Answer 'No' to the news toast. It slides in (so is briefly 'not stable') and may close
    by itself; either way it must not block the test, so a failed click is ignored."""
    from playwright.sync_api import Error as PlaywrightError

    with contextlib.suppress(PlaywrightError):
        button.click(timeout=5_000)


@contextlib.contextmanager
def screenshot_on_failure(page, path: Path, server: JupyterLabServer | None = None):
    """Save a full-page screenshot to `path` if the block raises, and say where it is."""
    try:
        yield
    except BaseException as exc:
        note = ""
        with contextlib.suppress(Exception):
            page.screenshot(path=str(path), full_page=True)
            note = f"screenshot of the page: {path}"
        if server is not None:
            note += f"\n--- JupyterLab log (tail) ---\n{server.log_tail(20)}"
        if note and hasattr(exc, "add_note"):
            exc.add_note(note)
        raise


def open_notebook(page, server: JupyterLabServer, name: str):
    """Open `name` in Lab (`reset` so no old tabs come back); return its notebook panel once
    its kernel is idle."""
    from playwright.sync_api import expect

    if not (server.root_dir / name).is_file():
        pytest.fail(f"{name} is not in {server.source_dir}", pytrace=False)
    page.goto(server.url(f"lab/tree/{name}", reset=""), wait_until="domcontentloaded")
    tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current")
    expect(tab, f"{name} did not open as the current tab").to_contain_text(
        name, timeout=KERNEL_TIMEOUT_MS
    )
    panel = page.locator(NOTEBOOK_PANEL)
    expect(panel.locator(".jp-Cell").first).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
    wait_for_kernel_idle(page)
    return panel


def wait_for_kernel_idle(page, timeout_ms: int = KERNEL_TIMEOUT_MS) -> None:
    from playwright.sync_api import expect

    expect(
        page.locator("#jp-main-statusbar"),
        "the kernel did not become idle (status bar never said '| Idle')",
    ).to_contain_text(re.compile(r"\|\s*Idle"), timeout=timeout_ms)


def run_all_cells(page) -> None:
    """Run menu > Run All Cells, as a person would."""
    page.locator(".lm-MenuBar-itemLabel:text-is('Run')").click()
    item = page.locator(".lm-Menu-item[data-command='runmenu:run-all']")
    item.click()


def wait_for_run_all_to_finish(page, panel, timeout_ms: int = KERNEL_TIMEOUT_MS) -> None:
    """Wait until no code cell is queued or running (`[*]`) and the kernel is idle, twice
    in a row a short moment apart (Run All queues every cell at once, so a gap between two
    cells never looks finished)."""
    deadline = time.monotonic() + timeout_ms / 1000
    settled = 0
    prompts = panel.locator(".jp-CodeCell .jp-InputArea-prompt")
    status = page.locator("#jp-main-statusbar")
    while time.monotonic() < deadline:
        busy = any("*" in t for t in prompts.all_inner_texts())
        idle = re.search(r"\|\s*Idle", status.inner_text() or "") is not None
        settled = settled + 1 if (idle and not busy) else 0
        if settled >= 2:
            return
        page.wait_for_timeout(250)
    raise AssertionError(
        f"Run All did not finish within {timeout_ms / 1000:.0f} s "
        f"(cell prompts: {prompts.all_inner_texts()})"
    )


def error_outputs(panel) -> list[str]:
    """Text of any traceback shown in the notebook's outputs."""
    texts = panel.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    ).all_inner_texts()
    return [t for t in texts if "Traceback" in t or re.search(r"\w+(Error|Exception)\b", t)]


# --------------------------------------------------------------------------- Voila and axe

#: the app's Voila settings, so the same server serves /lab and /voila/render/... as the app does
VOILA_APP_CONFIG = REPO / "jupyter-config" / "voila_app.py"
ARTIFACTS = REPO / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
#: what Lab (not the course) draws: findings there are JupyterLab's, not ours
LAB_OUTPUTS = f"{NOTEBOOK_PANEL} .jp-OutputArea-output"
IMPACTS = ("critical", "serious", "moderate", "minor")


@pytest.fixture(scope="session")
def app_server() -> Iterator[JupyterLabServer]:
    """One server per test process that serves a copy of course/ both in JupyterLab and as
    the Voila app (/voila/render/NAME.ipynb), with the app's settings."""
    with JupyterLabServer(COURSE_DIR, extra_args=(f"--config={VOILA_APP_CONFIG}",)) as server:
        yield server


TAB = "#jp-main-dock-panel .lm-TabBar-tab"


class LabSession:
    """One JupyterLab page kept open across tests. The first notebook is opened by its
    address; each later one from the file browser (a double click, as a person opens a
    file), after the previous one is closed with File > Close and Shut Down Notebook (unsaved
    changes discarded, its kernel shut down). Loading Lab once instead of once per module
    saves several seconds a module. After a test that failed, the next one starts from a
    freshly loaded page."""

    def __init__(self, browser, server: JupyterLabServer):
        self.browser, self.server = browser, server
        self.page = None

    @contextlib.contextmanager
    def notebook(self, name: str, failure_png: Path | None = None):
        """Open `name` (its kernel idle) and yield its notebook panel; close it afterwards.
        If the block fails, save a screenshot to `failure_png` first."""
        try:
            yield self.open(name)
        except BaseException as exc:
            if failure_png is not None and self.page is not None:
                with contextlib.suppress(Exception):
                    self.page.screenshot(path=str(failure_png), full_page=True)
                    exc.add_note(f"screenshot of the page: {failure_png}")
            exc.add_note(f"--- JupyterLab log (tail) ---\n{self.server.log_tail(20)}")
            self.reset()  # whatever state the page is in, the next test starts afresh
            raise
        self.close(name)

    def open(self, name: str):
        """Open `name` and return its notebook panel once its kernel is idle."""
        from playwright.sync_api import expect

        if self.page is None:
            self.page = new_page(self.browser)
            return open_notebook(self.page, self.server, name)
        if not (self.server.root_dir / name).is_file():
            pytest.fail(f"{name} is not in {self.server.source_dir}", pytrace=False)
        label = self.page.locator(f".jp-DirListing-itemText span:text-is('{name}')")
        if not label.count():  # a file made since the listing was read
            self.page.locator("[data-command='filebrowser:refresh']").click()
        self.page.locator(".jp-DirListing-item", has=label).dblclick()
        expect(self.page.locator(f"{TAB}.lm-mod-current")).to_contain_text(
            name, timeout=KERNEL_TIMEOUT_MS
        )
        panel = self.page.locator(NOTEBOOK_PANEL)
        expect(panel.locator(".jp-Cell").first).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
        wait_for_kernel_idle(self.page)
        return panel

    def close(self, name: str) -> None:
        """File > Close and Shut Down Notebook, as a person ends a session with a notebook:
        Lab shuts its kernel down and closes it, unsaved changes discarded."""
        from playwright.sync_api import expect

        tab = self.page.locator(TAB, has_text=name)
        tab.click()  # the command acts on the current notebook
        self.page.locator(".lm-MenuBar-itemLabel:text-is('File')").click()
        self.page.locator(".lm-Menu-item[data-command='filemenu:close-and-cleanup']").click()
        self.page.locator(".jp-Dialog .jp-mod-accept").click()
        expect(tab).to_have_count(0)
        self.server.shut_down_sessions()  # nothing should be left; make sure

    def reset(self) -> None:
        if self.page is not None:
            with contextlib.suppress(Exception):
                self.page.context.close()
        self.page = None
        self.server.shut_down_sessions()


@pytest.fixture(scope="session")
def lab_session(chromium, app_server) -> Iterator[LabSession]:
    session = LabSession(chromium, app_server)
    try:
        yield session
    finally:
        session.reset()


@pytest.fixture(scope="session")
def voila_page(chromium):
    """One page for the app's pages (its cache stays warm from one module to the next)."""
    page = new_page(chromium)
    try:
        yield page
    finally:
        page.context.close()


def open_voila(page, server: JupyterLabServer, name: str) -> float:
    """Open `name` as the app shows it; return the seconds until its widgets showed (Voila
    shows nothing until the whole notebook has run)."""
    from playwright.sync_api import expect

    started = time.monotonic()
    page.goto(
        server.url(f"voila/render/{name}"), wait_until="domcontentloaded", timeout=KERNEL_TIMEOUT_MS
    )
    expect(page.locator(".sc-control button").first).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
    return time.monotonic() - started


def axe_findings(page, include: str | None = None) -> list[dict]:
    """axe-core's violations on the page (or only inside elements matching `include`), one
    dict per rule: id, impact, help and the number of nodes."""
    from axe_playwright_python.sync_playwright import Axe

    context = {"include": [[include]]} if include else None
    results = Axe().run(page, context=context)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": len(v["nodes"]),
            "where": [n["target"] for n in v["nodes"][:3]],
        }
        for v in results.response["violations"]
    ]


def impact_counts(findings: list[dict]) -> dict[str, int]:
    """Nodes per impact, critical to minor."""
    return {i: sum(f["nodes"] for f in findings if f["impact"] == i) for i in IMPACTS}


def save_axe_report(where: str, name: str, findings: list[dict], **extra) -> None:
    """axe's counts and findings for one module, in test-artifacts/axe/WHERE_MODULE.json."""
    folder = ARTIFACTS / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    record = {"module": name, "where": where, "counts": impact_counts(findings), **extra}
    record["findings"] = findings
    (folder / f"{where}_{name.removesuffix('.ipynb')}.json").write_text(
        json.dumps(record, indent=1), encoding="utf-8"
    )


# --------------------------------------------------------------------------- live regions

_AX_MARK = "data-sc-ax-probe"


def live_regions(page, element) -> list[dict]:
    """The live regions in Chromium's accessibility tree inside `element` (what a screen
    reader is told to announce): each with its role, its `live` setting and its text."""
    element.evaluate(f"e => e.setAttribute('{_AX_MARK}', '')")
    cdp = page.context.new_cdp_session(page)
    try:
        found = cdp.send(
            "Runtime.evaluate", {"expression": f"document.querySelector('[{_AX_MARK}]')"}
        )
        nodes = cdp.send("Accessibility.queryAXTree", {"objectId": found["result"]["objectId"]})
    finally:
        cdp.detach()
        element.evaluate(f"e => e.removeAttribute('{_AX_MARK}')")
    regions = []
    for node in nodes["nodes"]:
        props = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
        role = node.get("role", {}).get("value")
        if props.get("live") not in (None, "off") or role in ("status", "alert", "log"):
            name = node.get("name", {}).get("value", "")
            regions.append({"role": role, "live": props.get("live"), "name": name})
    return regions


def assert_announced_once(page, widget) -> None:
    """The widget's feedback is in exactly one live region (none nested in another)."""
    regions = live_regions(page, widget)
    assert len(regions) == 1 and regions[0]["live"] == "polite", regions


# --------------------------------------------------------------------------- keyboard only
# Each flow starts by putting the focus on a widget's first control (where Tab would arrive)
# and then uses keys only. `root` is the notebook panel (Lab) or the page (Voila).

HAZARD_KEYS = ("a", "b", "d", "d", "Enter", "Shift+Enter", "m", "y")
MAX_TABS = 40


def _active_is(page, selector: str) -> bool:
    return page.evaluate(
        "s => !!document.activeElement && document.activeElement.matches(s)", selector
    )


_ON_UNANSWERED_RADIO = """() => { const e = document.activeElement;
    return !!e && e.type === 'radio' &&
      !document.querySelector(`input[name="${e.name}"]:checked`); }"""


def _tab_to(page, selector: str, fill_radio_groups: bool = False) -> None:
    """Press Tab until the focus is on an element matching `selector`; on the way, answer a
    radio group with none chosen (Space) if asked."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if _active_is(page, selector):
            return
        if fill_radio_groups and page.evaluate(_ON_UNANSWERED_RADIO):
            page.keyboard.press("Space")
    raise AssertionError(f"Tab never reached {selector}")


def keyboard_self_check(page, root) -> str:
    """Answer the first one-answer self-check with arrow keys, press the hazard keys, Tab to
    Check my answer and press Enter; return the feedback."""
    from playwright.sync_api import expect

    widget = root.locator(".sc-self-check").filter(has=page.locator("input[type=radio]")).first
    widget.locator("input[type=radio]").first.focus()
    page.keyboard.press("ArrowDown")
    expect(widget.locator("input[type=radio]").nth(1)).to_be_checked()
    for key in HAZARD_KEYS[:4]:
        page.keyboard.press(key)
    _tab_to(page, "button.sc-button")
    page.keyboard.press("Enter")
    feedback = widget.get_by_role("status")
    expect(feedback).to_contain_text(re.compile(r"Correct\.|Not quite\."))
    assert_announced_once(page, widget)
    return feedback.inner_text()


def keyboard_indicator_spotter(page, root) -> str:
    """Tick the first two signs with Space, Tab to the Check button, press Enter."""
    from playwright.sync_api import expect

    widget = root.locator(".sc-indicator-spotter").first
    boxes = widget.locator("input[type=checkbox]")
    boxes.first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(boxes.nth(1)).to_be_checked()
    _tab_to(page, "button.sc-button")
    page.keyboard.press("Enter")
    feedback = widget.get_by_role("status")
    expect(feedback).to_contain_text(re.compile(r"All correct\.|Some signs to look at again\."))
    return feedback.inner_text()


def keyboard_route_finder(page, root) -> str:
    """Choose Wales with the arrow keys, answer any unanswered question with Space, Tab to
    Show the routes and press Enter; return the result. A question that shows only after an
    earlier answer may appear once the focus has passed it: then, as a person would, start
    again from the nation and answer what is shown now. Then a changed answer must say so."""
    from playwright.sync_api import expect

    widget = root.locator(".sc-route-finder").first
    result = widget.get_by_role("status")
    nation = widget.locator("fieldset").first.locator("input[type=radio]")
    nation.first.focus()
    page.keyboard.press("ArrowDown")
    expect(nation.nth(1)).to_be_checked()
    # An answer can reveal more questions only after the kernel replies, so a Tab may reach the
    # button first: each pass answers the questions shown by then, until the routes appear.
    for _ in range(max(4, widget.locator("fieldset").count())):
        _tab_to(page, "button.sc-button", fill_radio_groups=True)
        page.keyboard.press("Enter")
        expect(result).to_contain_text(re.compile(r"Routes for this concern|Answer these"))
        if "Routes for this concern" in result.inner_text():
            break
        nation.nth(1).focus()
    expect(result).to_contain_text("Routes for this concern in Wales")
    assert_announced_once(page, widget)
    routes = result.inner_text()
    # a changed answer (Wales to the next nation) says so, in the same one region
    nation.nth(1).focus()
    page.keyboard.press("ArrowDown")
    expect(result).to_contain_text("Your answers have changed")
    assert_announced_once(page, widget)
    return routes


_FOCUS_MOVED_TO_A_NEW_BUTTON = """old => { const e = document.activeElement;
    return !!e && e !== old && e.matches('button.sc-button'); }"""


def keyboard_scenario(page, root, max_steps: int = 15) -> str:
    """Play the first scenario to an ending with Enter alone (the focus moves to the next
    situation's first choice by itself); return the summary."""
    from playwright.sync_api import expect

    widget = root.locator(".sc-scenario").first
    widget.locator(".sc-choice button").first.focus()
    for _ in range(max_steps):
        if "End of the case" in widget.inner_text():
            break
        expect(page.locator(":focus")).to_have_class(re.compile("sc-button"))
        pressed = page.evaluate_handle("document.activeElement")
        page.keyboard.press("Enter")
        # the next situation (or the ending) replaces this one, and the focus moves to its
        # first choice (or to Start again)
        page.wait_for_function(_FOCUS_MOVED_TO_A_NEW_BUTTON, arg=pressed)
    expect(widget).to_contain_text("End of the case")
    return widget.inner_text()


#: the modules whose widgets the keyboard tests drive (in JupyterLab and in Voila), and how
KEYBOARD_FLOWS = {
    "01_understanding_online_grooming.ipynb": (keyboard_indicator_spotter, keyboard_self_check),
    "05_referral_routes.ipynb": (keyboard_route_finder,),
    "07_case_scenarios.ipynb": (keyboard_scenario,),
}
