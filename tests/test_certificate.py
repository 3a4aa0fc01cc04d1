"""A certificate that counts: issued from the gradebook, printable, verifiable, tamper-proof.

One course folder with every assessment generated and graded through nbgrader: `passer`
hands in the model answers to all of them (a trainer then marks the written answers), and
`learner` has only assessment 1. `course-certificate` is run as a trainer runs it.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader_course import BIN, CourseFolder, assignment_ids, nbgrader_env
from test_assignments import FIRST, fill, max_points, solution_answers

from safeguarding_course import certificate, content
from safeguarding_course.progress import course_modules

pytestmark = pytest.mark.nbgrader


def run(course: CourseFolder, *args: str, command: bool = False):
    """`course-certificate ARGS` in the course folder: the installed command when `command`,
    else its main() in this process (the same code, without a slow interpreter start)."""
    if command:
        return subprocess.run(
            [str(BIN / "course-certificate"), *args],
            cwd=course.root,
            env=nbgrader_env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.chdir(course.root),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            code = certificate.main(list(args))
        except SystemExit as exit_:
            code = exit_.code
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def mark_written_answers(course: CourseFolder, student: str, share: float) -> None:
    """What a trainer does in formgrader: a mark for every written answer."""
    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}") as gb:
        for assignment in gb.assignments:
            for notebook in assignment.notebooks:
                try:
                    submitted = gb.find_submission_notebook(notebook.name, assignment.name, student)
                except Exception:
                    continue
                for grade in submitted.grades:
                    if grade.needs_manual_grade:
                        grade.manual_score = share * grade.max_score
                        grade.needs_manual_grade = False
        gb.db.commit()


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    course = CourseFolder.create(tmp_path_factory.mktemp("certificate") / "course")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course.root)).load_config()
    config.CourseDirectory.root = str(course.root)
    api = NbGraderAPI(config=config)  # one process for all ten, as formgrader's button does
    for assignment in assignment_ids():
        result = api.generate_assignment(assignment, force=True)
        assert result["success"], result["error"][-2000:]
        released = nbformat.read(
            course.root / "assignments" / assignment / f"{assignment}.ipynb", 4
        )
        course.submit(
            "passer", assignment, fill(copy.deepcopy(released), solution_answers(assignment))
        )
    released = nbformat.read(course.root / "assignments" / FIRST / f"{FIRST}.ipynb", 4)
    course.submit("learner", FIRST, fill(copy.deepcopy(released), solution_answers(FIRST)))
    graded = subprocess.run(
        [str(BIN / "grade-cohort"), "--all", "--no-progress"],
        cwd=course.root,
        env=nbgrader_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert graded.returncode == 0, graded.stdout[-2000:] + graded.stderr[-2000:]
    return course


def test_before_marking_nobody_qualifies_and_status_says_why(course):
    result = run(course, "status")
    assert result.returncode == 0, result.stderr
    assert "passer: not yet: 01_understanding_online_grooming: awaiting marking" in result.stdout
    assert (
        "learner: not yet:" in result.stdout
        and "02_recognising_risk_indicators: no submission" in result.stdout
    )
    refused = run(course, "issue", "passer")
    assert refused.returncode == 1 and "NOT ISSUED passer" in refused.stdout
    assert not (course.root / "certificates" / "passer").exists()


@pytest.fixture(scope="module")
def issued(course):
    mark_written_answers(course, "passer", share=0.75)  # 3 of 4 on each written answer
    mark_written_answers(course, "learner", share=1.0)
    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}") as gb:
        gb.update_or_create_student("passer", first_name="Zoë", last_name="Łukasik")
    result = run(course, "issue", "--all", "--issuer", "Example Borough Council training team")
    assert result.returncode == 0, result.stdout + result.stderr
    folder = course.root / "certificates" / "passer"
    return result, folder


def test_the_trainee_who_passed_gets_a_certificate_and_the_other_does_not(issued):
    result, folder = issued
    assert "Issued passer" in result.stdout
    assert not (folder.parent / "learner").exists()
    assert {p.name for p in folder.iterdir()} == {
        "certificate.html",
        "certificate.pdf",
        "cpd_entry.md",
    }


def certificate_text(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace(" .", ".")


def test_the_certificate_states_name_modules_minutes_cpd_hours_scores_version_and_dates(
    issued, course
):
    _, folder = issued
    text = certificate_text(folder / "certificate.html")
    assert "This certifies that Zoë Łukasik (trainee id passer) completed the course" in text
    assert "passed each of its 10 assessments with at least 75%" in text
    modules = course_modules()
    minutes = sum(m.minutes for m in modules.values())
    for module in modules.values():
        assert f"Module {module.number}: {module.title} ({module.minutes} minutes)" in text
    assert f"CPD hours: {minutes / 60:.1f}" in text
    for assignment in assignment_ids():
        total, manual = max_points(assignment)
        score = total - 0.25 * sum(manual.values())
        assert f"{score:g} of {total:g}" in text, assignment
    assert "Assessment 1. Understanding online grooming: 13 of 14 (93%)" in text
    from safeguarding_course import __version__

    newest = max(s.checked for s in content.content().sources.values())
    assert (
        f"Course content version {__version__}, with its facts last checked on {newest:%-d %B %Y}"
        in text
    )
    today = dt.date.today()
    assert f"Issued on {today:%-d %B %Y} by Example Borough Council training team" in text
    assert f"Refresh by {today.replace(year=today.year + 1):%-d %B %Y}" in text
    assert content.fact("cert_swe_cpd_each_year").statement in text
    with pytest.raises(content.UnverifiedFactError):  # KCSIE's wording: not yet seen on GOV.UK
        content.fact("cert_kcsie_annual_updates")
    assert re.search(r"Verification code: [A-Z2-7]{4}(-[A-Z2-7]{4}){4}", text)


def test_the_certificate_is_a_printable_self_contained_page(issued):
    _, folder = issued
    page = (folder / "certificate.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in page
    assert "@page { size: A4" in page and "@media print" in page
    assert not re.search(r"<(script|link|img|iframe)\b|\b(src|href)\s*=|url\(", page, re.I)


def test_the_pdf_has_the_same_text_and_code_on_one_page(issued):
    import pypdf

    _, folder = issued
    reader = pypdf.PdfReader(folder / "certificate.pdf")
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    html_text = certificate_text(folder / "certificate.html")
    code = re.search(r"Verification code: (\S+?)\.", html_text).group(1)
    assert f"Verification code: {code}" in text
    assert (
        "Zoë Łukasik" in text
        and "Assessment 1. Understanding online grooming: 13 of 14 (93%)" in text
    )


def test_a_trainer_can_verify_the_certificate_and_its_code(issued, course):
    _, folder = issued
    result = run(course, "verify", str(folder / "certificate.html"), command=True)
    assert result.returncode == 0 and result.stdout.startswith("VALID"), result.stdout
    code = re.search(r"code (\S+)\)", result.stdout).group(1)
    by_code = run(course, "verify", "--code", code.lower())
    assert by_code.returncode == 0 and f"VALID: code {code} was issued to passer" in by_code.stdout
    assert "Zoë Łukasik" in by_code.stdout
    unknown = run(course, "verify", "--code", "AAAA-BBBB-CCCC-DDDD-EEEE")
    assert unknown.returncode == 1 and unknown.stdout.startswith("NOT VALID")


@pytest.mark.parametrize(
    "change",
    [
        ("13 of 14 (93%)", "14 of 14 (100%)"),  # a better score
        ("Zoë Łukasik", "Zoe Lucas"),  # another name
        ("</main>", "<p>With distinction.</p></main>"),  # an added line
        ("<ul>", "<ul hidden>"),  # a hidden list of modules
        ("Refresh by", "Valid until"),  # one word
    ],
)
def test_a_tampered_copy_is_refused(issued, course, tmp_path, change):
    _, folder = issued
    page = (folder / "certificate.html").read_text(encoding="utf-8")
    assert change[0] in page
    tampered = tmp_path / "certificate.html"
    tampered.write_text(page.replace(change[0], change[1], 1), encoding="utf-8")
    result = run(course, "verify", str(tampered), command=change[1] == "14 of 14 (100%)")
    assert result.returncode == 1 and result.stdout.startswith("NOT VALID"), result.stdout


def test_a_certificate_cannot_be_checked_or_forged_without_the_course_folders_key(
    issued, course, tmp_path
):
    _, folder = issued
    key = course.root / certificate.KEY_FILE
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    other = CourseFolder.create(tmp_path / "other")  # another trainer's course folder
    shutil.copytree(folder.parent, other.root / "certificates")
    (other.root / certificate.KEY_FILE).write_text(os.urandom(32).hex())
    result = run(other, "verify", str(other.root / "certificates" / "passer" / "certificate.html"))
    assert result.returncode == 1 and "NOT VALID" in result.stdout
    register = course.root / "certificates" / "register.jsonl"
    entry = json.loads(register.read_text(encoding="utf-8").splitlines()[0])
    assert entry["student_id"] == "passer" and "Zoë Łukasik" in entry["text"]


def test_the_cpd_entry_is_in_social_work_englands_terms_with_a_peer_reflection_prompt(issued):
    _, folder = issued
    entry = (folder / "cpd_entry.md").read_text(encoding="utf-8")
    for heading in (
        "Type of CPD",
        "What I did, and why it matters to me",
        "When",
        "What I learnt",
        "The impact on my practice and the people I work with",
        "Peer reflection",
    ):
        assert f"## {heading}" in entry
    assert "at least two different pieces of CPD in each registration year" in entry
    assert "socialworkengland.org.uk" in entry
    assert "Passed each assessment with at least 75%" in entry and "certificate code" in entry


def test_a_trainer_can_set_another_pass_mark(course, issued):
    strict = run(course, "status", "--pass-mark", "95")
    assert "passer: not yet:" in strict.stdout and "below the pass mark of 95%" in strict.stdout
    bad = run(course, "status", "--pass-mark", "120")
    assert bad.returncode == 2


def test_the_default_pass_mark_needs_a_trainers_mark_on_every_assessment():
    """The reason for 75% (certificate.py): in every assessment, the auto-marked questions
    alone come to less than 75%, so a pass always includes a marked written answer."""
    assert certificate.DEFAULT_PASS_MARK == 75.0
    for assignment in assignment_ids():
        total, manual = max_points(assignment)
        assert 100 * (total - sum(manual.values())) / total < certificate.DEFAULT_PASS_MARK, (
            assignment
        )
