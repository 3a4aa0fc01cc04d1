"""Benchmark: how long "Run All" takes for each teaching module, in a fresh kernel.

    python benchmarks/module_run_times.py [--repeats 3] [--target 3.0] [--modules 01 08]

For every notebook in course/ (or the modules named), it starts a new kernel, runs every cell
(as Run > Run All Cells does) and times it, from the first cell to the last, leaving out the
kernel's start-up. It repeats that and prints the fastest and the slowest run of each module,
and whether the fastest is under the target, with the machine's load average before and
after (other work on the machine slows every figure). It asserts nothing: speed is not a test.
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
    parser.add_argument("--modules", nargs="*", default=[], help="module numbers, e.g. 01 08")
    args = parser.parse_args()
    paths = sorted(COURSE.glob("[0-9][0-9]_*.ipynb"))
    if args.modules:
        paths = [p for p in paths if p.name[:2] in args.modules]
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as home:
        os.environ["SAFEGUARDING_COURSE_HOME"] = home  # progress goes to a scratch folder
        rows = []
        for path in paths:
            times = [run_all_seconds(path) for _ in range(args.repeats)]
            rows.append((path.name, min(times), max(times)))
    pairs = zip(load_before, os.getloadavg(), strict=True)
    load = ", ".join(f"{a:.1f}/{b:.1f}" for a, b in pairs)
    print(f"load average (1, 5, 15 min) before/after: {load}; {os.cpu_count()} cores")
    print(f"Run All in a fresh kernel, {args.repeats} runs each (kernel start-up not included)")
    print(f"{'module':50} {'fastest s':>10} {'slowest s':>10}  under {args.target:.1f} s")
    for name, fastest, slowest in rows:
        verdict = "yes" if fastest < args.target else "NO"
        print(f"{name:50} {fastest:10.2f} {slowest:10.2f}  {verdict}")
    print(f"slowest module: {max(rows, key=lambda r: r[1])[0]}")


if __name__ == "__main__":
    main()
