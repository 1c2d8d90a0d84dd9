"""Language-independent structure: fake chat-template tokens, role labels, delimiter tricks,
and markdown or HTML that smuggles content or leaks data through a URL.

These rules look at layout (line starts, tags, link syntax), so the skeleton view keeps its
newlines. Rules gated by a literal begin with it, so the engine's substring search finds
their candidates quickly.
"""

from __future__ import annotations

from reconciler.guard.rules import Rule, rule

_TEMPLATE_TOKENS = (
    r"<\|(?:im_start|im_end|im_sep|system|user|assistant|endoftext|eot_id|start_header_id"
    r"|end_header_id|begin_of_text|end_of_text|eom_id|fim_\w+)\|>"
)
_ROLE_WORDS = "system assistant instruction instructions developer admin"

RULES: tuple[Rule, ...] = (
    rule("fake role or template token", "any", 1.0, _TEMPLATE_TOKENS, literals=("<|",)),
    rule("fake role or template token", "any", 1.0, r"\[/?inst\]", literals=("inst]",)),
    rule("fake role or template token", "any", 1.0, r"<</?sys>>", literals=("sys>>",)),
    rule(
        "fake role or template token",
        "any",
        0.8,
        r"^[ \t>]*#{1,6}[ \t]*(?:system|instructions?|new instructions|assistant|developer"
        r"|admin)\b[ \t]*:?",
        words=_ROLE_WORDS,
        reach=(12, 40),
    ),
    rule(
        "fake role or template token",
        "any",
        0.5,
        r"^[ \t]*(?:system|assistant|developer|admin)[ \t]*:",
        words=_ROLE_WORDS,
        reach=(8, 4),
    ),
    rule(
        "fake role or template token",
        "any",
        0.8,
        r"\"role\"\s*:\s*\"(?:system|assistant|developer)\"",
        literals=('"role"',),
    ),
    rule(
        "fake role or template token",
        "any",
        0.6,
        r"</?(?:system|instructions?|sys|system_prompt|admin|developer|user_input)>",
        literals=("<",),
        also=_ROLE_WORDS + " sys system_prompt user_input",
    ),
    rule(
        "delimiter trick",
        "any",
        0.5,
        r"\b(?:end|close) of (?:the )?(?:user |system )?(?:input|prompt|instructions|text"
        r"|document|context|message|data|conversation)\b",
        words="end close",
        reach=(0, 50),
    ),
    rule(
        "delimiter trick",
        "any",
        0.7,
        r"(?:-{3,}|={3,}|#{3,}|\*{3,}|`{3}|\]\]|\}\}|\"{3})[ \t]*\n\s*(?:system|assistant"
        r"|new instructions|instructions|ignore|admin|developer|override)\b",
        words="system assistant instructions ignore admin developer override",
        reach=(40, 20),
    ),
    rule(
        "delimiter trick",
        "any",
        0.8,
        r"\b(?:the )?(?:above|previous|prior|preceding) (?:text|input|content|document|message"
        r"|instructions?|prompt) (?:was|is|were) (?:just |only )?(?:a |an )?(?:test|example|joke"
        r"|fake|distraction|decoy|placeholder|irrelevant)",
        words="above previous prior preceding",
        also="test example joke fake distraction decoy placeholder irrelevant",
        reach=(6, 80),
    ),
    rule(
        "markup smuggling",
        "any",
        1.0,
        r"!\[[^\]\n]{0,200}\]\(\s*(?:https?:)?//[^)\s]{0,400}[?&#][^)\s]{0,400}=",
        literals=("![",),
    ),
    rule(
        "markup smuggling", "any", 0.4, r"!\[[^\]\n]{0,200}\]\(\s*(?:https?:)?//", literals=("![",)
    ),
    rule(
        "markup smuggling",
        "any",
        0.8,
        r"<img\b[^>]{0,300}\bsrc\s*=\s*[\"']?(?:https?:)?//",
        literals=("<img",),
    ),
    rule(
        "markup smuggling",
        "any",
        0.6,
        r"<(?:script|iframe|object|embed|svg|form)\b",
        literals=("<",),
        also="script iframe object embed svg form",
    ),
    rule(
        "markup smuggling",
        "any",
        0.6,
        r"\bon(?:error|load)\s*=|\bjavascript:",
        literals=("onerror", "onload", "javascript:"),
    ),
    rule(
        "markup smuggling",
        "any",
        0.8,
        r"<!--[^>]{0,300}?\b(?:ignore|instructions?|system|assistant|prompt|you must|ai)\b",
        literals=("<!--",),
    ),
    rule(
        "exfiltration link",
        "any",
        0.8,
        r"https?://[^\s)\"'<>]{0,200}[?&][\w-]{1,20}=(?:\{|\[|%7b|\$|<|\(|%5b)",
        literals=("http",),
    ),
    rule(
        "exfiltration link",
        "any",
        0.5,
        r"\b(?:append|add|include|insert|embed|encode|put)\b(?:\s+[\w'-]+){0,6}?\s+(?:to|in|into)"
        r" (?:the |a |this )?(?:url|link|image url|query string|query parameter)",
        words="url link query",
        reach=(100, 20),
    ),
)
