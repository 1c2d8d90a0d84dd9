"""English phrase families: override, new task, persona, prompt extraction.

Weights: 1.0 means the phrase alone is an attack; smaller weights are cues that only block in
combination (a role-play request alone is fine, a role-play plus "no restrictions" is not).
Patterns run on the lowercase skeleton view, so they are written in lowercase ASCII.
"""

from __future__ import annotations

from reconciler.guard.rules import Rule, gap, rule

_OVERRIDE = (
    r"(?:ignor(?:e|ing)|disregard(?:ing)?|forget(?:ting)?|overrid(?:e|ing)|bypass(?:ing)?"
    r"|skip|discard|abandon|drop|neglect|dismiss|set aside|throw away|erase|scrap|remove|delete"
    r"|clear|leave behind|put aside|let go of)"
)
_NOT_NARRATED = r"(?<!n't )(?<!\bnot )(?<!\bnever )(?<!\bseems to )(?<!\bseem to )(?<!\btends to )"
_PAST = (
    r"(?:previous(?:ly)?|prior|preceding|above|earlier|former|foregoing|original|initial"
    r"|old|system|your|pre-?set|programmed|existing|default|given|current)"
)
_NOUN = (
    r"(?:instructions?|directions?|rules?|prompts?|guidelines?|commands?|orders?|directives?"
    r"|context|constraints?|restrictions?|programming|training|guidance|polic(?:y|ies)"
    r"|messages?|conversations?|tasks?|requests?|inputs?|limitations?|filters?|safeguards?"
    r"|principles|protocols?|text|content|information|settings)"
)
_VERB_WORDS = (
    "ignore ignoring disregard disregarding forget forgetting override overriding bypass "
    "bypassing skip discard abandon drop neglect dismiss set throw erase scrap remove delete "
    "clear leave put let"
)
_EXTRACT_WORDS = (
    "reveal show display print output repeat recite tell give share leak dump write spell "
    "disclose list copy paste return provide translate summarize summarise encode expose echo "
    "state reproduce send what"
)
_MODE_WORDS = (
    "developer dev god jailbreak jailbroken dan dude evil chaos opposite unrestricted "
    "uncensored unfiltered unlocked anarchy sudo admin debug maintenance limits limit nolimits"
)
_LIMITER_WORDS = (
    "no without free not unbound beyond outside break breaks breaking broken escape escaped "
    "liberated exempt never longer ignores ignore bypass bypasses circumvent circumvents"
)
_NOUN_WORDS = (
    "instruction instructions direction directions rule rules prompt prompts guideline "
    "guidelines command commands order orders directive directives context constraint "
    "constraints restriction restrictions programming training guidance policy policies "
    "message messages conversation conversations task tasks request requests input inputs "
    "limitation limitations filter filters safeguards principles protocol protocols text "
    "content information settings"
)
_EXTRACT = (
    r"(?:reveal|show|display|print|output|repeat|recite|tell|give|share|leak|dump|write|spell"
    r"|disclose|list|copy|paste|return|provide|translate|summari[sz]e|encode|expose|echo"
    r"|state|reproduce|send|what (?:is|are|was|were))"
)
_PROMPT_NAMES = (
    r"(?:system[ _-]?(?:prompt|message|instructions?|configuration|config|directives?|settings)"
    r"|(?:initial|original|hidden|secret|internal|starting|first|pre|underlying|confidential"
    r"|developer|full|exact|complete|entire)[ -]?(?:system )?(?:prompt|instructions)"
    r"|your (?:instructions|prompt|programming|directives|guidelines|rules|configuration)"
    r"|initiali[sz]ation (?:string|text|prompt)|pre-?prompt)"
)
_NO_LIMITS = (
    r"(?:no|without|free (?:of|from)|not bound by|not restricted by|unbound by|beyond|outside"
    r"|break(?:s|ing)? free (?:of|from)|broken free (?:of|from)|escaped?|liberated from|exempt from"
    r"|(?:does ?n[o']t|do ?n[o']t|not|never|no longer) (?:have|need|required) to (?:follow|abide by"
    r"|comply with|adhere to|obey|respect)|ignores?|bypass(?:es)?|circumvents?)"
)
_LIMITS = (
    r"(?:restrictions|filters?|filtering|limitations|limits|censorship|rules|guidelines|ethics"
    r"|morals|morality|polic(?:y|ies)|boundaries|constraints|safeguards|safety (?:measures|"
    r"guidelines|protocols)|principles|confines)"
)

