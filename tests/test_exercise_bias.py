"""Exercises reward reading, not guessing: across the self-checks (content data) and across the
graded assessments (solutions/), the right option is not given away by its length or its
letter, and a multiple-answer question's right set is not simply its longest options. In the
branching scenarios, the good-practice choice is not given away by its length. And in all
three, the right answer is seldom the only one that names the supervisor, the safeguarding
lead or procedures (module 00 teaches that they come first, so that alone would give it away).

Run `python tests/test_exercise_bias.py` to print the figures.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

import pytest
from notebook_files import SOLUTIONS, nbgrader_meta, notebooks, read

from safeguarding_course import content
from safeguarding_course.widgets.scenario import fill_routes

MAX_LONGEST_RIGHT = 1 / 3  # of single-answer questions, the right option strictly the longest
MAX_SHORTEST_RIGHT = 1 / 3  # ... or strictly the shortest (the opposite give-away)
MAX_ONE_LETTER = 0.35  # of single-answer questions, one letter right
MAX_ONE_LETTER_IN_A_MODULE = 0.5  # in a module or assessment with at least four of them
MAX_LONGEST_SET = 1 / 3  # of multiple-answer questions, the right set = the longest options
MAX_LONGEST_BEST = 1 / 3  # of scenario decisions, the good-practice choice strictly the longest
MAX_SHORTEST_BEST = 1 / 3  # ... or strictly the shortest
# Of single-answer questions (or scenario decisions), the right answer is the only option that
# names the supervisor, the safeguarding lead or procedures. Wrong options should use that
# wording too, with a real flaw (too late, in the wrong order, the wrong route).
MAX_ONLY_ONE_NAMING_THE_LEAD = 0.1
LEAD = re.compile(r"supervis|safeguarding lead|\bDSL\b|procedure|\b(?:your|the) lead\b", re.I)

OPTION = re.compile(r"^- ([A-Z])\. (.*)$")
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


@dataclass(frozen=True)
class Question:
    where: str  # module file or assessment
    id: str
    options: dict[str, str]
    correct: frozenset[str]
    multiple: bool


def self_checks() -> list[Question]:
    return [
        Question(q.module, q.id, dict(q.options), frozenset(q.correct), q.multiple)
        for q in content.content().self_checks.values()
    ]


def _options(markdown: str) -> dict[str, str]:
    """`- A. text` lines, with indented continuation lines, from a question's Markdown."""
    found, current = {}, None
    for line in markdown.splitlines():
        match = OPTION.match(line)
        if match:
            current = match.group(1)
            found[current] = match.group(2).strip()
        elif current and line.startswith("  ") and line.strip():
            found[current] += " " + line.strip()
        else:
            current = None
    return found


@cache
def assessment_questions() -> tuple[Question, ...]:
    """Every question answered with a letter or a set of letters, in every solution."""
    found = []
    for path in notebooks(SOLUTIONS):
        markdown = ""
        for cell in read(path).cells:
            meta = nbgrader_meta(cell)
            if cell.cell_type == "markdown" and not meta.get("solution"):
                markdown += "\n" + cell.source
            elif cell.cell_type == "code" and meta.get("solution"):
                answer = SOLUTION.search(cell.source).group(1).strip()
                options = _options(markdown)
                one = re.fullmatch(r'answer_q\d+ = "([A-Z])"', answer)
                many = re.fullmatch(r"answer_q\d+ = \{(.*)\}", answer)
                if options and (one or many):
                    correct = frozenset(re.findall(r'"([A-Z])"', (one or many).group(0)))
                    found.append(
                        Question(path.parent.name, meta["grade_id"], options, correct, bool(many))
                    )
                markdown = ""
    return tuple(found)


@dataclass(frozen=True)
class Decision:
    where: str  # scenario
    id: str  # node
    labels: dict[str, str]  # choice number -> label, as the player shows it
    best: frozenset[str]


def scenario_decisions() -> list[Decision]:
    """Every decision point of every scenario, with the good-practice choice(s)."""
    found = []
    for s in content.content().scenarios.values():
        for node_id in s.decision_points():
            choices = s.nodes[node_id].choices
            found.append(
                Decision(
                    s.id,
                    node_id,
                    {str(n): fill_routes(c.label) for n, c in enumerate(choices)},
                    frozenset(str(n) for n, c in enumerate(choices) if c.quality == "best"),
                )
            )
    return found


def names_the_lead(text: str) -> bool:
    return bool(LEAD.search(text))


def only_the_right_answer_names_the_lead(options: dict[str, str], right: frozenset[str]) -> bool:
    return any(names_the_lead(options[k]) for k in right) and not any(
        names_the_lead(text) for k, text in options.items() if k not in right
    )


def decision_figures(decisions) -> dict:
    longest = shortest = lead = 0
    for d in decisions:
        others = [len(text) for key, text in d.labels.items() if key not in d.best]
        best = [len(d.labels[key]) for key in d.best]
        longest += max(best) > max(others)
        shortest += min(best) < min(others)
        lead += only_the_right_answer_names_the_lead(d.labels, d.best)
    return {"decisions": len(decisions), "longest_best": longest, "shortest_best": shortest,
            "only_best_names_the_lead": lead}


