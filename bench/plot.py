"""The plot of the latest results: throughput (per second) and latency (p50 and
p99) of every row the benchmarks wrote to bench/results/*.json, one bar each,
to bench/results/summary.png.

    .venv/bin/python bench/plot.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
LABEL_KEYS = ("sender", "target", "flow", "run", "scenario", "page", "kind", "phase", "name")


def measured_rows(value, benchmark: str, where: str = ""):
    """Every dict in a result that carries a rate or a latency, with a label
    (warm-up runs left out)."""
    if isinstance(value, dict):
        if ("per_second" in value or "p99_ms" in value) and value.get("run") != "warm-up":
            words = [str(value[k]) for k in LABEL_KEYS if value.get(k) not in (None, "")]
            for key, unit in (("handsets", "handsets"), ("workers", "workers")):
                if value.get(key):
                    words.append(f"{value[key]} {unit}")
            if value.get("latency_ms"):
                words.append(f"+{value['latency_ms']} ms")
            yield f"{benchmark}: {', '.join(words) or where or 'all'}", value
        for key, inner in value.items():
            yield from measured_rows(inner, benchmark, key)
    elif isinstance(value, list):
        for inner in value:
            yield from measured_rows(inner, benchmark, where)


def main() -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit("matplotlib is missing: pip install -c constraints.txt -e '.[bench]'")
    rates, latencies = [], []
    for path in sorted(RESULTS.glob("*.json")):
        result = json.loads(path.read_text())
        for label, row in measured_rows(result, result.get("benchmark", path.stem)):
            if "per_second" in row and row["per_second"] not in (None, ""):
                rates.append((label, float(row["per_second"])))
            if row.get("p99_ms") not in (None, ""):
                latencies.append((label, float(row.get("p50_ms", 0)), float(row["p99_ms"])))
    if not rates and not latencies:
        print("no results to plot yet")
        return
    height = 0.28 * max(len(rates), len(latencies)) + 1.5
    figure, (left, right) = plt.subplots(1, 2, figsize=(16, height))
    if rates:
        left.barh([r[0] for r in rates], [r[1] for r in rates], color="#2b6cb0")
        left.set_xlabel("per second (more is better)")
        left.invert_yaxis()
    if latencies:
        names = [r[0] for r in latencies]
        right.barh(names, [r[2] for r in latencies], color="#e2a03f", label="p99")
        right.barh(names, [r[1] for r in latencies], color="#2f855a", label="p50")
        right.set_xlabel("milliseconds (less is better)")
        right.set_xscale("log")
        right.legend()
        right.invert_yaxis()
    figure.suptitle("Hatid benchmarks (bench/results/*.json)")
    figure.tight_layout()
    out = RESULTS / "summary.png"
    figure.savefig(out, dpi=90)
    print(f"plot written to {out}")


if __name__ == "__main__":
    main()
