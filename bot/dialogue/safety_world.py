"""Core distress phrases in languages the bot does not serve, so nobody is missed for writing
in their own language: Spanish, Portuguese, Darija and Arabic, Turkish, Romanian, Russian,
Ukrainian, and the Créoles of the Antilles and La Réunion.

Deliberately few and plain (wanting to die, being hit, a child hurt, sleeping outside tonight,
not breathing): the person then gets the emergency numbers in French and in English, and the
ticket says which language they wrote in. Phrases are normalised like messages (no accents, no
case), so one spelling covers the accented and unaccented forms.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.dialogue.matching import normalise
from bot.dialogue.safety import Alert, Distress

S, V, C, H, M, O = (Distress.SUICIDE, Distress.VIOLENCE, Distress.CHILD, Distress.SHELTER,
                    Distress.MEDICAL, Distress.OTHER)

# language code -> category -> phrases (regular expressions over normalised text)
PHRASES: dict[str, dict[Distress, tuple[str, ...]]] = {
    "es": {
        S: ("quiero morir(?:me)?", "no quiero vivir", "me quiero matar", "quitarme la vida",
            "suicid\\w*", "acabar con todo", "no vale la pena vivir", "ya no aguanto mas"),
        V: ("me pega", "me golpea", "me pego", "me maltrata", "me amenaza de muerte",
            "me va a matar", "me quiere matar", "tengo miedo de mi (?:marido|pareja|esposo)"),
        C: ("abusa de (?:mi|la|el) (?:hija|hijo|nina|nino)", "le pega (?:a su|al) (?:hijo|nino)",
            "tengo \\d\\d anos (?:y )?(?:estoy|duermo) (?:solo|sola|en la calle)"),
        H: ("duermo en la calle", "(?:estamos|estoy) en la calle", "sin techo esta noche",
            "no tengo donde dormir", "nos echaron de casa"),
        M: ("no respira", "no puede respirar", "se desmayo", "inconsciente", "dolor en el pecho",
            "no se despierta", "sobredosis", "(?:mucha|demasiada)s? pastillas"),
        O: ("me esta siguiendo", "encerrad[oa]", "nos tienen encerrados", "me quitaron el pasaporte",
            "ayuda por favor", "socorro"),
    },
    "pt": {
        S: ("quero morrer", "nao quero (?:mais )?viver", "me matar", "tirar a (?:minha )?vida",
            "suicid\\w*", "acabar com tudo", "nao vale a pena (?:viver|continuar)"),
        V: ("me bate", "me bateu", "me agride", "me espanca", "vai me matar", "me ameaca",
            "tenho medo do meu (?:marido|companheiro)"),
        C: ("batendo (?:muito )?no (?:filho|menino|crianca)", "abusa d[ao] (?:minha|meu) "
            "(?:filha|filho)", "crianca (?:sozinha|abandonada)"),
        H: ("durmo na rua", "(?:estamos|estou) na rua", "nao tenho onde dormir",
            "sem casa esta noite", "fomos despejados"),
        M: ("nao respira", "nao consegue respirar", "desmaiou", "inconsciente", "dor no peito",
            "nao acorda", "boca (?:ficou )?torta", "overdose"),
        O: ("me seguindo", "trancad[oa]s?", "tiraram (?:o )?(?:meu )?passaporte", "socorro",
            "homem deitado na calcada"),
    },
    "darija": {
        S: ("bghit nmout", "baghi nmout", "ma bqitch baghi n3ich", "ma b9itch baghi n3ich",
            "nqtel rasi", "nkteel rasi", "nrmi rasi", "ntle7 rasi", "n9tel rasi", "nmout w safi",
            "بغيت نموت", "باغي نموت", "نقتل راسي", "نرمي راسي", "ما بقيتش باغي نعيش"),
        V: ("kaydrbni", "kayderbni", "kaydarbni", "ydrebni", "daraboni", "ghadi yqtelni",
            "ghadi y9telni", "كيضربني", "ضربني", "غادي يقتلني", "msdouda 3liya", "msedda 3liya"),
        C: ("kaydrbo lwlad", "wlidi mrid bzaf", "l bent sghira"),
        H: ("kan3es f zenqa", "kanbat f zen9a", "na3es f zen9a", "ma3ndi fin nbat",
            "ما عنديش فين نبات", "كنبات فالزنقة", "f zen9a m3a wladi"),
        M: ("ma kaytneffesch", "ma kaytnfsch", "ta7 w ma kayjawbch", "wejho mayel",
            "ما كيتنفسش", "طاح وما كيجاوبش"),
        O: ("3teqni", "3awnouni", "عتقوني", "عاونوني"),
    },
    "ar": {
        S: ("اريد ان اموت", "أريد أن أموت", "بدي موت", "انتحار", "انتحر", "اقتل نفسي",
            "أقتل نفسي", "لا اريد العيش", "ما بدي عيش", "آخر رسالة مني", "اخر رسالة مني",
            "سامحوني"),
        V: ("يضربني", "ضربني", "بيضربني", "سيقتلني", "رح يقتلني", "يهددني بالقتل"),
        C: ("يضرب ابني", "يضرب بنتي", "يتركهم لحالهم", "بتتركهم لحالهم", "طفل وحده"),
        H: ("انام في الشارع", "ننام في الشارع", "بدون مأوى", "ما عندي وين نام", "طردونا"),
        M: ("لا يتنفس", "ما عم يتنفس", "ضيق تنفس شديد", "فاقد الوعي", "وقع ع الأرض",
            "وقع على الأرض", "لسانها تقل", "ما عم يرد", "شفايفي صارت زرقا", "ألم في صدري"),
        O: ("بيكسروا باب", "يكسرون الباب", "محبوس", "محبوسة", "ساعدوني", "النجدة"),
    },
    "tr": {
        S: ("olmek istiyorum", "intihar", "kendimi oldur\\w*", "yasamak istemiyorum"),
        V: ("beni dovuyor", "beni dovdu", "beni oldurecek", "bana vuruyor"),
        C: ("cocugu dov\\w*", "cocuga vuruyor"),
        H: ("sokakta yatiyorum", "sokakta kaldik", "kalacak yerim yok"),
        M: ("nefes alamiyor", "bayildi", "bilinci yok", "gogsum agriyor"),
        O: ("imdat", "yardim edin", "pasaportumu aldi"),
    },
    "ro": {
        S: ("vreau sa mor", "nu mai vreau sa traiesc", "sinucid\\w*", "ma omor", "sa ma omor"),
        V: ("ma bate", "m a batut", "ma loveste", "o sa ma omoare"),
        C: ("bate copilul", "isi bate copilul"),
        H: ("dorm pe strada", "suntem pe strada", "nu am unde sa dorm"),
        M: ("nu respira", "a lesinat", "inconstient", "durere in piept"),
        O: ("ne tine inchisi", "inchisi in casa", "ajutor", "mi a luat pasaportul"),
    },
    "ru/uk": {
        S: ("хочу умереть", "не хочу жить", "покончить с собой", "суицид", "убить себя",
            "уйти из жизни", "піти з життя", "пити з життя", "піти з життя",
            "не хочу більше жити", "не хочу жити", "хочу померти", "не можу більше жити", "хочу вмерти", "покінчити з собою"),
        V: ("бьет меня", "избил", "убьет меня", "б'є мене", "бє мене", "мене б'є", "вб'є мене"),
        C: ("бьет ребенка", "б'є дитину"),
        H: ("на улице с детьми", "негде спать", "на вулиці", "ніде спати", "нам нікуди йти",
            "нас выселили", "нас виселили"),
        M: ("не дышит", "не дихає", "без сознания", "без свідомості", "не прокидається",
            "не просыпается", "температура 40", "боль в груди"),
        O: ("забрал мой паспорт", "забрав мій паспорт", "забрав мий паспорт", "не отпускают",
            "не відпускають", "не видпускають", "помогите", "допоможіть", "допоможить"),
    },
    "creole": {
        S: ("mi ve pu viv", "mi le pu viv", "an pa le viv ank", "mwen pa vle viv ank",
            "pa vle viv anko", "mi vé pu viv", "an vle mo", "mwen vle mouri", "mi vé mor"),
        V: ("i ka bat mwen", "i ka bat an", "li ka bat mwen", "i bat amwin", "i tap amwin",
            "i ka menase mwen"),
        C: ("i ka bat ti moun", "ka bat pitit"),
        H: ("an ka dromi dewo", "mwen ka domi dewo", "mi dor dehor", "nou dewo ek timoun"),
        M: ("i pa ka respire", "li pa ka respire", "i pa respir", "i tonbe i pa ka reponn"),
        O: ("ed mwen souple", "sekou", "aide amwin"),
    },
}


def _fold(pattern: str) -> str:
    """Fold a pattern as ``normalise`` folds a message (case, accents), keeping regex syntax."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", pattern).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("'", " ")


_GROUPS: dict[str, tuple[str, Distress]] = {}
_parts: list[str] = []
for _language, _by_category in PHRASES.items():
    for _category, _phrases in _by_category.items():
        _name = f"g{len(_GROUPS)}"
        _GROUPS[_name] = (_language, _category)
        _parts.append(f"(?P<{_name}>" + "|".join(_fold(p) for p in _phrases) + ")")
# one pass over the message finds every phrase of every language
_SCAN = re.compile(r"(?<!\w)(?:" + "|".join(_parts) + r")(?!\w)")
_ORDER = (S, V, C, M, H, O)


@lru_cache(maxsize=1024)
def detect_world(text: str) -> tuple[Alert, str] | None:
    """(the alert, the language code) for a core distress phrase of a non-served language."""
    norm = normalise(text)
    if not norm:
        return None
    found: dict[Distress, str] = {}
    for match in _SCAN.finditer(norm):
        language, category = _GROUPS[str(match.lastgroup)]
        found.setdefault(category, language)
    if not found:
        return None
    categories = tuple(c for c in _ORDER if c in found)
    return Alert(categories), found[categories[0]]
