"""On a real cohort hub, each trainee's work and the trainer's answers stay private.

One hub (set up by deploy/jupyterhub/setup.sh, started by start.sh) with a trainer and two
trainees, each a Linux user. The assessment goes round the whole exchange: the trainer
releases it, both trainees fetch and submit from their own kernels (one with the model
answers, one blank), the second also plants a submission in the first's name, the trainer
collects, grades and releases feedback, and both fetch their feedback. Then the second
trainee tries, from their own kernel, to read or change what is not theirs.
"""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import nbformat
import pytest
from hub_support import COURSE_ID, REPO, CohortHub, env_dir, shell
from notebook_files import ASSIGNMENTS
from test_assignments import FIRST, fill, max_points, solution_answers

pytestmark = pytest.mark.hub
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)

PROBE = r"""
import json, os
def probe(action, path):
    try:
        if action == "list":
            os.listdir(path)
        elif action == "read":
            with open(path, "rb") as handle:
                handle.read(1)
        elif action == "write":
            with open(os.path.join(path, "planted.txt"), "x") as handle:
                handle.write("not yours")
        return "allowed"
    except PermissionError:
        return "denied"
    except OSError as error:
        return type(error).__name__
print(json.dumps({f"{a} {p}": probe(a, p) for a, p in json.loads(TARGETS)}))
"""


def released_notebook():
    return nbformat.read(ASSIGNMENTS / FIRST / f"{FIRST}.ipynb", as_version=4)


def ok(answer: tuple[int, bytes], what: str) -> dict | list:
    status, data = answer
    assert status in (200, 201), f"{what}: {status} {data[:1500]!r}"
    result = json.loads(data) if data else {}
    if isinstance(result, dict) and result.get("success") is False:
        raise AssertionError(f"{what} failed: {result.get('error') or result.get('log')}")
    return result


@pytest.fixture(scope="module")
def cohort():
    """The exchange round trip, through the same server APIs the browser uses: formgrader's
    for the trainer (generate, release, collect, feedback), the Assignment List's and the
    file API for trainees (fetch, save answers, submit, fetch feedback); grade-cohort runs in
    the trainer's own kernel."""
    with CohortHub(trainees=2) as hub:
        hub.spawn()
        trainer, (first, second) = hub.trainer, hub.trainees
        course = f"~/{COURSE_ID}"
        for step in ("assign", "release"):
            ok(hub.user_api(trainer, "POST", f"formgrader/api/assignment/{FIRST}/{step}"), step)
        which = {"course_id": COURSE_ID, "assignment_id": FIRST}
        model = fill(released_notebook(), solution_answers(FIRST))
        for user in (first, second):
            ok(hub.user_api(user, "POST", "assignments/fetch", which), f"{user} fetch")
            if user == first:
                ok(
                    hub.user_api(
                        user,
                        "PUT",
                        f"api/contents/{FIRST}/{FIRST}.ipynb",
                        {"type": "notebook", "format": "json", "content": model},
                    ),
                    "saving the answers",
                )
            ok(hub.user_api(user, "POST", "assignments/submit", which), f"{user} submit")
        # the second trainee files their own blank work under the first's name, dated later
        forged = hub.run_code(
            second,
            "import os, shutil\n"
            f"inbound = {str(hub.exchange / COURSE_ID / 'inbound')!r}\n"
            f"target = os.path.join(inbound, '{first}+{FIRST}+2030-01-01 00:00:00.000000 UTC+x')\n"
            f"shutil.copytree(os.path.expanduser('~/{FIRST}'), target)\n"
            "with open(os.path.join(target, 'timestamp.txt'), 'w') as f:\n"
            "    f.write('2030-01-01 00:00:00.000000 UTC')\n"
            "print(target)\n",
        ).strip()
        collected = ok(
            hub.user_api(trainer, "POST", f"formgrader/api/assignment/{FIRST}/collect"), "collect"
        )
        graded = hub.run_code(trainer, shell(f"grade-cohort {FIRST} --no-progress", cwd=course))
        for step in ("generate_feedback", "release_feedback"):
            ok(hub.user_api(trainer, "POST", f"formgrader/api/assignment/{FIRST}/{step}"), step)
        for user in (first, second):
            ok(hub.user_api(user, "POST", "assignments/fetch_feedback", which), "fetch_feedback")
        # the first trainee keeps progress, a reflection, ratings and a CPD record
        saved = hub.run_code(
            first,
            "import json, os\n"
            "os.chdir(os.path.expanduser('~/course'))  # where the notebooks are opened\n"
            "from safeguarding_course.widgets.progress import finish_module\n"
            "from safeguarding_course.progress import progress_path\n"
            "block = finish_module('01')\n"
            "block.reflection.value = 'A private reflection for supervision.'\n"
            "for radio in block.confidence.ratings.values():\n"
            "    radio.value = 4\n"
            "assert block.confidence.save()\n"
            "assert block.mark_complete(), block.status_text\n"
            "md, page = block.cpd.save_cpd()\n"
            "ratings = block.cpd.save_ratings()\n"
            "print(json.dumps({'progress': str(progress_path()), 'cpd': [str(md), str(page)],\n"
            "                  'ratings': str(ratings), 'status': block.cpd.status_text}))\n",
        )
        yield {
            "hub": hub,
            "forged": forged,
            "trainer_log": f"{collected.get('log', '')}\n{graded}",
            "saved": json.loads(saved.strip().splitlines()[-1]),
        }


