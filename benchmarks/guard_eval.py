"""Measure the input guard against its targets: recall, false positives, latency.

Reads JSONL rows with ``text``, ``label`` (1 attack, 0 benign), ``source`` and, for the
multilingual set, ``lang``. Prints recall (attack rows) and false-positive rate (benign rows)
per source and per language, for the rules alone, the shipped model alone and both (the
default verdict); out of fold on the model's training data (``--oof``, written by
``tools/train_guard.py --oof``; without it, the model's own figures from its sidecar); on the
contact-centre benign set, a reviewer's customer messages and a red team's attacks; the
development set split in two halves by a hash of each row (a tuning half and a check half, so
a rule fitted to some rows shows as a gap between them), detection on an obfuscation suite
built from the attacks caught in plain text, and the CPU time of scanning random 4 KB blocks
of benign, attack and obfuscated attack text. Every target is printed with its measured
figure; the exit status is 1 when one is missed, 2 when the data cannot be found.

    python benchmarks/guard_eval.py [--dev PATH] [--multilingual PATH] [--phrasings PATH]
        [--contact-centre PATH] [--customer-probe PATH] [--red-team PATH] [--oof PATH] [--json]
        [--no-suite] [--seed N] [--blocks N] [--rounds N]
        [--classifier FOLDER [--classifier-threshold X]]

The development set is looked for in ``$RECONCILE_GUARD_DATA``, then in ``shared/data/guard``
beside the repository (``../../shared/data/guard`` from this file), whatever the working
directory; the multilingual set ships in ``tests/guard/data/``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from machine import describe as describe_machine

from reconciler.guard import ClassifierConfig, GuardPolicy, accelerate, ngram_model, scan
from reconciler.guard.folding import skeleton
from reconciler.guard.gating import ViewText
from reconciler.guard.hidden import sanitize, strip_hidden
from reconciler.guard.obfuscations import TRANSFORMS
from reconciler.guard.scanner import model_score_of, multimatch

HERE = Path(__file__).resolve().parent
MULTILINGUAL = HERE.parent / "tests" / "guard" / "data" / "multilingual.jsonl"
# Other phrasings, written after the tables and first measured blind (10% recall): reported,
# never a target (tests/guard/data/README.md).
PHRASINGS = HERE.parent / "tests" / "guard" / "data" / "multilingual_phrasings.jsonl"
SUITE_MAX_CHARS = 3000  # keeps every encoded variant under the default size cap
BLOCK_CHARS = 4096
POLICY = GuardPolicy(mode="flag")  # rules and the shipped model, as scans run by default
RULES = GuardPolicy(mode="flag", model=False)
CONTACT_CENTRE = HERE.parent / "tests" / "guard" / "data" / "contact_centre_benign.jsonl"
DATA = HERE.parent / "tests" / "guard" / "data"
# Every set measured beside the dev set, in the order reported: its key in the result, its
# option and the file it defaults to (tests/guard/data/README.md says where each came from).
# Besides the multilingual, other-phrasings and contact-centre sets (targets), reviewers'
# sets reported with no target: customer messages and attacks in a customer's register, a
# red team's attacks on the customer's-own exemption and the model, the general shapes of
# the injection literature written blind, customers' twins of those shapes written to break
# rules for them, and attacks on the narrow exemption of a customer's own affair (all
# 2026-12-07).
MEASURED = (
    ("multilingual", "--multilingual", MULTILINGUAL),
    ("phrasings", "--phrasings", PHRASINGS),
    ("contact_centre", "--contact-centre", CONTACT_CENTRE),
    ("customer_probe", "--customer-probe", DATA / "customer_probe.jsonl"),
    ("red_team", "--red-team", DATA / "red_team_attacks.jsonl"),
    ("general_shapes", "--general-shapes", DATA / "general_shapes.jsonl"),
    ("customer_twins", "--customer-twins", DATA / "customer_twins.jsonl"),
    ("own_affairs", "--own-affairs", DATA / "own_affairs_attacks.jsonl"),
)
MODEL_FILES = HERE.parent / "reconciler" / "guard" / "model"
TARGETS = {
    "training out-of-fold recall": (">=", 0.85),
    "training out-of-fold false positives": ("<=", 0.01),
    "dev recall (rules + model)": (">=", 0.80),
    "dev false positives (rules + model)": ("<=", 0.01),
    "contact-centre benign flagged": ("<=", 0.005),
    "other phrasings recall": (">=", 0.50),
    "4 KB scan p99 ms (rules + model, one pass)": ("<", 2.0),
    "wheel growth MB (model files)": ("<=", 5.0),
    "dev recall (rules)": (">=", 0.70),
    "dev false positives (rules)": ("<=", 0.01),
    "notinject false positives": ("<=", 0.02),
    "multilingual recall (each language)": (">=", 0.60),
    "multilingual false positives (each language)": ("<=", 0.02),
    "4 KB scan p99 ms (rules)": ("<", 1.0),
}


def default_dev() -> Path:
    """Where the development set is: the environment's choice, else beside the repository."""
    chosen = os.environ.get("RECONCILE_GUARD_DATA")
    if chosen:
        path = Path(chosen)
        return path / "dev.jsonl" if path.is_dir() else path
    return HERE.parent.parent / "shared" / "data" / "guard" / "dev.jsonl"


