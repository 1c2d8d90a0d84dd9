"""Scan one input: build its detection views, run the phrase rules, score, decide.

The text that is sent is only ever the sanitized input (control characters removed); every
other transformation happens on throw-away views. A rule counts once however many views it
matched in; a rule that matched only after undoing an obfuscation adds a small bonus,
because hiding a phrase is itself evidence of intent.
"""

from __future__ import annotations

import importlib
import re
import time
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING

from reconciler.guard import structure, views
from reconciler.guard.classifier import load_classifier
from reconciler.guard.concepts import concept_rules
from reconciler.guard.decoding import MAX_BLOBS, MIN_BLOB_CHARS, decode_blobs
from reconciler.guard.folding import skeleton
from reconciler.guard.framing import MAX_PROHIBITIONS, counted_weight, set_aside
from reconciler.guard.gating import ViewText
from reconciler.guard.hidden import sanitize, strip_hidden
from reconciler.guard.multimatch import MultiMatcher
from reconciler.guard.owned import own_affair
from reconciler.guard.phrase_tables import letter_rules, word_rules
from reconciler.guard.policy import GuardPolicy, Verdict
from reconciler.guard.quoting import Origin, quoted, shortened
from reconciler.guard.reports import spell_out_subjects
from reconciler.guard.rules import Rule, RuleSet
from reconciler.structs import display

if TYPE_CHECKING:
    from reconciler.guard.ngram_model import NgramModel

ALL_RULES: tuple[Rule, ...] = word_rules()  # the tables in phrases/, in order
COMPACT_RULES: tuple[Rule, ...] = letter_rules()
_RULE_SET = RuleSet(ALL_RULES)
# Every word the rules gate on or spell out: an alternative view is worth building only
# when it reveals one of them.
VOCABULARY = frozenset(
    {w for r in ALL_RULES for w in r.words | r.also}
    | {s for r in ALL_RULES for s in re.findall(r"[a-z]{4,}", r.source)}
)
OBFUSCATION_BONUS = 0.3
# Cues of two different families (a persona and a forced output, an override and a fake
# turn) are more telling together than their weights say; one family repeated is not.
FAMILIES_BONUS = 0.2
_CUE = 0.3  # the smallest weight that counts towards the bonus
MAX_DEPTH = 1
ONE_PASS_MIN_CHARS = 2048  # shorter views are matched rule by rule (see ``_candidates``)
ONE_PASS_MIN_RULES = 20  # ... unless their gate words name this many rules
_SNIPPET = 60


@dataclass(frozen=True)
class _Hit:
    rule: Rule
    snippet: str
    via: str
    weight: float  # the rule's weight, halved when the phrase is quoted, narrated or reported
    # the text it was read in, the view and the match's span there: quoted for a reason only
    place: tuple[Origin, str, tuple[int, int]] | None = None
    own: bool = False  # an override of a customer's own affair (``owned``): see ``settle``


