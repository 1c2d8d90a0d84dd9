"""French and Spanish phrase families, on the accent-free skeleton view."""

from __future__ import annotations

from reconciler.guard.rules import Rule, rule

_FR_VERB = (
    r"(?:ignore[rzs]?|oublie[rzs]?|neglige[rzs]?|ne (?:tiens|tenez|tenir) (?:pas|plus) compte"
    r"|fais abstraction|faites abstraction|passe[rz]? outre|outrepasse[rz]?|contourne[rz]?"
    r"|annule[rz]?|efface[rz]?|abandonne[rz]?)"
)
_FR_NOUN = (
    r"(?:instructions?|consignes?|directives?|regles?|ordres?|indications?|commandes?|prompts?"
    r"|messages?|taches?|contraintes?)"
)
_FR_NOUN_WORDS = (
    "instruction instructions consigne consignes directive directives regle regles ordre "
    "ordres indication indications commande commandes prompt prompts message messages tache "
    "taches contrainte contraintes"
)
_FR_AFTER = (
    r"(?:precedente?s?|anterieure?s?|ci-dessus|initiale?s?|d'origine|originale?s?|du systeme"
    r"|systeme|fournie?s?|donnee?s?|recue?s?|d'avant)"
)
_ES_VERB = (
    r"(?:ignora[rd]?|ignore[ns]?|olvida[rd]?|olvide[ns]?|descarta[rd]?|omite|omitir|omita"
    r"|pasa por alto|pasar por alto|haz caso omiso|hagan caso omiso|no hagas caso|desobedece"
    r"|anula|saltate|deja de lado|prescinde)"
)
_ES_NOUN = (
    r"(?:instrucciones|indicaciones|reglas|ordenes|directrices|normas|comandos|instruccion"
    r"|directivas|pautas|consignas|mensajes|tareas|prompts?|restricciones)"
)
_ES_NOUN_WORDS = (
    "instrucciones indicaciones reglas ordenes directrices normas comandos instruccion "
    "directivas pautas consignas mensajes tareas prompt prompts restricciones"
)
_ES_AFTER = (
    r"(?:anteriores|previas|de arriba|iniciales|originales|del sistema|dadas|recibidas"
    r"|precedentes|que te (?:dieron|di))"
)
_FR_LINK = r"(?:\s+(?:de|des|d'|du|toutes?|tous|les|tes|vos|ces|la|le|l'|ce|qui|a|ete|t'a)){0,4}"
_ES_LINK = r"(?:\s+(?:a|de|las|los|tus|sus|todas?|todos|estas|esas|del|el|la|que|te|han)){0,4}"

