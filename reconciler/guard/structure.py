"""Structural detectors that are not phrases: floods, fake transcripts, split payloads.

These look at the shape of the input, so they hold in every language: the same token
repeated to flood the context, a transcript that fakes the assistant's turn, a payload split
into variables and joined again ("a = 'ign'; b = 'ore'; z = a + b"), an instruction spelled in
Morse code, a persona named by an acronym with its expansion ("DAN (Do Anything Now)").
Each returns a reason with a weight; the payloads they reassemble go back through the whole
scan, like decoded base64.

Every check is gated on a character or word that it needs, so plain prose pays a few
substring tests.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

from reconciler.guard.gating import ViewText, positions

DIRECTIVES_MANY, DIRECTIVES_MOST = (3, 0.4), (5, 0.6)  # (count, weight)
MODEL_TALK_MANY = (2, 0.3)
FLOOD_REPEATS = 12  # the same token this many times in a row
_FLOOD_CHARS_PER_WORD = 30  # prose has one distinct word every 10-15 characters
_FLOOD = re.compile(rf"(?<!\S)(\S{{1,24}})(?:\s+\1(?!\S)){{{FLOOD_REPEATS - 1},}}")
# A turn opens a line; matched after a newline (the text gets one in front) rather than at
# ``^``, so the engine skips from newline to newline instead of trying every position.
_TURN = re.compile(
    r"\n[ \t>*_#\[]*(user|human|me|you|assistant|ai|bot|gpt|chatgpt|model|system|claude|gemini)"
    r"[ \t*_\]]*:"
)
_ROLE_WORDS = frozenset(
    {
        "user",
        "human",
        "me",
        "you",
        "assistant",
        "ai",
        "bot",
        "gpt",
        "chatgpt",
        "model",
        "system",
        "claude",
        "gemini",
    }
)
_ASSISTANT_ROLES = frozenset(
    {"assistant", "ai", "bot", "gpt", "chatgpt", "model", "claude", "gemini"}
)
_USER_ROLES = frozenset({"user", "human", "me"})
_ASSIGNMENT = re.compile(r"(?<![\w$])\$?([A-Za-z_]\w{0,15})\s*=\s*([\"'])([^\"'\n]{1,120})\2")
_ASSIGNED = re.compile(r"=\s*[\"']")  # where an assignment's value opens, each "=" once
_JOIN = re.compile(r"\$?[A-Za-z_]\w{0,15}(?:\s*\+\s*\$?[A-Za-z_]\w{0,15}){1,12}")
_NAME_CHARS = 17  # the longest name the two expressions above open with: "$" and 16 more
_MORSE = re.compile(r"(?:[.\-]{1,6}[ ]{1,3}(?:/[ ]{1,3})?){7,}[.\-]{1,6}")
# Second-person orders to the assistant ("you will", "you must not"): a jailbreak lays down
# many, a question asks none. Written to open with the literal so the engine can skip ahead.
_DIRECTIVE = re.compile(
    r"you(?<!\wyou)(?:'ll| will| must| shall| are going to| should| have to| need to| won'?t"
    r"| cannot| can'?t| can| never| always| do not| don'?t| are not| aren'?t| are free"
    r"| have no| no longer)\b"
)
# Names of the model, each counted only when its first word is in the view, with an
# expression of its own that opens with a literal (one alternation over every position of
# 4 KB costs a third of a millisecond).
_MODEL_NAMES = {  # first word in the view -> (literal opening, what may follow it)
    "chatgpt": ("chatgpt", ""),
    "chat": ("chat gpt", ""),
    "gpt": ("gpt", "-?[345]"),
    "gpt3": ("gpt3", ""),
    "gpt4": ("gpt4", ""),
    "gpt5": ("gpt5", ""),
    "openai": ("openai", ""),
    "language": ("language model", ""),
    "llm": ("llm", ""),
    "chatbot": ("chatbot", ""),
    "bot": ("bot", ""),
    "ai": ("ai", ""),
}
_MODEL_WORDS = frozenset(_MODEL_NAMES)
_MORSE_HINTS = (".- ", "-. ", "- .", ". -")
_ACRONYM_OPENERS = ("(", "stands for")
_ACRONYM_SCAN = 16_000
_ACRONYM_TRIES = 16
_ACRONYM_BEFORE, _ACRONYM_AFTER = 12, 120  # the acronym before the opener, its words after
_ACRONYM = re.compile(
    r"\b([A-Z]{3,8})\s*(?:\(|,?\s+(?:which |that )?stands for\s+|:\s*)"
    r"((?:[A-Z][\w'-]*[\s,]+(?:(?:and|or|of|the|to|a|for)\s+)?){1,7}[A-Z][\w'-]*)"
)
_MORSE_CODE = {
    ".-": "a", "-...": "b", "-.-.": "c", "-..": "d", ".": "e", "..-.": "f", "--.": "g",
    "....": "h", "..": "i", ".---": "j", "-.-": "k", ".-..": "l", "--": "m", "-.": "n",
    "---": "o", ".--.": "p", "--.-": "q", ".-.": "r", "...": "s", "-": "t", "..-": "u",
    "...-": "v", ".--": "w", "-..-": "x", "-.--": "y", "--..": "z", "-----": "0",
    ".----": "1", "..---": "2", "...--": "3", "....-": "4", ".....": "5", "-....": "6",
    "--...": "7", "---..": "8", "----.": "9",
}  # fmt: skip

DIRECTIVES = "second-person orders to the assistant, {n} of them"
MODEL_TALK = "the text talks to or about the AI model itself, {n} times"
# The reasons without their counts: a view adds a count only for a reason not yet found.
COUNTED = (DIRECTIVES.partition(",")[0], MODEL_TALK.partition(",")[0])
FLOOD = ("a token repeated many times in a row, a flood that buries the instructions", 0.5)
TRANSCRIPT = ("a transcript that fakes the assistant's turn and the user's next one", 0.5)
ACRONYM = ("a persona named by an acronym with its expansion (as in DAN, Do Anything Now)", 0.4)
SPLIT = "split payload"
MORSE = "Morse code"


def signals(
    visible: str, base: ViewText, *, shapes: bool = True, known: Collection[str] = ()
) -> list[tuple[str, float]]:
    """Reasons with weights for the shapes found in the input.

    Without ``shapes`` only the counts of orders and of talk about the model are taken: what
    an alternative view (leetspeak undone) can reveal, where floods, transcripts and
    acronyms are already visible in the base view. A count whose reason (the part before
    its comma, see ``COUNTED``) is in ``known`` is not taken: the caller has it already.
    """
    found = []
    text = base.text
    directives, model_talk = COUNTED
    if directives not in known and "you" in base.words and text.count("you") >= DIRECTIVES_MANY[0]:
        orders = len(_DIRECTIVE.findall(text))
        if orders >= DIRECTIVES_MANY[0]:
            weight = DIRECTIVES_MOST[1] if orders >= DIRECTIVES_MOST[0] else DIRECTIVES_MANY[1]
            found.append((DIRECTIVES.format(n=orders), weight))
    named = _MODEL_WORDS & base.words if model_talk not in known else None
    if named:
        mentions = sum(len(_whole_word(*_MODEL_NAMES[word]).findall(text)) for word in named)
        if mentions >= MODEL_TALK_MANY[0]:
            found.append((MODEL_TALK.format(n=mentions), MODEL_TALK_MANY[1]))
    if not shapes:
        return found
    if len(text) > _FLOOD_CHARS_PER_WORD * len(base.words) and _FLOOD.search(text):
        found.append(FLOOD)
    roles = base.words & _ROLE_WORDS
    if roles & _ASSISTANT_ROLES and roles - _ASSISTANT_ROLES and _fakes_turns(text):
        found.append(TRANSCRIPT)
    if _named_by_acronym(visible):
        found.append(ACRONYM)
    return found


@lru_cache(maxsize=64)
def _whole_word(opening: str, rest: str) -> re.Pattern[str]:
    """``opening`` then ``rest`` as a whole word, written to start with the literal (a
    leading ``\\b`` would make the engine try every position)."""
    literal = re.escape(opening)
    return re.compile(rf"{literal}(?<!\w{literal}){rest}(?!\w)")


def _named_by_acronym(visible: str) -> bool:
    """Tell whether an upper-case word of 3-8 letters is followed by its expansion."""
    places = (
        positions(visible, opener, _ACRONYM_TRIES - 1, _ACRONYM_SCAN) for opener in _ACRONYM_OPENERS
    )
    starts = sorted(at for found in places for at in found)
    for at in starts[:_ACRONYM_TRIES]:
        match = _ACRONYM.search(visible, max(0, at - _ACRONYM_BEFORE), at + _ACRONYM_AFTER)
        if match and _expands(match.group(1), match.group(2)):
            return True
    return False


def _fakes_turns(text: str) -> bool:
    roles = [m.group(1) for m in _TURN.finditer("\n" + text)]
    return (
        len(roles) >= 2
        and not _ASSISTANT_ROLES.isdisjoint(roles)
        and (not _USER_ROLES.isdisjoint(roles) or "system" in roles)
    )


def _expands(acronym: str, words: str) -> bool:
    """Tell whether the capitalised words spell the acronym's letters."""
    initials = "".join(w[0] for w in re.findall(r"[A-Z][\w'-]*", words))
    return initials.startswith(acronym) or (acronym.startswith(initials) and len(initials) >= 3)


