"""Co-occurrence rules: a category is raised when every part of one of its rules appears
somewhere in the message, for the indirect phrasings no phrase list foresees.

Data, not logic; the scan that applies them is in ``scan.py``.
"""

from __future__ import annotations

from bot.dialogue.safety.categories import Distress

# Co-occurrence rules: every part must appear somewhere in the message. They catch indirect
# phrasings that no single phrase list foresees ("il est devant ma porte ... j'ai peur").
_FEAR = r"\b(?:peur|peure|effraye|terrifie|au secours|a l aide|aidez moi|aide moi|sos|scared|afraid|terrified|help me|خايف|خايفه|اخاف|خوف|ساعدوني)"
_SOMEONE = r"\b(?:il|ils|elle|on|quelqu un|un homme|un mec|un type|mon mari|mon conjoint|mon copain|mon ex|he|she|someone|a man|they|him|هو|زوجي|شخص|رجل)\b"
_THREAT = r"\b(?:tape fort|casse|cassent|couteau|couteaux|arme|armes|pistolet|bagarre|me suit|nous suit|devant (?:ma|la|chez) (?:porte|moi)|defonce|enfonce|bleus|coups|frappe|cogne|hurle|crie|sang|knife|gun|weapon|outside my door|following me|breaking|bruises|كسر|سكين|يتبعني|يضرب)"
_ME_HIT = r"\b(?:me|m a|m ont|me fait|se fait|nous|me fais|te|le|la)\s(?:\w+\s){0,2}?(?:frapp|tap|bat\b|batt|cogn|etrangl|menac|viol|agress|enferm|forc|tabass|brutalis|gifl|pousse)\w*"
_CHILD_WORD = (
    r"\b(?:enfant|enfants|gosse|gosses|gamin|gamins|gamine|fils|fille|bebe|bb|(?:le|mon|son|un|ce|du|au|les|mes|ses) petits?"
    r"|petit frere|petite soeur|neveu|niece|ado|mineur|mineure|nourrisson|eleve|cousin|cousine"
    r"|kid|kids|child|children|son|daughter|baby|little brother|little sister|12 year|year old)"
    r"|(?:طفل|اطفال|الاطفال|ابني|ابنتي|بنتي|ولدي|اطفاله|اختي الصغيره|اخي الصغير)"
)
_CHILD_HARM = (
    r"\b(?:frapp\w*|tape|tapent|tapait|bat|battu|battue|maltrait\w*|touche|touchait|attouch\w*"
    r"|abus\w*|viol\w*|danger|seuls|seules|tout seul|toute seule|seule? (?:a la maison|dehors|chez)|fugu\w*|disparu|disparue|enferme\w*"
    r"|secoue\w*|crie|pleure dehors|marques|bleus|photos|photo nue|choses bizarres|fait des choses"
    r"|sans manger|parti avec|partie avec|fasse du mal|faire du mal|dehors la nuit|dort dehors"
    r"|met dehors|hits?|hitting|beats?|beating|touch\w*|abus\w*|alone|ran away|missing|pictures"
    r"|photos|hurt\w*|bruises|no food)|(?:يضرب|ضرب|تعنيف|يلمس|وحدهم|وحده|خطر|صور|لم يعد|يحبسني|بدون اكل)"
)
_MINOR = (
    r"\b(?:j ai|jai|i m|im|i am|age de|agee de) (?:[5-9]|1[0-7])\b|\b(?:[5-9]|1[0-7]) (?:ans|years? old)\b"
    r"|\bmineur|\bmineure|\b(?:au|en) (?:college|lycee|primaire|cm1|cm2|6e|6eme|5e|5eme|4e|4eme|3e|3eme)\b"
    r"|\bin (?:middle|high|primary) school\b|عمره|عمرها"
)
_NIGHT = r"\b(?:ce soir|cette nuit|la nuit|il fait nuit|hier soir|tonight|at night|tout a l heure|الليله|الليل|هاد الليله)"
_NOPLACE = (
    r"\b(?:dehors|la rue|pas ou aller|nul part|nulle part|aucun endroit|pas d endroit"
    r"|dans (?:la|ma|une|sa) voiture|squat|foyer|personne (?:peut|ne peut) me (?:prendre|loger|heberger)|ou dormir"
    r"|dormir|dors|rentrer chez moi|serrure|outside|street|streets|shelter|nowhere|in (?:my|the) car"
    r"|نبات|انام|نام|الشارع|سيارتي)"
)

