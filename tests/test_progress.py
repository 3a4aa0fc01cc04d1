"""A learner's progress survives restarts, bad files never crash a notebook or lose data,
the widgets record and show it, and a trainer can pool anonymous confidence ratings."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import os
import re
import threading
from pathlib import Path

import ipywidgets as w
import pytest

from safeguarding_course import content, progress, render
from safeguarding_course.progress import (
    CourseFolderMissing,
    Progress,
    ProgressError,
    course_modules,
    pool_confidence,
    record_check_result,
)
from safeguarding_course.widgets import indicator_spotter, self_check
from safeguarding_course.widgets.progress import confidence_check, finish_module, progress_panel

STATEMENTS = list(content.content().confidence_statements)


# every test keeps its progress, home and working folder in a temporary folder (conftest.home)
pytestmark = pytest.mark.usefixtures("home")


def progress_file(home: Path) -> Path:
    return home / "progress.json"


def corrupt_copies(home: Path) -> list[Path]:
    return sorted(home.glob("progress.json.corrupt-*"))


def right_answer(widget) -> None:
    widget.choices.value = content.self_check(widget.question.id).correct[0]
    widget.check_button.click()


# -- where and what ------------------------------------------------------------------------


def test_the_progress_file_lives_in_the_folder_the_environment_variable_names(home):
    assert progress.progress_path() == home / "progress.json"


def test_without_the_variable_the_progress_file_is_in_the_home_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(progress.HOME_VARIABLE)
    assert progress.progress_path() == tmp_path / "user_home" / ".safeguarding_course" / (
        "progress.json"
    )


def test_reading_progress_before_any_change_writes_nothing(home):
    Progress()
    progress_panel()
    assert not progress_file(home).exists()


def test_module_metadata_comes_from_the_course_notebooks():
    """The index shipped with the package matches the notebooks' own metadata (regenerate it
    with `python -m safeguarding_course.progress module-index`)."""
    modules = course_modules()
    notebooks = sorted(progress.course_dir().glob("[0-9][0-9]_*.ipynb"))
    assert list(modules) == [render.module_metadata(p)["module"] for p in notebooks]
    assert modules == {
        m.id: dataclasses.replace(m, notebook=Path(m.notebook.name))
        for m in course_modules(progress.course_dir()).values()
    }, "course_modules.json is out of date: run python -m safeguarding_course.progress module-index"
    for path in notebooks:
        meta = render.module_metadata(path)
        module = modules[meta["module"]]
        assert (module.title, module.minutes, list(module.outcomes), module.notebook.name) == (
            meta["title"],
            meta["minutes"],
            meta["outcomes"],
            path.name,
        )


def test_without_the_course_folder_modules_come_from_the_package(monkeypatch, tmp_path):
    """Installed as a wheel (as on JupyterHub), course/ is not beside the package: progress,
    the panel and the CPD record still know every module."""
    monkeypatch.setattr(progress, "__file__", str(tmp_path / "site" / "pkg" / "progress.py"))
    with pytest.raises(CourseFolderMissing, match="course notebooks were not found in"):
        progress.course_dir()
    assert course_modules()["01"].title == "Understanding online grooming"
    panel = progress_panel()
    assert "You have completed 0 of" in panel.summary_text
    block = finish_module("01")
    block.complete_button.click()
    assert Progress().is_complete("01")


def test_a_missing_module_index_is_a_clear_error_and_the_panel_says_so(monkeypatch, tmp_path):
    monkeypatch.setattr(progress, "MODULE_INDEX", tmp_path / "course_modules.json")
    with pytest.raises(CourseFolderMissing, match="reinstall the course package"):
        course_modules()
    panel = progress_panel()
    assert "reinstall the course package" in panel.summary_text
    block = finish_module("01")  # still lets the learner reflect and finish
    assert "reinstall the course package" in block.children[0].value
    block.complete_button.click()
    assert Progress().is_complete("01")


def test_the_course_folder_can_be_configured(monkeypatch, tmp_path):
    monkeypatch.setenv(progress.COURSE_DIR_VARIABLE, str(tmp_path))
    assert progress.course_dir() == tmp_path


# -- surviving a restart -------------------------------------------------------------------


def test_progress_survives_a_restart(home):
    before = Progress()
    before.record_check("m01_tactics", True, kind="self_check", module="01")
    before.record_check("sam_new_phone", False, kind="spotter", module="01")
    before.set_reflection("01", "Patterns matter more than single signs.")
    before.mark_complete("01")
    before.save_confidence("start", dict.fromkeys(STATEMENTS, 2))

    after = Progress()  # a new kernel reading the same file
    assert after.learner_id == before.learner_id
    assert after.checks["m01_tactics"].correct is True
    assert after.checks["sam_new_phone"].kind == "spotter"
    assert after.checks["sam_new_phone"].correct is False
    assert after.reflection("01") == "Patterns matter more than single signs."
    assert after.is_complete("01") and not after.is_complete("00")
    assert after.ratings("start") == dict.fromkeys(STATEMENTS, 2)
    assert json.loads(progress_file(home).read_text(encoding="utf-8"))["format"] == (
        "safeguarding-course-progress"
    )


def test_two_notebooks_open_at_once_do_not_undo_each_others_changes():
    module_one, module_two = Progress(), Progress()
    module_one.record_check("m01_tactics", True, module="01")
    module_two.record_check("start_first_step", True, module="00")
    module_one.set_reflection("01", "one")
    assert set(Progress().checks) == {"m01_tactics", "start_first_step"}
    assert Progress().reflection("01") == "one"


@pytest.mark.skipif(progress.fcntl is None, reason="the lock uses fcntl (POSIX only)")
def test_changes_made_at_the_same_time_are_all_kept():
    def answer(n: int) -> None:
        p = Progress()
        for i in range(5):
            p.record_check(f"item_{n}_{i}", True, module="01")

    threads = [threading.Thread(target=answer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(Progress().checks) == 20


def test_answering_again_counts_attempts_and_keeps_the_last_result():
    p = Progress()
    p.record_check("m01_models", False, module="01")
    p.record_check("m01_models", True, module="01")
    record = Progress().checks["m01_models"]
    assert (record.attempts, record.correct) == (2, True)
    assert record.first_answered <= record.last_answered


def test_marking_complete_again_keeps_the_first_date(monkeypatch):
    first = dt.datetime(2026, 11, 28, 10, tzinfo=dt.UTC)
    monkeypatch.setattr(progress, "_now", lambda: first)
    Progress().mark_complete("01")
    monkeypatch.setattr(progress, "_now", lambda: first + dt.timedelta(days=3))
    Progress().mark_complete("01")
    assert Progress().completed["01"] == first


def test_bad_values_are_refused_before_anything_is_saved(home):
    p = Progress()
    with pytest.raises(ValueError):
        p.save_confidence("start", {"recognise_signs": 6})
    with pytest.raises(ValueError):
        p.save_confidence("after", {"recognise_signs": 3})
    with pytest.raises(ValueError):
        p.mark_complete("1")
    assert not progress_file(home).exists()


# -- atomic writes -------------------------------------------------------------------------


def test_a_save_writes_a_temporary_file_in_the_same_folder_then_replaces(home, monkeypatch):
    Progress().mark_complete("00")
    calls = []
    real_replace = os.replace

    def spy(src, dst):
        calls.append((Path(src), Path(dst), Path(src).read_bytes()))
        return real_replace(src, dst)

    monkeypatch.setattr(progress.os, "replace", spy)
    Progress().mark_complete("01")
    ((src, dst, written),) = calls
    assert dst == progress_file(home)
    assert src.parent == home and src != dst
    assert json.loads(written)["completed"].keys() == {"00", "01"}
    assert not src.exists()
    assert sorted(p.name for p in home.iterdir()) == ["progress.json", "progress.lock"]


def test_a_write_that_fails_part_way_leaves_the_old_file_whole(home, monkeypatch):
    Progress().mark_complete("00")
    old = progress_file(home).read_bytes()

    def disk_full(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(progress.os, "fsync", disk_full)
    with pytest.raises(ProgressError, match=re.escape(str(progress_file(home)))):
        Progress().mark_complete("01")
    assert progress_file(home).read_bytes() == old
    assert sorted(p.name for p in home.iterdir()) == ["progress.json", "progress.lock"]
    note = record_check_result("m01_tactics", True, kind="self_check", module="01")
    assert "could not be saved" in note and "No space left on device" in note


# -- bad files -----------------------------------------------------------------------------

VALID = {
    "format": "safeguarding-course-progress",
    "version": 1,
    "learner_id": "0" * 32,
    "created": "2026-11-01T09:00:00Z",
    "updated": "2026-11-01T09:00:00Z",
}
BAD_FILES = {
    "invalid JSON": (b'{"format": "safeguarding-course-progress", ', "not valid JSON"),
    "not UTF-8": (b'{"format": "\xff\xfe"}', "not UTF-8 text"),
    "wrong shape": (
        json.dumps({**VALID, "checks": {"m01_tactics": {"correct": "yes"}}}).encode(),
        "does not have the expected contents: checks > m01_tactics",
    ),
    "a list": (b"[1, 2, 3]", "JSON list, not the expected object"),
    "empty": (b"", "it is empty"),
    "another program's file": (b'{"name": "x"}', "not a progress file of this course"),
    "a newer version": (json.dumps({**VALID, "version": 2}).encode(), "newer version"),
}


@pytest.mark.parametrize("raw, words", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_is_reported_moved_aside_unchanged_and_replaced(home, raw, words):
    home.mkdir()
    progress_file(home).write_bytes(raw)
    p = Progress()
    (kept,) = corrupt_copies(home)
    assert kept.read_bytes() == raw  # nothing is lost
    assert re.fullmatch(r"progress\.json\.corrupt-\d{8}T\d{6}\d*Z", kept.name)
    (notice,) = p.notices
    assert str(progress_file(home)) in notice and words in notice and str(kept) in notice
    fresh = json.loads(progress_file(home).read_text(encoding="utf-8"))
    assert fresh["learner_id"] == p.learner_id and fresh["checks"] == {}
    p.mark_complete("01")  # and it works from then on
    assert Progress().is_complete("01") and Progress().notices == []


def test_a_file_that_cannot_be_opened_is_moved_aside(home):
    progress_file(home).mkdir(parents=True)  # a folder where the file should be
    p = Progress()
    assert "could not be opened" in p.notices[0]
    assert corrupt_copies(home)[0].is_dir()
    p.mark_complete("00")
    assert Progress().is_complete("00")


def test_a_bad_file_that_cannot_be_moved_is_left_untouched_and_nothing_crashes(home, monkeypatch):
    home.mkdir()
    progress_file(home).write_bytes(b"{ not json")

    def refuse(*_args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(progress.os, "replace", refuse)
    p = Progress()
    assert "could not be moved aside either" in p.notices[0]
    with pytest.raises(ProgressError, match="will not be saved"):
        p.mark_complete("01")
    widget = self_check("start_first_step")
    right_answer(widget)
    assert widget.feedback_text.startswith("Correct.")
    assert "could not be saved" in widget.progress_note.value
    assert progress_file(home).read_bytes() == b"{ not json"


def test_widgets_still_work_after_a_corrupt_file(home):
    home.mkdir()
    progress_file(home).write_bytes(b"\x00\x01 garbage")
    widget = self_check("start_first_step")
    right_answer(widget)
    assert widget.feedback_text.startswith("Correct.")
    assert "has been kept, unchanged" in widget.progress_note.value
    assert Progress().checks["start_first_step"].correct
    progress_file(home).write_bytes(b"[]")
    assert "could not be used" in progress_panel().status_text
    progress_file(home).write_bytes(b"{")
    block = finish_module("01")
    assert "could not be used" in block.status_text
    block.reflection.value = "Still saved."
    block.complete_button.click()
    assert "marked complete" in block.status_text
    assert Progress().reflection("01") == "Still saved."
    assert len(corrupt_copies(home)) == 3


def test_a_self_check_whose_answer_cannot_be_saved_shows_a_short_note(home, tmp_path, monkeypatch):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(progress.HOME_VARIABLE, str(blocker))
    widget = self_check("start_first_step")
    right_answer(widget)
    assert widget.feedback_text.startswith("Correct.")
    assert "could not be saved to your progress" in widget.progress_note.value
    assert 'role="status"' not in widget.progress_note.value  # the feedback stays the status


# -- the self-checks and spotters record their results ----------------------------------------


def test_a_self_check_records_its_result_when_checked():
    widget = self_check("m01_single_sign")
    wrong = next(k for k in widget.question.options if k not in widget.question.correct)
    widget.choices.value = wrong
    widget.check_button.click()
    assert Progress().checks["m01_single_sign"].correct is False
    right_answer(widget)
    record = Progress().checks["m01_single_sign"]
    assert (record.correct, record.attempts, record.module, record.kind) == (
        True,
        2,
        "01",
        "self_check",
    )
    assert widget.progress_note.value == ""


def test_checking_with_nothing_chosen_records_nothing(home):
    self_check("start_first_step").check_button.click()
    assert Progress().checks == {}


def test_a_spotter_records_its_result_when_checked():
    spotter = indicator_spotter("sam_new_phone")
    for p in content.vignette("sam_new_phone").present:
        spotter.boxes[p.indicator].value = True
    spotter.check_button.click()
    record = Progress().checks["sam_new_phone"]
    assert (record.kind, record.module, record.correct) == ("spotter", "01", True)
    spotter.boxes["lost_interest"].value = True
    spotter.check_button.click()
    assert Progress().checks["sam_new_phone"].correct is False


# -- finish_module ---------------------------------------------------------------------------


def test_finish_module_saves_reflections_and_completion():
    block = finish_module("01")
    assert block.reflection.description == "Your reflections for your CPD log"
    block.reflection.value = "I will ask about new online friends in visits."
    block.save_reflection_button.click()
    assert "reflections are saved" in block.status_text
    assert Progress().reflection("01") == "I will ask about new online friends in visits."
    block.complete_button.click()
    assert "marked complete" in block.status_text
    assert "not saved your confidence ratings" in block.status_text
    assert Progress().is_complete("01")
    again = finish_module("01")  # after a restart
    assert again.reflection.value == "I will ask about new online friends in visits."
    assert "You marked this module complete on" in again.status_text


def test_finish_module_saves_the_reflection_when_complete_is_clicked_without_saving():
    block = finish_module("00")
    block.reflection.value = "typed, not saved by the button"
    block.complete_button.click()
    assert Progress().reflection("00") == "typed, not saved by the button"


def test_finish_module_holds_the_confidence_check_for_the_module():
    block = finish_module("01")
    assert block.confidence.stage == "01"
    for radio in block.confidence.ratings.values():
        radio.value = 4
    block.confidence.save_button.click()
    assert Progress().ratings("01") == dict.fromkeys(STATEMENTS, 4)
    block.complete_button.click()
    assert "not saved your confidence" not in block.status_text


def test_finish_module_refuses_a_module_that_is_not_in_the_course():
    with pytest.raises(ValueError, match="no module '42'"):
        finish_module("42")


def test_every_progress_control_has_a_label_and_factories_do_not_display(capsys):
    block, panel, check = finish_module("01"), progress_panel(), confidence_check("start")
    assert isinstance(block, w.VBox) and isinstance(panel, w.VBox) and isinstance(check, w.VBox)
    controls = [
        block.reflection,
        block.save_reflection_button,
        block.complete_button,
        block.cpd_button,
        block.cpd_folder,
        block.cpd.export_button,
        panel.refresh_button,
        panel.cpd_button,
        *check.ratings.values(),
        check.save_button,
    ]
    assert all(c.description for c in controls)
    assert capsys.readouterr().out == ""


# -- confidence check ------------------------------------------------------------------------


def test_the_confidence_check_has_one_labelled_1_to_5_group_per_statement():
    check = confidence_check("start")
    statements = content.content().confidence_statements
    assert list(check.ratings) == list(statements)
    for sid, radio in check.ratings.items():
        assert radio.description == statements[sid].text
        assert [value for _label, value in radio.options] == [1, 2, 3, 4, 5]
        assert radio.options[0][0] == "1 = not at all confident"
        assert radio.options[-1][0] == "5 = very confident"
        assert radio.value is None  # no answer is chosen for the learner


def test_the_confidence_check_asks_for_every_rating_then_saves_and_shows_them_again():
    check = confidence_check("start")
    check.ratings[STATEMENTS[0]].value = 2
    check.save_button.click()
    assert f"{len(STATEMENTS) - 1} of {len(STATEMENTS)} not rated" in check.status_text
    assert Progress().ratings("start") == {}
    for n, radio in enumerate(check.ratings.values()):
        radio.value = 1 + n % 5
    check.save_button.click()
    assert "Your ratings are saved" in check.status_text
    saved = Progress().ratings("start")
    assert saved == {sid: 1 + n % 5 for n, sid in enumerate(STATEMENTS)}
    reopened = confidence_check("start")
    assert {sid: r.value for sid, r in reopened.ratings.items()} == saved


def test_the_confidence_check_refuses_an_unknown_stage():
    with pytest.raises(ValueError, match="'start' or a module id"):
        confidence_check("end")


def test_before_and_after_are_the_start_rating_and_the_latest_module_rating(monkeypatch):
    clock = iter(dt.datetime(2026, 11, 1 + n, tzinfo=dt.UTC) for n in range(10))
    monkeypatch.setattr(progress, "_now", lambda: next(clock))
    p = Progress()
    p.save_confidence("start", {"recognise_signs": 1, "where_to_refer": 2})
    p.save_confidence("02", {"recognise_signs": 4})
    p.save_confidence("01", {"recognise_signs": 3, "where_to_refer": 5})  # saved last
    result = Progress().confidence_before_after()
    assert result["recognise_signs"] == (1, 3)
    assert result["where_to_refer"] == (2, 5)
    assert result["questions_to_ask"] == (None, None)
    assert list(result)[: len(STATEMENTS)] == STATEMENTS


# -- the progress panel ---------------------------------------------------------------------


def test_the_panel_shows_each_module_its_status_checks_and_completed_minutes():
    modules = course_modules()
    Progress().record_check("start_first_step", True, module="00")
    Progress().record_check("start_immediate_danger", False, module="00")
    Progress().mark_complete("00")
    Progress().record_check("m01_tactics", True, module="01")
    panel = progress_panel()
    table = panel.table_text
    for module in modules.values():
        assert module.title in table
    n_start = len(progress.module_items("00"))
    first, second = modules["00"], modules["01"]
    assert f"{first.title} {first.minutes} complete 2 of {n_start} 1 " in table + " "
    assert re.search(rf"{second.title} {second.minutes} in progress 1 of \d+ 1\b", table)
    minutes = modules["00"].minutes
    assert f"completed 1 of {len(modules)} modules: about {minutes} minutes" in panel.summary_text
    assert "Self-checks and spotters: 3 of" in panel.summary_text
    assert "<table" in panel.table.value and ">Status</th>" in panel.table.value


def test_the_panel_says_not_started_and_refreshes_after_changes_elsewhere():
    module = course_modules()["01"]
    panel = progress_panel()
    assert f"{module.title} {module.minutes} not started" in panel.table_text
    finish_module("01").complete_button.click()
    panel.refresh_button.click()
    assert f"{module.title} {module.minutes} complete" in panel.table_text


# -- anonymous export and pooling -------------------------------------------------------------


def test_the_anonymous_export_holds_only_a_random_id_stages_statements_and_ratings(tmp_path):
    p = Progress()
    p.set_reflection("01", "My manager Jo Bloggs said ...")
    p.save_confidence("start", dict.fromkeys(STATEMENTS, 2))
    p.save_confidence("01", dict.fromkeys(STATEMENTS, 4))
    rows = progress.anonymous_confidence_export(tmp_path / "out" / "ratings.csv")
    assert len(rows) == 2 * len(STATEMENTS)
    assert {tuple(r) for r in rows} == {progress.EXPORT_COLUMNS}
    assert {r["learner_id"] for r in rows} == {p.learner_id}
    assert re.fullmatch(r"[0-9a-f]{32}", p.learner_id)
    assert Progress().learner_id == p.learner_id  # made once per progress file
    text = (tmp_path / "out" / "ratings.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "learner_id,stage,statement_id,rating"
    assert "Jo Bloggs" not in text and str(tmp_path) not in text
    assert [r["stage"] for r in rows][0] == "start"


def make_learner(tmp_path: Path, monkeypatch, name: str, ratings: dict[str, dict[str, int]]):
    """A learner with their own progress file, exporting their ratings to name.csv."""
    monkeypatch.setenv(progress.HOME_VARIABLE, str(tmp_path / "learners" / name))
    p = Progress()
    for stage, values in ratings.items():
        p.save_confidence(stage, values)
    path = tmp_path / "exports" / f"{name}.csv"
    p.anonymous_confidence_export(path)
    return path


def test_pooling_gives_learners_and_mean_per_statement_and_stage_and_skips_bad_files(
    tmp_path, monkeypatch
):
    a = make_learner(
        tmp_path, monkeypatch, "a", {"start": {"recognise_signs": 1}, "01": {"recognise_signs": 4}}
    )
    b = make_learner(
        tmp_path, monkeypatch, "b", {"start": {"recognise_signs": 2}, "01": {"recognise_signs": 5}}
    )
    c = make_learner(
        tmp_path, monkeypatch, "c", {"start": {"recognise_signs": 4, "where_to_refer": 3}}
    )
    corrupt = tmp_path / "exports" / "corrupt.csv"
    corrupt.write_text(
        "learner_id,stage,statement_id,rating\n" + "f" * 32 + ",start,recognise_signs,7\n",
        encoding="utf-8",
    )
    binary = tmp_path / "exports" / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    missing = tmp_path / "exports" / "missing.csv"
    twice = tmp_path / "exports" / "a_again.csv"
    twice.write_bytes(a.read_bytes())

    pool = pool_confidence([a, b, c, corrupt, binary, missing, twice])

    assert pool.files_read == [str(a), str(b), str(c)]
    assert pool.mean("recognise_signs", "start") == pytest.approx(7 / 3)
    assert pool.learners("recognise_signs", "start") == 3
    assert pool.mean("recognise_signs", "01") == pytest.approx(4.5)
    assert pool.learners("recognise_signs", "01") == 2
    assert (pool.learners("where_to_refer", "start"), pool.mean("where_to_refer", "start")) == (
        1,
        3,
    )
    assert pool.mean("where_to_refer", "01") is None
    skipped = dict(pool.skipped)
    assert set(skipped) == {str(corrupt), str(binary), str(missing), str(twice)}
    assert "line 2: rating '7'" in skipped[str(corrupt)]
    assert "not UTF-8" in skipped[str(binary)]
    assert "could not be opened" in skipped[str(missing)]
    assert "a.csv" in skipped[str(twice)]
    report = pool.text()
    for name in ("corrupt.csv", "binary.csv", "missing.csv", "a_again.csv"):
        assert name in report
    assert "At the start of the course" in report and "mean rating: 2.3" in report
    first_rows = [(r.statement_id, r.stage) for r in pool.ratings[:2]]
    assert first_rows == [("recognise_signs", "start"), ("recognise_signs", "01")]


def test_pooling_reads_a_file_a_spreadsheet_saved_again_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "\ufefflearner_id,stage,statement_id,rating\r\n".encode()
        + ("a" * 32 + ",start,recognise_signs,3\r\n").encode()
    )
    pool = pool_confidence([path])
    assert pool.skipped == [] and pool.mean("recognise_signs", "start") == 3


def test_the_panel_button_saves_the_anonymous_export_for_the_trainer(tmp_path):
    panel = progress_panel()
    panel.cpd_folder.value = str(tmp_path / "for_trainer")
    panel.cpd.export_button.click()
    assert "not saved any confidence ratings" in panel.cpd.status_text
    Progress().save_confidence("start", dict.fromkeys(STATEMENTS, 3))
    panel.cpd.export_button.click()
    (path,) = (tmp_path / "for_trainer").glob("confidence_*.csv")
    assert str(path) in panel.cpd.status_text and "no name" in panel.cpd.status_text
    assert pool_confidence([path]).mean("recognise_signs", "start") == 3


def test_the_pool_command_prints_the_report(tmp_path, monkeypatch, capsys):
    a = make_learner(tmp_path, monkeypatch, "a", {"start": {"recognise_signs": 2}})
    assert progress.main(["pool", str(a), str(tmp_path / "nope.csv")]) == 0
    out = capsys.readouterr().out
    assert "Files read: 1." in out and "nope.csv could not be opened" in out
    with open(a, encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == list(progress.EXPORT_COLUMNS)


def test_the_widgets_say_where_ratings_and_reflections_are_kept_truly_on_a_hub_too(home):
    """Not "on your computer": on a JupyterHub they are in the learner's home on the hub."""
    for widget in (confidence_check("start"), finish_module("01")):
        parts, todo = [], [widget]
        while todo:  # every text in the widget, its boxes included
            part = todo.pop()
            todo.extend(getattr(part, "children", ()))
            if isinstance(getattr(part, "value", None), str):
                parts.append(part.value)
        words = " ".join(parts)
        assert "on your computer and" not in words
        assert "in your own course folder" in words and "JupyterHub" in words
