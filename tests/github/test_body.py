"""Fitting a report below GitHub's body limit: line boundaries, balanced blocks, a note."""

from __future__ import annotations

from reconciler.github import fit_body


def test_a_report_that_fits_is_returned_unchanged() -> None:
    text = "<details>\n\nshort\n"
    assert fit_body(text, cap=100) == text


def test_the_cut_falls_on_a_line_boundary_and_closes_nested_blocks() -> None:
    lines = [
        "summary",
        "<details><summary>a</summary>",
        "<details><summary>b</summary>",
        "```diff",
    ] + [f"+ line {i:04d}" for i in range(200)]
    text = "\n".join(lines)
    out = fit_body(text, cap=1200)
    assert len(out) <= 1200
    head, _, note = out.partition("\n\n> [!NOTE]")
    kept = head.split("\n")
    assert kept[:4] == lines[:4]
    assert kept[-3:] == ["```", "</details>", "</details>"]
    assert all(line in lines for line in kept[:-3])
    assert f"of {len(lines)} lines shown" in note


def test_blocks_closed_before_the_cut_are_not_closed_again() -> None:
    text = "top\n<details>\nx\n</details>\n```\ncode\n```\n" + "\n".join(["y" * 50] * 100)
    out = fit_body(text, cap=600)
    assert out.count("</details>") == 1
    assert out.count("```") == 2


def test_a_single_huge_line_is_still_cut_below_the_cap() -> None:
    out = fit_body("x" * 5000, cap=1000)
    assert len(out) <= 1000 and "truncated" in out
