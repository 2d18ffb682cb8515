"""The second tier: weak signs of distress (exhaustion, despair, fear, loneliness, hunger,
cold, a body that hurts), as lexical families on the normalised text. Data, not logic.
"""

from __future__ import annotations

# Weak signals: despair, exhaustion, fear, loneliness, hunger, cold, a body that hurts. Not
# clear enough to wake a mediator in priority, too heavy to answer with a procedure alone:
# the engine answers gently first (numbers, a person on offer), then the procedure. Favours
# recall like ``detect``: a needless kind word costs a line, a missed one can cost more.
# Written as lexical families, not sentences, so that phrasings nobody saw still fall in.
CONCERN_PATTERNS: tuple[str, ...] = (
    # exhaustion, "at the end of my tether"
    r"\b(?:j en|jen|je n en|j n en|n en|en) (?:peux|peu|peut|pe) (?:plus|plu|pu|pus)\b|\bjpp\b",
    r"\bau bout du rouleau|\b(?:suis|etre|sommes) a bout\b|\ba bout de (?:force|nerfs|souffle)"
    r"|\bje craque\b|\bvais craquer|\bcraquer nerveusement|\bburn ?out\b|\bepuise\w*|\bextenue\w*"
    r"|\b(?:plus|pas|aucune?) (?:la |de )?(?:force|courage|energie|espoir)\b"
    r"|\bfatigue\w* de (?:tout|vivre|la vie|lutter|me battre|me bagarrer)|\bmarre de (?:tout|la vie|cette vie|vivre)\b",
    # despair, hopelessness
    r"\bdesesp\w*|\bsans espoir|\bplus d espoir|\bdetresse\b|\bsans issue|\b(?:plus|aucune|pas) d issue"
    r"|\b(?:plus|aucune|pas) de solution|\bje vois (?:pas|plus) (?:le bout|d issue|de solution|comment m en sortir)"
    r"|\b(?:j ai|on a|nous avons) tout perdu|\bma vie est (?:finie|foutue|fichue|detruite|ruinee|un enfer)"
    r"|\bc est (?:foutu|fichu)\b|\bje suis (?:foutu|foutue|fichu|fichue|fini|finie)\b|\bje coule\b|\bje sombre\b"
    r"|\btout s ecroule|\bje lache tout|\bj abandonne\b|\ba quoi bon\b|\bidees noires|\bbroie du noir"
    r"|\bmal dans ma peau|\bmal a vivre|\bmal etre\b|\bdeprim\w*|\bdepression\b|\bangoiss\w*|\bcrise d angoisse"
    r"|\bje pleure\b|\ben larmes\b|\bpleure tout le temps|\bsouffre\w* trop|\bje souffre\b|\bplus envie de rien"
    r"|\benvie de rien\b|\bje sers a rien|\bsert a rien de (?:continuer|vivre|lutter)|\b(?:suis|sens) (?:de trop|inutile)\b"
    r"|\bj arrete tout\b|\btout arreter\b|\bque tout s arrete|\bque ca s arrete\b|\bdisparaitre\b|\bpartir loin de tout"
    r"|\bmourir\b|\bla mort\b|\bcrever\b|\ben finir\b|\bplus la force",
    # fear, danger unspoken
    r"\bj ai (?:tres |trop |tellement |vraiment |super )?peur\b|\bpeur (?:pour ma vie|pour mes enfants|de lui|de rentrer"
    r"|de mourir|de tout perdre|de finir a la rue|de me retrouver (?:a la rue|dehors|seule?)|de l avenir|tout le temps)"
    r"|\bterrorise\w*|\bpanique\w*|\bau secours\b|\bsos\b|\ba l aide(?: svp| s il vous plait| aidez| je|$)|\bil me fait peur|\bil m insulte"
    r"|\bhumili\w*|\bharcel\w*|\bme rabaisse|\bcontrole (?:tout|mon argent|mon telephone)",
    # alone, no one
    r"\b(?:me sens|je suis|suis|je vis|je reste) (?:toute? |tres |si |trop |vraiment )?seule?\b|\bseule? au monde\b"
    r"|\bpersonne (?:pour|pour m|ne peut|peut) (?:m aider|aider|m ecouter|me comprendre)|\bpersonne (?:ne )?m (?:aide|ecoute)"
    r"|\bpersonne a qui parler|\b(?:j ai|je n ai|n ai|jai) plus personne\b|\bisole\w*|\babandonne\w* de tous|\bpersonne ne me croit",
    # hunger, cold, no roof, no heating
    r"\b(?:j ai|on a|ils ont|elle a|il a|nous avons) (?:tres |trop )?(?:faim|froid)\b|\bcrever de faim|\bpas mange depuis"
    r"|\bplus mange depuis|\bsans manger\b|\b(?:rien|plus rien|pas) (?:a|de quoi) manger|\bfrigo (?:est )?vide"
    r"|\bplus de (?:chauffage|gaz|electricite|courant|lumiere)\b|\bsans chauffage|\bcoupure (?:d electricite|de courant)"
    r"|\bexpuls\w*|\bexpulsion|\ba la rue\b|\bdans la rue\b|\bsquat\w*|\bpas de toit|\bsans logement|\bheberge\w* (?:chez|par)"
    r"|\b115\b|\bdormir dehors|\bdors dehors|\bnulle? part ou"
    r"|\b(?:je suis|je me retrouve|on est|on se retrouve|nous sommes|je reste|on reste) dehors\b",
    # a body that hurts, out of the blue
    r"\bme sens (?:tres |vraiment |trop |pas )?(?:mal|pas bien|faible|bizarre)\b|\bje vais (?:m )?evanouir"
    r"|\bj ai (?:tres |trop |vraiment )?mal\b|\bdouleur\w* (?:forte|fortes|horrible\w*|atroce\w*|insupportable\w*)"
    r"|\bje saigne\b|\bvomi\w*|\bvertige\w*|\bla tete qui tourne|\bfievre\b|\bje tremble\b|\bessouffl\w*",
    # English
    r"\bcan ?t (?:take (?:it|this) any ?more|cope|go on)|\bcannot (?:cope|go on)|\bhopeless|\bno hope\b|\bexhausted"
    r"|\bend of my rope|\bwits end|\bgiv(?:e|ing) up\b|\bi m scared|\bim scared|\bi am scared|\bafraid (?:of|for|to)\b|\bterrified"
    r"|\ball alone\b|\bso alone\b|\bno one to (?:help|talk)|\bnobody (?:to help|cares|helps|listens)|\bhungry\b|\bno food"
    r"|\bstarving|\bfreezing\b|\bdesperate|\bdepressed|\bbreaking down|\bfalling apart|\boverwhelmed|\bdon t feel well"
    r"|\bfeel (?:very |really )?(?:sick|unwell|dizzy|faint)|\bin pain\b|\bevict\w*",
    # Arabic
    r"تعبت|ما عاد فيني|ما بقيت قادر|ما بقدر كمل|يائس|يأس|ما عندي امل|لا امل|خايف|خايفه|اخاف|وحدي|لوحدي|ما حدا"
    r"|مريض كثير|مريضه كثير|مريض جدا|مريضه جدا|ما عندي حدا|جوعان|جوعانه|جوعانين|بردان|بردانه|مكتئب|اكتئاب|ما عندي اكل|حزين|حزينه|تعبانه|تعبان",
)
