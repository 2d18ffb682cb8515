"""Language guessing and language requests, on messages as people really write them."""

from __future__ import annotations

import pytest

from bot.language import LANGUAGE_WORDS, arabic_share, detect, requested_locale


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("السلام عليكم، أحتاج مساعدة مع الكاف", "ar"),
        ("عندي مشكل في الكاف caf", "ar"),
        ("hello i need help with my caf account", "en"),
        ("Hi, I cannot log in to ameli", "en"),
        ("where is my money", "en"),
        ("thanks", "en"),
        ("bonjour", "fr"),
        ("jarrive pa a mactualiser sur pole emplois", "fr"),
        ("j'ai perdu mon mot de passe", "fr"),
        ("je veux parler a quelqu un", "fr"),
        ("merci", "fr"),
        # too little to decide: keep the current language
        ("hello", None),
        ("ok", None),
        ("caf", None),
        ("3", None),
        ("", None),
        ("salam 3alikoum", None),
        ("👍", None),
    ],
)
def test_detect(text: str, expected: str | None) -> None:
    assert detect(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("english", "en"),
        ("English please", "en"),
        ("En anglais svp", "en"),
        ("en", "en"),
        ("FR", "fr"),
        ("francais", "fr"),
        ("en français", "fr"),
        ("arabe", "ar"),
        ("العربية", "ar"),
        ("بالعربية من فضلك", "ar"),
        ("الإنجليزية", "en"),
        ("langue", "ask"),
        ("Language", "ask"),
        ("lang", "ask"),
        ("اللغة", "ask"),
        ("changer de langue", "ask"),
        # the named language is the one the person does not speak
        ("je parle pas français", "ask"),
        ("I don't speak French", "ask"),
        ("français ou arabe", "ask"),
        # about a procedure, not about the bot's language
        ("je dois traduire mon acte de naissance en arabe pour la prefecture", None),
        ("je suis en retard", None),
        ("bonjour", None),
        ("", None),
    ],
)
def test_requested_locale(text: str, expected: str | None) -> None:
    assert requested_locale(text) == expected


def test_language_words_cover_the_brief() -> None:
    for word in ("langue", "language", "lang", "لغة", "اللغة", "english", "anglais",
                 "français", "francais", "arabe", "arabic", "عربي", "العربية"):  # fmt: skip
        assert word in LANGUAGE_WORDS
        assert requested_locale(word) is not None


def test_arabic_share() -> None:
    assert arabic_share("مرحبا") == 1.0
    assert arabic_share("caf") == 0.0
    assert arabic_share("123") == 0.0
    assert 0.4 < arabic_share("مرحبا hello") < 0.6
