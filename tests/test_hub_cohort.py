"""A cohort on JupyterHub, as the trainer guide's section 11 says, in a real Chromium.

Every bash block of the guide's section 11 runs as written: setup and start as root (with
the hub's folder, environment and ports from $COURSE_HUB_*), the trainer's blocks as the
trainer, in the environment of the trainer's own server (as in a terminal in JupyterLab).
Between them two trainees and the trainer use the hub in the browser: log in, fetch in the
Assignment List, answer, Validate, Submit; the trainer marks a written answer in formgrader
in its own tab; the trainees fetch their feedback and open it.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from browser_support import launch_chromium
from hub_support import DEPLOY, CohortHub, HubError, login
from nbgrader.api import Gradebook
from notebook_files import ASSIGNMENTS
from test_assignments import FIRST, fill, max_points, solution_answers

pytestmark = [pytest.mark.hub, pytest.mark.browser]

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "trainer_guide.md"
SECTION = re.compile(r"^## (?:[0-9]+\. )?Running a cohort on JupyterHub$", re.M)
BLOCK = re.compile(r"```bash\n(.*?)```", re.S)
UI_TIMEOUT = 60_000  # ms, one step in the browser on a busy machine
LAB_TIMEOUT = 180_000  # ms, JupyterLab's first load after login
#: where a trainee's browser shows the assignment list
ASSIGNMENTS_PANEL = "#jp-main-dock-panel .lm-Widget:not(.lm-mod-hidden) #released_assignments_list"
# As root, where sudo is not installed (a container, CI), `sudo CMD` is just CMD.
SUDO_SHIM = 'command -v sudo >/dev/null || sudo() { "$@"; }\n'


def hub_section() -> str:
    text = GUIDE.read_text()
    found = SECTION.search(text)
    assert found, "the trainer guide has no section 'Running a cohort on JupyterHub'"
    start = found.start()
    end = text.find("\n## ", found.end())
    return text[start : end if end != -1 else len(text)]


def hub_blocks() -> list[str]:
    return [block.strip() for block in BLOCK.findall(hub_section())]


def server_environment(hub: CohortHub, user: str) -> dict[str, str]:
    """The environment of `user`'s running server: what a JupyterLab terminal gets."""
    uid = hub.home(user).stat().st_uid
    for pid in subprocess.run(
        ["ps", "-o", "pid=", "-u", str(uid)], capture_output=True, text=True
    ).stdout.split():
        with contextlib.suppress(OSError):
            if b"jupyterhub-singleuser" in Path(f"/proc/{pid}/cmdline").read_bytes():
                raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
                env = dict(item.decode().split("=", 1) for item in raw if b"=" in item)
                return {k: v for k, v in env.items() if not k.startswith("JUPYTERHUB_")}
    raise HubError(f"{user}'s server is not running")


def run_as(hub: CohortHub, user: str, block: str) -> subprocess.CompletedProcess:
    env = server_environment(hub, user)
    return subprocess.run(
        ["runuser", "-u", user, "--", "env", "-i", *[f"{k}={v}" for k, v in env.items()],
         "bash", "-e", "-c", block],
        cwd=hub.home(user), capture_output=True, text=True, timeout=900,
    )  # fmt: skip


