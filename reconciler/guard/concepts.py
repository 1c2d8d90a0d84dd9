"""Phrase families as concepts, built from per-language vocabulary tables.

An override is a verb of setting aside (ignore, forget, do not follow) near a noun for what
the assistant was told (instructions, rules), stronger with a scope word (previous, above,
all) beside the noun; a disclosure is a verb of showing near the name of a secret (system
prompt, hidden instructions, password); a role change is a persona phrase (you are now, act
as), a mode (developer mode) or a lifted limit (without restrictions). The words are data:
one JSON table per language in ``lexicon/``, written in the language's own spelling and
folded here the way the scanner folds input, so a table never has to anticipate accents,
case or look-alike letters.

Latin-script languages gate on word beginnings (``ViewText.prefixes``), so inflected forms
and stems ("talimat*") cost one set operation per view. Other scripts gate on the script's
presence and then on their verbs as substrings: they are not split into words by spaces (Thai,
Chinese, Japanese) or inflect by suffix (Russian, Arabic, Hindi, Bengali, Korean).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reconciler.guard.folding import skeleton
from reconciler.guard.gating import ViewText, words_of
from reconciler.guard.hidden import non_ascii
from reconciler.guard.rules import Rule, RuleSet, rule

LEXICON = Path(__file__).with_name("lexicon")
SCRIPTS = {  # code point ranges, after folding (Hangul syllables fold to jamo)
    "cyrillic": ((0x0400, 0x04FF),),
    "arabic": ((0x0600, 0x06FF),),
    "devanagari": ((0x0900, 0x097F),),
    "bengali": ((0x0980, 0x09FF),),
    "thai": ((0x0E00, 0x0E7F),),
    "han": ((0x4E00, 0x9FFF),),
    "kana": ((0x3040, 0x30FF),),
    "hangul": ((0x1100, 0x11FF), (0xAC00, 0xD7AF)),
}
# What each piece of a concept weighs: 1.0 blocks alone, the rest only together.
OVERRIDE, SCOPE, SECRET, SENSITIVE, PERSONA, MODE, LIMITS = 0.6, 0.4, 1.0, 0.5, 0.5, 0.6, 0.5
FAMILIES = {
    "override": "instruction override",
    "override scope": "instruction override",
    "secret": "system prompt extraction",
    "sensitive": "system prompt extraction",
    "persona": "persona",
    "mode": "persona",
    "limits": "persona",
}
_WORD_GAP = 4  # words between the two halves of a concept in spaced scripts
_CHAR_GAP = 40  # characters between them in other scripts
STEM = "*"  # an entry ending so matches any ending: "talimat*" for talimatlari
_NEAR = 80  # characters: the two halves of a concept must be about this close


@dataclass(frozen=True)
class Language:
    """One vocabulary table, folded."""

    code: str
    name: str
    script: str
    order: str
    gap: int
    table: dict[str, dict[str, tuple[str, ...]]]
    suffixes: tuple[str, ...] = ("",)
    # as written, not folded: their accent, which folding drops, marks the first person
    first_person: tuple[str, ...] = ()

    @property
    def latin(self) -> bool:
        return self.script == "latin"

    def words(self, concept: str, part: str) -> tuple[str, ...]:
        return self.table.get(concept, {}).get(part, ())


def _fold_all(entries: list[str]) -> list[tuple[str, ...]]:
    """Each entry as the scanner's views spell it, in lower, capitalised and upper case.

    Folding is case-sensitive for other scripts: a capital Cyrillic Te folds to a Latin t
    where the small one stays Cyrillic, so each casing can fold differently. The entries are
    folded joined by newlines, in three ``skeleton`` calls rather than three per entry (one
    call each cost every process that loads the tables 0.02-0.04 s). Folding works character
    by character or run by run and never across a line break (case, look-alikes, spaces and
    marks alike), so each line comes back as its entry alone would; a test holds every
    shipped table to that.
    """
    bodies = [entry.rstrip(STEM) for entry in entries]
    casings = (
        bodies,
        [body[:1].upper() + body[1:] for body in bodies],
        [body.upper() for body in bodies],
    )
    lower, capital, upper = (skeleton("\n".join(casing)).split("\n") for casing in casings)
    folded = []
    for entry, *forms in zip(entries, lower, capital, upper, strict=True):
        suffix = STEM if entry.endswith(STEM) else ""
        folded.append(tuple(form + suffix for form in dict.fromkeys(forms)))
    return folded


def _language(path: Path) -> Language:
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    script = raw["script"]
    if script != "latin" and script not in SCRIPTS:
        raise ValueError(f"{path.name}: script {script!r} is not latin or one of {list(SCRIPTS)}")
    if raw.get("order", "vo") not in ("vo", "ov", "both"):
        raise ValueError(f"{path.name}: order must be vo, ov or both")
    parts_of = {concept: parts for concept, parts in raw.items() if isinstance(parts, dict)}
    framing = parts_of.get("framing", {})
    first_person = tuple(framing.get("first_person", ()))
    parts_of["framing"] = {part: g for part, g in framing.items() if part != "first_person"}
    entries = [entry for parts in parts_of.values() for group in parts.values() for entry in group]
    if any("\n" in entry for entry in entries):
        raise ValueError(f"{path.name}: an entry spans lines; write one phrase per entry")
    folded = iter(_fold_all(entries))
    table = {
        concept: {
            part: tuple(form for _ in group for form in next(folded))
            for part, group in parts.items()
        }
        for concept, parts in parts_of.items()
    }
    default_gap = _WORD_GAP if script == "latin" else _CHAR_GAP
    suffixes = tuple(dict.fromkeys(skeleton(s) for s in raw.get("suffixes", [""])))
    return Language(
        raw["lang"],
        raw["name"],
        script,
        raw.get("order", "vo"),
        raw.get("gap", default_gap),
        table,
        suffixes,
        first_person,
    )


@cache
def languages() -> tuple[Language, ...]:
    """Every table in ``lexicon/``, in file-name order."""
    return tuple(_language(path) for path in sorted(LEXICON.glob("*.json")))


def _characters(ranges: tuple[tuple[int, int], ...]) -> frozenset[str]:
    return frozenset(map(chr, [c for low, high in ranges for c in range(low, high + 1)]))


def _alternation(entries: tuple[str, ...], latin: bool) -> str:
    def one(entry: str) -> str:
        stem = entry.endswith(STEM)
        body = r"\s+".join(map(re.escape, entry.rstrip(STEM).split()))
        return body + r"[\w'-]*" if stem and latin else body

    # longest first, so a phrase wins over its own beginning; ties in a fixed order, so every
    # process builds the same expression (a set's order changes with the hash seed)
    body = "|".join(sorted({one(e) for e in entries}, key=lambda each: (-len(each), each)))
    return rf"\b(?:{body})(?!\w)" if latin else f"(?:{body})"


# What separates two words of one phrase: within a sentence, anything but a word character
# or a sentence's end ("bypass any safeguards. 3. Instructions ..." is two sentences, and so
# are "forget it. Instructions are in the box" and "ignora el ruido. Las instrucciones ...").
# Words spelled one sentence each ("ignore. all. previous. instructions") are one phrase
# still, and so is a pause right after the verb ("ignore... all previous instructions").
# The dotted form is tried first: its lookahead fails at once on ordinary text, where trying
# it after the other made a 4 KB scan about a fifth slower.
_WITHIN = r"(?:[^\w.!?]|[.!?](?!\s)){1,4}"
_DOTTED = r"(?=\W{0,3}[.!?])\W{1,4}"


def _gap(lang: Language, words: int) -> str:
    if lang.latin:
        word = r"[\w'-]{1,30}"
        within = rf"(?:{word}{_WITHIN}){{0,{words}}}?"
        dotted = rf"(?:{word}{_DOTTED}){{0,{words}}}?"
        return f"(?:{_DOTTED}(?:{dotted}|{within})|{_WITHIN}{within})"
    return f"[^\\n]{{0,{words}}}?"


def _keys(lang: Language, entries: tuple[str, ...]) -> str:
    """Gate words for spaced scripts: each entry's longest word, stems with their suffixes.

    Gates are whole words (one set intersection per view), so a stem ("talimat*") gates on
    itself plus each of the table's ``suffixes`` ("talimatlari"); its expression then matches
    any ending.
    """
    keys: set[str] = set()
    for entry in entries:
        words = [
            (piece, word.endswith(STEM))
            for word in entry.split()
            for piece in sorted(words_of(word.rstrip(STEM)))
            if piece
        ]
        longest, stem = max(words, key=lambda item: len(item[0]))
        keys.update(longest + suffix for suffix in (lang.suffixes if stem else ("",)))
    return " ".join(sorted(keys))


def _pair(
    lang: Language, concept: str, weight: float, first: tuple[str, ...], second: tuple[str, ...]
) -> Rule | None:
    """A rule for ``first`` near ``second``, in the language's word order."""
    if not first or not second:
        return None
    a, b = _alternation(first, lang.latin), _alternation(second, lang.latin)
    gap = _gap(lang, lang.gap)
    forms = {"vo": [a + gap + b], "ov": [b + gap + a], "both": [a + gap + b, b + gap + a]}
    pattern = "|".join(forms[lang.order])
    if lang.latin:
        return _rule(
            lang, concept, weight, pattern, words=_keys(lang, second), also=_keys(lang, first)
        )
    # in "ov" order a match opens with the object, at most the gap and its length before
    lead = 0 if lang.order == "vo" else lang.gap + max(map(len, second))
    return _rule(lang, concept, weight, pattern, literals=first, lead=lead)