def probe(hub: CohortHub, user: str, targets: list[tuple[str, Path]]) -> dict[str, str]:
    for _action, path in targets:  # as root: each target is really there, so a denial counts
        assert Path(path).exists(), f"test set-up: {path} should exist before probing it"
    code = f"TARGETS = {json.dumps([(a, str(p)) for a, p in targets])!r}\n" + PROBE
    return json.loads(hub.run_code(user, code).strip().splitlines()[-1])


def feedback_page(home: Path) -> Path:
    pages = sorted((home / FIRST / "feedback").glob(f"*/{FIRST}.html"))
    assert pages, f"no feedback fetched into {home / FIRST / 'feedback'}"
    return pages[-1]


def test_kernels_use_the_course_installed_from_a_wheel_with_no_answers_in_it(cohort):
    hub = cohort["hub"]
    out = hub.run_code(
        hub.trainees[0],
        "import safeguarding_course, json\n"
        "from safeguarding_course.progress import course_modules\n"
        "from safeguarding_course import content\n"
        "print(json.dumps({'file': safeguarding_course.__file__, 'modules': len(course_modules()),"
        " 'sources': len(content.content().sources)}))\n",
    )
    found = json.loads(out.strip().splitlines()[-1])
    assert found["file"].startswith(str(env_dir() / "venv" / "lib")), found
    assert found["modules"] == len(list((hub.root / "course").glob("[0-9][0-9]_*.ipynb")))
    assert found["sources"] > 0
    package = Path(found["file"]).parent
    hidden = [
        block.strip()
        for path in (REPO / "solutions").rglob("*.ipynb")
        for cell in nbformat.read(path, as_version=4).cells
        for block in HIDDEN.findall(cell.source)
        if block.strip()
    ]
    assert hidden, "test set-up: the solutions should have hidden tests"
    for path in package.rglob("*"):
        assert path.suffix != ".ipynb", f"a notebook was installed with the package: {path}"
        if path.is_file() and path.suffix in (".py", ".yaml", ".json"):
            text = path.read_text(errors="replace")
            assert not [b for b in hidden if b in text], f"{path} holds a hidden test"


def test_the_trainers_folder_is_private(cohort):
    hub = cohort["hub"]
    assert stat.S_IMODE(hub.course.stat().st_mode) == 0o700
    for user in hub.users:
        assert stat.S_IMODE(hub.home(user).stat().st_mode) == 0o700, user


def test_a_trainee_cannot_read_solutions_gradebook_or_anyone_elses_work(cohort):
    hub = cohort["hub"]
    first, second = hub.trainees
    course, home = hub.course, hub.home(first)
    targets = [
        ("list", course),
        ("read", course / "solutions" / FIRST / f"{FIRST}.ipynb"),
        ("read", course / "gradebook.db"),
        ("read", course / "submitted" / first / FIRST / f"{FIRST}.ipynb"),
        ("read", course / "autograded" / first / FIRST / f"{FIRST}.ipynb"),
        ("read", course / "feedback" / first / FIRST / f"{FIRST}.html"),
        ("list", home),
        ("read", home / FIRST / f"{FIRST}.ipynb"),
        ("read", feedback_page(home)),
        ("read", Path(cohort["saved"]["progress"])),
        ("read", Path(cohort["saved"]["cpd"][0])),
        ("list", hub.exchange / COURSE_ID / "inbound"),
        ("list", hub.exchange / COURSE_ID / "feedback"),
    ]
    results = probe(hub, second, targets)
    assert set(results.values()) == {"denied"}, {k: v for k, v in results.items() if v != "denied"}