def figures(questions) -> dict:
    """The give-away figures for one group of questions."""
    single = [q for q in questions if not q.multiple]
    multi = [q for q in questions if q.multiple]
    longest = shortest = lead = 0
    for q in single:
        (right,) = q.correct
        others = [len(text) for key, text in q.options.items() if key != right]
        longest += len(q.options[right]) > max(others)
        shortest += len(q.options[right]) < min(others)
        lead += only_the_right_answer_names_the_lead(q.options, q.correct)
    longest_sets = sum(
        set(sorted(q.options, key=lambda k: -len(q.options[k]))[: len(q.correct)]) == q.correct
        for q in multi
    )
    letters = Counter(next(iter(q.correct)) for q in single)
    return {
        "single": len(single),
        "longest_right": longest,
        "shortest_right": shortest,
        "letters": dict(sorted(letters.items())),
        "multiple": len(multi),
        "longest_set_right": longest_sets,
        "only_right_names_the_lead": lead,
    }


GROUPS = {"self-checks": self_checks, "assessments": assessment_questions}


def test_the_assessment_parser_finds_the_lettered_questions_of_every_assessment():
    questions = assessment_questions()
    assert len([q for q in questions if not q.multiple]) >= 30
    assert {q.where for q in questions} == {p.parent.name for p in notebooks(SOLUTIONS)}
    assert all(len(q.options) >= 4 and q.correct <= set(q.options) for q in questions)


@pytest.mark.parametrize("group", GROUPS)
def test_the_right_option_is_not_given_away_by_its_length(group):
    f = figures(GROUPS[group]())
    assert f["longest_right"] <= MAX_LONGEST_RIGHT * f["single"], f
    assert f["shortest_right"] <= MAX_SHORTEST_RIGHT * f["single"], f


@pytest.mark.parametrize("group", GROUPS)
def test_no_letter_is_right_too_often(group):
    f = figures(GROUPS[group]())
    assert max(f["letters"].values()) <= MAX_ONE_LETTER * f["single"], f


@pytest.mark.parametrize("group", GROUPS)
def test_the_right_letter_is_balanced_within_each_module(group):
    by_place: dict[str, list[Question]] = {}
    for q in GROUPS[group]():
        by_place.setdefault(q.where, []).append(q)
    for place, questions in by_place.items():
        f = figures(questions)
        if f["single"] >= 4:
            assert max(f["letters"].values()) <= MAX_ONE_LETTER_IN_A_MODULE * f["single"], (
                place,
                f,
            )


@pytest.mark.parametrize("group", GROUPS)
def test_a_multiple_answer_set_is_not_simply_its_longest_options(group):
    f = figures(GROUPS[group]())
    assert f["multiple"] and f["longest_set_right"] <= MAX_LONGEST_SET * f["multiple"], f


@pytest.mark.parametrize("group", GROUPS)
def test_the_right_answer_is_seldom_the_only_one_naming_the_supervisor_or_procedures(group):
    f = figures(GROUPS[group]())
    assert f["only_right_names_the_lead"] <= MAX_ONLY_ONE_NAMING_THE_LEAD * f["single"], f


def test_the_good_practice_scenario_choice_is_not_given_away_by_its_length():
    f = decision_figures(scenario_decisions())
    assert f["decisions"] >= 20, f
    assert f["longest_best"] <= MAX_LONGEST_BEST * f["decisions"], f
    assert f["shortest_best"] <= MAX_SHORTEST_BEST * f["decisions"], f


def test_the_good_practice_scenario_choice_is_seldom_the_only_one_naming_the_supervisor():
    f = decision_figures(scenario_decisions())
    assert f["only_best_names_the_lead"] <= MAX_ONLY_ONE_NAMING_THE_LEAD * f["decisions"], f


def test_the_cue_check_sees_an_answer_that_alone_names_the_lead():
    """The check itself: it flags the pattern the review found, and not its fix."""
    cue = {"A": "Tell your supervisor today.", "B": "Wait and see.", "C": "Ask the child."}
    assert only_the_right_answer_names_the_lead(cue, frozenset("A"))
    fixed = {**cue, "B": "Raise it at next month's supervision."}
    assert not only_the_right_answer_names_the_lead(fixed, frozenset("A"))


def report() -> str:
    lines = []
    for group, questions in GROUPS.items():
        f = figures(questions())
        share = {k: f"{v / f['single']:.0%}" for k, v in f["letters"].items()}
        lines.append(
            f"{group}: right option the longest in {f['longest_right']} of {f['single']} "
            f"single-answer questions ({f['longest_right'] / f['single']:.0%}), the shortest in "
            f"{f['shortest_right']}; right letters {f['letters']} ({share}); multiple-answer "
            f"right set = longest options in {f['longest_set_right']} of {f['multiple']}; "
            f"right option the only one naming the supervisor, lead or procedures in "
            f"{f['only_right_names_the_lead']} of {f['single']}"
        )
    d = decision_figures(scenario_decisions())
    lines.append(
        f"scenario choices: good-practice choice the longest at {d['longest_best']} of "
        f"{d['decisions']} decisions ({d['longest_best'] / d['decisions']:.0%}), the shortest at "
        f"{d['shortest_best']}; the only one naming the supervisor, lead or procedures at "
        f"{d['only_best_names_the_lead']}"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
