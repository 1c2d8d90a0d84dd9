"""The YAML reader under hostile input: fast failures, bounded memory, exact lines."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from reconciler.manifests.reading import MAX_FILE_BYTES, FileRejected, read_text
from reconciler.manifests.yamltree import parse_yaml
from tests.fixtures_manifests import EXAMPLES


def _rejected(text: str) -> str:
    with pytest.raises(FileRejected) as info:
        parse_yaml(text, source="x.yaml")
    return info.value.problem.rule


def test_gigabyte_alias_bomb_fails_fast_in_bounded_memory() -> None:
    bomb = (EXAMPLES / "invalid" / "alias-bomb.yaml").read_text(encoding="utf-8")
    tracemalloc.start()
    started = time.perf_counter()
    try:
        assert _rejected(bomb) == "yaml-alias-limit"
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 30 * 1024 * 1024


def test_recursive_alias_is_rejected_not_looped() -> None:
    assert _rejected("a: &a [*a]\n") in ("yaml-too-deep", "yaml-alias-limit")


def test_ten_thousand_levels_of_nesting_fail_without_recursion_error() -> None:
    started = time.perf_counter()
    assert _rejected("a: " + "[" * 10_000 + "]" * 10_000 + "\n") == "yaml-too-deep"
    assert _rejected("a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 60))) == (
        "yaml-too-deep"
    )
    assert time.perf_counter() - started < 1.0


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    huge.write_text("items:\n" + "  - padding value\n" * (MAX_FILE_BYTES // 16 + 10))
    started = time.perf_counter()
    with pytest.raises(FileRejected) as info:
        read_text(huge, source="huge.yaml")
    assert info.value.problem.rule == "yaml-too-large"
    assert time.perf_counter() - started < 0.5


def test_file_just_under_the_cap_still_loads(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("description: " + "x" * (MAX_FILE_BYTES - 100) + "\n")
    assert parse_yaml(read_text(big, source="big.yaml"), source="big.yaml").data["description"]


@pytest.mark.parametrize(
    ("raw", "rule", "line"),
    [
        (b"a: 1\nb: \x00\x01\x02\n", "yaml-binary", 2),
        (b"a: 1\n\nb: \xff\xfe\n", "yaml-binary", 3),
        (b"a:\n  b: 1\n\tc: 2\n", "yaml-tabs", 3),
    ],
)
def test_unreadable_bytes_name_their_line(tmp_path: Path, raw: bytes, rule: str, line: int) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(raw)
    with pytest.raises(FileRejected) as info:
        read_text(path, source="bad.yaml")
    assert (info.value.problem.rule, info.value.problem.line) == (rule, line)


def test_tab_inside_a_quoted_value_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_bytes(b'a: "one\ttwo"\n')
    assert parse_yaml(read_text(path, source="ok.yaml"), source="ok.yaml").data == {"a": "one\ttwo"}


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert parse_yaml(read_text(path, source="bom.yaml"), source="bom.yaml").data == {"a": 1}


def test_duplicate_keys_are_found_at_any_depth() -> None:
    assert _rejected("a:\n  b:\n    c: 1\n    c: 2\n") == "yaml-duplicate-key"


def test_every_node_keeps_its_line() -> None:
    doc = parse_yaml(
        "spec:\n  credentials:\n    apiKey: x\n  tags:\n    - a\n    - b\n", source="x.yaml"
    )
    assert doc.line(("spec", "credentials", "apiKey")) == 3
    assert doc.line(("spec", "tags", 1)) == 6
    assert doc.line(("spec", "credentials", "missing")) == 2
    assert doc.get(("spec", "tags", 1)) == "b"
    assert doc.get(("spec", "tags", 7), "none") == "none"


def test_line_inside_a_block_scalar_is_exact() -> None:
    doc = parse_yaml("a: 1\ntemplate: |\n  first\n  second {input}\n  third\n", source="x.yaml")
    offset = doc.data["template"].index("{input}")
    assert doc.line_in(("template",), offset) == 4


def test_aliases_within_the_limit_still_work() -> None:
    doc = parse_yaml("base: &b {team: support}\ncopy: *b\n", source="x.yaml")
    assert doc.data["copy"] == {"team": "support"}
