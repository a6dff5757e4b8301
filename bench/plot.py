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
LABEL_KEYS = ("sender", "server", "variant", "scenario", "page", "kind", "phase", "name")


def measured_rows(value, benchmark: str):
    """Every dict in a result that carries a rate or a latency, with a label."""
    if isinstance(value, dict):
        if "per_second" in value or "p99_ms" in value:
            words = [str(value[k]) for k in LABEL_KEYS if value.get(k) not in (None, "")]
            if value.get("latency_ms"):
                words.append(f"+{value['latency_ms']} ms")
            if value.get("fraction"):
                words.append(f"at {value['fraction']}")
            yield f"{benchmark}: {', '.join(words) or '?'}", value
        for inner in value.values():
            yield from measured_rows(inner, benchmark)
    elif isinstance(value, list):
        for inner in value:
            yield from measured_rows(inner, benchmark)


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
            if "per_second" in row:
                rates.append((label, float(row["per_second"])))
            if "p99_ms" in row:
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