@dataclass
class _Findings:
    """Everything one scan found, collected before scoring."""

    hits: dict[int | str, _Hit] = field(default_factory=dict)
    signals: dict[str, float] = field(default_factory=dict)
    blobs: int = 0
    origin: Origin | None = None  # the text being read now (the input, or one decoded from it)

    def place(self, view: str, found: re.Match[str]) -> tuple[Origin, str, tuple[int, int]]:
        assert self.origin is not None
        return self.origin, view, found.span()

    def add_hit(self, hit: _Hit) -> None:
        key = hit.rule.concept or id(hit.rule)
        previous = self.hits.get(key)
        if (
            previous is None
            or (previous.via != "plain" and hit.via == "plain")
            or (previous.via == hit.via and hit.weight > previous.weight)
        ):
            self.hits[key] = hit
        if previous is not None and not (previous.own and hit.own):
            # one of the concept's phrases is no customer's own: the concept is not either
            self.hits[key] = replace(self.hits[key], own=False)

    def has(self, rule: Rule) -> bool:
        return (rule.concept or id(rule)) in self.hits

    def settle(self) -> None:
        """Set aside the overrides of a customer's own affair (``owned.own_affair``) when
        they are all the text holds: one phrase, found in the input as given, and no other
        finding of any kind. Anything else keeps every one of them counted."""
        hits = list(self.hits.values())
        if not hits or self.signals or self.blobs:
            return
        if not all(hit.own and hit.via == "plain" and hit.place for hit in hits):
            return
        spans = sorted(hit.place[2] for hit in hits if hit.place)
        reach = spans[0][1]
        for start, end in spans[1:]:
            if start >= reach:
                return  # two phrases apart: a second override
            reach = max(reach, end)
        self.hits.clear()

    def score(self) -> float:
        total = sum(hit.weight for hit in self.hits.values())
        total += sum(self.signals.values())
        if any(hit.via != "plain" and hit.weight >= 0.3 for hit in self.hits.values()):
            total += OBFUSCATION_BONUS
        families = {hit.rule.family for hit in self.hits.values() if hit.weight >= _CUE}
        if self.signals:
            families.add("structure")
        if len(families) >= 2:
            total += FAMILIES_BONUS
        return round(total, 2)

    def explained(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The reasons and the details, from one ranking of the hits and of the signals."""
        hits = sorted(self.hits.values(), key=lambda hit: -hit.weight)
        signals = sorted(self.signals, key=lambda reason: -self.signals[reason])
        return _reasons(hits, signals), _details(hits, signals)


def _reasons(hits: list[_Hit], signals: list[str]) -> tuple[str, ...]:
    """One line per finding, in words: the strongest phrase of each family, then the
    structural signals (``hits`` and ``signals`` strongest first)."""
    strongest: dict[str, _Hit] = {}
    for hit in hits:
        strongest.setdefault(hit.rule.family, hit)
    lines = [_in_words(hit) for hit in strongest.values()]
    return (*lines, *signals)


def _details(hits: list[_Hit], signals: list[str]) -> tuple[str, ...]:
    """One line per phrase found (several rules that found the same phrase share it, their
    weights added up on it), strongest first, then the structural signals."""
    alike: dict[tuple[str, str, str, str, bool], list[_Hit]] = {}
    for hit in hits:
        key = (
            hit.rule.family,
            hit.rule.lang,
            hit.snippet,
            hit.via,
            hit.weight < hit.rule.weight,
        )
        alike.setdefault(key, []).append(hit)
    lines = [_describe(same) for same in alike.values()]
    return (*lines, *signals)


# What each family of rules means, for a person reading a verdict.
FAMILY_WORDS = {
    "instruction override": "asks the assistant to ignore its instructions",
    "system prompt extraction": "asks for the assistant's instructions or system prompt",
    "persona": "asks the assistant to play a character without its limits",
    "new task": "gives the assistant a new task in place of its own",
    "fake role or template token": "a fake role or template token, as if from the system",
    "output forcing": "dictates the assistant's answer",
    "markup smuggling": "markup that hides instructions or smuggles data",
    "false claim of authorisation": "claims an authority over the assistant",
    "delimiter trick": "a closing tag or delimiter followed by new instructions",
    "exfiltration link": "a link that would carry data out",
}


# How a text decoded from the input was hidden there, before the words it decodes to.
DECODED_WORDS = {
    "base64": "hidden in base64, which decodes to",
    "hex": "hidden in hex, which decodes to",
    "tag characters": "hidden in invisible tag characters, which read",
    structure.SPLIT: "split across variables, which join to",
    structure.MORSE: "written in Morse code, which reads",
}


def _in_words(hit: _Hit) -> str:
    """One finding as a person reads it: what it asks, and the words that asked it, quoted
    from the text as written (``quoting``), or, for a text decoded from it, what it decodes to."""
    words = hit.rule.says or FAMILY_WORDS.get(hit.rule.family, hit.rule.family)
    said = quoted(*hit.place) if hit.place else ""
    shown = said or shortened(hit.snippet)
    narrated = ", quoted, narrated or reported" if hit.weight < hit.rule.weight else ""
    decoded = hit.place[0].decoded if hit.place else ""
    if decoded:
        how = DECODED_WORDS.get(decoded, f"hidden as {decoded}, which reads")
        return f"{words}, {how} {shown!r}{narrated}"
    where = "" if hit.via == "plain" else f", hidden by {hit.via}"
    return f"{words}: {shown!r}{where}{narrated}"


def _describe(hits: list[_Hit]) -> str:
    """The reason for one phrase, found by one rule or by several (``weight 1.0 + 0.6``)."""
    first = hits[0]
    rule, snippet = first.rule, first.snippet
    shown = display.shortened(snippet, _SNIPPET)
    where = "" if first.via == "plain" else f", found after undoing {first.via}"
    if first.weight < rule.weight:
        where += ", quoted, narrated or reported, so counted at half"
    weights = " + ".join([str(hit.rule.weight) for hit in hits])
    return f"{rule.family} ({rule.lang}, weight {weights}): {shown!r}{where}"


@cache
def multimatch() -> MultiMatcher:
    """Every phrase rule, in the order the scanner tries them, for the one-pass matcher."""
    return MultiMatcher(ALL_RULES + concept_rules().rules, also=COMPACT_RULES)


def accelerate(*, wait: bool = False, timeout: float | None = None) -> bool:
    """Compile the one-pass matcher (in the background) so later scans are faster.

    Worth it in a process that scans many inputs (``reconcile serve``); verdicts are the
    same either way. With ``wait``, block until it is ready; returns whether it is.
    """
    matcher = multimatch()
    if wait:
        return matcher.wait(timeout)
    matcher.start()
    return matcher.ready


def accelerated() -> bool:
    """Whether scans use the one-pass matcher yet."""
    return multimatch().ready


def _candidates(view: ViewText) -> list[Rule]:
    """The rules worth trying on a view: those the one-pass matcher names, once it is
    compiled and the view is long, else those whose gate words the view has (each rule
    checks its gate again, so both give the same verdicts).

    Hyperscan lets go of the interpreter lock while it scans, and in a busy service getting
    it back can take a switch interval or more, longer than a short view saves: under 2 KB
    a view costs 0.1-0.5 ms to match rule by rule, and the pass saves at most a third of it.
    A short view whose gate words name ``ONE_PASS_MIN_RULES`` rules or more is the
    exception: an attack's words, decoded or with its hidden characters taken out, costs
    0.15-0.7 ms rule by rule (20 to 60 rules), and the pass names a handful of them.
    """
    if len(view.text) >= ONE_PASS_MIN_CHARS:
        possible = multimatch().possible(view.text)
        if possible is not None:
            return possible
    gated = _RULE_SET.candidates(view) + concept_rules().candidates(view)
    if len(gated) >= ONE_PASS_MIN_RULES:
        possible = multimatch().possible(view.text)
        if possible is not None:
            return possible
    return gated


def _find(rule: Rule, view: ViewText) -> tuple[re.Match[str], float, bool] | None:
    """The rule's match in the view, passing over phrases that are not orders at all
    (``framing.set_aside``: an English phrase forbidden, an override of the writer's own
    words) and looking past one that counts at half (quoted, narrated or reported): each is
    blanked out and the view searched again, so a real order after it is still found, and a
    report or a story put first does not hide it. When there is none, the first phrase that
    counts at half is the match. After ``MAX_PROHIBITIONS`` searches the next match counts:
    each search costs a new view, and a phrase passed over again and again is no customer's
    or system prompt's wording.

    An override of a customer's own affair (``owned.own_affair``) that would count in full
    is looked past too, and returned marked as theirs when the rule matches nothing else:
    ``_Findings.settle`` decides. A second match of the rule keeps the first counted.

    Returns the match, the weight it counts at, read in the view as given (not in one with
    phrases blanked out), and whether it is a customer's own affair."""
    original = view.text
    found = rule.find(view)
    halved: re.Match[str] | None = None
    owned: tuple[re.Match[str], float] | None = None
    for _ in range(MAX_PROHIBITIONS):
        if not found:
            break
        if not set_aside(rule, view.text, found.start(), found.end()):
            weight = counted_weight(rule, view.text, found.start())
            if weight == rule.weight:
                if view.text is not original:
                    weight = counted_weight(rule, original, found.start())
                if owned is None and own_affair(rule, original, found.start(), found.end()):
                    owned = found, weight
                else:
                    return found, weight, False
            else:
                halved = halved or found
        view = view.blanked(*found.span(), rule.words | rule.also)
        found = rule.find(view)
    if owned is not None:
        return owned[0], owned[1], found is None and halved is None
    found = found or halved
    return (found, counted_weight(rule, original, found.start()), False) if found else None


def _match_view(view: ViewText, via: str, findings: _Findings) -> None:
    for rule in _candidates(view):
        if via != "plain" and findings.has(rule):
            continue
        if result := _find(rule, view):
            found, weight, own = result
            snippet = " ".join(found.group().split())
            place = findings.place(view.text, found)
            findings.add_hit(_Hit(rule, snippet, via, weight, place, own))


def _alternative_views(base: ViewText) -> list[tuple[str, ViewText]]:
    """The views worth building, with their words taken from the base view's when a
    character-for-character rewrite allows it."""
    text, words = base.text, base.words
    found: list[tuple[str, ViewText]] = []
    if (leet := views.leet(text, words, VOCABULARY)) is not None:
        found.append(("leetspeak", leet))
    if (despaced := views.despace(text, words, VOCABULARY)) is not None:
        found.append(("split words", ViewText(despaced)))
    if (rotated := views.rot13(text, words, VOCABULARY)) is not None:
        found.append(("ROT13", ViewText(rotated, views.rot13_words(words))))
    return found


def _inspect(text: str, *, via: str, depth: int, findings: _Findings) -> None:
    prepared = strip_hidden(text)
    for signal in prepared.signals:
        findings.signals[signal.reason] = signal.weight
    if views.mixed_script(prepared.visible):
        findings.signals["Latin mixed with Greek or Cyrillic look-alikes"] = 0.4
    base = ViewText(skeleton(spell_out_subjects(prepared.visible)))
    # set before the views are matched, and read by their hits only: a text decoded from
    # this one is read after them and sets its own
    findings.origin = Origin(prepared.visible, base.text, "" if via == "plain" else via)
    words = base.words
    _match_view(base, via, findings)
    for name, alternative in _alternative_views(base):
        _match_view(alternative, name if via == "plain" else via, findings)
        # a shape seen in both views counts once (its reason may carry a different count)
        known = {reason.split(",")[0] for reason in findings.signals}
        findings.signals.update(
            structure.signals(alternative.text, alternative, shapes=False, known=known)
        )
    if views.spaced_letters(words):
        compact = ViewText(views.compact(base.text), set())
        for rule in COMPACT_RULES:
            if found := rule.find(compact):
                place = findings.place(compact.text, found)
                findings.add_hit(_Hit(rule, found.group(), "letter spacing", rule.weight, place))
    for reason, weight in structure.signals(prepared.visible, base):
        findings.signals[reason] = weight
    if depth < MAX_DEPTH:
        for kind, payload in structure.payloads(prepared.visible)[: MAX_BLOBS - findings.blobs]:
            findings.blobs += 1
            _inspect(payload, via=kind, depth=depth + 1, findings=findings)
    if prepared.tag_payload:
        _inspect(prepared.tag_payload, via="tag characters", depth=depth + 1, findings=findings)
    if depth < MAX_DEPTH and max(map(len, words), default=0) >= MIN_BLOB_CHARS:
        for kind, decoded in decode_blobs(prepared.visible)[: MAX_BLOBS - findings.blobs]:
            findings.blobs += 1
            _inspect(decoded, via=kind, depth=depth + 1, findings=findings)


def shipped_model() -> NgramModel:
    """The shipped n-gram model, imported on the first scan that asks for it: numpy takes
    0.1-0.2 s to import, which a command that only lints templates should not pay."""
    module = importlib.import_module("reconciler.guard.ngram_model")
    model: NgramModel = module.shipped()
    return model


def model_score_of(sanitized: str) -> float:
    """The shipped model's score as a scan gives it (``Verdict.model_score``), for callers
    that need it where the scan did not ask (the rules had flagged the text)."""
    return round(shipped_model().score(sanitized), 4)


def _decide(policy: GuardPolicy, findings: _Findings, text: str) -> Verdict:
    """The verdict of the rules or the shipped model. The model is asked only when the rules
    have not flagged the text already: it could not change the verdict, and it is a third
    of the cost of a long attack's scan (0.2-0.4 ms of 1-2 ms for 4 KB), the scans an
    attacker's flood is made of."""
    score = findings.score()
    flagged = score >= policy.threshold
    reasons, details = findings.explained()
    model_score: float | None = None
    threshold: float | None = None
    if policy.model and not flagged:
        model_score = model_score_of(text)
        threshold = policy.model_threshold or shipped_model().threshold
        if model_score >= threshold:
            flagged = True
            said = f"the classifier scores this as an injection: {model_score:.2f}"
            reasons = (said, *weaker(reasons))
            details += (
                f"n-gram model (shipped): probability {model_score:.4f}, threshold {threshold}",
            )
    blocked = flagged and policy.mode == "block"
    return Verdict(
        not blocked,
        blocked,
        flagged,
        score,
        reasons,
        text,
        model_score=model_score,
        details=details,
        threshold=policy.threshold,
        model_threshold=threshold,
    )


def weaker(reasons: tuple[str, ...]) -> tuple[str, ...]:
    """The rules' reasons when a classifier decided and the rules stayed under their
    threshold: shown, but not as the cause."""
    return tuple(f"weaker evidence, under the rules' threshold: {reason}" for reason in reasons)


def _second_opinion(policy: GuardPolicy, verdict: Verdict) -> Verdict:
    """Ask the configured classifier too: either it or the rules can flag the input."""
    config = policy.classifier
    assert config is not None
    classifier = load_classifier(config.path)
    started = time.perf_counter()
    probability = round(classifier.score(verdict.sanitized), 4)
    millis = round((time.perf_counter() - started) * 1000, 3)
    reasons, details = verdict.reasons, verdict.details
    flagged = verdict.flagged
    if probability >= config.threshold:
        said = f"the configured classifier scores this as an injection: {probability:.2f}"
        reasons = (*reasons, said) if flagged else (said, *weaker(reasons))
        flagged = True
        details += (
            f"classifier: injection probability {probability:.2f} at or over its threshold"
            f" {config.threshold} ({millis:.1f} ms)",
        )
    blocked = flagged and policy.mode == "block"
    return replace(
        verdict,
        allowed=not blocked,
        blocked=blocked,
        flagged=flagged,
        reasons=reasons,
        details=details,
        classifier_score=probability,
        classifier_ms=millis,
        classifier_threshold=config.threshold,
    )


def scan(text: str, policy: GuardPolicy | None = None) -> Verdict:
    """Scan ``text`` for prompt injection and decide under ``policy`` (default: block).

    The phrase and structure rules always run, and the shipped n-gram model when they have
    not flagged the text, unless the policy turns it off; a classifier configured in the
    policy runs after them on the sanitized text; any of them can flag.
    """
    policy = policy or GuardPolicy()
    sanitized = sanitize(text)
    if len(text) > policy.max_input_chars:
        reason = (
            f"input is {len(text)} characters, over the {policy.max_input_chars}-character cap;"
            " shorten it, or raise guard.maxInputChars (the model's; policy.guard.maxInputChars"
            " for the environment's)"
        )
        return Verdict(False, True, True, 0.0, (reason,), sanitized, threshold=policy.threshold)
    findings = _Findings()
    _inspect(sanitized, via="plain", depth=0, findings=findings)
    findings.settle()
    verdict = _decide(policy, findings, sanitized)
    return verdict if policy.classifier is None else _second_opinion(policy, verdict)
