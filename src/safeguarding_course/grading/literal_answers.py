"""Read a trainee's answer cell as data, never as code.

Every auto-graded answer in the course is a literal: `answer_q1 = "B"`, `answer_q3 = {"A", "C"}`
or `answer_q6 = 95` (plain arithmetic on numbers is allowed too). So the grader parses the cell
with `ast` and evaluates only literal values. Anything else (a call, an import, a name, a loop,
a shell escape) is refused with a reason in plain words, and nothing in the cell ever runs.

Every value is checked before a test sees it: arithmetic that overflows, a number that is not
finite or is too large to be an answer, a complex number, and text with a lone surrogate (which
cannot be saved) are refused too, so an answer either scores or scores zero; it can never make
grading fail.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from dataclasses import dataclass, field

MAX_SOURCE_CHARS = 5_000
MAX_DEPTH = 8
MAX_INT_BITS = 256  # about 77 digits: far beyond any answer, small enough to print and compare
MAX_MESSAGE_CHARS = 80  # of trainee text quoted in a reason
_ARITHMETIC = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_SIGNS = {ast.USub: operator.neg, ast.UAdd: operator.pos}


class NotALiteral(ValueError):
    """The cell holds something other than answers set to values."""


@dataclass
class ReadAnswers:
    """What the grader read from one answer cell."""

    values: dict[str, object] = field(default_factory=dict)
    problem: str | None = None
    ignored: list[str] = field(default_factory=list)


def declared_names(stub: str) -> list[str]:
    """The answer names a question declares, from its released stub (`answer_q1 = None`)."""
    try:
        tree = ast.parse(stub)
    except SyntaxError:
        return []
    return [
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    ]


def _short(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 3] + "..."


def _describe(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        return f"it calls {_short(ast.unparse(node.func))}(...)"
    if isinstance(node, ast.Name):
        return f"it uses the name {_short(node.id)} rather than a value (put text in quotes)"
    if isinstance(node, ast.Attribute):
        return f"it uses {_short(ast.unparse(node))} rather than a value"
    if isinstance(node, ast.BinOp):
        return "it uses an operation the grader does not work out (only + - * / on numbers)"
    return f"it contains {type(node).__name__.lower()} code rather than a value"


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _check_value(value, depth: int = 0):
    """The value itself, if a test can safely compare it; else NotALiteral with the reason."""
    if depth > MAX_DEPTH:
        raise NotALiteral("it is nested too deeply to be an answer")
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        if value.bit_length() > MAX_INT_BITS:
            raise NotALiteral("its number is too large to be an answer")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise NotALiteral("its number is not finite (it overflows, or is infinite)")
    elif isinstance(value, complex):
        raise NotALiteral("it is a complex number, not an answer")
    elif isinstance(value, str):
        if _has_lone_surrogate(value):
            raise NotALiteral(
                "its text holds a character that is not valid text (a lone surrogate such as "
                "\\udc9d); retype the answer"
            )
    elif isinstance(value, (bytes, type(...))):
        raise NotALiteral("it is not text, a number or a set of letters")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_value(key, depth + 1)
            _check_value(item, depth + 1)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _check_value(item, depth + 1)
    return value


def _value(node: ast.AST, depth: int = 0):
    """The value of an answer, checked (see `_check_value`)."""
    return _check_value(_raw_value(node, depth))


def _raw_value(node: ast.AST, depth: int = 0):
    """The value of a literal, or plain arithmetic on numbers; anything else raises."""
    if depth > MAX_DEPTH:
        raise NotALiteral("it is nested too deeply to be an answer")
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
        left, right = _value(node.left, depth + 1), _value(node.right, depth + 1)
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right)):
            raise NotALiteral("it does arithmetic on something that is not a number")
        try:
            result = _ARITHMETIC[type(node.op)](left, right)
        except ZeroDivisionError:
            raise NotALiteral("it divides by zero") from None
        except OverflowError:
            raise NotALiteral("its arithmetic overflows (the result is too large)") from None
        if isinstance(result, float) and not math.isfinite(result):
            raise NotALiteral("its arithmetic does not give a finite number (it overflows)")
        return result
    if isinstance(node, ast.UnaryOp) and type(node.op) in _SIGNS:
        operand = _raw_value(node.operand, depth + 1)
        if not isinstance(operand, (int, float)) or isinstance(operand, bool):
            raise NotALiteral("it puts a sign in front of something that is not a number")
        return _SIGNS[type(node.op)](operand)
    if isinstance(node, (ast.Constant, ast.Set, ast.List, ast.Tuple, ast.Dict)):
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.Constant, ast.expr_context)):
                _raw_value(child, depth + 1)  # nested containers, signed numbers
        try:
            return ast.literal_eval(node)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError, OverflowError):
            raise NotALiteral("it is not a plain value the grader can read") from None
    raise NotALiteral(_describe(node))


def example_from_stub(stub: str, names: list[str]) -> str:
    """`answer_q3 = {"A", "B"}` from a stub whose comment says 'for example {"A", "B"}'."""
    name = names[0] if names else "answer_q1"
    found = re.search(r"for example:?\s*(.+?)\s*$", stub, re.M)
    value = found.group(1) if found else '"B"'
    return value if value.startswith(f"{name} =") else f"{name} = {value}"


def read_answers(source: str, allowed: list[str], example: str | None = None) -> ReadAnswers:
    """Read `name = value` lines for the `allowed` names. All or nothing: if any line is not
    a plain assignment of a value, no answer in the cell counts, and `problem` says why."""
    example = example or (f'{allowed[0]} = "B"' if allowed else 'answer_q1 = "B"')
    if not isinstance(source, str):
        source = "".join(source) if isinstance(source, list) else str(source)
    if len(source) > MAX_SOURCE_CHARS:
        return ReadAnswers(
            problem=f"the cell is too long ({len(source):,} characters) to be an answer"
        )
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError, OverflowError) as error:
        line = f" on line {error.lineno}" if getattr(error, "lineno", None) else ""
        return ReadAnswers(
            problem=f"Python could not read it{line}. Write your answer like: {example}"
        )
    result = ReadAnswers()
    for statement in tree.body:
        if not isinstance(statement, ast.Assign):
            kind = type(statement).__name__.lower().replace("importfrom", "import")
            article = "an" if kind[0] in "aeiou" else "a"
            what = "an expression" if kind == "expr" else f"{article} {kind} statement"
            return ReadAnswers(
                problem=f"it contains {what}, not only answers set to values. "
                f"Write your answer like: {example}"
            )
        names = [t.id for t in statement.targets if isinstance(t, ast.Name)]
        if len(names) != len(statement.targets):
            return ReadAnswers(
                problem=f"it sets something other than a plain name. "
                f"Write your answer like: {example}"
            )
        try:
            value = _value(statement.value)
        except NotALiteral as reason:
            return ReadAnswers(
                problem=f"{reason}. The grader reads values only, so write the "
                f"value itself, like: {example}"
            )
        except RecursionError:
            return ReadAnswers(problem="it is nested too deeply to be an answer")
        for name in names:
            if name in allowed:
                result.values[name] = value
            elif name not in result.ignored:
                result.ignored.append(name)
    return result
