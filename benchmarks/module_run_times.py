"""Benchmark: how long "Run All" takes for each teaching module, in a fresh kernel.

    python benchmarks/module_run_times.py [--repeats 3] [--target 3.0]

For every notebook in course/, it starts a new kernel, runs every cell (as Run > Run All Cells
does) and times it, from the first cell to the last, leaving out the kernel's start-up. It
repeats that and prints the fastest and the slowest run of each module, and whether the
fastest is under the target. It asserts nothing: speed is not a test.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
COURSE = REPO / "course"


def run_all_seconds(path: Path) -> float:
    """Seconds to run every cell of a notebook in a kernel that has just started."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(COURSE)}}
    )
    with client.setup_kernel():
        start = time.perf_counter()
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--target", type=float, default=3.0, help="seconds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["SAFEGUARDING_COURSE_HOME"] = home  # progress goes to a scratch folder
        rows = []
        for path in sorted(COURSE.glob("[0-9][0-9]_*.ipynb")):
            times = [run_all_seconds(path) for _ in range(args.repeats)]
            rows.append((path.name, min(times), max(times)))
    print(f"Run All in a fresh kernel, {args.repeats} runs each (kernel start-up not included)")
    print(f"{'module':50} {'fastest s':>10} {'slowest s':>10}  under {args.target:.1f} s")
    for name, fastest, slowest in rows:
        verdict = "yes" if fastest < args.target else "NO"
        print(f"{name:50} {fastest:10.2f} {slowest:10.2f}  {verdict}")
    print(f"slowest module: {max(rows, key=lambda r: r[1])[0]}")


if __name__ == "__main__":
    main()
