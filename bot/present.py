"""Effects -> what a person reads: plain text and HTML, in the person's language.

One function serves the terminal chat, the conversation scripts and Matrix, so what admins test
is what people see. Translation happens here, at the last moment, with the person's translator.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.dialogue import texts as T
from bot.dialogue.model import (
    Effect,
    Options,
    Say,
    ShowContact,
    ShowLink,
    Welcome,
)

Translate = Callable[[str], str]

WELCOME = T.N_(
    "Bonjour, je suis Relais. Je suis un robot, pas une personne."
)
WELCOME_WHO = T.N_("Ce service est proposé par {organisation}. Contact : {contact}.")
WELCOME_DATA = T.N_(
    "Je garde cette conversation {days} jours au plus, pour pouvoir vous répondre. "
    "Je ne vous demande ni votre nom, ni votre numéro. "
    "Pour tout effacer, écrivez « oublie-moi »."
)
CONTACT_PHONE = T.N_("Téléphone : {phone}")
CONTACT_HOURS = T.N_("Horaires : {hours}")
CONTACT_PLACE = T.N_("Où : {place}")
PARTIAL_TRANSLATION = T.N_("(Ce texte n'est pas encore traduit.)")

_LATIN = re.compile(r"[A-Za-zÀ-ÿ]{2}")

@dataclass(frozen=True, slots=True)
class Identity:
    """Who runs this Relais, for the first-contact message (from config)."""

    organisation: str = "Relais"  # a name, read inside every language's sentence
    contact: str = "voir le site de votre structure"
    retention_days: int = 30


@dataclass(frozen=True, slots=True)
class Message:
    body: str
    html: str
    rtl: bool = False


def render(
    effects: Iterable[Effect],
    translate: Translate = lambda s: s,
    *,
    identity: Identity = Identity(),
    rtl: bool = False,
    locale: str = "fr",
) -> Message | None:
    """Join the visible effects into one message; None when nothing is to be shown.

    A paragraph that has no translation yet is shown in French, and the message then says so
    once (the person is not left wondering why the language changed).
    """
    page = _Page(translate, identity, rtl, locale)
    for effect in effects:
        page.add(effect)
    return page.message()


class _Page:
    """The paragraphs of one message, as plain text and as HTML side by side."""

    def __init__(self, translate: Translate, identity: Identity, rtl: bool, locale: str) -> None:
        self.t = translate
        self.identity = identity
        self.rtl = rtl
        self.locale = locale
        self.text_parts: list[str] = []
        self.html_parts: list[str] = []
        self.footer = False
        self.fallback = False
        self.colon = " : " if locale == "fr" else ": "  # French typography only in French

    def french(self, source: str, shown: str) -> str:
        """In a right-to-left message, a paragraph still in French reads left to right."""
        return ' dir="ltr"' if self.rtl and shown == source and _LATIN.search(source) else ""

    def para(self, text: str, attr: str = "") -> None:
        self.text_parts.append(text)
        self.html_parts.append(f"<p{attr}>" + html.escape(text).replace("\n", "<br>") + "</p>")

    def add(self, effect: Effect) -> None:
        if isinstance(effect, Welcome):
            self.welcome()
        elif isinstance(effect, Say):
            self.say(effect)
        elif isinstance(effect, Options):
            self.options(effect)
        elif isinstance(effect, ShowLink):
            self.link(effect)
        elif isinstance(effect, ShowContact):
            self.contact(effect)

    def welcome(self) -> None:
        t, identity = self.t, self.identity
        self.para(t(WELCOME))
        self.para(Say(WELCOME_WHO, (("organisation", identity.organisation),
                                    ("contact", identity.contact))).format_with(t(WELCOME_WHO)))
        self.para(Say(WELCOME_DATA, (("days", str(identity.retention_days)),)).format_with(
            t(WELCOME_DATA)))

    def say(self, effect: Say) -> None:
        shown = self.t(effect.text)
        self.fallback = self.fallback or (self.locale != "fr" and shown == effect.text
                                          and _LATIN.search(effect.text) is not None)
        self.para(effect.format_with(shown), self.french(effect.text, shown))

    def options(self, effect: Options) -> None:
        t = self.t
        self.footer = self.footer or effect.footer
        lines = [f"{c.number}. {t(c.label)}" for c in effect.items]
        self.text_parts.append("\n".join(lines))
        self.html_parts.append(
            "<ol>" + "".join(f"<li{self.french(c.label, t(c.label))}>"
                             f"{html.escape(t(c.label))}</li>"
                             for c in effect.items) + "</ol>"
        )

    def link(self, effect: ShowLink) -> None:
        label = self.t(effect.label)
        self.text_parts.append(f"🔗 {label}{self.colon}{effect.url}")
        self.html_parts.append(
            f'<p>🔗 <a href="{html.escape(effect.url, quote=True)}">{html.escape(label)}</a>'
            f"<br>{html.escape(effect.url)}</p>"
        )

    def contact(self, effect: ShowContact) -> None:
        t, c = self.t, effect.contact
        lines = [f"📞 {t(c.name)}"]
        if c.phone:
            lines.append(t(CONTACT_PHONE).format(phone=c.phone))
        if c.hours:
            lines.append(t(CONTACT_HOURS).format(hours=t(c.hours)))
        if c.place:
            lines.append(t(CONTACT_PLACE).format(place=t(c.place)))
        if c.url:
            lines.append(c.url)
        self.text_parts.append("\n".join(lines))
        self.html_parts.append("<p>" + "<br>".join(html.escape(x) for x in lines) + "</p>")

    def message(self) -> Message | None:
        if not self.text_parts:
            return None
        if self.fallback:
            self.para(self.t(PARTIAL_TRANSLATION))
        if self.footer:
            hint = self.t(T.FOOTER)
            self.text_parts.append(hint)
            self.html_parts.append(f"<p><small>{html.escape(hint)}</small></p>")
        body = "\n\n".join(self.text_parts)
        inner = "".join(self.html_parts)
        formatted = f'<div dir="rtl">{inner}</div>' if self.rtl else inner
        return Message(body=body, html=formatted, rtl=self.rtl)
