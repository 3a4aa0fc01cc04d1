"""How long each module takes to load as the Voila app, in Chromium: from asking for the page to
the first course control showing (Voila shows nothing until the whole notebook has run).

    python benchmarks/voila_load_times.py [ROUNDS]

Starts one server on 127.0.0.1 (a copy of course/, the app's settings), loads every module
ROUNDS times (default 2) and prints the seconds per module. Prints figures; asserts nothing.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import browser_support as bs  # noqa: E402

from safeguarding_course.progress import course_modules  # noqa: E402


def main(rounds: int = 2) -> None:
    names = [m.notebook.name for m in course_modules().values()]
    config = f"--config={bs.VOILA_APP_CONFIG}"
    with bs.JupyterLabServer(bs.COURSE_DIR, extra_args=(config,)) as server:
        with bs.launch_chromium() as browser:
            print(f"{'module':<45} " + " ".join(f"run {i + 1:>2}" for i in range(rounds)))
            medians = []
            for name in names:
                times = []
                for _ in range(rounds):
                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    times.append(bs.open_voila(page, server, name))
                    page.close()
                medians.append(statistics.median(times))
                print(f"{name:<45} " + " ".join(f"{t:6.1f}" for t in times))
            print(f"median over modules: {statistics.median(medians):.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
