"""Cost reporters: the ``reconcile cost`` table and the before/after block of a plan.

Projections and summaries arrive as values from ``reconciler.cost``; this module only lays
them out, in text for terminals, JSON for machines (``formatVersion`` 1) and markdown for pull
requests. Every figure is rounded here, half-up to the cent, never earlier.
"""

from __future__ import annotations

from reconciler.cost.catalogue import provenance
from reconciler.cost.money import percent, rate, usd
from reconciler.cost.projection import CostProjection, ModelCost
from reconciler.report.markdown import code, text
from reconciler.structs.plan import CostSummary

HEADERS = ("model", "provider", "modelId", "requests/day", "$/1M in", "$/1M out", "monthly USD")
RIGHT_ALIGNED = {3, 4, 5, 6}


def render_projection_text(projection: CostProjection) -> str:
    rows = [list(HEADERS)] + [_cells(m) for m in projection.models]
    rows.append(["total", "", "", "", "", "", usd(projection.total)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADERS))]
    table = [
        "  ".join(_pad(c, w, i) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        for r in rows
    ]
    lines = [f"Projected monthly cost of {projection.environment} (30-day month)", ""]
    lines += [t.rstrip() for t in table[:-1]] + ["-" * len(table[0].rstrip()), table[-1].rstrip()]
    return "\n".join([*lines, "", *_footer(projection)]) + "\n"


def render_projection_markdown(projection: CostProjection) -> str:
    lines = [
        f"### Projected monthly cost: {code(projection.environment)}",
        "",
        "| " + " | ".join(HEADERS) + " |",
        "|" + "|".join("---:" if i in RIGHT_ALIGNED else "---" for i in range(7)) + "|",
    ]
    for model in projection.models:
        cells = _cells(model)
        cells[0], cells[2] = code(cells[0]), code(cells[2])
        lines.append("| " + " | ".join(cells) + " |")
    lines.append(f"| **total** | | | | | | **{usd(projection.total)}** |")
    footer = [f"- {text(line)}" for line in _footer(projection)]
    return "\n".join([*lines, "", *footer]) + "\n"


def render_cost_summary_text(summary: CostSummary) -> str:
    """A plan's cost block for terminals: totals before → after, change, budget verdict."""
    lines = [f"Monthly cost: {_change(summary)}"]
    lines += [line.replace("**", "") for line in _verdict(summary)]
    return "\n".join(lines)


def render_cost_summary_markdown(summary: CostSummary) -> str:
    """A plan's cost block for the PR comment; a breach is a CAUTION callout."""
    lines = [
        "| monthly cost | before | after | change |",
        "|---|---:|---:|---:|",
        f"| environment total | {usd(summary.before)} | **{usd(summary.after)}** | "
        f"{usd(summary.delta, signed=True)} ({percent(summary.delta_percent)}) |",
        "",
    ]
    if summary.breach:
        lines += ["> [!CAUTION]", f"> **Budget breach**: {text(summary.breach)}"]
        return "\n".join(lines)
    return "\n".join(lines + [text(line) for line in _verdict(summary)])


def _change(summary: CostSummary) -> str:
    return (
        f"{usd(summary.before)} → {usd(summary.after)} "
        f"({usd(summary.delta, signed=True)}, {percent(summary.delta_percent)})"
    )


def _verdict(summary: CostSummary) -> list[str]:
    lines: list[str] = []
    limit = summary.budget_usd
    if summary.breach:
        lines.append(f"Budget breach: {summary.breach}")
    elif limit is not None and summary.after > limit:
        lines.append(
            f"Budget {usd(limit)}: still over by {usd(summary.after - limit)}, "
            "but this plan does not raise the cost, so it is not blocked"
        )
    elif limit is not None:
        lines.append(f"Budget {usd(limit)}: within budget (headroom {usd(limit - summary.after)})")
    if summary.unpriced:
        names = ", ".join(summary.unpriced)
        lines.append(f"Not priced (counted as $0.00): {names}")
    return lines


def _cells(model: ModelCost) -> list[str]:
    per_day = "n/a" if model.requests_per_day is None else f"{model.requests_per_day:,f}"
    marker = "*" if model.rates and "override" in model.rates.source else ""
    return [
        model.name,
        model.provider,
        model.model_id,
        per_day,
        rate(model.rates.input_per_million if model.rates else None) + marker,
        rate(model.rates.output_per_million if model.rates else None) + marker,
        usd(model.monthly, missing="not priced"),
    ]


def _footer(projection: CostProjection) -> list[str]:
    lines = []
    headroom = projection.headroom
    if headroom is not None and headroom >= 0:
        lines.append(f"Budget {usd(projection.budget_usd)}/month, headroom {usd(headroom)}")
    if projection.breach:
        lines.append(f"Over budget: {projection.breach}")
    lines += [f"{m.name}: {m.note}" for m in projection.models if m.note]
    source = provenance()
    lines.append(
        f"Prices: LiteLLM {source.get('litellmVersion')} catalogue of "
        f"{source.get('date')} (MIT); * = spec.pricing override"
    )
    return lines


def _pad(cell: str, width: int, index: int) -> str:
    return cell.rjust(width) if index in RIGHT_ALIGNED else cell.ljust(width)