def new_page(browser, hub: CohortHub, user: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(UI_TIMEOUT)
    page = context.new_page()
    login(page, hub, user)
    page.wait_for_url(re.compile(r"/lab"), timeout=LAB_TIMEOUT)
    page.locator("#jp-main-statusbar").wait_for(timeout=LAB_TIMEOUT)
    return page


def open_nbgrader_menu(page):
    """Click the Nbgrader menu until it is open (a click while JupyterLab is still busy
    restoring its layout can be lost, or close a menu that was open)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    menu = page.locator(".lm-Menu-content .lm-Menu-itemLabel").first
    for _attempt in range(6):
        page.keyboard.press("Escape")
        page.locator(".lm-MenuBar-itemLabel:text-is('Nbgrader')").click()
        try:
            menu.wait_for(timeout=10_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError("the Nbgrader menu did not open")


def nbgrader_menu(page) -> list[str]:
    open_nbgrader_menu(page)
    items = page.locator(".lm-Menu-content .lm-Menu-itemLabel").all_inner_texts()
    page.keyboard.press("Escape")
    return [i.strip() for i in items if i.strip()]


def open_assignment_list(page):
    open_nbgrader_menu(page)
    page.locator(".lm-Menu-item:has-text('Assignment List')").click()
    page.locator("#released_assignments_list").wait_for()
    return page


def fetch_answer_validate_submit(page, hub: CohortHub, user: str, notebook) -> str:
    """In the Assignment List: Fetch, then (answers saved) Validate and Submit. Returns the
    Validate button's class (btn-success when the notebook passes its checks)."""
    released = page.locator("#released_assignments_list .list_item", has_text=FIRST)
    released.get_by_role("button", name="Fetch").click()
    fetched = page.locator("#fetched_assignments_list .list_item", has_text=FIRST).first
    fetched.wait_for()
    if notebook is not None:  # the trainee's answers, saved as JupyterLab saves a notebook
        status, data = hub.user_api(
            user, "PUT", f"api/contents/{FIRST}/{FIRST}.ipynb",
            {"type": "notebook", "format": "json", "content": notebook},
        )  # fmt: skip
        assert status == 200, data[:500]
    fetched.locator("a").first.click()  # show the assessment's notebooks
    validate = fetched.get_by_role("button", name="Validate")
    validate.click()
    page.locator(".jp-Dialog").wait_for(timeout=KERNEL_MS)
    page.locator(".jp-Dialog .jp-Dialog-button").last.click()
    outcome = validate.get_attribute("class") or ""
    fetched.get_by_role("button", name="Submit").click()
    page.locator("#submitted_assignments_list .list_item", has_text=FIRST).first.wait_for()
    return outcome


KERNEL_MS = 180_000  # validating runs the notebook in a kernel


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    """The guide's section 11, from setup to export, with two trainees in the browser."""
    blocks = hub_blocks()
    hub = CohortHub(trainees=2)
    work = tmp_path_factory.mktemp("guide-hub")  # where the trainer runs the guide's commands
    (work / "deploy").symlink_to(DEPLOY.parent)
    shutil.copy(hub.write_trainee_list(), work / "trainees.csv")
    first, second = hub.trainees
    answers = {first: fill(released(), solution_answers(FIRST)), second: None}
    seen: dict = {"blocks": [], "validate": {}, "menus": {}, "feedback": {}}
    env_vars = {"TRAINER": hub.trainer}
    try:
        with launch_chromium() as browser:
            pages: dict = {}
            for block in blocks:
                if "setup.sh" in block:
                    hub.setup(["bash", "-e", "-c", SUDO_SHIM + block], cwd=work, extra=env_vars)
                    seen["blocks"].append((block, hub.setup_output))
                elif "start.sh" in block:
                    hub.start(["bash", "-e", "-c", SUDO_SHIM + block], cwd=work)
                    hub.spawn()
                    seen["blocks"].append((block, "started"))
                    for user in hub.users:
                        pages[user] = new_page(browser, hub, user)
                        seen["menus"][user] = nbgrader_menu(pages[user])
                else:
                    result = run_as(hub, hub.trainer, block)
                    assert result.returncode == 0, (
                        f"`{block}` failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
                    )
                    seen["blocks"].append((block, result.stdout + result.stderr))
                if "release_assignment" in block:
                    for user in (first, second):
                        page = open_assignment_list(pages[user])
                        seen["validate"][user] = fetch_answer_validate_submit(
                            page, hub, user, answers[user]
                        )
                if "grade-cohort" in block:
                    seen["formgrader"] = mark_in_formgrader(pages[hub.trainer], hub, first)
                if "release_feedback" in block:
                    for user in (first, second):
                        seen["feedback"][user] = fetch_and_open_feedback(pages[user], hub, user)
        yield hub, seen
    finally:
        hub.stop()


def released():
    return nbformat.read(ASSIGNMENTS / FIRST / f"{FIRST}.ipynb", as_version=4)


def written_grade_id() -> str:
    _, manual = max_points(FIRST)
    return next(iter(manual))


def mark_in_formgrader(page, hub: CohortHub, trainee: str) -> dict:
    """Formgrader in its own tab, as the guide says: the trainer gives the written answer
    2 marks and a comment."""
    base = f"{hub.base_url}/user/{hub.trainer}/formgrader"
    response = page.goto(f"{base}/manage_submissions/{FIRST}", wait_until="domcontentloaded")
    headers = response.all_headers()
    page.locator("td", has_text=trainee).first.wait_for()
    listing = page.locator("table").first.inner_text()
    with Gradebook(f"sqlite:///{hub.course / 'gradebook.db'}") as gb:
        notebook_id = gb.find_submission_notebook(FIRST, FIRST, trainee).id
    page.goto(f"{base}/submissions/{notebook_id}", wait_until="domcontentloaded")
    score = page.locator(f"input.score[id='{written_grade_id()}']")
    score.fill("2")
    score.press("Tab")
    comment = page.locator(f"textarea[id='{written_grade_id()}-comment']")
    comment.fill("Clear and well reasoned: you name the route and say why.")
    comment.press("Tab")
    page.locator(".score-saved").first.wait_for(state="attached")
    page.wait_for_timeout(1500)  # the page saves on change; let both saves land
    return {"csp": headers.get("content-security-policy", ""), "listing": listing}


def fetch_and_open_feedback(page, hub: CohortHub, user: str) -> str:
    open_assignment_list(page)
    submitted = page.locator("#submitted_assignments_list .list_item", has_text=FIRST).first
    submitted.get_by_role("button", name="Fetch Feedback").click()
    page.locator("#submitted_assignments_list", has_text="view feedback").wait_for()
    pages = sorted((hub.home(user) / FIRST / "feedback").glob(f"*/{FIRST}.html"))
    assert pages, f"no feedback fetched for {user}"
    relative = pages[-1].relative_to(hub.home(user))
    page.goto(f"{hub.base_url}/user/{user}/files/{relative}", wait_until="domcontentloaded")
    return page.locator("body").inner_text()


# -- what the cohort should see -------------------------------------------------------------


def test_the_guide_section_has_the_hub_workflow():
    commands = "\n".join(hub_blocks())
    for step in ("setup.sh", "start.sh", "release_assignment", "collect", "grade-cohort",
                 "generate_feedback", "release_feedback", "nbgrader export"):  # fmt: skip
        assert step in commands, f"section 11 should show `{step}`"
    assert "/user/TRAINER/formgrader" in hub_section()


def test_every_command_in_the_hub_section_ran(cohort):
    _, seen = cohort
    assert [block for block, _ in seen["blocks"]] == hub_blocks()


def test_instructor_tools_are_in_the_trainers_menu_only(cohort):
    hub, seen = cohort
    assert "Formgrader" in seen["menus"][hub.trainer], seen["menus"][hub.trainer]
    for trainee in hub.trainees:
        assert seen["menus"][trainee] == ["Assignment List"], seen["menus"][trainee]


def test_the_model_answers_validate_in_the_browser(cohort):
    hub, seen = cohort
    assert "btn-success" in seen["validate"][hub.trainees[0]]


def test_formgrader_in_its_own_tab_lists_and_marks_submissions(cohort):
    hub, seen = cohort
    first, second = hub.trainees
    assert first in seen["formgrader"]["listing"] and second in seen["formgrader"]["listing"]
    # why the guide sends trainers to a tab of its own: the hub forbids frames
    assert "frame-ancestors 'none'" in seen["formgrader"]["csp"]
    with Gradebook(f"sqlite:///{hub.course / 'gradebook.db'}") as gb:
        grade = gb.find_grade(written_grade_id(), FIRST, FIRST, first)
        assert grade.manual_score == 2.0
        comment = gb.find_comment(written_grade_id(), FIRST, FIRST, first)
        assert "well reasoned" in (comment.manual_comment or "")


def test_grades_are_exported_for_both_trainees(cohort):
    import csv

    hub, _ = cohort
    total, manual = max_points(FIRST)
    with (hub.course / "grades.csv").open() as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle) if r["assignment"] == FIRST}
    first, second = hub.trainees
    assert float(rows[first]["score"]) == total - sum(manual.values()) + 2.0
    assert float(rows[second]["score"]) == 0.0
    assert rows[first]["first_name"] == "Trainee1"


def test_each_trainee_opens_their_own_feedback_without_hidden_tests(cohort):
    hub, seen = cohort
    first, second = hub.trainees
    assert "well reasoned" in seen["feedback"][first]
    assert "well reasoned" not in seen["feedback"][second]
    for text in seen["feedback"].values():
        assert FIRST in text or "Question 1" in text
        assert "BEGIN HIDDEN TESTS" not in text and "assert " not in text
