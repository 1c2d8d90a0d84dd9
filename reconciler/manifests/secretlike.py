"""What looks like a key, a token or a password: the detector of rule ``secret-literal``, and
``masked``, which every validation message passes through.

A key pasted into a manifest is leaked the moment it is pushed, so the rule flags it wherever
it sits; a message that quotes the value holding it (a field too long, a model id unknown)
must not print it either, so the same detector masks it there, to the four characters the
rule itself shows.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from reconciler.manifests.refs import REF
from reconciler.structs.display import ELLIPSIS
from reconciler.structs.redaction import redact

_PATTERNS = (
    ("an Anthropic API key", re.compile(r"sk-ant-[A-Za-z0-9_-]{16,}")),
    ("an OpenAI API key", re.compile(r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}")),
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("an Amazon Bedrock API key", re.compile(r"\bABSK[A-Za-z0-9+/=]{16,}")),
    ("a 32-hex-digit key (the Azure OpenAI format)", re.compile(r"\b[0-9a-fA-F]{32}\b")),
    ("a GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
)
_TOKEN = re.compile(r"[A-Za-z0-9+/_=-]{32,}")
# Matches wherever any of the above would, so its miss proves all of theirs.
_ANY = re.compile("|".join(f"(?:{p.pattern})" for _, p in _PATTERNS) + f"|{_TOKEN.pattern}")
# Every pattern but the private key's header matches 15 or more characters of _TOKEN's class
# and nothing else, so a text holds a match only inside such a run (or at "-----BEGIN "):
# searching the runs alone is searching a tenth of the text. Other characters become spaces.
_MIN_MATCH = 15
_RUNS = str.maketrans(
    {chr(c): " " for c in range(128) if not re.fullmatch(r"[A-Za-z0-9+/_=-]", chr(c))}
)


def find_secret(text: str) -> tuple[str, re.Match[str]] | None:
    """What kind of secret ``text`` seems to contain, and where; refs are ignored."""
    bare = _without_refs(text)
    if _ANY.search(bare) is None:  # one pass says "nothing here" for almost every string
        return None
    for kind, pattern in _PATTERNS:
        match = pattern.search(bare)
        if match:
            return kind, match
    for match in _TOKEN.finditer(bare):
        if _random_looking(match.group()):
            return "a high-entropy token (an API key or password?)", match
    return None


def may_hold_secret(text: str) -> bool:
    """False only when ``find_secret`` finds nothing in ``text`` nor in any line of it."""
    bare = _without_refs(text)
    if "-----BEGIN " in bare:
        return True
    runs = bare.translate(_RUNS).split()
    return any(_ANY.search(run) for run in runs if len(run) >= _MIN_MATCH)


def _without_refs(text: str) -> str:
    """``text`` with each reference blanked out, offsets kept."""
    return REF.sub(lambda m: " " * len(m.group()), text) if "${" in text else text


def _random_looking(token: str) -> bool:
    classes = sum(any(test(c) for c in token) for test in (str.isupper, str.islower, str.isdigit))
    counts = Counter(token)
    entropy = -sum(n / len(token) * math.log2(n / len(token)) for n in counts.values())
    # Random keys scatter their digits; identifiers such as CamelCaseNameV2 do not.
    digit_runs = len(re.findall(r"[0-9]+", token))
    return digit_runs >= 2 and ((classes == 3 and entropy >= 4.0) or entropy >= 4.3)


def masked(text: str) -> str:
    """``text`` with every remembered secret blanked and whatever ``find_secret`` flags cut
    to its first four characters (``'sk-p…'``, as rule ``secret-literal`` names it)."""
    text = redact(text)
    for _ in range(len(text)):  # each pass shortens the text; the bound is never reached
        found = find_secret(text)
        if found is None:
            break
        match = found[1]
        text = text[: match.start()] + preview(match) + text[match.end() :]
    return text


def preview(match: re.Match[str]) -> str:
    """What may be shown of a secret ``find_secret`` matched: its first four characters."""
    return match.group()[:4] + ELLIPSIS
