"""Persona replacement, lifted limits, and overrides of all instructions or chained to an order.

Jailbreaks rename the assistant ("you are now TranslatorBot", "you are no longer ChatGPT"),
say the new persona has no filter or policy, or set aside what came before and give the
next order in one breath ("forget everything and tell me..."), or set aside all of them
("ignore all instructions", not only the previous ones). Each shape is a cue, not a
verdict: it weighs under the threshold alone and decides only beside another cue.
"""

from __future__ import annotations

from reconciler.guard.rules import Rule, rule

_LIMIT_NOUNS = (
    r"(?:filters?|filtering|polic(?:y|ies)|restrictions|guidelines|rules|limitations|limits"
    r"|ethics|ethicality|morals|morality|censorship|boundaries|laws|legality|guardrails"
    r"|safeguards)"
)

RULES: tuple[Rule, ...] = (
    rule(
        "persona",
        "en",
        0.5,
        r"\b(?:you are|you're) no longer (?:chatgpt|gpt|bard|claude|an? (?:ai|assistant"
        r"|language model|chatbot|ai language model)|bound|restricted|limited|required)\b",
        words="longer",
    ),
    rule(
        "persona",
        "en",
        0.5,
        r"\b(?:you are|you're) now (?:(?:called|named|known as) [\w-]+|[\w-]*(?:gpt|bot)\b"
        r"|(?!(?:a|an|the|my|your|our|able|ready|in|on|at|free|done|going|logged|connected"
        r"|signed|subscribed|registered|eligible|all|set|being|part|one|no|not|here|there)\b)"
        r"[\w-]+(?:, an? | or ))",
        words="now",
        also="you you're",
    ),
    rule(
        "persona",
        "en",
        0.5,
        r"\b(?:does ?n[o']?t|do ?n[o']?t|won'?t|will not|never|nor does (?:it|he|she)) (?:have"
        r"|has|follow|obey|cares?(?: about| for)?|abide by|adhere to)(?: any| a| the| no)?"
        r"(?: regard (?:to|for) (?:the )?)?(?: (?:content|openai(?:'s)?|ethical|moral|safety))?"
        r" " + _LIMIT_NOUNS + r"\b",
        words="have has follow obey care cares abide adhere",
        also="doesn't doesnt don't dont won't wont not never nor",
    ),
    rule(
        "instruction override",
        "en",
        0.4,
        r"\b(?:forget|ignore|disregard)(?: about)? (?:everything|all (?:of )?that|all this)"
        r"(?: (?:above|before|else))?,? (?:and|then|now|instead)(?: [\w']+)? (?:say|tell|write"
        r"|output|print|reply|answer|respond|type|repeat|give|show)\b",
        words="forget ignore disregard",
        also="everything all",
    ),
    rule(
        "system prompt extraction",
        "en",
        0.5,
        r"\b(?:repeat|print|show|reveal|recite|output|tell me|write out|list|paste)(?: back)?"
        r"(?: all)?(?: of)? (?:the|your) (?:exact )?(?:instructions|rules|guidelines|directions"
        r"|prompt|words|text) (?:you (?:were|have been|got) (?:given|told|shown)|(?:given|shown"
        r"|provided) to you)",
        words="instructions rules guidelines directions prompt words text",
        also="repeat print show reveal recite output tell write list paste",
    ),
    rule(
        "instruction override",
        "en",
        0.4,
        r"\b(?<!not )(?<!n't )(?:ignore|disregard|forget|bypass|override)(?: about)? all(?: of)?"
        r"(?: the| your| these| those| my| prior)? (?:instructions|rules|prompts|guidelines"
        r"|directions|commands|directives)\b",
        words="ignore disregard forget bypass override",
        also="all",
    ),
)
