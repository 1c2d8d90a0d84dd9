"""Structural attacks that need no override verb, as phrase rules on the skeleton view.

Output forcing dictates the reply ("say X", "prefix your output with X", "respond only
with"); false claims of authorisation pretend a check has passed ("the correct access code
has been entered"); delimiters and mode markers pretend the user's part has ended ("END USER
INPUT", "<SYSTEM MODE>", "%%% end of instructions %%%"); a rewrite of the assistant's
instructions replaces them without saying "ignore". Each is a cue, weighted to block only
with another one, except the claims of authorisation, which an honest user has no reason to
make. The detectors that are not phrases (floods, fake transcripts, split payloads) live in
``structure``.
"""

from __future__ import annotations

from reconciler.guard.rules import Rule, rule

_QUOTE = "[\"'`\u201c\u2018\u00ab]"  # straight, curly and angle quotes
_FORCE_VERBS = "say write output print respond reply answer type repeat"
_REPLY = r"(?:responses?|answers?|repl(?:y|ies)|outputs?|messages?|text)"

RULES: tuple[Rule, ...] = (
    # output forcing
    rule(
        "output forcing",
        "any",
        0.5,
        r"\b(?:just|only|simply|now|then|and) (?:say|write|output|print|type|repeat|reply|answer)"
        r"(?: back)?(?: with)?(?: the (?:words?|phrase|text|sentence))?\s*:?\s*" + _QUOTE,
        words=_FORCE_VERBS,
        also="just only simply now then and",
        reach=(12, 60),
        near=10,
    ),
    rule(
        "output forcing",
        "any",
        0.5,
        r"^[ \t]*(?:say|write|output|print|repeat)(?: back)?(?: the (?:words?|phrase|text))?"
        r"\s*:?\s*" + _QUOTE,
        words=_FORCE_VERBS,
        reach=(12, 60),
    ),
    rule(
        "output forcing",
        "any",
        0.6,
        r"\b(?:prefix|start|begin|end|finish|conclude|preface)(?: each| every| all)? (?:of )?"
        r"(?:your|the|each|every|all) " + _REPLY + r" (?:with|by (?:saying|writing|stating))",
        words="prefix start begin end finish conclude preface",
        also="response responses answer answers reply replies output outputs message messages text",
    ),
    rule(
        "output forcing",
        "any",
        0.5,
        r"\b(?:respond|reply|answer|output)(?: to (?:this|me|everything|all))?"
        r" (?:only|solely|exclusively) (?:with|by)\b|\bonly (?:respond|reply|answer|output)"
        r" (?:with|by)\b",
        words="respond reply answer output",
        also="only solely exclusively",
    ),
    rule(
        "output forcing",
        "any",
        0.5,
        r"\b(?:your|the) (?:first|only|next) (?:words?|output|response|answer|line|sentence)"
        r" (?:must|should|will|has to) be\b",
        words="first only next",
        also="must should will has",
    ),
    rule(
        "output forcing",
        "any",
        0.4,
        r"\b(?:include|insert|add|mention|append) (?:that|the (?:words?|phrase|sentence)|this)"
        r"(?:\s+[\w'-]+){0,6}? in (?:your|every|each|the) (?:answer|response|reply|output)",
        words="include insert add mention append",
        also="answer response reply output",
    ),
    rule(
        "output forcing",
        "any",
        0.5,
        r"\brepeat after me\b|\bsay (?:yes|no|only yes|only no)\b[.!]",
        words="repeat say",
        also="after me yes no",
    ),
    rule(
        "output forcing",
        "any",
        0.4,
        r"(?:^|[.!?,;:]\s*|\b(?:and|then|now|stop|just)\s+)(?:write|say|output|print)\s*:?\s+"
        r"(?:that |the following: )?[a-z0-9\"'][^.!?\n]{2,60}(?:!|$)",
        words="write say output print",
        reach=(12, 70),
    ),
    # interruptions that announce a switch of task
    rule(
        "new task",
        "any",
        0.4,
        r"(?:^|[.!?]\s*|\s[-:]\s*)(?:stop|stopp|halt|attention|achtung|atencion|attenzione)"
        r"\s*[-:!]+\s*(?:stop|stopp|write|schreib|now|jetzt|ich|i\b|new|neue)",
        words="stop stopp halt attention achtung atencion attenzione",
        reach=(10, 40),
    ),
    # dismissing the documents the assistant was given
    rule(
        "instruction override",
        "any",
        0.5,
        r"\b(?:do not|don'?t|not|never|without|ignore|ignoring|forget)(?: to)?"
        r"(?: look(?:ing)? (?:in|at)"
        r"| us(?:e|ing)| consider(?:ing)?| read(?:ing)?| rely(?:ing)? on| by)? (?:the |any |all )?"
        r"(?:provided |given )?(?:documents|articles?|artikels?|context|sources|texts|data)"
        r"(?: (?:provided|given|above|you (?:have|were given)))?\b",
        words="documents article articles artikel artikels context sources texts data",
        also="not don't dont never without ignore ignoring forget",
        reach=(60, 20),
        near=40,
    ),
    # false claims of authorisation
    rule(
        "false claim of authorisation",
        "any",
        0.9,
        r"\b(?:correct|right|valid|proper|secret) (?:access |admin |pass ?)?(?:code|password"
        r"|passcode|passphrase|pin|key|token)(?: has| have)? (?:been |was |is )?(?:now )?"
        r"(?:entered|provided|given|supplied|verified|accepted|confirmed)",
        words="code password passcode passphrase pin key token",
        also="entered provided given supplied verified accepted confirmed",
    ),
    rule(
        "false claim of authorisation",
        "any",
        0.5,
        r"\baccess (?:granted|approved|authori[sz]ed)\b",
        words="access",
        also="granted approved authorized authorised",
    ),
    rule(
        "false claim of authorisation",
        "any",
        0.7,
        r"\b(?:admin(?:istrator)?|sudo|root|developer|debug(?:ging)?|maintenance|god)"
        r" (?:access|privileges?"
        r"|rights|override|mode|clearance|permissions?) (?:has been |is |now )?(?:granted|enabled"
        r"|activated|unlocked|confirmed|elevated)",
        words="access privilege privileges rights override mode clearance permission permissions",
        also="granted enabled activated unlocked confirmed elevated",
    ),
    rule(
        "false claim of authorisation",
        "any",
        0.6,
        r"\byou (?:have been|are now|are hereby|are|have now been) (?:fully )?(?:authori[sz]ed"
        r"|cleared|permitted|allowed) to (?:ignore|bypass|disregard|reveal|share|disclose|break"
        r"|override|answer anything|say anything)",
        words="authorized authorised cleared permitted allowed",
        also="ignore bypass disregard reveal share disclose break override anything",
    ),
    rule(
        "false claim of authorisation",
        "any",
        0.5,
        r"\b(?:enabled|activated|unlocked|authori[sz]ed|approved) by (?:an? |the |your )?"
        r"(?:openai|anthropic|admin(?:istrator)?|developers?|creators?|owners?|system)"
        r"(?: (?:employee|staff|team))?\b",
        words="enabled activated unlocked authorized authorised approved",
        also="openai anthropic admin administrator developer developers creator creators owner "
        "owners system",
        reach=(10, 50),
    ),
    rule(
        "false claim of authorisation",
        "any",
        0.4,
        r"\bi(?: am|'m) (?:an? |the |your )?(?:admin(?:istrator)?|developer|creator|owner"
        r"|programmer|engineer|employee|researcher)(?: who works)? (?:at|of|from|for) (?:openai"
        r"|anthropic"
        r"|google|meta|microsoft|genesys|the company that (?:made|built|created|trained) you)",
        words="openai anthropic google meta microsoft genesys company",
        also="admin administrator developer creator owner programmer engineer employee researcher",
    ),
    # rewriting the instructions without an override verb
    rule(
        "instruction override",
        "any",
        0.7,
        r"\b(?:change|update|replace|modify|rewrite|overwrite|reset|reprogram|alter) (?:all )?"
        r"(?:your|its|the assistant'?s?) (?:instructions|rules|programming|guidelines"
        r"|system prompt|prompt|directives|settings|core values|behaviou?r)\b",
        words="instructions rules programming guidelines prompt directives settings values "
        "behavior behaviour",
        also="change update replace modify rewrite overwrite reset reprogram alter",
    ),
    # delimiters and mode markers
    # a closing tag of any name, then instructions that claim to be new or to come from
    # someone with authority: "</data> New instructions from the administrator: ..."
    rule(
        "delimiter trick",
        "any",
        1.0,
        r"(?:</[a-z][\w:.-]{0,30}\s*>|\[/[a-z][\w-]{0,30}\]|\]\]>|-->)[\s\W]{0,20}"
        r"(?:[\w'-]+\s+){0,3}?(?:(?:new|updated|revised|additional|real|actual|following)"
        r"\s+)?(?:system\s+)?(?:instructions?|directives?|orders?|rules?|tasks?|prompt|message"
        r"|polic(?:y|ies))"
        # ... that introduce what follows, or say they come from someone in charge
        r"(?:\s*:|\s+(?:are|is)\s+(?:below|as follows)|\s+follows?\b|\s+from\s+(?:the\s+|your\s+)?"
        r"(?:administrator|admin|system|developer|operator|owner|management|security team))",
        words="instructions instruction directives directive orders order rules rule tasks "
        "task prompt message policy policies",
        literals=("</", "[/", "]]>", "-->"),
        reach=(80, 40),
        concept="closing tag then instructions",
    ),
    rule(
        "delimiter trick",
        "any",
        0.6,
        r"(?:%{2,}|={3,}|-{3,}|#{3,}|\*{3,}|<{2,}|>{2,}|\[{2,}|~{3,})[ \t]*(?:end|begin|start)"
        r"(?: of)?(?: the)?(?: user| system)?(?: input| prompt| instructions?| context| message"
        r"| conversation| document| text| query)",
        words="end begin start",
        also="input prompt instruction instructions context message conversation document "
        "text query",
        reach=(12, 40),
        concept="delimiter",
    ),
    rule(
        "delimiter trick",
        "any",
        0.6,
        r"^[ \t\W]{0,6}(?:end|begin|start)(?: of)?(?: the)? (?:user |system |assistant )?"
        r"(?:input|prompt|instructions?|context|message|conversation|query)[ \t\W]{0,6}$",
        words="end begin start",
        also="input prompt instruction instructions context message conversation query",
        reach=(12, 40),
        concept="delimiter",
    ),
    rule(
        "fake role or template token",
        "any",
        0.6,
        r"[<\[{(]\s*/?\s*(?:system|admin|developer|debug|god|root|sudo|maintenance|jailbreak)"
        r"[ _-]?(?:mode|override|access|command|message|prompt)\s*[>\]})]",
        words="mode override access command message prompt",
        also="system admin developer debug god root sudo maintenance jailbreak",
        reach=(30, 20),
    ),
)
