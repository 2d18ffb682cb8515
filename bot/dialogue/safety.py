"""Distress detection: the first thing run on every message, in every state.

A missed distress message is the worst failure Relais can have, so the patterns favour recall:
a false alarm costs a mediator a minute, a miss can cost a life. Patterns run on the normalised
text (no accents, lower case, SMS spelling expanded), in French, English and Arabic, and cover
indirect phrasings ("je veux plus etre la"), not only the words "suicide" or "violence".
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

try:
    import re2  # type: ignore[import-untyped]  # google-re2 ships no type hints
except ImportError:  # pragma: no cover - the re implementation answers alone
    re2 = None

from bot.dialogue.matching import expand_split, normalise


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

_PATTERNS: dict[Distress, tuple[str, ...]] = {
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

_RULES: dict[Distress, tuple[tuple[str, ...], ...]] = {
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

# Idioms that look like distress but are not: removed before matching.
_BENIGN_PATTERNS: tuple[str, ...] = (
    r"\btuer le temps\b",
    r"\bcrever l abces\b|\btout (?:le temps|de suite|a l heure)\b",
    # things, not people, "will kill me": "ce mot de passe va me tuer"
    r"\b(?:ce|cette|ces|cet|le|la|les|mon|ma|mes|l) (?:mot de passe|site|dossier|appli|application|ordi"
    r"|ordinateur|telephone|portable|formulaire|papier|papiers|demarche|demarches|administration|code"
    r"|compte|attente|bureaucratie|paperasse|declaration|connexion|bug|boulot|travail|rdv|queue)"
    r"(?: \w+){0,2} (?:va|vont|veut|vais|allait|finira par|finit par) me (?:tuer|rendre fou|rendre folle|achever)\b",
    # "menacé de poursuites / de couper mes droits": an administrative threat
    r"\bmenac\w* (?:de|d) (?:poursuites|couper|suspendre|supprimer|bloquer|fermer|radi\w*|saisie|amende"
    r"|sanction\w*|penalit\w*|majoration|redressement|recouvrement|proces|plainte)\b",
    r"\b(?:ce|cette|ca|cet|le|la|les|ces) (?:\w+ ){0,2}me tue(?:nt)?\b",
    r"\b(?:mort|morte|mourir|meurs|meurt) de rire\b|\bmdr\b|\bptdr\b|\bmdrr+\b",
    r"\ba la rue niveau\b",
    r"\ben finir avec (?:ce|cette|ces|cet|le|la|les|mon|ma|mes|l|son|sa) (?!vie\b)\w+",
    r"\bcrever (?:un|le|mon|ma) (?:pneu|roue)\b",
    r"\bme tape sur les nerfs\b|\bm a tape dans l oeil\b",
    r"\bfrapper a (?:quelle|la bonne|une) porte\b",
    r"\b(?:telephone|portable|batterie|ordi|ordinateur|mot de passe|compte|carte) (?:est )?mort\b",
    r"\b(?:this|that|the|it|it s|its) (?:\w+ ){0,2}(?:is |s )?killing me\b",
    # an institution "will kill me", a boss "will kill me if I don't bring the paper"
    r"\b(?:les impots|impots|la caf|caf|l ants|ants|ameli|la secu|france travail|pole emploi"
    r"|l administration|les papiers|ce dossier|mon dossier|cette demarche|ces demarches|la banque"
    r"|le proprio|mon proprio) (?:\w+ ){0,2}(?:va|vont|veut|veulent|vais|allait) me tuer\b",
    r"\b(?:mon patron|ma patronne|mon chef|ma cheffe|mon boss|ma boss|mon employeur) (?:va|veut|allait) me tuer si\b",
    # "toucher" an allowance is receiving money, not touching a child
    r"\b(?:je|j|nous|vous|tu) (?:(?:ne|n|ai|a|avons|avez|pas|plus|rien|jamais|toujours|encore) ){0,3}touche\w*\b",
    r"\btouche\w* (?:plus |pas |toujours |jamais |encore |que |seulement |aussi )?(?:rien|combien|le rsa"
    r"|l apl|les apl|la prime|la caf|les alloc\w*|mon rsa|mon apl|ma prime|mes alloc\w*|des alloc\w*"
    r"|d alloc\w*|le chomage|l are|ma retraite|ma pension|mon salaire|d argent|de l argent|\d+)\b",
    # "si je serai encore là au rendez-vous": an appointment, not a farewell
    r"\bencore la (?:au|a l|a la|pour le|pour la|pour mon|pour ma) (?:rdv|rendez vous|entretien"
    r"|convocation|date|guichet|accueil|mairie)\b",
    # Arabic "dying of tiredness / laughter / boredom"
    r"(?:اموت|نموت|ميت|ميته) من (?:التعب|الضحك|الملل|الجوع)",
)
_BENIGN = re.compile("|".join(_BENIGN_PATTERNS))
# the same idioms for RE2, lookaheads dropped: it may match more, never less (a prefilter)


@lru_cache(maxsize=512)
def _without_idioms(text: str) -> str:
    """The text with benign idioms blanked. Cached: ``detect`` and ``concern`` both ask for
    the same message in turn. Most messages hold no idiom: an RE2 pass over a superset of the
    patterns (RE2 has no lookahead) says so in a few µs before the slower ``re`` substitution."""
    if _BENIGN_PREFILTER.search(text) is False:
        return text
    return _BENIGN.sub(" ", text)

def _fold(pattern: str) -> str:
    """Write patterns as people write; match them as ``normalise`` leaves the text (Arabic
    hamza seats and diacritics removed, ta marbuta and alif maqsura folded)."""
    decomposed = unicodedata.normalize("NFD", pattern)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return kept.translate(str.maketrans("ةى", "هي"))


# Every pattern is a numbered part: ids 0-4 are the phrase lists of the categories (one
# alternation each), the next ones the distinct parts of the co-occurrence rules. Detection is
# "which parts match this text", then set arithmetic; two implementations answer the question.
_PHRASE_IDS: tuple[tuple[Distress, int], ...] = tuple(
    (cat, i) for i, cat in enumerate(_PATTERNS)
)
_RULE_SOURCES: tuple[str, ...] = tuple(
    dict.fromkeys(_fold(part) for rules in _RULES.values() for rule in rules for part in rule)
)
_RULE_IDS: tuple[tuple[Distress, tuple[int, ...]], ...] = tuple(
    (cat, tuple(len(_PATTERNS) + _RULE_SOURCES.index(_fold(part)) for part in rule))
    for cat, rules in _RULES.items()
    for rule in rules
)
_RE_PHRASES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(_fold("|".join(f"(?:{p})" for p in pats))) for pats in _PATTERNS.values()
)
_RE_RULE_PARTS: tuple[re.Pattern[str], ...] = tuple(re.compile(p) for p in _RULE_SOURCES)


def matched_parts_re(text: str, *, phrases: bool = True) -> frozenset[int]:
    """The reference implementation: one ``re`` search per part (~70 of them, ~120 µs)."""
    first = len(_PATTERNS)
    found = {i for i, p in enumerate(_RE_PHRASES) if p.search(text)} if phrases else set()
    found.update(first + i for i, p in enumerate(_RE_RULE_PARTS) if p.search(text))
    return frozenset(found)


class _Scanner:
    """Every part in one RE2 set: a single automaton pass over the text (~1-7 µs).

    Only for ASCII text: RE2's ``\\b``, ``\\w`` and ``\\d`` are ASCII-only, so they agree
    with Python's exactly there. Anything else (Arabic, a missing wheel, a pattern RE2 cannot
    compile, any error) goes to ``re``. Compiled on first use; RE2 sets are thread-safe.
    (Hyperscan was tried first: it silently missed an idiom pattern on one message, so an
    engine with a record of fuzzing and wide use was preferred for a safety path.)
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._set: Any = None
        self._ids: tuple[int, ...] = ()
        self._failed = re2 is None

    def _compiled(self) -> Any:
        with self._lock:
            if self._set is None and not self._failed:
                try:
                    options = re2.Options()
                    options.max_mem = 64 << 20  # room for the automaton: it must never give up
                    compiled = re2.Set.SearchSet(options)
                    ids: list[int] = []
                    for pid, pats in enumerate(_PATTERNS.values()):
                        for pattern in pats:
                            compiled.Add(_fold(pattern))
                            ids.append(pid)
                    for i, pattern in enumerate(_RULE_SOURCES):
                        compiled.Add(pattern)
                        ids.append(len(_PATTERNS) + i)
                    compiled.Compile()
                    self._ids = tuple(ids)
                    self._set = compiled
                except Exception:  # any failure means: use re
                    self._failed = True
            return self._set

    def parts(self, text: str, *, phrases: bool = True) -> frozenset[int] | None:
        """The matched parts, or None when this text or this machine is not for RE2."""
        if self._failed or not text.isascii():
            return None
        compiled = self._set if self._set is not None else self._compiled()
        if compiled is None:
            return None
        try:
            hits = compiled.Match(text) or ()
        except Exception:  # an error must never cost a detection
            return None
        ids = self._ids
        found = {ids[i] for i in hits}
        if not phrases:
            found.difference_update(range(len(_PATTERNS)))
        return frozenset(found)


