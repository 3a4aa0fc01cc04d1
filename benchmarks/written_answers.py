"""Benchmark: how long formgrader and feedback take to render a written answer, by its length.

    python benchmarks/written_answers.py

Both render Markdown cells with nbconvert's `markdown2html` (mistune). Before issue 10 a
written answer was escaped Markdown (backslashes before brackets, HTML entities), so mistune's
inline pass ran over it; emphasis runs such as `_a _a _a` made that pass grow about as the
square of the length. Now the answer is one HTML <pre> block of escaped text, which mistune
passes through in a single step, and at most 20,000 characters are shown (the rest is kept in a
side file). The script prints seconds for both ways; it asserts nothing.
"""

from __future__ import annotations

import time

from nbconvert.filters.markdown_mistune import markdown2html_mistune

from safeguarding_course.grading.autograde import MAX_WRITTEN_CHARS, written_answer_markdown

TEXTS = {
    "plain prose": "I would tell my supervisor the same day and record the child's words. ",
    "emphasis runs (_a )": "_a ",
}
SIZES = (10_000, 20_000, 40_000, 80_000, 110_000)


def escaped_markdown(text: str) -> str:
    """The written answer as it was shown before issue 10 (for comparison only)."""
    text = text.replace("\\", "\\\\")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("[", "\\[").replace("]", "\\]")


def seconds(markdown: str) -> float:
    start = time.perf_counter()
    markdown2html_mistune(markdown)
    return time.perf_counter() - start


def main() -> None:
    print(f"{'text':<22}{'characters':>11}{'before (s)':>12}{'now (s)':>10}{'now, shown (s)':>16}")
    for name, unit in TEXTS.items():
        for size in SIZES:
            text = (unit * (size // len(unit) + 1))[:size]
            before = seconds(escaped_markdown(text))
            now = seconds(written_answer_markdown(text))
            shown = seconds(written_answer_markdown(text[:MAX_WRITTEN_CHARS]))
            print(f"{name:<22}{size:>11,}{before:>12.3f}{now:>10.4f}{shown:>16.4f}")


if __name__ == "__main__":
    main()