def payloads(visible: str) -> list[tuple[str, str]]:
    """Texts reassembled from split variables or Morse code, to be scanned again."""
    found: list[tuple[str, str]] = []
    if "=" in visible and "+" in visible:
        joined = _join_variables(visible)
        if joined:
            found.append((SPLIT, joined))
    if any(hint in visible for hint in _MORSE_HINTS):
        for match in _MORSE.finditer(visible):
            decoded = _from_morse(match.group())
            if decoded:
                found.append((MORSE, decoded))
    return found


def _join_variables(text: str) -> str | None:
    """The strings that ``a + b`` joins, when the input assigns them to variables first."""
    if len(_ASSIGNED.findall(text)) < 2:
        return None  # the full expression tries every position; this one skips to "="
    values = {m.group(1): m.group(3) for m in _named_matches(_ASSIGNMENT, text, "=")}
    if len(values) < 2:
        return None
    joined = []
    for match in _named_matches(_JOIN, text, "+"):
        names = [name.strip().lstrip("$") for name in match.group().split("+")]
        if all(name in values for name in names):
            joined.append("".join(values[name] for name in names))
    return "\n".join(joined) or None


def _named_matches(pattern: re.Pattern[str], text: str, mark: str) -> list[re.Match[str]]:
    """``pattern.finditer(text)`` for an expression whose every match opens with a name
    (``$`` and up to ``_NAME_CHARS - 1`` word characters), blanks, then ``mark``: the
    expression is tried only at the few places before each mark where such a name can
    start. Opening with a name, it is otherwise tried at every word of the text (the join
    costs 0.75 ms on 4 KB of prose that has a few "=" and "+", for one candidate).

    A match's name holds no mark, so the first mark after its start is the one right after
    its name; trying the places before each mark in turn, from the end of the last match,
    finds the leftmost match each time, as ``finditer`` does (a lookbehind still reads the
    text before the place tried).
    """
    found: list[re.Match[str]] = []
    end = 0
    at = text.find(mark)
    while at != -1:
        name_end = at
        while name_end > end and text[name_end - 1].isspace():  # what ``\s`` matches
            name_end -= 1
        for start in range(max(end, name_end - _NAME_CHARS), name_end):
            if match := pattern.match(text, start):
                found.append(match)
                end = match.end()
                break
        at = text.find(mark, max(at + 1, end))
    return found


def _from_morse(code: str) -> str | None:
    words = []
    for word in re.split(r"\s*/\s*|\s{3,}", code.strip()):
        letters = [_MORSE_CODE.get(symbol) for symbol in word.split()]
        if None in letters:
            return None
        words.append("".join(letter for letter in letters if letter))
    decoded = " ".join(words)
    return decoded if len(decoded) >= 6 else None