_SCANNER = _Scanner()


def matched_parts(text: str, *, phrases: bool = True) -> frozenset[int]:
    """The ids of the parts found in a normalised text (phrase ids only if ``phrases``)."""
    found = _SCANNER.parts(text, phrases=phrases)
    return matched_parts_re(text, phrases=phrases) if found is None else found


# each rule filed under each of its parts: a text only wakes the rules of the parts it matched
_RULES_BY_PART: dict[int, tuple[tuple[Distress, frozenset[int]], ...]] = {
    pid: tuple((cat, frozenset(ids)) for cat, ids in _RULE_IDS if pid in ids)
    for pid in {i for _, ids in _RULE_IDS for i in ids}
}


def categories(parts: frozenset[int], *, phrases: bool = True) -> set[Distress]:
    """Phrase lists and rules (all their parts present) that the matched parts satisfy."""
    found = {cat for cat, pid in _PHRASE_IDS if pid in parts} if phrases else set()
    for pid in parts:
        for cat, needed in _RULES_BY_PART.get(pid, ()):
            if cat not in found and needed <= parts:
                found.add(cat)
    return found


# Categories ordered by how urgent the first answer must be.
# A child involved: the child line (119) comes before the general violence lines.
_ORDER = (Distress.SUICIDE, Distress.MEDICAL, Distress.CHILD, Distress.VIOLENCE, Distress.SHELTER)