def absent_sets(paths: list[Path]) -> list[str]:
    """The sets among ``paths`` that are missing or hold no row, each said with why: measured
    on nothing, a target reads 0% and a trainer keeps nothing out (an empty ``dev.jsonl``
    left by an interrupted copy passed both checks when they looked only for the file)."""
    absent = []
    for path in paths:
        if not path.is_file():
            absent.append(f"{path} (missing)")
        else:
            with path.open(encoding="utf-8") as handle:
                if not any(line.strip() for line in handle):
                    absent.append(f"{path} (empty)")
    return absent


def load_rows(path: Path) -> list[dict[str, Any]]:
    """Read the labelled rows of a JSONL file."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _rate(flags: list[bool]) -> float:
    return round(sum(flags) / len(flags), 4) if flags else 0.0


def _figures(items: list[tuple[int, bool]]) -> dict[str, float | int]:
    """Recall for attack rows, false-positive rate for benign rows (both for a mixed group)."""
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


def half(text: str) -> str:
    """The half of the split a row belongs to, fixed by a hash of its text."""
    return "tune" if hashlib.sha256(text.encode("utf-8")).digest()[0] % 2 == 0 else "check"


def evaluate(rows: list[dict[str, Any]], policy: GuardPolicy = POLICY) -> dict[str, Any]:
    """Score every row; return pooled figures, and figures by source, language and half, for
    the policy's verdicts, and (when the policy runs the shipped model) for the rules alone
    and the model alone under ``rules`` and ``model``."""
    outcomes: dict[str, list[tuple[dict[str, Any], int, bool]]] = {"both": []}
    latencies: list[float] = []
    classifier: list[float] = []
    threshold = ngram_model.shipped().threshold
    if policy.model:
        outcomes |= {"rules": [], "model": []}
    for row in rows:
        start = time.perf_counter()
        verdict = scan(row["text"], policy)
        latencies.append((time.perf_counter() - start) * 1000)
        if verdict.classifier_ms is not None:
            classifier.append(verdict.classifier_ms)
        label = int(row["label"])
        outcomes["both"].append((row, label, verdict.flagged))
        if policy.model:
            # a scan asks the model only when the rules have not flagged the text: ask it here
            model_score = verdict.model_score
            if model_score is None:
                model_score = model_score_of(verdict.sanitized)
            by_model = model_score >= (policy.model_threshold or threshold)
            # the rules' own verdict: the score before the model was asked, and any configured
            # classifier's opinion left out
            by_rules = verdict.score >= policy.threshold
            outcomes["rules"].append((row, label, by_rules))
            outcomes["model"].append((row, label, by_model))
    result = _grouped(outcomes.pop("both"))
    result["latency_ms"] = _percentiles(latencies)
    for tier, items in outcomes.items():
        result[tier] = _grouped(items)
    if classifier:
        result["classifier_ms"] = _percentiles(classifier)
    return result


def _grouped(items: list[tuple[dict[str, Any], int, bool]]) -> dict[str, Any]:
    groups: dict[str, dict[str, list[tuple[int, bool]]]] = {"source": {}, "lang": {}, "half": {}}
    for row, label, flagged in items:
        item = (label, flagged)
        groups["source"].setdefault(row.get("source", "?"), []).append(item)
        groups["half"].setdefault(half(row["text"]), []).append(item)
        if "lang" in row:
            groups["lang"].setdefault(row["lang"], []).append(item)
    result: dict[str, Any] = {
        "pooled": _pooled([(label, flagged) for _, label, flagged in items]),
        "by_source": {k: _figures(v) for k, v in sorted(groups["source"].items())},
        "by_half": {k: _pooled(v) for k, v in sorted(groups["half"].items())},
    }
    if groups["lang"]:
        result["by_lang"] = {k: _figures(v) for k, v in groups["lang"].items()}
    return result


def out_of_fold(path: Path | None) -> dict[str, Any]:
    """Out-of-fold figures on the training data: with ``--oof`` (the scores
    ``tools/train_guard.py --oof`` wrote), the rules alone, the model alone and both, by source
    and language; without it, the model alone as its sidecar recorded them."""
    model = ngram_model.shipped()
    if path is None or not path.is_file():
        recorded = model.meta["out_of_fold"]
        return {"model": recorded, "source": "the model's sidecar (no --oof file given)"}
    rows = load_rows(path)
    threshold = model.meta["threshold_logit"]
    items: dict[str, list[tuple[dict[str, Any], int, bool]]] = {
        "both": [],
        "rules": [],
        "model": [],
    }
    for row in rows:
        by_rules = scan(row["text"], RULES).flagged
        by_model = row["oof_logit"] >= threshold
        label = int(row["label"])
        items["both"].append((row, label, by_rules or by_model))
        items["rules"].append((row, label, by_rules))
        items["model"].append((row, label, by_model))
    result = {tier: _grouped(found) for tier, found in items.items()}
    result["source"] = str(path)
    return result


def wheel_growth_mb() -> float:
    """What the shipped model adds to the wheel (its files; numpy is a dependency)."""
    return round(sum(f.stat().st_size for f in MODEL_FILES.iterdir()) / 1e6, 3)


def _pooled(items: list[tuple[int, bool]]) -> dict[str, float | int]:
    attacks = [flagged for label, flagged in items if label == 1]
    benign = [flagged for label, flagged in items if label == 0]
    return {
        "recall": _rate(attacks),
        "fpr": _rate(benign),
        "attacks": len(attacks),
        "benign": len(benign),
    }


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "mean": round(statistics.fmean(ordered), 4),
        "p50": round(ordered[len(ordered) // 2], 4),
        "p99": round(ordered[int(0.99 * (len(ordered) - 1))], 4),
    }


def obfuscation_suite(rows: list[dict[str, Any]]) -> dict[str, dict[str, float | int]]:
    """Detection per transform, over the attacks the rules catch in plain text (the rules
    alone: undoing obfuscations is their work)."""
    seeds = [
        row["text"]
        for row in rows
        if row["label"] == 1
        and len(row["text"]) <= SUITE_MAX_CHARS
        and scan(row["text"], RULES).flagged
    ]
    report: dict[str, dict[str, float | int]] = {}
    for name, transform in TRANSFORMS.items():
        caught = [scan(transform(text), RULES).flagged for text in seeds]
        report[name] = {"detection": _rate(caught), "rows": len(caught)}
    return report


def random_blocks(
    texts: list[str], count: int, rng: random.Random, transform: Callable[[str], str] | None = None
) -> list[str]:
    """``count`` blocks of about 4 KB: random rows joined until the size is reached."""
    blocks = []
    for _ in range(count):
        parts: list[str] = []
        size = 0
        while size < BLOCK_CHARS:
            text = rng.choice(texts)
            text = transform(text) if transform else text
            parts.append(text)
            size += len(text) + 1
        blocks.append("\n".join(parts)[:BLOCK_CHARS])
    return blocks


def block_kinds(rows: list[dict[str, Any]], count: int, seed: int) -> dict[str, list[str]]:
    """``count`` random 4 KB blocks of each kind of text, the same for the same seed."""
    rng = random.Random(seed)
    benign = [r["text"] for r in rows if r["label"] == 0]
    attacks = [r["text"] for r in rows if r["label"] == 1]
    transforms = list(TRANSFORMS.values())
    return {
        "benign": random_blocks(benign, count, rng),
        "attack": random_blocks(attacks, count, rng),
        "obfuscated": random_blocks(
            attacks, count, rng, lambda text: rng.choice(transforms)(text[:600])
        ),
    }


def _timed(
    kinds: dict[str, list[str]], work: Callable[[str], object], rounds: int = 1
) -> dict[str, dict[str, float]]:
    """CPU milliseconds of ``work`` on each block, by kind and over all.

    CPU time of this thread, not wall time: on a shared machine other processes would
    otherwise be measured too. With ``rounds`` above one, every block is timed once per
    round, the rounds one after the other, and costs its fastest: the work is the same each
    time, and on a shared virtual machine a slower time measures the host (one run's p99
    swung by a millisecond between runs a minute apart while a fixed loop took 0.055-0.101 s),
    so the percentiles over blocks are the code's. Under ``one_round`` the first round
    alone, as a single pass measures it.
    """
    for blocks in kinds.values():
        for block in blocks[:3]:
            work(block)  # warm the caches, as a long-running process has them
    fastest = {kind: [float("inf")] * len(blocks) for kind, blocks in kinds.items()}
    first: list[float] = []
    for number in range(rounds):
        for kind, blocks in kinds.items():
            for index, block in enumerate(blocks):
                start = time.thread_time_ns()
                work(block)
                took = (time.thread_time_ns() - start) / 1e6
                fastest[kind][index] = min(fastest[kind][index], took)
                if number == 0:
                    first.append(took)
    report = {kind: _percentiles(times) for kind, times in fastest.items()}
    report["all"] = _percentiles([t for times in fastest.values() for t in times])
    if rounds > 1:
        report["one_round"] = _percentiles(first)
    return report


def block_latency(
    rows: list[dict[str, Any]],
    count: int,
    seed: int,
    policy: GuardPolicy = RULES,
    rounds: int = 1,
) -> dict[str, dict[str, float]]:
    """CPU milliseconds per scan of random 4 KB blocks, by kind of text (``_timed``)."""
    kinds = block_kinds(rows, count, seed)
    return _timed(kinds, lambda block: scan(block, policy), rounds)


def floor_latency(rows: list[dict[str, Any]], count: int, seed: int) -> dict[str, float]:
    """CPU milliseconds of what every scan does before any rule runs, on the same blocks:
    remove control and hidden characters, fold to the base view, split its words, and one
    pass of the one-pass matcher (when it is compiled). No design of the rules tier in
    Python does less, so its p99 says how much of the target is left for the rules."""
    matcher = multimatch()

    def steps(block: str) -> None:
        prepared = strip_hidden(sanitize(block))
        base = ViewText(skeleton(prepared.visible))
        _ = base.words
        matcher.possible(base.text)

    return _timed(block_kinds(rows, count, seed), steps)["all"]


def matcher_status(*, one_by_one: bool) -> str:
    """Build the one-pass matcher first, as ``reconcile serve`` does at start, unless told not
    to; say how the rules run and what building took."""
    if one_by_one:
        return "rules one by one (as one-shot commands run them)"
    started = time.process_time()
    if not accelerate(wait=True):
        return "rules one by one (the one-pass matcher is unavailable: is hyperscan installed?)"
    return f"one-pass matcher, compiled in {time.process_time() - started:.2f} s CPU"


def check_targets(result: dict[str, Any]) -> list[tuple[str, str, float | str, bool]]:
    """Each target with its measured figure and whether it is met."""
    checks: list[tuple[str, str, float | str, bool]] = []

    def check(name: str, measured: float, label: str = "") -> None:
        op, bound = TARGETS[name]
        met = {">=": measured >= bound, "<=": measured <= bound, "<": measured < bound}[op]
        checks.append((f"{name}{label}", f"{op} {bound}", measured, met))

    oof = result.get("training")
    if oof:
        tier = oof.get("both") or oof["model"]
        pooled = tier.get("pooled", tier)
        label = "" if "both" in oof else " (model alone, from its sidecar)"
        check("training out-of-fold recall", pooled["recall"], label)
        check("training out-of-fold false positives", pooled["fpr"], label)
    dev = result.get("dev")
    if dev:
        check("dev recall (rules + model)", dev["pooled"]["recall"])
        check("dev false positives (rules + model)", dev["pooled"]["fpr"])
        rules = dev.get("rules", dev)
        check("dev recall (rules)", rules["pooled"]["recall"])
        check("dev false positives (rules)", rules["pooled"]["fpr"])
        for source, figures in dev["by_source"].items():
            if source.startswith("notinject"):
                check("notinject false positives", figures["fpr"], f" ({source})")
    centre = result.get("contact_centre")
    if centre:
        check("contact-centre benign flagged", centre["pooled"]["fpr"])
    phrasings = result.get("phrasings")
    if phrasings:
        check("other phrasings recall", phrasings["pooled"]["recall"])
    multilingual = result.get("multilingual")
    if multilingual:
        recall = {k: v["recall"] for k, v in multilingual["by_lang"].items() if "recall" in v}
        fpr = {k: v["fpr"] for k, v in multilingual["by_lang"].items() if "fpr" in v}
        if recall:
            worst = min(recall, key=recall.__getitem__)
            check("multilingual recall (each language)", recall[worst], f", lowest {worst}")
        if fpr:
            worst = max(fpr, key=fpr.__getitem__)
            check("multilingual false positives (each language)", fpr[worst], f", highest {worst}")
    if "blocks_ms" in result:
        check("4 KB scan p99 ms (rules)", result["blocks_ms"]["all"]["p99"])
    if "both_blocks_ms" in result:
        check("4 KB scan p99 ms (rules + model, one pass)", result["both_blocks_ms"]["all"]["p99"])
    if "wheel_growth_mb" in result:
        check("wheel growth MB (model files)", result["wheel_growth_mb"])
    return checks


def _print_group(title: str, groups: dict[str, dict[str, Any]]) -> None:
    print(title)
    for name, figures in groups.items():
        parts = []
        if "recall" in figures:
            parts.append(f"recall {figures['recall']:6.1%}")
        if "fpr" in figures:
            parts.append(f"fpr {figures['fpr']:6.1%}")
        print(f"  {name:28} {'  '.join(parts)}  ({figures['rows']} rows)")


def _print_set(key: str, figures: dict[str, Any], title: str) -> None:
    pooled = figures["pooled"]
    print(
        f"{title}: recall {pooled['recall']:.1%} on {pooled['attacks']} attacks, "
        f"false positives {pooled['fpr']:.1%} on {pooled['benign']} benign"
    )
    _print_group(f"{key} by source", figures["by_source"])
    if "by_lang" in figures:
        _print_group(f"{key} by language", figures["by_lang"])


def _print_text(result: dict[str, Any], checks: list[tuple[str, str, float | str, bool]]) -> None:
    training = result.get("training")
    if training:
        print(f"training data, out of fold ({training['source']}):")
        for tier in ("rules", "model", "both"):
            if tier in training and "pooled" in training[tier]:
                _print_set(f"training {tier}", training[tier], f"training, {tier}")
        if "both" not in training:
            model = training["model"]
            print(
                f"training, model alone: recall {model['recall']:.1%} at"
                f" {model['fpr']:.2%} false positives"
            )
    for key in ("dev", *(key for key, _, _ in MEASURED)):
        if key not in result:
            continue
        figures = result[key]
        for tier in ("rules", "model"):
            if tier in figures:
                _print_set(f"{key} {tier}", figures[tier], f"{key}, {tier} alone")
        _print_set(key, figures, f"{key}, rules + model")
        for name, half_figures in figures["by_half"].items():
            print(
                f"  {key} {name} half: recall {half_figures['recall']:.1%}, "
                f"fpr {half_figures['fpr']:.1%}"
            )
        if "classifier_ms" in figures:
            c = figures["classifier_ms"]
            print(f"  classifier latency: p50 {c['p50']:.3f} ms, p99 {c['p99']:.3f} ms")
    for tier, key in (("rules + model", "both_blocks_ms"), ("rules", "blocks_ms")):
        for kind, figures in result.get(key, {}).items():
            label = "all, one round" if kind == "one_round" else kind
            print(
                f"4 KB blocks, {tier} ({label:10}): p50 {figures['p50']:.3f} ms,"
                f" p99 {figures['p99']:.3f} ms CPU"
            )
    if "floor_ms" in result:
        floor = result["floor_ms"]
        print(
            f"4 KB blocks (floor: hidden characters, folding, words, one pass; all kinds):"
            f" p50 {floor['p50']:.3f} ms, p99 {floor['p99']:.3f} ms CPU"
        )
    for name, figures in result.get("obfuscation", {}).items():
        print(f"  obfuscation {name:26} {figures['detection']:7.1%}  ({figures['rows']} rows)")
    for name, bound, measured, met in checks:
        shown = f"{measured:.4f}" if isinstance(measured, float) else str(measured)
        print(f"target {name}: {shown} (target {bound}) {'ok' if met else 'MISSED'}")


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation; 0 when every target is met, 1 when one is missed, 2 without data."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dev", type=Path, default=None, help="development set (JSONL)")
    for key, option, default in MEASURED:
        parser.add_argument(option, type=Path, default=default, dest=key, help=f"{key} set")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-suite", action="store_true", help="skip the obfuscation suite")
    parser.add_argument("--seed", type=int, default=None, help="seed for the random blocks")
    parser.add_argument("--blocks", type=int, default=300, help="4 KB blocks per kind")
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="timings of each 4 KB block, a round apart; it costs the fastest (1: one pass)",
    )
    parser.add_argument(
        "--one-by-one",
        action="store_true",
        help="time the scans without the one-pass matcher, as one-shot commands run them",
    )
    parser.add_argument(
        "--oof", type=Path, default=None, help="out-of-fold scores from tools/train_guard.py --oof"
    )
    parser.add_argument("--classifier", type=Path, default=None, help="model folder")
    parser.add_argument("--classifier-threshold", type=float, default=0.5)
    args = parser.parse_args(argv)
    dev_path = args.dev or default_dev()
    absent = absent_sets([dev_path])
    if absent:
        print(
            f"guard_eval: no development set at {absent[0]}; set"
            " RECONCILE_GUARD_DATA or pass --dev PATH",
            file=sys.stderr,
        )
        return 2
    policy = POLICY
    if args.classifier:
        config = ClassifierConfig(str(args.classifier), args.classifier_threshold)
        policy = GuardPolicy(mode="flag", classifier=config)  # with the shipped model too
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    result: dict[str, Any] = {
        "seed": seed,
        "machine": describe_machine(),
        "matcher": matcher_status(one_by_one=args.one_by_one),
    }
    dev_rows = load_rows(dev_path)
    result["dev"] = evaluate(dev_rows, policy)
    for key, _, _ in MEASURED:
        path: Path = getattr(args, key)
        if path.is_file():
            result[key] = evaluate(load_rows(path), policy)
    result["training"] = out_of_fold(args.oof)
    result["wheel_growth_mb"] = wheel_growth_mb()
    result["blocks_ms"] = block_latency(dev_rows, args.blocks, seed, RULES, args.rounds)
    result["both_blocks_ms"] = block_latency(dev_rows, args.blocks, seed, POLICY, args.rounds)
    result["floor_ms"] = floor_latency(dev_rows, args.blocks, seed)
    if not args.no_suite:
        result["obfuscation"] = obfuscation_suite(dev_rows)
    checks = check_targets(result)
    result["targets"] = [
        {"target": name, "bound": bound, "measured": measured, "met": met}
        for name, bound, measured, met in checks
    ]
    if args.json:
        print(json.dumps(result))
    else:
        print(f"seed {seed}; {result['matcher']}; {result['machine']}")
        _print_text(result, checks)
    return 0 if all(met for *_, met in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
