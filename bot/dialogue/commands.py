"""The words that work everywhere ("menu", "retour", "quelqu'un", "stop", "langue"…), yes and
no, and the words naming a language: pure lookups the engine asks before anything else.

They live apart from the state machine so an admin or a translator finds every such word in
one file; adding a phrase here changes no logic.
"""

from __future__ import annotations

from enum import Enum
from functools import lru_cache

from bot.dialogue.matching import STOPWORDS, normalise, normalised_words

LOCALES: tuple[tuple[str, str], ...] = (("fr", "Français"), ("en", "English"), ("ar", "العربية"))
SERVED = tuple(code for code, _ in LOCALES)


class Command(Enum):
    MENU = "menu"
    BACK = "back"
    RESTART = "restart"
    HUMAN = "human"
    STOP = "stop"
    LANGUAGE = "language"
    FORGET = "forget"
    HELP = "help"
    GREETING = "greeting"
    THANKS = "thanks"


_COMMANDS: dict[str, Command] = {}
for _cmd, _phrases in {
    Command.MENU: "menu|menus|meni|mneu|accueil|0|00|menu principal|retour au menu|revenir au menu"
    "|retour menu|main menu|home|القائمة|قائمة|الرئيسية",
    Command.BACK: "retour|retours|retourne|revenir|precedent|en arriere|arriere|back|go back|r"
    "|رجوع|ارجع|عودة",
    Command.RESTART: "recommencer|recommence|reommencer|recomencer|redemarrer|reset|restart"
    "|depuis le debut|du debut|on recommence|start over|من جديد|ابدا من جديد",
    Command.HUMAN: "quelqu un|quelquun|qqn|humain|un humain|une personne|personne|conseiller"
    "|conseillere|mediateur|mediatrice|agent|un agent|human|someone|person|a person|real person"
    "|agent please|operator|شخص|انسان|موظف",
    Command.STOP: "stop|stopp|fin|arret|arreter|arrete|quitter|quit|exit|au revoir|aurevoir"
    "|bye|tchao|ciao|bonne journee|bonne soiree|c est fini|termine|توقف|وقف|خلاص",
    Command.LANGUAGE: "langue|langues|language|languages|lang|لغة|اللغة|لغه|اللغه",
    Command.FORGET: "supprimer mes donnees|supprime mes donnees|effacer mes donnees"
    "|efface mes donnees|oublie moi|oubliez moi|oublie moi svp|forget me|delete my data"
    "|erase my data|supprimer mes infos|effacer tout|احذف بياناتي|امسح بياناتي",
    Command.HELP: "aide|help|a l aide|au secours aide|comment ca marche|mode d emploi|\\?|مساعدة",
    Command.GREETING: "bonjour|bonsoir|salut|slt|bjr|coucou|hello|hi|hey|salam|salam alaykoum"
    "|salam aleykoum|salamalaykoum|yo|bonjour madame|bonjour monsieur|السلام عليكم|سلام|مرحبا"
    "|good morning",
    Command.THANKS: "merci|merci beaucoup|mrc|mci|thanks|thank you|thx|شكرا|merci bcp|super merci",
}.items():
    for _p in _phrases.split("|"):
        _COMMANDS[normalise(_p.replace("\\?", "?")) or "?"] = _cmd