@dataclass(frozen=True, slots=True)
class Alert:
    categories: tuple[Distress, ...]

    @property
    def main(self) -> Distress:
        return self.categories[0]


# A son or daughter who hits the parent writing ("mon fils me tape et me vole"): the person
# hurt is the adult, so the violence lines come first, not the child protection line (119).
_CHILD_HITS_PARENT = re.compile(
    r"\b(?:mon|ma|mes|notre|nos) (?:grand |beau |belle |petit |petite )?(?:fils|filles?|enfants?|ado|gamins?)"
    r"(?= (?:\w+ )?(?:me|m|nous)(?: a| ont)? (?:frapp|tap|bat\b|batt|cogn|insult|menac|vol|pouss|gifl"
    r"|brutalis|maltrait|rack|agress|etrangl)\w*)"
)


def _found(base: str) -> set[Distress]:
    clean = _without_idioms(base)
    # phrase patterns are written for both spellings; co-occurrence rules also see SMS expanded
    found = categories(matched_parts(clean))
    expanded = " ".join(expand_split(base.split()))
    if expanded != base:
        other = _without_idioms(expanded)
        if other != clean:
            found |= categories(matched_parts(other, phrases=False), phrases=False)
    return found


def detect(text: str) -> Alert | None:
    """The distress categories a message shows, most urgent first, or None."""
    base = normalise(text)
    if not base:
        return None
    found = _found(base)
    if Distress.CHILD in found and _CHILD_HITS_PARENT.search(base):
        # the child stays a category only if a child is hurt too, once the aggressor is "il"
        again = _found(_CHILD_HITS_PARENT.sub("il", base))
        if Distress.CHILD not in again:
            found = (found - {Distress.CHILD}) | {Distress.VIOLENCE}
    if not found:
        return None
    return Alert(tuple(c for c in _ORDER if c in found))


# --------------------------------------------------------------------------- second tier

# Weak signals: despair, exhaustion, fear, loneliness, hunger, cold, a body that hurts. Not
# clear enough to wake a mediator in priority, too heavy to answer with a procedure alone:
# the engine answers gently first (numbers, a person on offer), then the procedure. Favours
# recall like ``detect``: a needless kind word costs a line, a missed one can cost more.
# Written as lexical families, not sentences, so that phrasings nobody saw still fall in.
_CONCERN_PATTERNS: tuple[str, ...] = (
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
_CONCERN_SOURCE = _fold("|".join(f"(?:{p})" for p in _CONCERN_PATTERNS))
_CONCERN_RE = re.compile(_CONCERN_SOURCE)


class _RE2Pattern:
    """One pattern in RE2 for ASCII text (one linear pass), ``re`` for the rest or on any
    failure, as ``_Scanner``: a match must never be lost to an engine's quirk.
    ``search`` answers None when the caller must ask ``re``."""

    def __init__(self, source: str, max_mem: int = 16 << 20) -> None:
        self._source = source
        self._max_mem = max_mem
        self._lock = threading.Lock()
        self._compiled: Any = None
        self._failed = re2 is None

    def search(self, text: str) -> bool | None:
        if self._failed or not text.isascii():
            return None
        if self._compiled is None:
            with self._lock:
                if self._compiled is None and not self._failed:
                    try:
                        options = re2.Options()
                        options.max_mem = self._max_mem
                        self._compiled = re2.compile(self._source, options)
                    except Exception:  # any failure means: use re
                        self._failed = True
                        return None
        try:
            return self._compiled.search(text) is not None
        except Exception:  # an error must never cost a match
            return None


_CONCERN_SCANNER = _RE2Pattern(_CONCERN_SOURCE)
_BENIGN_PREFILTER = _RE2Pattern(
    "|".join(re.sub(r"\(\?!vie\\b\)", "", p) for p in _BENIGN_PATTERNS), max_mem=32 << 20
)


def concern_re(text: str) -> bool:
    """The reference implementation of the concern match on a normalised text."""
    return _CONCERN_RE.search(text) is not None


def _concern_in(text: str) -> bool:
    found = _CONCERN_SCANNER.search(text)
    return concern_re(text) if found is None else found


def concern(text: str) -> bool:
    """A weak sign of distress ("je n'en peux plus", "j'ai faim", "personne pour m'aider"):
    not an alarm, but the person should first be answered as a person. Idioms that ``detect``
    sets aside ("mort de rire", "ce site me tue") are set aside here too."""
    base = normalise(text)
    if not base:
        return False
    if _concern_in(_without_idioms(base)):
        return True
    expanded = " ".join(expand_split(base.split()))
    return expanded != base and _concern_in(_without_idioms(expanded))
