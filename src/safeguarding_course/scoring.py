"""How answers are marked. The widgets and the assignments' hidden tests share these rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SelectionResult:
    """How a set of chosen options compares with the right ones."""

    hits: frozenset[str]
    missed: frozenset[str]
    wrong: frozenset[str]

    @property
    def all_right(self) -> bool:
        return not self.missed and not self.wrong


def compare_selection(chosen: Iterable[str], correct: Iterable[str]) -> SelectionResult:
    chosen, correct = frozenset(chosen), frozenset(correct)
    return SelectionResult(hits=chosen & correct, missed=correct - chosen, wrong=chosen - correct)


def selection_score(chosen: Iterable[str], correct: Iterable[str], points: float) -> float:
    """Partial credit for a multi-select: each right choice earns a share of the points and
    each wrong choice takes a share away, never below zero, so ticking everything earns
    nothing. Rounded to a quarter point."""
    result = compare_selection(chosen, correct)
    share = points / len(frozenset(correct))
    raw = share * (len(result.hits) - len(result.wrong))
    return max(0.0, round(raw * 4) / 4)


def percent_change(old: float, new: float) -> float:
    """The change from `old` to `new`, as a percentage of `old`."""
    return (new - old) / old * 100