def _near(
    lang: Language, concept: str, weight: float, one: tuple[str, ...], other: tuple[str, ...]
) -> Rule | None:
    """A rule for two word groups next to each other in either order (a scope and its noun)."""
    if not one or not other:
        return None
    a, b = _alternation(one, lang.latin), _alternation(other, lang.latin)
    gap = _gap(lang, 2 if lang.latin else lang.gap // 3)
    pattern = f"{a}{gap}{b}|{b}{gap}{a}"
    if lang.latin:
        return _rule(
            lang, concept, weight, pattern, words=_keys(lang, other), also=_keys(lang, one)
        )
    lead = lang.gap // 3 + max(map(len, other))
    return _rule(lang, concept, weight, pattern, literals=one, lead=lead)


def _single(lang: Language, concept: str, weight: float, entries: tuple[str, ...]) -> Rule | None:
    if not entries:
        return None
    pattern = _alternation(entries, lang.latin)
    if lang.latin:
        return _rule(lang, concept, weight, pattern, words=_keys(lang, entries))
    return _rule(lang, concept, weight, pattern, literals=entries, lead=0)


def _rule(
    lang: Language,
    concept: str,
    weight: float,
    pattern: str,
    *,
    words: str = "",
    also: str = "",
    literals: tuple[str, ...] = (),
    lead: int | None = None,
) -> Rule:
    return rule(
        FAMILIES[concept],
        lang.code,
        weight,
        pattern,
        words=words,
        also=also,
        literals=literals,
        concept=concept,
        near=_NEAR if also else 0,
        lead=lead,
    )


def rules_for(lang: Language) -> tuple[Rule, ...]:
    """The concept rules of one language."""
    w = lang.words
    found = (
        _pair(lang, "override", OVERRIDE, w("override", "verbs"), w("override", "objects")),
        _near(lang, "override scope", SCOPE, w("override", "scope"), w("override", "objects")),
        _pair(lang, "secret", SECRET, w("disclosure", "verbs"), w("disclosure", "secrets")),
        _pair(lang, "sensitive", SENSITIVE, w("disclosure", "verbs"), w("disclosure", "sensitive")),
        _single(lang, "persona", PERSONA, w("role", "persona")),
        _single(lang, "mode", MODE, w("role", "modes")),
        _single(lang, "limits", LIMITS, w("role", "limits")),
    )
    return tuple(r for r in found if r is not None)


@dataclass(frozen=True)
class ConceptRules:
    """The rules of every table: Latin ones in one word-gated set, the others by script.

    A rule of another script runs only when the view has a character of one of its literals,
    a set operation on the view's few distinct non-ASCII characters.
    """

    latin: RuleSet
    by_script: tuple[tuple[frozenset[str], tuple[tuple[Rule, frozenset[str] | None], ...]], ...]

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule, in the order ``candidates`` lists them."""
        return self.latin.rules + tuple(r for _, rules in self.by_script for r, _ in rules)

    def candidates(self, view: ViewText) -> list[Rule]:
        found = self.latin.candidates(view)
        chars = set(non_ascii(view.text))
        if chars:
            for marker, rules in self.by_script:
                if not chars.isdisjoint(marker):
                    found += [
                        r for r, needs in rules if needs is None or not chars.isdisjoint(needs)
                    ]
        return found


def _first_characters(each: Rule) -> frozenset[str] | None:
    """A non-ASCII character of each literal (folding can make the first one Latin), or
    None when a literal has none and so the rule must always run."""
    found = set()
    for literal in each.literals:
        char = next((c for c in literal if not c.isascii()), None)
        if char is None:
            return None
        found.add(char)
    return frozenset(found)


@cache
def concept_rules() -> ConceptRules:
    """Build (once per process) the rules of every table."""
    latin: list[Rule] = []
    scripts: dict[str, list[Rule]] = {}
    for lang in languages():
        if lang.latin:
            latin += rules_for(lang)
        else:
            scripts.setdefault(lang.script, []).extend(rules_for(lang))
    by_script = tuple(
        (_characters(SCRIPTS[script]), tuple((r, _first_characters(r)) for r in rules))
        for script, rules in scripts.items()
    )
    return ConceptRules(RuleSet(tuple(latin)), by_script)
