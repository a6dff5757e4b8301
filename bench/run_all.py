"""`make bench` and `make bench-quick`: every benchmark and the chaos suite in
one run, one after the other (they share the machine, so never in parallel),
then the plot of their results.

    .venv/bin/python bench/run_all.py [--quick] [name ...]

Each script runs in its own process with its own fresh database; the run
goes on after a failure and exits non-zero if any script failed (a chaos
scenario that did not hold, a message lost or sent twice).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

# name: (script, extra arguments of the full run, of the quick run)
SUITE = {
    "inbound": ("inbound.py", [], ["--quick"]),
    "outbound": ("outbound.py", [], ["--quick"]),
    "campaign": ("campaign.py", [], ["--quick"]),
    "ussd_voice": ("ussd_voice.py", [], ["--quick"]),
    "admin_scale": ("admin_scale.py", [], ["--quick"]),
    "export_memory": ("export_memory.py", [], ["--quick"]),
    "import_csv": ("import_csv.py", [], ["--quick"]),
    "chaos": ("chaos.py", [], ["--quick"]),
}


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the reduced sizes")
    parser.add_argument("names", nargs="*", metavar="name", help=", ".join(SUITE))
    args = parser.parse_args()
    unknown = set(args.names) - set(SUITE)
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(sorted(unknown))}")
    names = args.names or [n for n in SUITE if (BENCH / SUITE[n][0]).exists()]
    outcomes = []
    for name in names:
        script, full, quick = SUITE[name]
        command = [sys.executable, str(BENCH / script), *(quick if args.quick else full)]
        print(f"\n=== {name}: {' '.join(command[1:])} (load {load_average()})", flush=True)
        started = time.monotonic()
        code = subprocess.call(command, cwd=ROOT)
        outcomes.append((name, code, time.monotonic() - started))
    subprocess.call([sys.executable, str(BENCH / "plot.py")], cwd=ROOT)
    print("\nbenchmark     exit  seconds")
    for name, code, seconds in outcomes:
        print(f"{name:<13} {code:<5} {seconds:7.0f}")
    if any(code for _, code, _ in outcomes):
        sys.exit("some benchmarks failed")


if __name__ == "__main__":
    main()
