"""Hand-written signals the classifier cannot learn from a few hundred messages alone.

- ``scam``: a message about something received (an SMS, a mail, a call, a site) that asks for
  money, a code, bank details or a password, or that the person doubts ("c'est vrai ?"). Scams
  imitate the Caf, Ameli, the impôts or the ANTS: naming an agency must not hide the scam.
- ``laughing``: laughter and joking emoji, which turn "ce site va me tuer" into a figure of
  speech. It may lower an alarm to the gentle check-in, never to silence.
Both read the normalised text (accents, case and punctuation gone) plus the raw emoji.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.dialogue.matching import normalise

_CHANNEL = re.compile(
    r"\b(?:sms|texto|mail|e ?mails?|courriel|messages?|msg|appel+e?s?|appel+ee?|appele|telephone"
    r"|whatsapp|facebook|messenger|insta|instagram|snap|tiktok|leboncoin|vinted|sites?|liens?"
    r"|link|texts?|calls?|called|website|soi disant|se disant|se faisant passer|pretend\w*"
    r"|رسالة|رساله|ايميل|مكالمة|اتصل|موقع|رابط)\b")
_SENSITIVE = re.compile(
    r"\b(?:codes?|iban|rib|coordonnees bancaires|carte bancaire|carte bleue|numero de carte|cb"
    r"|mots? de passe|mdp|identifiants?|bitcoins?|crypto\w*|cartes? cadeaux?|pcs|transcash"
    r"|neosurf|virement|frais|payer|paye|payez|euros?|\d+ ?e|cliquer|cliquez|clique"
    r"|mettre a jour|bank|card|password|pay|fees?|gift cards?|details|iban|كود|رمز|بطاقة"
    r"|فلوس|ادفع)\b")
_DOUBT = re.compile(
    r"\b(?:arnaques?|arnaquer|arnaque|escroc\w*|vrai|vraiment|normal|fiable|legit\w*"
    r"|officiel|fake|bizarre|chelou|louche|suspect\w*|piege|scam\w*|real|genuine"
    r"|safe|grave|phishing|hameconnage|dois je|je dois|doğru|rasmi|حقيقي|نصب|احتيال)\b")
_ASKS = re.compile(r"\b(?:me demande\w*|nous demande\w*|demande de|demandent|veut|voulait|exige\w*"
                   r"|reclame\w*|asks?|asked|asking|wants?|wanted|requests?|يطلب|طلب)\b")
_STRAIGHT_SCAM = re.compile(r"\b(?:arnaques?|arnaque|scam\w*|phishing|hameconnage|escroquerie"
                            r"|escroc\w*|faux (?:sms|mail|message|site|conseiller|agent|appel)"
                            r"|fausse? (?:banque|police)|نصب|احتيال)\b")
_NOT_RECEIVED = re.compile(
    r"\b(?:pas recu|pas reçu|recois pas|recoit pas|jamais recu|rien recu|arrive pas|arrive jamais"
    r"|didn t get|never got|not received|haven t received|ne recois|n ai pas recu|pas eu)\b")
_LAUGH_EMOJI = frozenset("😂🤣😅😆😹🙃😜😝😛🤪😁😄🙈💀🤡")
_LAUGH = re.compile(r"\b(?:mdr+|ptdr+|lol+|x+d|(?:ha){2,}h?|(?:hi){2,}|jpp|mort de rire"
                    r"|je rigole|jrigole|c est une blague|blague|je plaisante|lmao|rofl"
                    r"|ههه+|هه+)\b")


@lru_cache(maxsize=4096)
def scam(text: str) -> bool:
    norm = normalise(text)
    if _STRAIGHT_SCAM.search(norm):
        return True
    if not _CHANNEL.search(norm) or _NOT_RECEIVED.search(norm):
        return False
    return bool(_SENSITIVE.search(norm)) and (
        bool(_DOUBT.search(norm)) or "?" in text or bool(_ASKS.search(norm)))


@lru_cache(maxsize=4096)
def laughing(text: str) -> bool:
    return bool(set(text) & _LAUGH_EMOJI) or bool(_LAUGH.search(normalise(text)))