RULES: tuple[Rule, ...] = (
    # instruction override
    rule(
        "instruction override",
        "en",
        1.0,
        # not narrated: "I didn't ignore your instructions", "the courier seems to ignore"
        _NOT_NARRATED
        + _OVERRIDE
        + r"(?:\s+(?:about|all|any|of|the|these|those|every|other|and|or|,)){0,3}"
        + r"\s+"
        + _PAST
        + r"(?:\s+[\w'-]+){0,2}?\s+"
        + _NOUN
        + r"\b",
        words=_NOUN_WORDS,
        also=_VERB_WORDS,
    ),
    rule(
        "instruction override",
        "en",
        1.0,
        _OVERRIDE
        + r"(?: about)? (?:all|everything|anything|every ?thing)"
        + gap(3)
        + r"(?:above|before|previous(?:ly)?|prior|earlier|so far|until now|up to now|you (?:were|"
        r"have been|was|got) (?:told|given|taught)|i (?:said|told you)|we (?:discussed|talked))",
        words=_VERB_WORDS,
        also="everything all anything every",
    ),
    rule(
        "instruction override",
        "en",
        0.7,
        r"\b(?:forget|ignore|disregard)(?: about)? (?:everything|all (?:of )?that|all this)\b",
        words="forget ignore disregard",
        also="everything all",
    ),
    rule(
        "instruction override",
        "en",
        0.9,
        # "I don't follow your instructions" is a customer who does not understand them
        r"(?<!\bi )(?<!\bwe )(?:do not|don'?t|never|stop|no longer)"
        r" (?:follow|obey|listen to|comply with|adhere to"
        r"|abide by)(?:ing)? (?:your|its|the (?:previous|prior|original|initial|system|above))"
        r"(?:\s+[\w'-]+){0,2}?\s+" + _NOUN,
        words=_NOUN_WORDS,
        also="follow obey listen comply adhere abide following obeying",
    ),
    rule(
        "instruction override",
        "en",
        0.8,
        r"(?:instructions|rules|guidelines|prompt)(?: above| given| before)? (?:are|is) (?:now )?"
        r"(?:void|null|cancel+ed|obsolete|revoked|invalid|outdated|overridden|disabled|no longer"
        r" (?:valid|apply|applicable|in effect))",
        words="instructions rules guidelines prompt",
        also="void null cancelled canceled obsolete revoked invalid outdated overridden disabled "
        "longer",
    ),
    rule(
        "instruction override",
        "en",
        0.4,
        r"\b(?:previous|prior|above|preceding|earlier) (?:instructions|prompts?|directives)\b",
        words="instructions prompt prompts directives",
        also="previous prior above preceding earlier",
    ),
    # new or hidden task
    rule(
        "new task",
        "en",
        0.9,
        r"\byour (?:new|real|actual|true|next|only|sole|secret|hidden|main|primary)"
        r" (?:task|job|goal|objective|mission|purpose|instructions?|role|assignment|directive)"
        r"(?: is| are| will be| now|:)",
        words="task job goal objective mission purpose "
        "instruction instructions role assignment directive",
        also="your",
    ),
    rule(
        "new task",
        "en",
        0.6,
        r"\b(?:new|secret|hidden|real|updated|actual) (?:task|instructions?|mission|objective"
        r"|directive|orders?|assignment)s?\s*:",
        words="task instruction instructions mission "
        "objective directive order orders assignment tasks",
        also="new secret hidden real updated actual",
    ),
    rule(
        "new task",
        "en",
        0.35,
        r"\b(?:now|instead)[,.!]? (?:focus on|concentrate on|your task|tell me|write|say|answer)",
        words="now instead",
        also="focus concentrate task tell write say answer",
    ),
    rule("new task", "en", 0.6, r"\b(?:i have been )?pwned\b", words="pwned"),
    # system prompt extraction
    # asking what the assistant was told before the conversation: its setup, in other words
    rule(
        "system prompt extraction",
        "en",
        1.0,
        r"\bwhat (?:exactly |else )?(?:were|was|have|had) you (?:been )?(?:told|given|instructed"
        r"|asked|programmed|configured|set up)(?: to do| to say)?(?:,)? (?:before|prior to|ahead of"
        r"|at the (?:start|beginning|top) of|earlier in) (?:this|my|our|the)"
        r" (?:message|conversation|chat|prompt|session|exchange|question)",
        words="told given instructed asked programmed configured set",
        also="before prior ahead start beginning top earlier",
    ),
    rule(
        "system prompt extraction",
        "en",
        0.6,
        r"\bwhat did (?:they|your (?:operator|developer|creators?|company|owner|admins?)|the "
        r"(?:system|developer|operator|company)|someone|anyone) (?:tell|give|say to|instruct) you"
        r"(?: to do)? (?:before|prior to|at the (?:start|beginning) of) (?:this|my|our|the)"
        r" (?:message|conversation|chat|session)",
        words="tell give say instruct",
        also="before prior start beginning",
    ),
    rule(
        "system prompt extraction",
        "en",
        1.0,
        _EXTRACT + r"(?:\s+[\w'-]+){0,5}?\s+" + _PROMPT_NAMES,
        words="prompt message instructions instruction configuration config directives "
        "directive settings programming guidelines rules string text preprompt pre-prompt "
        "system_prompt systemprompt",
        also=_EXTRACT_WORDS,
        reach=(140, 12),
    ),
    rule(
        "system prompt extraction",
        "en",
        1.0,
        r"\b(?:repeat|print|output|show|copy|return|recite|reproduce|write|echo|paste|display"
        r"|tell me)(?: back)?(?: me)?(?: all| the| everything| every word"
        r"| each word| of){0,3} (?:text|words|content|lines?|everything|messages?|instructions"
        # "repeat everything above in simpler words", "print the text above as a PDF": a
        # customer asking about the chat's own visible text, for a purpose
        r"|prompt|sentences?|conversation)? ?(?:above(?! (?:in|as|on|into|for|so|with)\b)"
        r"|before (?:this|that|my|the)|preceding"
        r"|verbatim|word for word|from the (?:beginning|start|top)|at the (?:beginning|start|top)"
        r")",
        words="above before preceding verbatim word beginning start top",
        also="repeat print output show copy return recite reproduce write echo paste display tell",
    ),
    rule(
        "system prompt extraction",
        "en",
        0.5,
        r"\b(?:system[ _-]?prompt|systemprompt|pre-?prompt|(?:initial|hidden|secret) prompt)\b",
        words="system systemprompt prompt preprompt system_prompt pre-prompt",
    ),
    rule(
        "system prompt extraction",
        "en",
        0.5,
        r"\b(?:instructions?|prompt|rules|guidelines|directives) (?:that )?(?:you were|you'?ve been"
        r"|you have been|you got) (?:given|told|provided|programmed|trained|instructed|configured)",
        words="instruction instructions prompt rules guidelines directives",
        also="given told provided programmed trained instructed configured",
    ),
    rule(
        "system prompt extraction",
        "en",
        0.8,
        r"\bwhat (?:were|are|was|is) (?:your|the (?:exact|original|initial|first|hidden|secret))"
        r" (?:exact |original |initial |first |full |complete |hidden |secret )?(?:instructions"
        r"|prompt|directives)",
        words="instructions prompt directives",
        also="what",
    ),
    rule(
        "system prompt extraction",
        "en",
        0.4,
        r"\b(?:beginning|start|top) of (?:this|the|our) (?:conversation|chat|session|prompt"
        r"|context|dialogue)",
        words="beginning start top",
        also="conversation chat session prompt context dialogue",
    ),
    # persona, developer mode and jailbreak personas
    rule("persona", "en", 1.0, r"\bdo anything now\b", words="anything"),
    rule(
        "persona",
        "en",
        1.0,
        r"\b(?:developer|dev|god|jailbreak|jailbroken|dan|dude|evil|chaos|opposite|unrestricted"
        r"|uncensored|unfiltered|unlocked|anarchy|sudo|admin|debug|maintenance|no ?limits?)"
        r" mode (?:output|response)s?\b|\b(?:god|jailbreak|jailbroken|dan|dude|evil|chaos|opposite"
        r"|unrestricted|uncensored|unfiltered|unlocked|anarchy|no ?limits?) mode (?:enabled"
        r"|activated|on)\b",
        words="mode",
        also=_MODE_WORDS,
    ),
    rule(
        "persona",
        "en",
        0.5,
        r"\b(?:developer|jailbreak|jailbroken|dan|god|unrestricted|uncensored|unfiltered|unlocked"
        r"|evil|anarchy|dude|chaos|maintenance|sudo|admin|debug) mode\b",
        words="mode",
        also=_MODE_WORDS,
    ),
    rule(
        "persona",
        "en",
        0.4,
        r"\bjailbr(?:oken|eak(?:ing|ed|s)?)\b",
        words="jailbreak jailbroken jailbreaking jailbreaked jailbreaks",
    ),
    rule(
        "persona",
        "en",
        0.6,
        _NO_LIMITS + r"(?: any| all| the| its| your| their| typical| usual"
        r"| normal| standard| existing| ethical| moral| content| of| openai'?s?){0,3} " + _LIMITS,
        words="restrictions filter filters filtering limitations limits censorship rules "
        "guidelines ethics morals morality policy policies boundaries constraints safeguards "
        "safety principles confines",
        also=_LIMITER_WORDS,
        reach=(110, 12),
    ),
    rule(
        "persona",
        "en",
        0.5,
        r"\b(?:openai|anthropic)(?:'s)? (?:content |usage |safety )?(?:polic(?:y|ies)|guidelines"
        r"|rules|restrictions|filters)",
        words="openai openai's anthropic anthropic's",
    ),
    rule(
        "persona",
        "en",
        0.4,
        r"\b(?:stay|remain|staying|stays) in character\b|\bbreak(?:ing)?"
        r" character\b",
        words="character",
        also="stay remain staying stays break breaking",
    ),
    rule(
        "persona",
        "en",
        0.5,
        r"\b(?:never|not|don'?t|do not|won'?t|will not|cannot|can'?t|must not|shall not)(?: ever)?"
        r" (?:refuse|decline|deny|reject)\b",
        words="refuse decline deny reject",
        also="never not don't dont do won't wont will cannot can't cant must shall",
    ),
    rule(
        "persona",
        "en",
        0.5,
        r"\b(?:amoral|unethical|immoral|unfiltered|uncensored|unrestricted|unbound|unhinged"
        r"|lawless|rogue|unchained|limitless|unlimited) (?:ai|chatbot|bot|assistant|model"
        r"|language model|character|version|persona|entity|system|responses?)\b",
        words="amoral unethical immoral unfiltered uncensored unrestricted unbound unhinged "
        "lawless rogue unchained limitless unlimited",
    ),
    rule(
        "persona",
        "en",
        0.4,
        r"\b(?:from now on|starting now|from this (?:point|moment) (?:on|forward)|henceforth"
        r"|for the rest of (?:this|our) conversation)\b",
        words="now henceforth point moment rest",
    ),
    rule(
        "persona",
        "en",
        0.4,
        r"\b(?:you are|you're|you will be|you'll be|you will|you'll) (?:now |no longer |going to"
        r" |about to )(?:act|be|become|play|pretend|roleplay|simulate|respond|answer|function"
        r"|behave|operate|immerse)",
        words="now longer going about",
        also="act be become play pretend roleplay simulate respond answer function behave "
        "operate immerse",
    ),
    rule(
        "persona",
        "en",
        0.3,
        r"\b(?:immerse yourself|role-?play|play the (?:role|part)|take on the role|assume the"
        r" (?:role|persona)|pretend (?:to be|you are|you're|that you))\b",
        words="immerse roleplay role-play role play part pretend assume",
    ),
    rule(
        "persona",
        "en",
        0.3,
        r"\b(?:chatgpt|chat gpt|gpt-?[345]o?|bard|bing chat|sydney|llama)\b",
        words="chatgpt chat gpt gpt-3 gpt-4 gpt4 gpt3 gpt-4o gpt4o bard bing sydney llama",
    ),
    rule(
        "persona",
        "en",
        0.5,
        r"\btwo (?:different |separate |distinct )?(?:responses|answers|ways|paragraphs|outputs"
        r"|personalities)\b",
        words="two",
        also="responses answers ways paragraphs outputs personalities",
        reach=(0, 40),
    ),
    rule(
        "persona",
        "en",
        0.5,
        r"\[(?:classic|jailbreak|gpt|dan|normal|developer mode)",
        literals=("[",),
        also="classic jailbreak gpt dan normal developer",
    ),
    rule(
        "persona",
        "en",
        0.4,
        r"\btokens? (?:will be )?(?:deducted|removed|taken)|\b(?:lose|lost) (?:\d+ )?tokens\b",
        words="token tokens",
        also="deducted removed taken lose lost",
    ),
    rule(
        "instruction override",
        "en",
        1.0,
        r"\b(?:contrary to|instead of following|regardless of|in spite of|despite)(?: all| any| the"
        r"| your){0,2} (?:previous|prior|above|original|earlier|initial|system) (?:instructions"
        r"|rules|guidelines|directives|prompts?)",
        words="instructions rules guidelines directives prompt prompts",
        also="contrary instead regardless spite despite",
        reach=(60, 4),
    ),
    rule(
        "new task",
        "en",
        0.8,
        r"\byour (?:new |real |actual )?(?:instructions|task|orders) (?:are|is) (?:now )?(?:to|:)",
        words="instructions task orders",
        also="your",
        reach=(30, 30),
    ),
    rule(
        "system prompt extraction",
        "en",
        0.8,
        r"\bwhat (?:is|was|were) (?:written|said|stated|mentioned|typed) (?:above|before|earlier)",
        words="written said stated mentioned typed",
        also="above before earlier",
        reach=(20, 20),
    ),
    rule(
        "persona",
        "en",
        0.5,
        r"\b(?:i want you to|you will|you must|you are to|you shall) act as\b",
        words="act",
        also="want will must shall",
        reach=(30, 8),
    ),
    rule("persona", "en", 0.3, r"\bact as (?:a|an|the|my|if)\b", words="act", reach=(2, 14)),
    rule(
        "new task",
        "any",
        0.4,
        r"(?:^|[.!?\"]\s*)(?:stop|stopp|halt|achtung)\s*[:!\-]+\s",
        words="stop stopp halt achtung",
        reach=(6, 10),
    ),
)
