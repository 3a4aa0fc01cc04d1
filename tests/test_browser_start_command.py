"""The README's "Open the course" commands, run exactly as written (the text is read from
README.md), open the start page: in JupyterLab with the repository as the top folder, and as
an app in Voila with the code hidden. CI runs as root, so this is also the root case.

The commands run in a temporary copy of the repository. To avoid a minute or two of
installing, `COURSE_VENV` points the start script at the environment these tests run in
(scripts/test.sh installed it from requirements-test.txt, which includes requirements.txt);
the script then installs nothing. Port, token and "do not open a browser" are given through
the environment (JUPYTER_PORT, JUPYTER_TOKEN, BROWSER), never by changing the command.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

try:
    from . import browser_support as bs
except ImportError:
    import browser_support as bs

REPO = bs.REPO
START_PAGE = "course/00_start_here.ipynb"


def readme_command(heading: str) -> str:
    """The command in the first bash block after the bold `heading` in README.md."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(re.escape(f"**{heading}**") + r".*?```bash\n(.*?)```", text, re.S)
    assert found, f"README.md has no bash block after **{heading}**"
    return found.group(1).strip()


@contextlib.contextmanager
def running(command: str, tmp_path: Path):
    """Run `command` with bash in a copy of the repository; yield (base URL, token, log)."""
    copy = tmp_path / "repo"
    shutil.copytree(
        REPO,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "__pycache__",
            ".pytest_cache",
            ".ruff_cache",
            "*.egg-info",
            "test-artifacts",
            ".ipynb_checkpoints",
        ),
    )
    port, token = bs.free_port(), secrets.token_hex(16)
    for name in ("config", "runtime", "ipython", "home"):
        (tmp_path / name).mkdir()
    env = {
        **os.environ,
        "COURSE_VENV": sys.prefix,
        "JUPYTER_PORT": str(port),
        "JUPYTER_TOKEN": token,
        "BROWSER": "true",  # the server's "open a browser" runs `true` and nothing opens
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "IPYTHONDIR": str(tmp_path / "ipython"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "config" / "workspaces"),
        "SAFEGUARDING_COURSE_HOME": str(tmp_path / "home"),
    }
    log_path = tmp_path / "start.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            ["bash", "-c", command],
            cwd=copy,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + bs.SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            assert proc.poll() is None, (
                f"`{command}` stopped (code {proc.returncode}):\n{log_path.read_text()[-3000:]}"
            )
            with contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError):
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            time.sleep(0.3)
        else:
            pytest.fail(f"no server after {bs.SERVER_START_TIMEOUT} s:\n{log_path.read_text()}")
        yield base, token, log_path
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def printed_url(log_path: Path, token: str) -> str:
    """The address the server printed for the person to open (the token written in)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = re.search(r"http://127\.0\.0\.1:\d+/\S*", log_path.read_text(errors="replace"))
        if found:
            return found.group(0).replace("token=...", f"token={token}")
        time.sleep(0.2)
    pytest.fail(f"the server printed no address:\n{log_path.read_text()}")


def get_json(url: str) -> dict:
    import json

    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.load(resp)


@pytest.mark.browser
def test_the_readme_command_opens_the_start_page_in_jupyterlab(tmp_path, chromium):
    from playwright.sync_api import expect

    command = readme_command("Open the course")
    assert "open_course.sh" in command
    with running(command, tmp_path) as (base, token, log_path):
        url = printed_url(log_path, token)
        assert f"/lab/tree/{START_PAGE}" in url, f"the printed address is {url}"
        # the repository is the top folder: the course, the assignments and the docs are there
        for path in (START_PAGE, "assignments", "docs", "README.md"):
            get_json(f"{base}/api/contents/{path}?content=0&token={token}")
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(bs.UI_TIMEOUT_MS)
        try:
            page = context.new_page()
            page.add_locator_handler(
                page.locator(bs.NEWS_TOAST_NO), bs._dismiss_toast, no_wait_after=True
            )
            page.goto(url, wait_until="domcontentloaded")
            tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current")
            expect(tab).to_contain_text("00_start_here.ipynb", timeout=bs.KERNEL_TIMEOUT_MS)
            expect(page.locator(bs.NOTEBOOK_PANEL).locator("h1").first).to_contain_text(
                "Start here", timeout=bs.KERNEL_TIMEOUT_MS
            )
        finally:
            context.close()
    assert "Running as root is not recommended" not in log_path.read_text()


@pytest.mark.browser
def test_the_readme_app_command_opens_the_start_page_in_voila_with_the_code_hidden(
    tmp_path, chromium
):
    from playwright.sync_api import expect

    command = readme_command("Open the course as an app")
    with running(command, tmp_path) as (_base, token, log_path):
        url = printed_url(log_path, token)
        assert f"/voila/render/{START_PAGE}" in url, f"the printed address is {url}"
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(url, wait_until="domcontentloaded", timeout=bs.KERNEL_TIMEOUT_MS)
            expect(page.locator(".sc-widget").first).to_be_visible(timeout=bs.KERNEL_TIMEOUT_MS)
            expect(page.locator("h1").first).to_contain_text("Start here")
            assert page.locator(".jp-InputArea-editor, .cm-editor").count() == 0, "code shows"
            # the contents table links every module, as pages of the app
            links = page.locator("a[href$='01_understanding_online_grooming.ipynb']")
            expect(links.first).to_be_visible()
        finally:
            context.close()
