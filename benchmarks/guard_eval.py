"""Measure the input guard on labelled prompts: recall, false positives, latency.

Reads JSONL rows with ``text``, ``label`` (1 attack, 0 benign) and ``source``; prints recall
(attack sources) or false-positive rate (benign sources) per source and pooled, the scan
latency, and detection on an obfuscation suite built from the attacks the guard catches in
plain text. With ``--json`` it prints one JSON object instead, for other tools to read.

    python benchmarks/guard_eval.py [PATH] [--json] [--no-suite]

PATH defaults to ``../shared/data/guard/dev.jsonl`` next to the repository; when it is
absent the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from reconciler.guard import GuardPolicy, scan
from reconciler.guard.obfuscations import TRANSFORMS

DEFAULT_DATA = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "guard" / "dev.jsonl"
)
SUITE_MAX_CHARS = 3000  # keeps every encoded variant under the default size cap
POLICY = GuardPolicy(mode="flag")


def load_rows(path: Path) -> list[dict[str, Any]]:
    """Read the labelled rows of a JSONL file."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _timed_scan(text: str) -> tuple[bool, float]:
    start = time.perf_counter()
    verdict = scan(text, POLICY)
    return verdict.flagged, (time.perf_counter() - start) * 1000


def evaluate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Score every row; return pooled and per-source figures and latency."""
    per_source: dict[str, list[tuple[int, bool]]] = {}
    latencies: list[float] = []
    for row in rows:
        flagged, millis = _timed_scan(row["text"])
        latencies.append(millis)
        per_source.setdefault(row["source"], []).append((int(row["label"]), flagged))
    outcomes = [item for items in per_source.values() for item in items]
    by_source = {source: _source_figures(items) for source, items in sorted(per_source.items())}
    attacks = [flagged for label, flagged in outcomes if label == 1]
    benign = [flagged for label, flagged in outcomes if label == 0]
    ordered = sorted(latencies)
    return {
        "pooled": {
            "recall": _rate(attacks),
            "fpr": _rate(benign),
            "attacks": len(attacks),
            "benign": len(benign),
        },
        "by_source": by_source,
        "latency_ms": {
            "mean": round(statistics.fmean(latencies), 4),
            "p99": round(ordered[int(0.99 * (len(ordered) - 1))], 4),
        },
    }


def _source_figures(items: list[tuple[int, bool]]) -> dict[str, float | int]:
    """Recall for attack rows, false-positive rate for benign rows (both for a mixed source)."""
    attacks = [flagged for label, flagged in items if label == 1]
    benign = [flagged for label, flagged in items if label == 0]
    figures: dict[str, float | int] = {"rows": len(items)}
    if attacks:
        figures["recall"] = _rate(attacks)
    if benign:
        figures["fpr"] = _rate(benign)
    if attacks and benign:
        figures |= {"attacks": len(attacks), "benign": len(benign)}
    return figures


def _rate(flags: list[bool]) -> float:
    return round(sum(flags) / len(flags), 4) if flags else 0.0


def obfuscation_suite(rows: list[dict[str, Any]]) -> dict[str, dict[str, float | int]]:
    """Detection per transform, over the attacks the guard catches in plain text."""
    seeds = [
        row["text"]
        for row in rows
        if row["label"] == 1
        and len(row["text"]) <= SUITE_MAX_CHARS
        and scan(row["text"], POLICY).flagged
    ]
    report: dict[str, dict[str, float | int]] = {}
    for name, transform in TRANSFORMS.items():
        caught = [scan(transform(text), POLICY).flagged for text in seeds]
        report[name] = {"detection": _rate(caught), "rows": len(caught)}
    return report


def latency_4kb(rows: list[dict[str, Any]], repeats: int = 200) -> float:
    """Mean milliseconds to scan a 4 KB input made of benign rows."""
    text = "\n".join(row["text"] for row in rows if row["label"] == 0)[:4096]
    scan(text, POLICY)
    start = time.perf_counter()
    for _ in range(repeats):
        scan(text, POLICY)
    return round((time.perf_counter() - start) * 1000 / repeats, 4)


def _print_text(result: dict[str, Any]) -> None:
    pooled = result["pooled"]
    print(
        f"pooled: recall {pooled['recall']:.1%} on {pooled['attacks']} attacks, "
        f"false positives {pooled['fpr']:.1%} on {pooled['benign']} benign"
    )
    for source, figures in result["by_source"].items():
        for metric in ("recall", "fpr"):
            if metric in figures:
                rows = figures.get("attacks" if metric == "recall" else "benign", figures["rows"])
                print(f"  {source:28} {metric:6} {figures[metric]:7.1%}  ({rows} rows)")
    latency = result["latency_ms"]
    print(
        f"latency: mean {latency['mean']:.3f} ms, p99 {latency['p99']:.3f} ms; "
        f"4 KB input {result['latency_4kb_ms']:.3f} ms"
    )
    for name, figures in result.get("obfuscation", {}).items():
        print(f"  obfuscation {name:26} {figures['detection']:7.1%}  ({figures['rows']} rows)")


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation; exit 0 (also when the data is absent)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-suite", action="store_true", help="skip the obfuscation suite")
    args = parser.parse_args(argv)
    if not args.path.is_file():
        print(f"guard_eval: no data at {args.path}; nothing to measure", file=sys.stderr)
        return 0
    rows = load_rows(args.path)
    result = evaluate(rows)
    result["latency_4kb_ms"] = latency_4kb(rows)
    if not args.no_suite:
        result["obfuscation"] = obfuscation_suite(rows)
    if args.json:
        print(json.dumps(result))
    else:
        _print_text(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
