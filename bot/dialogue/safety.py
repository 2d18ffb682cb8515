"""Distress detection: the first thing run on every message, in every state.

A missed distress message is the worst failure Relais can have, so the patterns favour recall:
a false alarm costs a mediator a minute, a miss can cost a life. Patterns run on the normalised
text (no accents, lower case, SMS spelling expanded), in French, English and Arabic, and cover
indirect phrasings ("je veux plus etre la"), not only the words "suicide" or "violence".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.dialogue.matching import expand, normalise


class Distress(StrEnum):
    SUICIDE = "suicide"
    VIOLENCE = "violence"
    CHILD = "child"
    SHELTER = "shelter"
    MEDICAL = "medical"


# Building blocks (normalised text: "é" is "e", apostrophes are spaces).
_ME = r"(?:me|m)"
_WANT = r"(?:veux|veut|veu|ve|voudrais|voudrai|voudrait|aimerais|aimerai|ai envie|envie|souhaite|vais|va)"
_NOMORE = r"(?:plus|plu|pu|pus|pa|pas|jamais)"
_PARTNER = (
    r"(?:il|elle|mon mari|mon mec|mon copain|mon conjoint|ma conjointe|ma femme|mon ex|son pere"
    r"|mon pere|ma mere|mon frere|mon fils|mon compagnon|ma compagne|mon beau pere|mon voisin"
    r"|le pere|mon homme|ma copine|lui|mon partenaire)"
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
        rf"\b{_ME} (?:tuer|tue|foutre en l air|fout en l air|supprimer|pendre|jeter sous|jeter du|jeter par)",
        r"\ben finir\b",
        r"\bfinir avec (?:la vie|ma vie|tout)",
        r"\bmettre fin a (?:mes jours|ma vie|tout)",
        r"\b(?:envie|besoin) de mourir",
        rf"\b{_WANT} (?:mourir|mourrir|crever|disparaitre|partir pour toujours|dormir pour toujours)",
        rf"\b{_WANT} {_NOMORE} (?:vivre|etre la|etre en vie|exister|me reveiller|continuer|rien)",
        rf"\b(?:ne|n) {_WANT} {_NOMORE} (?:vivre|etre la|exister)",
        rf"\b{_NOMORE} envie de (?:vivre|continuer|me lever|rien|exister)",
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
        r"\bkill (?:my ?self|myself|me)\b",
        r"\bend (?:my life|it all|everything)",
        r"\b(?:want|wanna|going) to die\b|\bwanna die\b",
        r"\b(?:don t|dont|do not) want to (?:live|be alive|be here|wake up)",
        r"\bno (?:reason|point) (?:to|in) (?:live|living|go on|going on)",
        r"\bbetter off (?:dead|without me)",
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
        r"\bmenace(?:s)? de mort|menace de me tuer|va me tuer|veut me tuer|vont me tuer",
        r"\b(?:peur|peure) de (?:mon mari|mon conjoint|mon copain|mon compagnon|mon ex|lui|rentrer chez moi|rentrer a la maison|ma femme)",
        r"\bil (?:boit|a bu) (?:et|puis) (?:il )?(?:me|m) ",
        r"\b(?:des|les) coups\b.*\b(?:mari|conjoint|copain|compagnon|ex|il|elle)\b|\b(?:mari|conjoint|copain|compagnon)\b.*\bcoups\b",
        r"\bviol\b|\bviolee\b|\bagression sexuelle",
        r"\bon me (?:frappe|bat|menace|suit|harcele)",
        r"\bje suis en danger|\bsuis en danger|\ben danger chez moi|\bje ne suis pas en securite|\bpas en securite chez",
        r"\bil m enferme|\belle m enferme|\bm empeche de sortir",
        # English
        r"\b(?:he|she|husband|boyfriend|partner|wife|dad|father|ex) (?:hits|hit|beats|beat|chokes|choked|hurts|hurt|threatens|threatened|raped|abuses|abused|attacked|kicked) (?:me|my)",
        r"\bdomestic (?:violence|abuse)|\babusive (?:husband|partner|boyfriend|relationship)",
        r"\bthreaten(?:s|ed)? to kill|\bgoing to kill me|\bwill kill me|\bwants to kill me",
        r"\b(?:i was|i ve been|i got|been) (?:raped|beaten|assaulted|attacked)",
        r"\bafraid (?:of|to go) (?:my husband|my partner|him|home)|\bnot safe at home|\bi am in danger|\bi m in danger",
        # Arabic
        r"يضربني|ضربني|بيضربني|تضربني|زوجي يضرب|يعنفني|عنف اسري|عنف منزلي|يهددني|هددني بالقتل|اغتصب|اغتصاب|انا في خطر",
    ),
    Distress.CHILD: (
        rf"\b{_CHILD}\b.*\b(?:frappe|battu|battue|maltraite|maltraitee|maltraitance|abuse|abusee|viole|violee|touche|attouchement|danger|en danger|brule|enferme|enfermee|secoue|disparu|disparue|fugue)",
        rf"\b(?:frappe|bat|maltraite|abuse|viole|secoue|touche) (?:mon|ma|mes|son|sa|ses|le|la|les|un|une) {_CHILD}\b",
        r"\bmaltraitance|\binceste|\bpedophil|\bpedocrimin|\battouchement",
        r"\benfance en danger|\b119\b",
        # English
        r"\bchild abuse|\babused child|\b(?:hurting|hits|hitting|beats|beating|abusing|touching) (?:my|his|her|a|the) (?:child|kid|son|daughter|baby)",
        r"\b(?:child|kid|son|daughter|baby) (?:is|was) (?:in danger|being abused|being hurt|beaten|missing)",
        # Arabic
        r"طفل في خطر|طفلي في خطر|يضرب ابني|يضرب بنتي|يضرب ابنتي|يضرب طفلي|اساءه للاطفال|اعتداء علي طفل|تحرش بطفل",
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
        r"\bmalaise|\binconscient|\bevanoui|\bperdu connaissance|\bperd connaissance|\bne (?:bouge|repond|reagit) (?:plus|pu|pas)",
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

_COMPILED: tuple[tuple[Distress, re.Pattern[str]], ...] = tuple(
    (cat, re.compile("|".join(f"(?:{p})" for p in pats))) for cat, pats in _PATTERNS.items()
)

# Categories ordered by how urgent the first answer must be.
_ORDER = (Distress.SUICIDE, Distress.MEDICAL, Distress.VIOLENCE, Distress.CHILD, Distress.SHELTER)


@dataclass(frozen=True, slots=True)
class Alert:
    categories: tuple[Distress, ...]

    @property
    def main(self) -> Distress:
        return self.categories[0]


def detect(text: str) -> Alert | None:
    """The distress categories a message shows, most urgent first, or None."""
    base = normalise(text)
    if not base:
        return None
    expanded = " ".join(expand(base.split()))
    found = {
        cat
        for cat, pattern in _COMPILED
        if pattern.search(base) or (expanded != base and pattern.search(expanded))
    }
    if not found:
        return None
    return Alert(tuple(c for c in _ORDER if c in found))