def test_a_trainee_cannot_change_submissions_releases_or_the_course(cohort):
    hub = cohort["hub"]
    first, second = hub.trainees
    targets = [
        ("write", hub.course / "submitted" / first / FIRST),
        ("write", hub.exchange / COURSE_ID / "outbound" / FIRST),
        ("write", hub.exchange / COURSE_ID),
        ("write", hub.root / "course"),
        ("write", env_dir() / "venv" / "lib"),
        ("write", hub.home(first) / "course"),
    ]
    results = probe(hub, second, targets)
    assert set(results.values()) == {"denied"}, {k: v for k, v in results.items() if v != "denied"}


def test_what_a_trainee_may_reach_they_can(cohort):
    """The probes can succeed: the release is readable, and their own home is theirs."""
    hub = cohort["hub"]
    second = hub.trainees[1]
    results = probe(
        hub,
        second,
        [
            ("read", hub.exchange / COURSE_ID / "outbound" / FIRST / f"{FIRST}.ipynb"),
            ("read", hub.root / "course" / "00_start_here.ipynb"),
            ("read", feedback_page(hub.home(second))),
            ("write", hub.home(second) / "course"),
        ],
    )
    assert set(results.values()) == {"allowed"}, results


def test_collected_submissions_belong_to_the_trainer_alone(cohort):
    hub = cohort["hub"]
    trainer_uid = hub.home(hub.trainer).stat().st_uid
    for trainee in hub.trainees:
        folder = hub.course / "submitted" / trainee / FIRST
        for path in [folder, *folder.rglob("*")]:
            mode = stat.S_IMODE(path.stat().st_mode)
            assert path.stat().st_uid == trainer_uid, path
            assert mode == (0o700 if path.is_dir() else 0o600), f"{path}: {oct(mode)}"


def test_a_submission_in_another_trainees_name_is_not_collected(cohort):
    hub = cohort["hub"]
    first = hub.trainees[0]
    assert "Not collected" in cohort["trainer_log"] and cohort["forged"] in cohort["trainer_log"]
    stamp = (hub.course / "submitted" / first / FIRST / "timestamp.txt").read_text()
    assert not stamp.startswith("2030"), "the forged submission was collected"


def test_grades_and_feedback_reach_the_right_trainee(cohort):
    from nbgrader.api import Gradebook

    hub = cohort["hub"]
    first, second = hub.trainees
    total, manual = max_points(FIRST)
    with Gradebook(f"sqlite:///{hub.course / 'gradebook.db'}") as gb:
        assert gb.find_submission(FIRST, first).score == total - sum(manual.values())
        assert gb.find_submission(FIRST, second).score == 0
        names = {s.id: (s.first_name, s.last_name) for s in gb.students}
    assert names[first] == ("Trainee1", "Test1"), "nbgrader db student import did not run"
    page = feedback_page(hub.home(first)).read_text()
    assert "BEGIN HIDDEN TESTS" not in page and "assert " not in page
    assert feedback_page(hub.home(first)).stat().st_uid == hub.home(first).stat().st_uid


def test_a_learners_progress_and_cpd_record_are_saved_in_their_own_home(cohort):
    hub = cohort["hub"]
    first = hub.trainees[0]
    home, uid = hub.home(first), hub.home(first).stat().st_uid
    saved = cohort["saved"]
    paths = [Path(saved["progress"]), *map(Path, saved["cpd"]), Path(saved["ratings"])]
    for path in paths:
        assert path.is_file() and home in path.parents, path
        assert path.stat().st_uid == uid, path
    assert Path(saved["progress"]) == home / ".safeguarding_course" / "progress.json"
    assert "Understanding online grooming" in Path(saved["cpd"][0]).read_text()


def test_instructor_tools_are_there_for_the_trainer_only(cohort):
    import re

    hub = cohort["hub"]
    tools = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"}
    for user in hub.users:
        status, _ = hub.user_api(user, "GET", "formgrader/")
        _, page = hub.user_api(user, "GET", "lab")
        data = re.search(rb'id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.S)
        disabled = set(json.loads(data.group(1)).get("disabledExtensions", []))
        if user == hub.trainer:
            assert status == 200 and not tools & disabled, (user, status, disabled)
        else:
            assert status == 404 and tools <= disabled, (user, status, disabled)


def test_every_user_has_their_own_copy_of_the_course_and_voila(cohort):
    hub = cohort["hub"]
    notebooks = sorted(p.name for p in (hub.root / "course").glob("*.ipynb"))
    for user in hub.users:
        copy = hub.home(user) / "course"
        assert sorted(p.name for p in copy.glob("*.ipynb")) == notebooks
        assert copy.stat().st_uid == hub.home(user).stat().st_uid
        status, page = hub.user_api(user, "GET", "voila/tree/course")
        assert status == 200 and b"voila-tree-main" in page, (user, status)
