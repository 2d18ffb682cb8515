"""The distress categories, and the phrases that name each one in French, English and Arabic.

Data, not logic: a phrase list per category, written on the normalised text (no accents,
lower case, apostrophes as spaces). One alternation per category; the scan is in ``scan.py``.
"""

from __future__ import annotations

from enum import StrEnum


class Distress(StrEnum):
    SUICIDE = "suicide"
    VIOLENCE = "violence"
    CHILD = "child"
    SHELTER = "shelter"
    MEDICAL = "medical"
    OTHER = "other"  # another danger now: at the door, locked in, forced to work


# Building blocks (normalised text: "é" is "e", apostrophes are spaces).
_ME = r"(?:me|m)"
_WANT = r"(?:veux|veut|veu|ve|voudrais|voudrai|voudrait|aimerais|aimerai|ai envie|envie|souhaite|vais|va)"
_NOMORE = r"(?:plus|plu|pu|pus|pa|pas|jamais)"
_PARTNER = (
    r"(?:il|elle|mon mari|mon mec|mon copain|mon conjoint|ma conjointe|ma femme|mon ex|son pere"
    r"|mon pere|ma mere|mon frere|mon fils|mon compagnon|ma compagne|mon beau pere|mon voisin"
    r"|le pere|mon homme|ma copine|lui|mon partenaire|mon beau frere|mon oncle|mon cousin|mon patron"
    r"|mon chef|mon collegue|mon proprio|mon frere|ma belle mere|mon demi frere|mon ex mari)"
)
_HIT = (
    r"(?:frappe|frapp|frap|bat|battu|battue|bats|tape|tap|cogne|etrangle|etrangl|brutalise|gifle"
    r"|giffle|maltraite|viole|agresse|menace|tabasse|defonce|pousse contre|enferme|brule)"
)
_CHILD = (
    r"(?:enfant|enfants|gosse|gosses|gamin|gamins|gamine|fils|fille|bebe|bb|petit|petite|neveu"
    r"|niece|ado|adolescent|adolescente|mineur|mineure|eleve|child|children|kid|kids|son|daughter"
    r"|baby)"
)