# Asking for a person inside a sentence ("je voudrais parler a quelqu un svp").
_HUMAN_PHRASES = (
    "parler a quelqu un", "parler avec quelqu un", "parler a une personne", "parler a un humain",
    "parler avec un humain", "un vrai humain", "une vraie personne", "vrai personne",
    "personne reelle", "un conseiller", "une conseillere", "un mediateur", "une mediatrice",
    "parler a un conseiller", "talk to someone", "talk to a human", "real person", "a human",
    "speak to someone", "speak to a person", "talk to a person", "اريد التحدث مع شخص",
    "التحدث مع شخص", "مع موظف",
)  # fmt: skip
_THANKS_CORE = frozenset({"merci", "mrc", "mci", "thanks", "thank", "thx", "شكرا"})
_THANKS_WORDS = _THANKS_CORE | frozenset({
    "beaucoup", "bcp", "bien", "gentil", "gentille", "sympa", "cest", "c", "est", "ok", "okay",
    "daccord", "accord", "super", "top", "parfait", "infiniment", "encore", "you", "very", "much",
    "so", "lot", "a", "madame", "monsieur", "bonne", "journee", "soiree", "جزيلا",
})
_HUMAN_PADDED = tuple(f" {normalise(h)} " for h in _HUMAN_PHRASES)
_YES = frozenset(
    {
        "oui", "ouais", "ouai", "ok", "okay", "oki", "d accord", "daccord", "dac", "yes", "yep",
        "yeah", "y", "o", "volontiers", "bien sur", "carrement", "exact", "exactement",
        "c est bon", "ca marche", "parfait", "super", "top", "nickel", "merci", "oui merci",
        "ca m a aide", "c est ca", "نعم", "ايوه", "اه",
    }
)  # fmt: skip
_NO = frozenset(
    {
        "non", "nan", "nn", "no", "nope", "pas vraiment", "pas du tout", "toujours pas",
        "ca m a pas aide", "ca ne m a pas aide", "pas trop", "bof", "non merci", "not really",
        "لا",
    }
)  # fmt: skip


@lru_cache(maxsize=256)
def command_of(text: str) -> Command | None:
    """The command a message is, if any. Cached (small): a step asks for it up to twice."""
    norm = normalise(text)
    if not norm and text.strip() == "?":
        return Command.HELP
    cmd = _COMMANDS.get(norm)
    if cmd is not None:
        return cmd
    # "menu svp", "stop merci", "retour stp": a command word plus politeness
    toks = [t for t in normalised_words(norm)
            if t not in STOPWORDS and t not in ("plait", "te", "svp")]
    if len(toks) == 1 and toks[0] in _COMMANDS and _COMMANDS[toks[0]] not in (
        Command.GREETING, Command.THANKS, Command.HUMAN
    ):
        return _COMMANDS[toks[0]]
    # "merci beaucoup c'est gentil", "ok merci bien": thanks with only kind words around it
    said = set(normalised_words(norm))
    if said <= _THANKS_WORDS and not _THANKS_CORE.isdisjoint(said):
        return Command.THANKS
    padded = f" {norm} "
    if any(p in padded for p in _HUMAN_PADDED):
        return Command.HUMAN
    return None


def yes_no(text: str) -> bool | None:
    norm = normalise(text)
    if norm in _YES or norm in ("1",):
        return True
    if norm in _NO or norm in ("2",):
        return False
    if command_of(text) is Command.THANKS:  # "merci beaucoup c'est gentil" after an answer
        return True
    first = norm.split(" ", 1)[0] if norm else ""
    if first in ("oui", "ouais", "yes", "ok", "نعم"):
        return True
    if first in ("non", "no", "nan", "لا"):
        return False
    return None


def free_text_like(text: str) -> bool:
    """A sentence, not a number, a yes/no or a command word: what the classifier may read."""
    norm = normalise(text)
    if len(norm.split()) < 2 or command_of(text) is not None:
        return False
    return norm not in _YES and norm not in _NO


# Marker in State.choices during a handover: the language list was just shown.
LANGUAGE_CHOICES: tuple[str, ...] = tuple(f"language:{code}" for code, _ in LOCALES)

LOCALE_WORDS: dict[str, str] = {
    normalise(k): v
    for k, v in {
        "francais": "fr", "français": "fr", "french": "fr", "fr": "fr", "الفرنسية": "fr",
        "anglais": "en", "english": "en", "en": "en", "الانجليزية": "en", "انجليزي": "en",
        "arabe": "ar", "arabic": "ar", "ar": "ar", "العربية": "ar", "عربي": "ar",
    }.items()
}  # fmt: skip


def locale_named(text: str) -> str | None:
    norm = normalise(text)
    if norm in LOCALE_WORDS:
        return LOCALE_WORDS[norm]
    for tok in norm.split():
        if tok in LOCALE_WORDS and len(tok) > 2:
            return LOCALE_WORDS[tok]
    for code, name in LOCALES:
        if normalise(name) == norm:
            return code
    return None
