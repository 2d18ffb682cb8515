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

_KEYCAPS = ("1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟")


@dataclass(frozen=True, slots=True)
class Identity:
    """Who runs this Relais, for the first-contact message (from config)."""

    organisation: str = "l'équipe Relais"
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
    text_parts: list[str] = []
    html_parts: list[str] = []
    footer = False
    fallback = False
    colon = " : " if locale == "fr" else ": "  # French typography only in French

    def french(source: str, shown: str) -> str:
        """In a right-to-left message, a paragraph still in French reads left to right."""
        return ' dir="ltr"' if rtl and shown == source and _LATIN.search(source) else ""

    def para(text: str, attr: str = "") -> None:
        text_parts.append(text)
        html_parts.append(f"<p{attr}>" + html.escape(text).replace("\n", "<br>") + "</p>")

    for effect in effects:
        if isinstance(effect, Welcome):
            para(translate(WELCOME))
            para(
                Say(WELCOME_WHO, (("organisation", identity.organisation),
                                  ("contact", identity.contact))).format_with(
                    translate(WELCOME_WHO))
            )
            para(Say(WELCOME_DATA, (("days", str(identity.retention_days)),)).format_with(
                translate(WELCOME_DATA)))
        elif isinstance(effect, Say):
            shown = translate(effect.text)
            fallback = fallback or (locale != "fr" and shown == effect.text
                                    and _LATIN.search(effect.text) is not None)
            para(effect.format_with(shown), french(effect.text, shown))
        elif isinstance(effect, Options):
            footer = footer or effect.footer
            lines = [f"{c.number}. {translate(c.label)}" for c in effect.items]
            text_parts.append("\n".join(lines))
            html_parts.append(
                "<ol>" + "".join(f"<li{french(c.label, translate(c.label))}>"
                                 f"{html.escape(translate(c.label))}</li>"
                                 for c in effect.items) + "</ol>"
            )
        elif isinstance(effect, ShowLink):
            label = translate(effect.label)
            text_parts.append(f"🔗 {label}{colon}{effect.url}")
            html_parts.append(
                f'<p>🔗 <a href="{html.escape(effect.url, quote=True)}">{html.escape(label)}</a>'
                f"<br>{html.escape(effect.url)}</p>"
            )
        elif isinstance(effect, ShowContact):
            c = effect.contact
            lines = [f"📞 {translate(c.name)}"]
            if c.phone:
                lines.append(translate(CONTACT_PHONE).format(phone=c.phone))
            if c.hours:
                lines.append(translate(CONTACT_HOURS).format(hours=translate(c.hours)))
            if c.place:
                lines.append(translate(CONTACT_PLACE).format(place=translate(c.place)))
            if c.url:
                lines.append(c.url)
            text_parts.append("\n".join(lines))
            html_parts.append("<p>" + "<br>".join(html.escape(x) for x in lines) + "</p>")
    if not text_parts:
        return None
    if fallback:
        para(translate(PARTIAL_TRANSLATION))
    if footer:
        hint = translate(T.FOOTER)
        text_parts.append(hint)
        html_parts.append(f"<p><small>{html.escape(hint)}</small></p>")
    body = "\n\n".join(text_parts)
    inner = "".join(html_parts)
    formatted = f'<div dir="rtl">{inner}</div>' if rtl else inner
    return Message(body=body, html=formatted, rtl=rtl)