RULES: dict[Distress, tuple[tuple[str, ...], ...]] = {
    Distress.SUICIDE: (
        (r"\b(?:mourir|mourrir|crever|pendre|corde|scarif\w*|me mutile)\b",),
        (r"\b(?:serai|serais|suis|etre|soit) (?:plus|pu|plu) (?:la|de ce monde|en vie)\b",),
        (r"\bplus de ce monde|\bdernier message|\bmessage d adieu|\badieu\b|\bgoodbye message|\bmy goodbye",),
        (r"\b(?:que je disparaisse|disparaitre pour toujours|envie de disparaitre|veux disparaitre)",),
        (r"\b(?:jamais (?:me|se|m) reveiller|plus (?:me|se|m) reveiller|jamais (?:me|se) reveille|never wake up|not wake up again)",),
        # "je préfère partir que continuer comme ça": leaving rather than living on
        (r"\b(?:prefere|preferes|prefererais|prefererai|mieux vaut|plutot) (?:partir|m en aller|ne plus etre|plus etre|dormir pour)",
         r"\b(?:continuer|vivre|comme ca|souffrir|supporter|subir|tout ca)\b"),
        # farewell euphemisms: "là où je vais, je n'aurai plus besoin de ..."
        (r"\bla ou je (?:vais|pars|serai)\b", r"\b(?:plus besoin|aucun besoin|plus la peine)\b"),
        (r"\b(?:poids pour|fardeau pour|burden)",),
        (r"\b(?:pour de bon|plus de solution|aucune solution a part|no way out)",
         r"\b(?:partir|mourir|finir|en finir|solution|disparaitre|vie)"),
        (r"\b(?:(?:tous|toutes?) (?:mes|les|la) (?:boites?|cachets|comprimes|medicaments|medocs|pilules)"
         r"|pills saved|take them all|whole box|toute la boite)",),
        (r"\b(?:j en peux plus|jpp|en peux plus|n en peux plus|can t go on|cant go on|cannot go on)",
         r"\b(?:vie|vivre|tout|end|life|living|rien)\b"),
        (r"\b(?:point of|reason for) living|\bending my life|\bend my life|\bkill (?:herself|himself|themselves)"
         r"|\bse (?:suicider|tuer)|\bit all to end|\bwant to disappear|\bdon t want to exist",),
        (r"اموت|نموت|موت|انتحر|انتحار|اقتل نفسي|انهاء حياتي|انهي حياتي|علاش نعيش|ان اعيش|العيش",),
        (r"\blettre pour mes enfants|\bau cas ou je (?:serai|serais) plus",),
        # "ce soir c'est fini", "tout est fini pour moi"
        (r"\b(?:c est fini|tout est fini|c est la fin|c est termine)\b",
         r"\b(?:ce soir|cette nuit|pour moi|adieu|demain matin|merci pour tout)\b"),
        # stopping everything, said as a goodbye: "je vais tout arrêter, merci pour tout"
        (r"\b(?:tout arreter|j arrete tout|tout stopper|tout lacher|je lache tout|en terminer)\b",
         r"\b(?:adieu|merci pour tout|pardon pour tout|pour de bon|definitivement"
         r"|prenez soin (?:de vous|d eux|d elle|de lui|de mes)|dites (?:leur|lui) que je (?:les|l) aime)\b"),
    ),
    Distress.VIOLENCE: (
        (_ME_HIT,),
        (r"\b(?:is|are|keeps|keep|was|been) (?:following|threatening|hitting|beating|hurting|stalking|attacking) (?:me|us)\b",),
        (_FEAR, _THREAT),
        (_FEAR, r"\b(?:il|elle|he|she|mon mari|mon ex|quelqu un|someone)\b",
         r"\b(?:porte|door|suit|follow\w*|la|here|outside|dehors|rentrer|home|maison|en bas de chez moi"
         r"|devant chez moi|m attend|me guette|me surveille|rode|me harcel\w*|waiting for me|watching me)\b"),
        (r"\b(?:bleus|coups|bruises|marques)\b", _SOMEONE),
        (r"\b(?:peux|peut|pe|pas pu|can t|cant|cannot) (?:pas |plus )?(?:parler|talk|speak)",
         r"\b(?:il|elle|he|she)\b.*\b(?:cote|la|next to|here|listening|ecoute)\b"),
        (r"\b(?:force a|me force|forcee|choses que je veux pas|forces me|forced me)",),
        (r"\b(?:couteau|couteaux|arme|armes|knife|knives|gun)\b",
         r"\b(?:menace|menacer|ils ont|il a|threat\w*|has a|have)\b"),
        (r"\b(?:bagarre|fight|tout casser|casse tout|breaking everything)\b",
         r"\b(?:chez moi|devant|au secours|ils ont|appart|maison|home)\b"),
        (r"\b(?:avec|a) (?:un|son|une|des) (?:couteau|couteaux|arme|armes|pistolet|fusil)\b|\bwith a (?:knife|gun)\b",
         _SOMEONE),
        (r"\b(?:locks? me|enferme|takes my phone|prend mon telephone|confisque)\b", _SOMEONE),
        (r"\b(?:renvoie au pays|papiers|passeport)\b.*\b(?:frappe|tape|bat|menace)",),
        (r"يضرب|ضربني|يهدد|اغتصب|كيضربني|يتبعني|في خطر|كسر الباب",),
    ),
    Distress.CHILD: (
        (_CHILD_WORD, _CHILD_HARM),
        (_MINOR, r"\b(?:touche|tape|tapent|frappe|frappent|bat|dehors|peur|touches|hits|hit|beats|hurts?|hurting|rentrer|violent|crie|abus\w*)|يضرب|يلمس|لم يعد"),
        (r"\b(?:enfant|child) en danger|\bmaltraitance|\binceste|\bpedo|\battouchement",),
        (r"\b(?:de|d)\s?\d{1,2} ans\b", r"\b(?:homme|un mec|adulte|photos|tombe|fenetre|internet)\b"),
        (r"يلمس|اطفاله|وحدهم|طفل صغير وحده|صورا من ابنتي|صور من ابنتي",),
        # a stranger following a child ("un homme le suit", "a man is following my son")
        (_CHILD_WORD,
         r"\b(?:un homme|un mec|un type|un adulte|un inconnu|une inconnue|quelqu un|a man"
         r"|someone|a stranger|an adult) (?:(?:le|la|les|l) (?:suit|suivait|suivent|a suivi)"
         r"|(?:suit|suivait|suivent|(?:is |was |keeps )?follow\w*) (?:mon|ma|mes|son|sa|ses"
         r"|notre|nos|un|une|le|la|les|ce|cette|my|his|her|our|a|the) (?:petite? )?(?:enfants?"
         r"|fils|filles?|gamine?s?|bebe|ado|eleve|kids?|child|children|son|daughter|boy|girl)\b)"),
    ),
    Distress.SHELTER: (
        (_NIGHT, _NOPLACE),
        (r"\b(?:expulse|expulsee|expulses|expulsion aujourd|evicted|kicked out|kicks me out|mis dehors"
         r"|mise dehors|mis a la porte|mise a la porte|jete dehors|jetee dehors|me vire|nous a sortis"
         r"|sur le trottoir|a la rue|on the street|on the streets|sans abri|sans abris|sdf|homeless"
         r"|sans domicile|kicked me out|threw me out|no where to|nowhere to|nulle part ou|nul part ou|pas ou dormir|pas ou aller"
         r"|pas d endroit|aucun endroit ou|no place to|shelter is full|foyer est plein|pas maison"
         r"|sleeping rough|sleep rough|dormir dehors|dors dehors|dort dehors|ماوي|مشرد|طردوني|نايم في الشارع)",),
        (r"\b(?:dor\w*|couche|passe\w* la nuit|nuit|nuits|sleep\w*)\b",
         r"\b(?:rue|voiture|parc|gare|escalier|squat|tente|pont|car|street|park|station|outside|dehors|سيارتي|الشارع)\b"),
        (r"انام|نام|نبات", r"الليله|سيارتي|الشارع|مكان"),
        # locked out of one's home: the locks changed, belongings inside, the person outside
        (r"\b(?:chang\w* (?:les|la|mes|ma) (?:serrures?|verrous?|barillets?|cles)|locked me out|changed the locks"
         r"|(?:proprio|proprietaire|bailleur|landlord) (?:\w+ ){0,3}(?:vire\w*|jete\w*|sorti\w*|mis\w* dehors|kicked))",
         r"\b(?:dehors|la rue|dormir|dors|enfants|ce soir|cette nuit|outside|tonight|street)\b"),
        # a squat or a makeshift roof about to be lost
        (r"\b(?:squat|squatte|bidonville|campement|tente|cabane|caravane)\b",
         r"\b(?:vire\w*|expuls\w*|evacu\w*|dehors|demain|ce soir|enfants|petits|bebe|detrui\w*)\b"),
        # no food left for the children: the household has nothing
        (r"\b(?:(?:rien|plus rien|pas|plus) (?:a|de quoi|d quoi) manger|(?:ont|a|avons|on a) faim|frigo (?:est )?vide"
         r"|no food|nothing to eat|hungry|starving)\b"
         r"|(?:ما عندي|ما عندنا|لا يوجد|ما في) (?:اكل|طعام)|جوعانين|جوعان",
         r"\b(?:enfants|petits|gosses|bebe|bb|gamins|fils|fille|kids|children|baby|dormir|dehors|rue|chauffage"
         r"|electricite|expuls\w*|coupe|logement)\b|اطفال|ولادي|اولادي|النوم|الشارع"
         r"|\bdepuis (?:\d+|deux|trois|quatre|plusieurs|des|quelques) (?:jours|jour|semaines?)\b|\bdepuis (?:hier|avant hier)\b"
         r"|\bfor (?:\d+|two|three|several|many) days\b|\bsince yesterday\b"),
    ),
    Distress.MEDICAL: (
        (r"\b(?:respir\w*|breath\w*)\b", r"\b(?:plus|pu|plu|pas|mal|peux|arrive|can t|cant|cannot|hard|not|stopped)\b"),
        (r"\b(?:etouff\w*|convuls\w*|inconscient\w*|evanou\w*|connaissance|malaise|unconscious|passed out|seizure|choking|chokes)",),
        (r"\b(?:par terre|tombe|tombee|allonge|allongee|fell|on the floor|collapsed)\b",
         r"\b(?:bouge|repond|reagit|respire|parle|reveille|move|moving|respond|breathing)\w*"),
        (r"\b(?:se reveille pas|se reveille plus|wont wake up|won t wake up|not waking)",),
        (r"\b(?:poitrine|thorax|chest|bras gauche)\b", r"\b(?:mal|douleur|serre|pain|hurts|tight)\w*"),
        (r"\b(?:bouche|visage|face|gorge|throat)\b", r"\b(?:travers|gonfle\w*|drooping|swell\w*|paralys\w*)"),
        (r"\b(?:parle bizarrement|dit n importe quoi|cant talk properly|can t talk properly|slurr\w*)",),
        (r"\b(?:avale|swallowed|bu de la javel|eau de javel|javel|overdose|overdos\w*|trop de drogue"
         r"|too much drugs?|took too much|toute la boite|whole box|boite de (?:doliprane|medicaments|cachets))",),
        (r"\b(?:saign\w*|perds? (?:beaucoup )?(?:de |du )sang|bleeding|blood)\b",
         r"\b(?:beaucoup|arrete pas|enceinte|lot|heavily|won t stop|wont stop|partout|fort)\b"),
        (r"\b(?:brul\w*|burn\w*)\b", r"\b(?:huile|cloque\w*|grave|bouillante|blister\w*|badly)\b"),
        (r"\b(?:devient (?:tout )?bleu|turning blue|tout blanc|tout blanche)",),
        # a feverish baby gone floppy; "j'ai pris trop de cachets"
        (r"\b(?:fievre|fever|temperature)\b", r"\b(?:4[0-2]|mou|molle|floppy|limp|convuls\w*|reagit|taches)\b"),
        (r"\b(?:tout mou|toute molle|tout molle|floppy)\b", _CHILD_WORD),
        (r"\b(?:pris|prit|avale|bu|took|swallowed|taken) (?:beaucoup |bien )?(?:trop|too many|too much) (?:de |d )?"
         r"(?:cachets|medicaments|medocs|comprimes|pilules|somniferes|doliprane|pills|tablets)\b",),
        # a chronic illness without its treatment, feeling very unwell
        (r"\b(?:diabet\w*|insuline?|insulin|asthm\w*|ventoline|epilep\w*|enceinte|pregnant)\b",
         r"\b(?:me sens|se sent|sens|feel) (?:tres |vraiment |trop |super |really |very )?(?:mal|faible|unwell|sick|bad)\b"
         r"|\b(?:plus|pas|pu) d insuline|\bno insulin|\bvertige|\bje vais tomber"),
        (r"\b(?:douleur|mal) (?:horrible|atroce|insupportable|terrible)|\bdiabeti\w*.*\btremble",),
        (r"\btombe\w* (?:de|du|par) (?:la|le) (?:fenetre|balcon|escalier)",),
        (r"صدري|صدر", r"الم|وجع"),
        # a high fever: "حرارته عالية", "سخونة كثير"
        (r"حرارته|حرارتها|حرارتو|حرارتي|حراره (?:ابني|بنتي|ولدي|الطفل|البيبي)|سخونه|سخن|سخونيه|الحمي", r"عاليه|مرتفعه|كثير|بزاف|كتير|جدا|40|41"),
        (r"فقدت الوعي|فقد الوعي|اغمي|يختنق|اختنق|علبه دواء|فمه مائل|سقط علي الارض|لا يتكلم|ولا ترد|اتنفس|التنفس",),
    ),
}
