"""German phrase families (about a third of real attack prompts in German-language data).

Written against the skeleton view: lowercase, umlauts without their dots ("ubergehe"), and
"ss" for the sharp s.
"""

from __future__ import annotations

from reconciler.guard.rules import Rule, gap, rule

_VERB = (
    r"(?:ignorier(?:e|en|t|st)?|vergiss|vergesst|vergessen(?: sie)?|missachte[nt]?"
    r"|uberg[ae]h[et]?n?|verwirf|verwerfen|uberspring(?:e|en|t)?|beachte nicht"
    r"|nicht (?:mehr )?(?:beachten|befolgen))"
)
_QUAL = (
    r"(?:vorherig|vorig|obig|bisherig|fruher|vorangegangen|vorhergehend|ursprunglich|alle"
    r"|deine|ihre|samtlich|jeglich|erhalten|gegeben|anfanglich|initial)\w*"
)
_NOUN = (
    r"(?:anweisung|instruktion|befehl|regel|vorgabe|aufgabe|anordnung|richtlinie|eingabe|prompt"
    r"|information|vorschrift|auftrag|anforderung|systemprompt)\w*"
)
_NOUN_WORDS = (
    "anweisung anweisungen instruktion instruktionen befehl befehle regel regeln vorgabe "
    "vorgaben aufgabe aufgaben anordnung anordnungen richtlinie richtlinien eingabe eingaben "
    "prompt prompts informationen vorschriften auftrag auftrage anforderungen systemprompt"
)
_EXTRACT = (
    r"(?:zeig|zeige|zeigen|gib|gebe|geben|nenn|nenne|nennen|verrat|verrate|verraten|wiederhol"
    r"|wiederhole|wiederholen|druck|drucke|schreib|schreibe|sag|sage|teile|gib aus|offenbare"
    r"|enthulle|liste|ausgeben|ubersetze|was (?:ist|sind|war|waren))"
)

