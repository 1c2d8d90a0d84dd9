"""The hand-written phrase rules, read from the data tables in ``phrases/``.

The rules are data, like the concept lexicons beside them (``lexicon/``): one JSON file per
table, each with named ``fragments`` (pieces of expression several rules share), named
``wordsets`` (gate word lists several rules share) and its ``rules``. A rule's ``pattern``
is a string or a list of strings joined without separators (JSON has no line continuation),
and may name a fragment as ``{name}`` or a bounded gap of up to N words as ``{gap:N}``; its
``words`` and ``also`` are space-separated words that may name a wordset the same way.
Everything else a rule has (weight, family, literals, reach, near, lead, concept, says) is
written out as ``rules.rule`` takes it. A ``note`` says why a rule is shaped as it is; it is not
read. ``docs/contributing.md`` says how to add a rule; ``tests/guard/test_phrase_tables.py``
validates every table against its JSON Schema.

The tables are read once per process (about 2 ms for the eight files); each rule still
compiles its expression only when it first runs (``rules.Rule.pattern``). Order matters:
the scanner visits rules in the order given here, and a rule's place in the order is its bit
in ``RuleSet`` and in the one-pass database (``multimatch``).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from reconciler.guard.rules import REACH, Rule, gap, rule

TABLES = Path(__file__).with_name("phrases")
# The tables the scanner runs on every detection view, in the order it visits them.
WORD_TABLES = ("en", "de", "romance", "more", "persona", "markup", "structure")
# The table for the letters-only view (an input spelled letter by letter): no word
# boundaries there, so only long, specific phrases gated on literal stems.
LETTER_TABLE = "compact"
# ``{name}`` names a fragment or wordset, ``{gap:N}`` a gap of up to N words; a literal
# brace followed by a lowercase name is written ``\{``.
_REFERENCE = re.compile(r"(?<!\\)\{([a-z][a-z0-9_]*|gap:[0-9]+)\}")
_FIELDS = {"family", "lang", "weight", "pattern", "words", "literals", "also", "reach"}
_FIELDS |= {"concept", "near", "lead", "says", "note"}


class PhraseTableError(ValueError):
    """A phrase table that cannot be read: names the file, the rule and what to fix."""


def _joined(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "".join(value)


def _expand(text: str, *, names: dict[str, str], where: str, seen: tuple[str, ...] = ()) -> str:
    """``text`` with every ``{name}`` replaced by its definition, recursively."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("gap:"):
            return gap(int(name[4:]))
        if name in seen:
            raise PhraseTableError(f"{where}: {{{name}}} refers to itself")
        if name not in names:
            known = ", ".join(sorted(names)) or "none"
            raise PhraseTableError(
                f"{where}: no fragment or wordset named {{{name}}} (defined: {known});"
                " write \\{ for a literal brace"
            )
        return _expand(names[name], names=names, where=where, seen=(*seen, name))

    return _REFERENCE.sub(one, text)


def _rule(
    raw: dict[str, Any], *, fragments: dict[str, str], wordsets: dict[str, str], where: str
) -> Rule:
    """One rule of a table, built by ``rules.rule``; any fault is raised naming ``where``."""
    unknown = set(raw) - _FIELDS
    if unknown:
        raise PhraseTableError(
            f"{where}: unknown field(s) {sorted(unknown)}; known: {sorted(_FIELDS)}"
        )
    try:
        return rule(
            raw["family"],
            raw["lang"],
            raw["weight"],
            _expand(_joined(raw["pattern"]), names=fragments, where=f"{where} pattern"),
            words=_expand(raw.get("words", ""), names=wordsets, where=f"{where} words"),
            literals=tuple(raw.get("literals", ())),
            also=_expand(raw.get("also", ""), names=wordsets, where=f"{where} also"),
            reach=tuple(raw.get("reach", (REACH, REACH))),
            concept=raw.get("concept", ""),
            near=raw.get("near", 0),
            lead=raw.get("lead"),
            says=raw.get("says", ""),
        )
    except KeyError as missing:
        raise PhraseTableError(f"{where}: the field {missing} is required") from None
    except ValueError as error:
        if isinstance(error, PhraseTableError):
            raise
        raise PhraseTableError(f"{where}: {error}") from None


def read_table(path: Path) -> tuple[Rule, ...]:
    """The rules of one table file, in their order."""
    try:
        raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise PhraseTableError(f"{path}: cannot be read as JSON: {error}") from None
    fragments = {name: _joined(value) for name, value in raw.get("fragments", {}).items()}
    wordsets = dict(raw.get("wordsets", {}))
    return tuple(
        _rule(each, fragments=fragments, wordsets=wordsets, where=f"{path.name} rule {number}")
        for number, each in enumerate(raw.get("rules", []), start=1)
    )


@cache
def table(name: str) -> tuple[Rule, ...]:
    """The rules of the table ``phrases/<name>.json``, read once per process."""
    return read_table(TABLES / f"{name}.json")


@cache
def word_rules() -> tuple[Rule, ...]:
    """Every rule the scanner runs on its detection views, in the order it visits them."""
    return tuple(each for name in WORD_TABLES for each in table(name))


def letter_rules() -> tuple[Rule, ...]:
    """The rules for the letters-only view."""
    return table(LETTER_TABLE)
