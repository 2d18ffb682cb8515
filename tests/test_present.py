"""What a person reads: translation fallback is said, typography follows the language."""

from __future__ import annotations

from pathlib import Path

from bot.dialogue.model import Say, ShowLink
from bot.i18n import Catalogs
from bot.present import PARTIAL_TRANSLATION, render

CATALOGS = Catalogs.load(Path(__file__).resolve().parent.parent / "locales")
UNTRANSLATED = "Un texte que personne n'a traduit, écrit exprès pour ce test."


def test_arabic_reply_with_a_french_paragraph_says_it_is_not_translated_yet() -> None:
    message = render([Say(UNTRANSLATED)], CATALOGS.translator("ar"), rtl=True, locale="ar")
    assert message is not None
    note = CATALOGS.gettext("ar", PARTIAL_TRANSLATION)
    assert note != PARTIAL_TRANSLATION, "the note itself is translated into Arabic"
    assert message.body.endswith(note)
    assert message.html.startswith('<div dir="rtl">')
    assert 'dir="ltr"' in message.html  # the French paragraph reads left to right


def test_no_note_when_everything_is_translated_or_in_french() -> None:
    french = render([Say(UNTRANSLATED)], CATALOGS.translator("fr"), locale="fr")
    assert french is not None and PARTIAL_TRANSLATION not in french.body
    english = render([Say("Pardon, je n'ai pas compris.")], CATALOGS.translator("en"),
                     locale="en")
    assert english is not None
    assert english.body == CATALOGS.gettext("en", "Pardon, je n'ai pas compris.")


def test_link_colon_follows_the_language() -> None:
    link = ShowLink("Le site de la Caf", "https://www.caf.fr")
    fr = render([link], CATALOGS.translator("fr"), locale="fr")
    en = render([link], CATALOGS.translator("en"), locale="en")
    assert fr is not None and en is not None
    assert "Caf : https://www.caf.fr" in fr.body
    assert ": https://www.caf.fr" in en.body and " : https" not in en.body