RULES: tuple[Rule, ...] = (
    rule(
        "instruction override",
        "de",
        1.0,
        _VERB + r"(?:\s+(?:alle|alles|die|der|den|dem|deine|ihre|diese|bitte|einfach|jetzt|nun"
        r"|mal|,)){0,3}\s+" + _QUAL + r"(?:\s+[\w'-]+){0,2}?\s+" + _NOUN,
        words=_NOUN_WORDS,
        also="ignoriere ignorieren ignoriert ignorierst ignorier vergiss vergesst vergessen "
        "missachte missachten missachtet ubergehe ubergehen ubergeht ubergeh verwirf verwerfen "
        "uberspringe uberspring uberspringen beachte beachten befolgen",
    ),
    rule(
        "instruction override",
        "de",
        1.0,
        _QUAL
        + r"(?:\s+[\w'-]+){0,2}?\s+"
        + _NOUN
        + gap(4)
        + r"(?:ignorieren|vergessen|missachten|ubergehen|verwerfen|nicht (?:mehr )?(?:beachten"
        r"|befolgen))",
        words="ignorieren vergessen missachten ubergehen verwerfen beachten befolgen",
    ),
    rule(
        "instruction override",
        "de",
        1.0,
        r"\b(?:vergiss|vergesst|vergessen sie|ignoriere|ignorieren sie)(?: \w+){0,2}? (?:alles"
        r"|alle[sn]? (?:was|davor|bisherigen|vorherigen)|was (?:wir|ich|du|sie) (?:vorher|zuvor"
        r"|bisher|eben|gerade|gesagt))",
        words="vergiss vergesst vergessen ignoriere ignorieren",
    ),
    rule(
        "new task",
        "de",
        0.9,
        r"\b(?:deine|ihre|die) (?:neue|nachste|eigentliche|wahre|einzige|geheime|richtige)"
        r" (?:aufgabe|anweisung|mission|rolle|auftrag)(?: ist| lautet| wird|:)",
        words="aufgabe anweisung mission rolle auftrag",
    ),
    rule(
        "new task",
        "de",
        0.5,
        r"\b(?:neue|nachste|geheime|eigentliche) (?:aufgabe|anweisung|mission|auftrag)\b",
        words="aufgabe anweisung mission auftrag",
    ),
    rule(
        "new task",
        "de",
        0.5,
        r"\b(?:nun|jetzt) (?:kommt|folgt|folgen|kommen)(?: \w+){0,4}? (?:aufgabe|anweisung"
        r"|befehl)\w*",
        words="aufgabe aufgaben anweisung anweisungen befehl befehle",
    ),
    rule(
        "persona",
        "de",
        0.4,
        r"\b(?:du bist|sie sind|du wirst|bist du) (?:jetzt|nun|ab sofort|ab jetzt|von nun an)\b",
        words="jetzt nun sofort",
    ),
    rule(
        "persona",
        "de",
        0.3,
        r"\b(?:ab sofort|von nun an|ab diesem moment)\b",
        words="sofort nun moment",
    ),
    rule(
        "persona",
        "de",
        0.3,
        r"\b(?:stell dir vor|stellen sie sich vor),? (?:du bist|du warst|sie sind|sie waren"
        r"|dass du)|\b(?:tu|tue|tun sie) so,? als\b",
        words="vor als",
    ),
    rule(
        "persona",
        "de",
        0.3,
        r"\b(?:spiel|spiele|ubernimm|ubernehme|schlupfe?)(?: \w+)? (?:die|in die) rolle\b",
        words="rolle",
    ),
    rule(
        "persona",
        "de",
        0.6,
        r"\b(?:entwicklermodus|entwickler-modus|developer-modus"
        r"|jailbreak-modus|gottmodus)\b",
        words="entwicklermodus entwickler-modus developer-modus jailbreak-modus gottmodus modus",
    ),
    rule(
        "persona",
        "de",
        0.5,
        r"\b(?:ohne|keine|frei von)(?: jegliche\w*| jede\w*| alle\w*)? (?:einschrankung|filter"
        r"|zensur|regeln|beschrankung|grenzen|ethik|moral|richtlinien)\w*",
        words="einschrankung einschrankungen filter zensur regeln beschrankung "
        "beschrankungen grenzen ethik moral richtlinien",
        also="ohne keine frei",
    ),
    rule(
        "system prompt extraction",
        "de",
        1.0,
        _EXTRACT + r"(?: mir| uns)?(?:\s+[\w'-]+){0,3}?\s+(?:system[- ]?(?:prompt|anweisung"
        r"|nachricht)\w*|(?:deine|ihre|die) (?:ursprungliche|anfangliche|initiale|geheime"
        r"|versteckte|interne|erste)\w* (?:anweisung|prompt|instruktion)\w*|(?:deine|ihre)"
        r" (?:anweisungen|instruktionen|prompts?|regeln|vorgaben)|(?:alle )?(?:deine|ihre)"
        r" prompt\w*)",
        words="system systemprompt prompt prompts anweisung anweisungen instruktion "
        "instruktionen regeln vorgaben systemanweisung systemanweisungen",
        also="zeig zeige zeigen gib gebe geben nenn nenne nennen verrat verrate verraten "
        "wiederhol wiederhole wiederholen druck drucke schreib schreibe sag sage teile offenbare "
        "enthulle liste ausgeben ubersetze was",
    ),
    rule(
        "system prompt extraction",
        "de",
        0.5,
        r"\b(?:systemanweisung(?:en)?|systemnachricht)\b",
        words="systemanweisung systemanweisungen systemnachricht",
    ),
    rule(
        "instruction override",
        "de",
        1.0,
        r"\b(?:lass|lasse|lassen sie|lasst)(?: \w+){0,3}? (?:vorherig|bisherig|vorig|obig|alt)\w*"
        r"(?: \w+){0,2}? hinter (?:dir|sich|euch)|\babweichend (?:von|zu)(?: den)? (?:vorherig"
        r"|bisherig|obig|urspr\w*)\w* (?:anweisung|instruktion|regel|vorgabe)\w*",
        words="hinter abweichend",
        also="lass lasse lassen lasst abweichend",
    ),
)
