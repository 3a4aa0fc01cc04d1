"""How many trainees one machine's hub holds: a bounded load test on a local cohort hub.

Run as root (it adds Linux users, as the hub does), after `python tests/hub_support.py
prepare` (or scripts/test.sh) has built the hub's environment:

    python benchmarks/hub_capacity.py                 # 40 trainees, in steps of 10
    python benchmarks/hub_capacity.py --trainees 60 --step 15

It sets up a real hub with deploy/jupyterhub/setup.sh (trainees with unique names), starts
trainees' servers a step at a time, and has each new trainee open a kernel and run a teaching
module's code in it (module 1, as a trainee running every cell). The kernels stay open: all
trainees are working at once. After each step it measures:

* spawn time: from asking the hub for the step's servers until all are ready;
* memory: proportional set size (PSS, shared pages split fairly) of each trainee's server
  and kernel, of the hub and proxy, and how much of the machine's memory is still available;
* responsiveness: for every running trainee, the time for their server to answer an API
  request through the proxy, and for their kernel to run a small cell.

A step counts as responsive when every request succeeded and the slowest 5 % of API answers
took under 2 s and of kernel runs under 3 s (a person notices worse). It prints one line per
step, then the largest responsive number. Everything is bounded (a step waits at most a few
minutes; the whole run stops after --time-limit seconds) and it always removes its users.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from hub_support import CohortHub, HubError, UserKernel  # noqa: E402

MODULE = REPO / "course" / "01_understanding_online_grooming.ipynb"
API_LIMIT, KERNEL_LIMIT = 2.0, 3.0  # seconds, the slowest 5 %
MIB = 1024 * 1024


def module_code() -> str:
    cells = json.loads(MODULE.read_text())["cells"]
    code = ["import os", "os.chdir(os.path.expanduser('~/course'))"]
    for cell in cells:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            lines = source.splitlines()
            code.append("\n".join(line for line in lines if not line.startswith(("%", "!"))))
    return "\n".join(code)


def pss(pid: int) -> int:
    """Proportional set size of a process, in bytes (0 if it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def processes() -> list[tuple[int, int, str]]:
    """(pid, uid, command line) of every process."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found.append((int(entry.name), entry.stat().st_uid, cmd))
            except OSError:
                pass
    return found


def memory(hub: CohortHub, users: list[str]) -> dict[str, float]:
    uids = {hub.home(u).stat().st_uid for u in users}
    servers, kernels, hub_and_proxy = [], [], 0
    for pid, uid, cmd in processes():
        if uid in uids and "jupyterhub-singleuser" in cmd:
            servers.append(pss(pid))
        elif uid in uids and "ipykernel_launcher" in cmd:
            kernels.append(pss(pid))
        elif uid == 0 and str(hub.root) in cmd or (
            uid == 0 and "configurable-http-proxy" in cmd and f"--port {hub.port}" in cmd
        ):
            hub_and_proxy += pss(pid)
    available = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            available = int(line.split()[1]) * 1024
    return {
        "server_mib": statistics.median(servers) / MIB if servers else 0.0,
        "kernel_mib": statistics.median(kernels) / MIB if kernels else 0.0,
        "servers": len(servers),
        "kernels": len(kernels),
        "all_mib": (sum(servers) + sum(kernels) + hub_and_proxy) / MIB,
        "hub_proxy_mib": hub_and_proxy / MIB,
        "available_gib": available / 1024**3,
    }


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))] if values else 0.0


def probe(hub: CohortHub, kernels: dict[str, UserKernel]) -> dict[str, float]:
    """Every running trainee at once: an API request to their server, a cell in their kernel."""

    def one(user: str) -> tuple[float, float]:
        start = time.monotonic()
        try:
            status, _ = hub.user_api(user, "GET", "api/status")
        except HubError:
            status = 0
        api = time.monotonic() - start if status == 200 else float("inf")
        start = time.monotonic()
        try:
            ok = kernels[user].run("print(sum(range(1000)))", timeout=60).strip() == "499500"
        except Exception:  # a failed cell counts as unresponsive, and is reported so
            ok = False
        return api, (time.monotonic() - start) if ok else float("inf")

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(one, kernels))
    api, kernel = [r[0] for r in results], [r[1] for r in results]
    return {"api_p95": p95(api), "kernel_p95": p95(kernel), "api_p50": statistics.median(api),
            "kernel_p50": statistics.median(kernel)}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=40, help="most trainees (default 40)")
    parser.add_argument("--step", type=int, default=10, help="trainees added per step")
    parser.add_argument("--time-limit", type=float, default=1800, help="seconds, whole run")
    args = parser.parse_args()
    if not 1 <= args.trainees <= 120:
        parser.error("--trainees must be between 1 and 120")
    deadline = time.monotonic() + args.time_limit
    code = module_code()
    print(f"Capacity of a cohort hub on this machine: up to {args.trainees} trainees, "
          f"{args.step} at a time, each running module 1 in a kernel.", flush=True)  # fmt: skip
    start = time.monotonic()
    hub = CohortHub(trainees=args.trainees)
    kernels: dict[str, UserKernel] = {}
    largest, rows = 0, []
    try:
        hub.setup().start()
        print(f"setup and start: {time.monotonic() - start:.0f} s", flush=True)
        idle = memory(hub, [])
        print(f"hub and proxy alone: {idle['hub_proxy_mib']:.0f} MiB; "
              f"available memory: {idle['available_gib']:.1f} GiB", flush=True)  # fmt: skip
        header = (f"{'trainees':>8} {'spawn s':>8} {'module s':>9} {'server MiB':>10} "
                  f"{'kernel MiB':>10} {'all MiB':>8} {'free GiB':>8} {'api p95 s':>9} "
                  f"{'cell p95 s':>10}  responsive")  # fmt: skip
        print(header, flush=True)
        running: list[str] = []
        for first in range(0, args.trainees, args.step):
            if time.monotonic() > deadline:
                print("time limit reached; stopping", flush=True)
                break
            batch = hub.trainees[first : first + args.step]
            spawn = hub.spawn(*batch)
            begun = time.monotonic()

            def work(user: str) -> UserKernel:
                kernel = UserKernel(hub, user).__enter__()
                kernel.run(code, timeout=300)
                return kernel

            with ThreadPoolExecutor(max_workers=len(batch)) as pool:
                for user, kernel in zip(batch, pool.map(work, batch), strict=True):
                    kernels[user] = kernel
            ran = time.monotonic() - begun
            running += batch
            mem = memory(hub, running)
            speed = probe(hub, kernels)
            ok = speed["api_p95"] < API_LIMIT and speed["kernel_p95"] < KERNEL_LIMIT
            largest = len(running) if ok else largest
            rows.append({"trainees": len(running), "spawn_s": spawn, "module_s": ran, **mem,
                         **speed, "responsive": ok})  # fmt: skip
            print(f"{len(running):>8} {spawn:>8.1f} {ran:>9.1f} {mem['server_mib']:>10.0f} "
                  f"{mem['kernel_mib']:>10.0f} {mem['all_mib']:>8.0f} "
                  f"{mem['available_gib']:>8.1f} {speed['api_p95']:>9.2f} "
                  f"{speed['kernel_p95']:>10.2f}  {'yes' if ok else 'no'}", flush=True)  # fmt: skip
            if not ok:
                break
        if rows:
            last = rows[-1]
            per_trainee = last["server_mib"] + last["kernel_mib"]
            print(f"\nLargest number of trainees that stayed responsive: {largest} "
                  f"(slowest 5 % under {API_LIMIT:.0f} s for the API and {KERNEL_LIMIT:.0f} s "
                  "for a cell).")  # fmt: skip
            print(f"Memory per trainee: about {last['server_mib']:.0f} MiB for the server and "
                  f"{last['kernel_mib']:.0f} MiB per open notebook (kernel); at "
                  f"{per_trainee:.0f} MiB each, the {last['available_gib']:.1f} GiB still free "
                  f"would hold about {int(last['available_gib'] * 1024 / per_trainee)} more "
                  "trainees with one notebook open each (memory only; the 2 cores are the "
                  "limit when many run cells at the same moment).")  # fmt: skip
            print(json.dumps(rows))
    finally:
        for kernel in kernels.values():
            kernel.__exit__(None, None, None)
        hub.stop()
        print(f"Done in {time.monotonic() - start:.0f} s; users and folders removed.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