PATTERNS: dict[Distress, tuple[str, ...]] = {
    Distress.SUICIDE: (
        r"suicid",
        r"\bsuicide\b",
        rf"\b{_ME} (?:foutre en l air|fout en l air|fous en l air|fou en l air|foutrai en l air|supprimer|pendre|jeter sous|jeter du|jeter par)",
        # the lexical family of the ways, any person and tense ("je me pends", "me pendrai")
        r"\b(?:je|j|jvais|jveux|vais|veux|envie de|pense a) (?:me|m) (?:pend|pends|pendrai|pendrais|flingu\w*|noie|noyer|noierai|defenestr\w*|suicid\w*|tire une balle|supprime)\b",
        r"\b(?:m ouvrir|me tailler|me couper|m entailler|ouvert|taille|coupe|tailler|couper|ouvrir) (?:les|mes) (?:veines|poignets)",
        r"\b(?:tentative de suicide|fait une ts|fais une ts|fait des ts|tente de me (?:tuer|suicider|foutre))",
        r"\b(?:prefere|preferes|prefererais|prefererai|plutot) (?:mourir|crever|disparaitre|etre mort|etre morte|en finir)",
        r"\bde trop sur (?:cette|la) terre|\bde trop dans ce monde|\bsur cette terre pour rien",
        r"\bcombien de (?:cachets|medicaments|medocs|comprimes|pilules|somniferes|doliprane) (?:il faut|faut il|pour)",
        # "me tuer" only when the person speaks of themselves ("il va me tuer" is violence)
        r"\b(?:je|j|jai|g|jvais|jveux)(?: (?:ai|ais|vais|veux|voudrais|envie|de|d|pense|a|besoin|vraiment|aller|peux|dois|devrais|finir|par|vai|veu)){0,4} (?:me|m) (?:tuer|tue)\b",
        r"\ben finir\b",
        r"\bfinir avec (?:la vie|ma vie|tout)",
        r"\bmettre fin a (?:mes jours|ma vie|tout)",
        r"\b(?:envie|besoin) de mourir",
        rf"\b{_WANT} (?:mourir|mourrir|crever|disparaitre|partir pour toujours|dormir pour toujours)",
        rf"\b{_WANT} {_NOMORE} (?:vivre|etre la|etre en vie|exister|me reveiller|continuer|rien)",
        rf"\b(?:ne|n) {_WANT} {_NOMORE} (?:vivre|etre la|exister)",
        rf"\b{_NOMORE} envie de (?:vivre|continuer|me lever|me reveiller|ouvrir les yeux|rien|exister)",
        # "je vois pas l'intérêt de continuer à vivre", "plus de sens à vivre"
        r"(?:interet|sens|raison|but) (?:de|d|a) (?:continuer (?:a |de )?)?vivre\b",
        r"\bsi je (?:serai|serais|suis|sera) (?:encore|toujours) (?:la|en vie|vivante?)\b",
        r"\b(?:a quoi bon|aucune raison de|plus de raison de|plus aucune raison de) (?:vivre|continuer|rester|me battre)",
        r"\b(?:marre|fatigue|fatiguee|epuise|epuisee|peux plus|en peux plus) de (?:vivre|la vie|cette vie|exister|tout)",
        r"\bla vie (?:n a|na|a) (?:plus|pu|plu) (?:de|aucun) sens",
        r"\bmieux sans moi|\bsans moi (?:ca ira|ce sera) mieux|personne ne (?:me )?regrettera",
        r"\b(?:sauter|me jeter) (?:du|d un|par la|sous un|sous le|dans le) (?:pont|fenetre|train|vide|metro|balcon|immeuble)",
        r"\b(?:avaler|prendre|pris|avale) (?:tous|toutes|toute) (?:mes|les|la) (?:medicaments|medocs|cachets|comprimes|pilules|boite)",
        r"\bplus (?:la force|le courage) de (?:vivre|continuer)",
        r"\bje (?:sers|sert) a rien.*(?:mourir|disparaitre|vivre)",
        r"\bmes dernieres volontes|\bdernier message avant",
        # English
        r"\bkill (?:my ?self|myself)\b",
        r"\bend(?:ing)? (?:my life|it all|everything)",
        r"\b(?:want|wanna|going) to die\b|\bwanna die\b",
        r"\b(?:don t|dont|do not) want to (?:live|be alive|be here|wake up)",
        r"\bno (?:reason|point) (?:to|in) (?:live|living|go on|going on)",
        r"\bbetter off (?:dead|without me)",
        r"\b(?:rather|prefer to) (?:be dead|die)|\bwish i (?:was|were) dead|\bsuicidal|\bcut my (?:wrists|veins)|\bslit my wrists",
        r"\btake my (?:own )?life",
        r"\bhang myself",
        # Arabic (normalised: no diacritics, alef forms unified, ة -> ه, ى -> ي)
        r"انتحار|انتحر|نتحر",
        r"اقتل نفسي|قتل نفسي",
        r"اريد ان اموت|بدي موت|بغيت نموت|نفسي اموت|اتمني الموت|اريد الموت",
        r"انهي حياتي|انهاء حياتي|ما بدي عيش|لا اريد ان اعيش|لا اريد العيش|تعبت من الحياه",
    ),
    Distress.VIOLENCE: (
        rf"\b{_PARTNER} {_ME} (?:a |a deja |les |l )?{_HIT}",
        rf"\b{_PARTNER} (?:me|m) (?:tape|frappe|bat|cogne|fait du mal|fait mal|menace)",
        rf"\b{_PARTNER} (?:a|va|veut|menace de) (?:me tuer|me frapper|me battre|me faire du mal|tuer)",
        rf"\b(?:il|elle|on) {_ME} (?:a )?(?:frappe|frappee|battue|battu|viole|violee|etrangle|etranglee|agresse|agressee)",
        r"\b(?:je suis|j ai ete|jai ete|suis|ete|je me suis fait|je me fais) (?:frappe|frappee|battu|battue|viole|violee|agresse|agressee|tabasse|tabassee|menace|menacee de mort|sequestre|sequestree|enferme|enfermee)",
        r"\bviolence(?:s)? (?:conjugale|conjugales|domestique|domestiques|a la maison|chez moi|sexuelle|sexuelles)",
        r"\b(?:femme|homme) battue?\b",
        r"\bmenace(?:s)? de mort|menace de me tuer|(?:va|veut|vont|allait|allaient|voulait|aller|vais) me tuer",
        r"\b(?:il|elle|ils|on) (?:me|m) (?:tue|tuera|tuerait|tuer|a tue)\b|\b(?:kill|kills|killing) me\b",
        r"\b(?:peur|peure) de (?:mon mari|mon conjoint|mon copain|mon compagnon|mon ex|lui|rentrer chez moi|rentrer a la maison|ma femme)",
        r"\bil (?:boit|a bu) (?:et|puis) (?:il )?(?:me|m) ",
        r"\b(?:des|les) coups\b.*\b(?:mari|conjoint|copain|compagnon|ex|il|elle)\b|\b(?:mari|conjoint|copain|compagnon)\b.*\bcoups\b",
        r"\bviol\b|\bviolee\b|\bagression sexuelle",
        r"\bon me (?:frappe|bat|menace|suit|harcele)",
        # SMS "ma" for "m'a": "mon copain ma etrangler"
        rf"\b(?:il|elle|on|ils|{_PARTNER}) ma (?:encore |deja |a nouveau )?(?:frapp|etrangl|tabass|cogn|viol|agress|battu|gifl|brutalis|etouff|menace de mort)\w*",
        rf"\b{_PARTNER} (?:me|m) (?:touche|touchent|tripote|tripotent|caresse|force|pelote|harcele|agresse|etrangle|etouffe|bouscule|menace)\b",
        r"\b(?:harcelement sexuel|agression|agresse sexuellement|attouchements? sur moi|abus sexuel)",
        r"\bje suis en danger|\bsuis en danger|\ben danger chez moi|\bje ne suis pas en securite|\bpas en securite chez",
        r"\bil m enferme|\belle m enferme|\bm empeche de sortir",
        # English
        r"\b(?:he|she|husband|boyfriend|partner|wife|dad|father|ex|stepdad|stepfather|step dad|mum|mom|mother|brother|uncle) (?:hits|hit|beats|beat|chokes|choked|hurts|hurt|threatens|threatened|raped|abuses|abused|attacked|kicked) (?:me|my)",
        r"\bdomestic (?:violence|abuse)|\babusive (?:husband|partner|boyfriend|relationship)",
        r"\bthreaten(?:s|ed)? to kill|\bgoing to kill me|\bwill kill me|\bwants to kill me",
        r"\b(?:i was|i ve been|i got|been) (?:raped|beaten|assaulted|attacked)",
        r"\bafraid (?:of|to go) (?:my husband|my partner|him|home)|\bnot safe at home|\bi am in danger|\bi m in danger",
        # Arabic
        r"يضربني|ضربني|بيضربني|تضربني|زوجي يضرب|للضرب|تعنيف|يعنفني|عنف اسري|عنف منزلي|يهددني|هددني بالقتل|يتحرش بي|تحرش بي|اغتصب|اغتصاب|انا في خطر",
    ),
    Distress.CHILD: (
        rf"\b{_CHILD}\b.*\b(?:frappe|battu|battue|maltraite|maltraitee|maltraitance|abuse|abusee|viole|violee|touche|attouchement|danger|en danger|brule|enferme|enfermee|secoue|disparu|disparue|fugue)",
        rf"\b(?:frappe|bat|maltraite|abuse|viole|secoue|touche) (?:mon|ma|mes|son|sa|ses|le|la|les|un|une) {_CHILD}\b",
        r"\bmaltraitance|\binceste|\bpedophil|\bpedocrimin|\battouchement",
        r"\benfance en danger|\b119\b",
        rf"\b(?:enleve|enlever|kidnapp\w*|garde|pris|prend|emmene|emmener) (?:mon|ma|mes|notre|nos|le|la|les) {_CHILD}\b.*\b(?:refuse|rendre|au pays|a l etranger|disparu|partir avec|plus le voir)",
        rf"\b{_CHILD}\b.*\b(?:refuse de (?:le|la|les|me le|me la|me les) rendre|enleve|enlevee|kidnapp\w*|partir au pays avec|emmene\w* au pays)",
        # English
        r"\bchild abuse|\babused child|\b(?:hurting|hits|hitting|beats|beating|abusing|touching) (?:my|his|her|a|the) (?:child|kid|son|daughter|baby)",
        r"\b(?:child|kid|son|daughter|baby) (?:is|was) (?:in danger|being abused|being hurt|beaten|missing)",
        # Arabic
        r"تحرش بابني|تحرش ببنتي|تحرش فيه|تحرش فيها|تحرش بيه|تحرش بيها|طفل في خطر|طفلي في خطر|يضرب ابني|يضرب بنتي|يضرب ابنتي|يضرب طفلي|اساءه للاطفال|اعتداء علي طفل|تحرش بطفل",
    ),
    Distress.SHELTER: (
        r"\b(?:dormir|dors|dort|dormi|coucher|passer la nuit) (?:dehors|a la rue|dans la rue|dans (?:ma|la|une|sa) (?:voiture|gare|cage d escalier|tente)|sous un pont|par terre)",
        r"\b(?:nulle part|nul part|pas d endroit|aucun endroit|pas de place|pas de lieu|ou) (?:ou )?(?:dormir|aller dormir|passer la nuit|me loger)",
        r"\bsans (?:abri|abris|domicile|logement|toit)\b",
        r"\bsdf\b|\bje suis a la rue|\bsuis a la rue|\bon est a la rue|\bnous sommes a la rue|\bje me retrouve a la rue|\bdans la rue ce soir|\ba la rue (?:ce soir|avec|depuis|aujourd)",
        r"\b(?:mis|mise|jete|jetee|foutu|foutue|viree|vire|expulse|expulsee|expulses|mis dehors|mise dehors) (?:dehors|a la porte|a la rue|de chez|ce soir|aujourd hui)",
        r"\b(?:pas|plus|aucun) (?:de )?(?:toit|logement|hebergement|endroit) (?:ce soir|cette nuit|pour ce soir|pour cette nuit)",
        r"\bhebergement d urgence|\b115\b|\bsamu social",
        r"\bce soir\b.*\b(?:dehors|dormir|dors|la rue)\b|\b(?:dehors|dormir|la rue)\b.*\bce soir\b",
        r"\bcette nuit\b.*\b(?:dehors|dormir|la rue)\b",
        # English
        r"\bhomeless|\bnowhere to (?:sleep|stay|go)|\bsleep(?:ing)? (?:outside|rough|on the street|in my car|in the car)|\bon the street(?:s)? tonight|\bkicked out|\bno place to (?:sleep|stay)",
        # Arabic
        r"انام في الشارع|نايم في الشارع|في الشارع|بلا ماوي|بدون ماوي|مشرد|ليس لدي مكان|ما عندي وين انام|لا مكان للنوم|طردوني من البيت|طردني",
    ),
    Distress.MEDICAL: (
        r"\b(?:douleur|douleurs|mal) (?:dans |a |au )?(?:la |le )?(?:poitrine|thorax|coeur|thoracique)",
        r"\b(?:arrive|arrives|peux|peut|parviens) (?:pas|plus|pu|plu|pa) a respirer|\b(?:ne |n )?respire (?:plus|pu|plu|pas|mal)\b|\bdu mal a respirer|\betouffe|\bj etouffe",
        r"\bmalaise|\binconscient|\bevanoui|\bperdu connaissance|\bperd connaissance|\b(?:il|elle) (?:ne )?(?:bouge|reagit) (?:plus|pu)",
        r"\bcrise cardiaque|\binfarctus|\bavc\b|\bconvulsion|\bcrise d epilepsie|\bfait une crise",
        r"\bsaigne (?:beaucoup|enormement|fort|trop|partout)|\bhemorragie|\bbeaucoup de sang|\bperd (?:beaucoup de |du )sang",
        r"\boverdose|\bintoxication|\bempoisonn|\bavale (?:des|trop de|plein de|une boite de) (?:medicaments|medocs|cachets|comprimes|produit|javel)",
        r"\b(?:tombe|tombee) et (?:ne|n) (?:bouge|repond|se releve)|\bgrave(?:ment)? blesse|\bgrosse brulure|\bbrule grave",
        r"\b(?:je vais|va|vais) accoucher|\bperdu les eaux|\bcontractions",
        r"\burgence (?:medicale|vitale)|\bappeler (?:le samu|les pompiers|le 15)|\bsamu\b|\bpompiers\b|\bincendie|\bau feu\b|\bfuite de gaz",
        # English
        r"\bchest pain|\bpain in my chest|\b(?:can t|cant|cannot|can not) breathe|\bhard to breathe|\bheart attack|\bstroke\b|\bunconscious|\bpassed out|\bnot breathing|\boverdos|\bbleeding (?:a lot|heavily|badly)|\bseizure|\bmedical emergency|\bcall an ambulance",
        # Arabic
        r"لا استطيع التنفس|ما اقدر اتنفس|مش قادر اتنفس|الم في الصدر|وجع في صدري|نوبه قلبيه|ازمه قلبيه|فاقد الوعي|اغمي عليه|اغمي علي|جرعه زائده|نزيف|اسعاف|حاله طارئه",
    ),
}
