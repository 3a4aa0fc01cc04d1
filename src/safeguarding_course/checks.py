"""Friendly checks of an answer's form, used by the visible test cells of assignments.

Each check raises `AnswerFormatError` with a message that says exactly what to type, and
returns the answer in a normal form (for example "b " becomes "B"), so that grading is fair
to a trainee who typed a lower-case letter or an extra space.
"""

from __future__ import annotations

from collections.abc import Iterable


class AnswerFormatError(AssertionError):
    """An answer is missing or not in the form the question asks for."""


def _letters(options: Iterable[str]) -> str:
    quoted = [f'"{option}"' for option in options]
    return ", ".join(quoted[:-1]) + f" or {quoted[-1]}" if len(quoted) > 1 else quoted[0]


def _unanswered(name: str, example: str) -> AnswerFormatError:
    return AnswerFormatError(
        f"{name} has no answer yet. Replace None with your answer, for example: {name} = {example}"
    )


def check_choice(name: str, value, options: str = "ABCD") -> str:
    """One letter from `options`, in quotes. Returns it in capitals."""
    example = f'"{options[1 if len(options) > 1 else 0]}"'
    if value is None:
        raise _unanswered(name, example)
    if not isinstance(value, str):
        raise AnswerFormatError(
            f"{name} should be one letter in quotes, such as {name} = {example}. "
            f"You wrote {value!r}, which is not in quotes."
        )
    letter = value.strip().upper()
    if len(letter) != 1 or letter not in options:
        raise AnswerFormatError(
            f"{name} should be one of {_letters(options)}, in quotes, such as {name} = {example}. "
            f"You wrote {value!r}."
        )
    return letter


def check_choices(name: str, value, options: str = "ABCDEF") -> frozenset[str]:
    """A set of letters from `options`, like {"A", "C"}. Returns them in capitals."""
    example = '{"A", "C"}'
    if value is None:
        raise _unanswered(name, example)
    if isinstance(value, str) or not isinstance(value, (set, frozenset, list, tuple)):
        raise AnswerFormatError(
            f"{name} should be a set of letters in curly brackets, such as {name} = {example}. "
            f"You wrote {value!r}."
        )
    letters = []
    for item in value:
        if not isinstance(item, str) or item.strip().upper() not in options:
            raise AnswerFormatError(
                f"Each letter in {name} should be one of {_letters(options)}, in quotes, "
                f"such as {name} = {example}. {item!r} is not one of them."
            )
        letters.append(item.strip().upper())
    if not letters:
        raise AnswerFormatError(
            f"{name} is empty. Put the letters you choose between the curly brackets, "
            f"such as {name} = {example}."
        )
    return frozenset(letters)


def check_number(name: str, value, example: str = "42") -> float:
    """A number without quotes, such as 42 or 12.5."""
    if value is None:
        raise _unanswered(name, example)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        hint = " Remove the quotes." if isinstance(value, str) else ""
        raise AnswerFormatError(
            f"{name} should be a number without quotes, such as {name} = {example}. "
            f"You wrote {value!r}.{hint}"
        )
    return float(value)


def check_word(name: str, value, allowed: Iterable[str]) -> str:
    """One of a few allowed words (such as a route id), in quotes."""
    allowed = list(allowed)
    # No example value: any one of the listed words could hint at the answer.
    if value is None:
        raise AnswerFormatError(
            f"{name} has no answer yet. Replace None with one of {_letters(allowed)}, in quotes."
        )
    if not isinstance(value, str) or value.strip().lower() not in allowed:
        raise AnswerFormatError(
            f"{name} should be one of {_letters(allowed)}, in quotes. You wrote {value!r}."
        )
    return value.strip().lower()


def practice_feedback(name: str, value, options: str = "ABCD") -> str:
    """For practice cells in teaching notebooks: the same check, as a message, never an error."""
    try:
        letter = check_choice(name, value, options)
    except AnswerFormatError as problem:
        return f"Not in the right form yet. {problem}"
    return f'Well done: {name} = "{letter}" is in the right form.'