RULES: tuple[Rule, ...] = (
    rule(
        "instruction override",
        "fr",
        1.0,
        _FR_VERB + r"(?: de| d')?\s*(?:toutes?|tous|tes|vos) (?:les |ces )?" + _FR_NOUN,
        words=_FR_NOUN_WORDS,
        also="ignore ignorer ignorez ignores oublie oublier oubliez oublies neglige "
        "negliger negligez tiens tenez tenir fais faites passe passer passez outrepasse "
        "outrepasser outrepassez contourne contourner contournez annule annuler annulez efface "
        "effacer effacez abandonne abandonner abandonnez",
    ),
    rule(
        "instruction override",
        "fr",
        1.0,
        _FR_VERB + _FR_LINK + r"\s*" + _FR_NOUN + r"\s+" + _FR_AFTER,
        words=_FR_NOUN_WORDS,
        also="ignore ignorer ignorez ignores oublie oublier oubliez oublies neglige "
        "negliger negligez tiens tenez tenir fais faites passe passer passez outrepasse "
        "outrepasser outrepassez contourne contourner contournez annule annuler annulez efface "
        "effacer effacez abandonne abandonner abandonnez",
    ),
    rule(
        "instruction override",
        "fr",
        0.8,
        r"\boublie[rz]? (?:tout|toutes? (?:les|tes|vos)|ce que|ce qui)\b",
        words="oublie oublier oubliez",
    ),
    rule(
        "new task",
        "fr",
        0.9,
        r"\b(?:ta|votre|la) (?:nouvelle|vraie|veritable|seule|prochaine) (?:tache|mission"
        r"|instruction|consigne|role|objectif)(?: est| sera|:| consiste)",
        words="tache mission instruction consigne role objectif",
    ),
    rule(
        "persona",
        "fr",
        0.4,
        r"\b(?:tu es|vous etes|tu seras|vous serez) (?:maintenant|desormais|a present"
        r"|dorenavant)\b",
        words="maintenant desormais present dorenavant",
    ),
    rule(
        "persona",
        "fr",
        0.3,
        r"\b(?:a partir de maintenant|desormais|dorenavant|fais semblant|faites semblant"
        r"|joue[rz]? le role|agis comme|agissez comme|dans la peau)\b",
        words="maintenant desormais dorenavant semblant role comme peau",
    ),
    rule(
        "persona",
        "fr",
        0.6,
        r"\bmode (?:developpeur|dieu|sans (?:restriction|filtre|limite)s?|jailbreak|dan|debride)",
        words="mode",
    ),
    rule(
        "persona",
        "fr",
        0.4,
        r"\bsans (?:aucune? |les |tes |vos )?(?:restrictions?|filtres?|censure|limites?"
        r"|limitations|regles|contraintes|ethique|morale)\b",
        words="restriction restrictions "
        "filtre filtres censure limite limites limitations regles contraintes ethique morale",
        also="sans",
    ),
    rule(
        "system prompt extraction",
        "fr",
        1.0,
        r"\b(?:revele[rz]?|montre[rz]?|affiche[rz]?|repete[rz]?|donne[rz]?|dis|dites|ecri[rsv]\w*"
        r"|imprime[rz]?|divulgue[rz]?|partage[rz]?|recite[rz]?|indique[rz]?|communique[rz]?)"
        r"(?:-moi|-nous| moi| nous)?(?:\s+[\w'-]+){0,3}?\s+(?:(?:ton|ta|tes|votre|vos|le|la"
        r"|les) (?:prompt|invite|instructions?|consignes?|message|directives?|regles)"
        r" (?:systeme|du systeme|initiale?s?|d'origine|originale?s?|cachee?s?|secrete?s?"
        r"|internes?)|(?:ton|votre) (?:prompt|invite)|(?:tes|vos) (?:instructions|consignes"
        r"|directives))",
        words="prompt invite instructions instruction consignes consigne message directives "
        "directive regles",
    ),
    rule(
        "system prompt extraction",
        "fr",
        0.5,
        r"\b(?:prompt|invite|message|instructions|consignes) (?:du )?systeme\b",
        words="systeme",
    ),
    rule(
        "instruction override",
        "es",
        1.0,
        _ES_VERB + r"(?: de| a)?\s+(?:todas|todos|tus|sus) (?:las |los )?" + _ES_NOUN,
        words=_ES_NOUN_WORDS,
        also="ignora ignorar ignorad ignore ignoren ignores olvida olvidar olvidad olvide "
        "olviden olvides descarta descartar descartad omite omitir omita pasa pasar haz hagan "
        "hagas desobedece anula saltate deja prescinde",
    ),
    rule(
        "instruction override",
        "es",
        1.0,
        _ES_VERB + _ES_LINK + r"\s+" + _ES_NOUN + r"\s+" + _ES_AFTER,
        words=_ES_NOUN_WORDS,
        also="ignora ignorar ignorad ignore ignoren ignores olvida olvidar olvidad olvide "
        "olviden olvides descarta descartar descartad omite omitir omita pasa pasar haz hagan "
        "hagas desobedece anula saltate deja prescinde",
    ),
    rule(
        "instruction override",
        "es",
        0.8,
        r"\bolvida(?:r|te)?(?: de)? (?:todo|todas? (?:las|tus)|lo que|lo anterior)\b",
        words="olvida olvidar olvidate",
    ),
    rule(
        "new task",
        "es",
        0.9,
        r"\b(?:tu|su) (?:nueva|verdadera|real|unica|proxima|siguiente) (?:tarea|mision"
        r"|instruccion|funcion|objetivo|rol)(?: es| sera|:| consiste)",
        words="tarea mision instruccion funcion objetivo rol",
    ),
    rule(
        "persona",
        "es",
        0.4,
        r"\b(?:ahora|a partir de ahora|desde ahora|de ahora en adelante),? (?:eres|seras|vas a"
        r"|actuaras|te llamas)\b",
        words="ahora",
    ),
    rule(
        "persona",
        "es",
        0.3,
        r"\b(?:a partir de ahora|de ahora en adelante|finge|finja|fingir|actua como|actue como"
        r"|comportate como|(?:haz|juega|interpreta|asume) (?:el|un) (?:papel|rol))\b",
        words="ahora adelante finge finja fingir actua actue comportate papel rol",
    ),
    rule(
        "persona",
        "es",
        0.6,
        r"\bmodo (?:desarrollador|programador|dios|sin (?:restricciones|filtros?|limites)"
        r"|jailbreak|dan|libre)\b",
        words="modo",
    ),
    rule(
        "persona",
        "es",
        0.4,
        r"\bsin (?:ninguna |ningun |tus |las )?(?:restricciones|restriccion|filtros?|censura"
        r"|limites|limitaciones|reglas|etica|moral)\b",
        words="restricciones restriccion "
        "filtro filtros censura limites limitaciones reglas etica moral",
        also="sin",
    ),
    rule(
        "system prompt extraction",
        "es",
        1.0,
        r"\b(?:revela[rd]?|muestra[rd]?|muestrame|ensename|ensena|imprime|repite|dime|dame|di"
        r"|escribe|comparte|divulga|recita|indicame|cuentame|copia)(?:\s+[\w'-]+){0,3}?\s+"
        r"(?:(?:tu|tus|el|la|las|los|su|sus) (?:prompt|instrucciones|mensaje|indicaciones"
        r"|directrices|reglas|configuracion) (?:del sistema|de sistema|iniciales|originales"
        r"|ocultas|secretas|internas|de inicio)|(?:tu|su) prompt|(?:tus|sus) (?:instrucciones"
        r"|directrices|indicaciones))",
        words="prompt instrucciones mensaje indicaciones directrices reglas configuracion",
    ),
    rule(
        "system prompt extraction",
        "es",
        0.5,
        r"\b(?:prompt|mensaje|instrucciones|indicaciones) (?:del|de) sistema\b",
        words="sistema",
    ),
)
