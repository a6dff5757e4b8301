"""The duplicate-code figure of the consolidation issue: pairs of repeated logic
in the product's own code, migrations, tests and boilerplate aside.

    python tools/dupscan.py [--list] [--seconds N]

Copies the files git tracks (and the untracked ones it does not ignore), less
`migrations/` and `tests/`, into a temporary folder, runs the library's
`duplicates` command over it and counts the pairs it does not mark
boilerplate. `--list` prints them; `--between A B` fails (exit 1) when a pair
joins a path under A to one under B (e.g. the USSD and voice-flow code).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_SUFFIXES = {".py", ".html", ".js", ".css", ".sh"}


def product_files() -> list[str]:
    listed = subprocess.run(
        [shutil.which("git") or "git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    return [
        path
        for path in listed
        if Path(path).suffix in SOURCE_SUFFIXES
        and "/migrations/" not in f"/{path}"
        and not path.startswith("tests/")
        and (ROOT / path).is_file()
    ]


def scan(seconds: int) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="dupscan-") as folder:
        for path in product_files():
            target = Path(folder) / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / path, target)
        report = subprocess.run(
            [
                shutil.which("duplicates") or "duplicates",
                "--most",
                "200",
                "--seconds",
                str(seconds),
            ],
            cwd=folder,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return [line for line in report.splitlines() if line.startswith("D")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print the pairs")
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--between", nargs=2, metavar=("A", "B"), action="append", default=[])
    args = parser.parse_args()
    if shutil.which("duplicates") is None:
        sys.exit("dupscan needs the `duplicates` command of the developers' tool library")
    pairs = [row for row in scan(args.seconds) if "boilerplate" not in row]
    if args.list:
        print("\n".join(pairs))
    print(f"{len(pairs)} pairs of repeated logic (migrations, tests and boilerplate aside)")
    crossing = [
        row
        for row in pairs
        for a, b in args.between
        if (f" {a}" in row and f"~ {b}" in row) or (f" {b}" in row and f"~ {a}" in row)
    ]
    for row in crossing:
        print(f"crossing: {row}")
    sys.exit(1 if crossing else 0)


if __name__ == "__main__":
    main()
