"""Every sentence the bot itself writes (dialogue content lives in dialogues/*.yaml).

Kept in one table so that plain-French review and translation happen in one place. Each text
is a French gettext msgid, marked with ``N_`` for ``pybabel extract -k N_``, and read by name
(``T.MENU_INTRO``: see bot/text_tables.py). Short sentences, one idea each: many people
reading them read French with difficulty.
"""

from __future__ import annotations

from bot.text_tables import by_name


def N_(text: str) -> str:
    """Mark a string for extraction; translation happens when rendering, per person."""
    return text


SENTENCES: dict[str, str] = {
    "MENU_INTRO": N_("Pour quelle démarche voulez-vous de l'aide ?"),
    "MENU_HINT": N_("Écrivez le numéro, ou quelques mots."),
    "FOOTER": N_(
        "À tout moment : « menu », « retour », ou « quelqu'un » pour parler à une personne."
    ),
    "GREETING": N_("Bonjour !"),
    "THANKS": N_("Avec plaisir."),
    "HELP": N_(
        "Je suis un robot. Je donne des informations sur les démarches en ligne.\n"
        "Vous pouvez écrire un numéro ou quelques mots.\n"
        "« menu » : revenir au début.\n"
        "« retour » : revenir en arrière.\n"
        "« quelqu'un » : parler à une personne.\n"
        "« langue » : changer de langue.\n"
        "« stop » : arrêter."
    ),

    "NOT_UNDERSTOOD": N_("Pardon, je n'ai pas compris."),
    "NOT_UNDERSTOOD_RETRY": N_("Vous pouvez écrire le numéro d'un choix, ou le dire autrement."),
    "NOT_UNDERSTOOD_OFF_TOPIC": N_(
        "Je ne peux pas répondre à cela. "
        "Je donne seulement des informations sur les démarches en ligne."
    ),
    "EMPTY_MESSAGE": N_("Je n'ai pas reçu de texte. Vous pouvez écrire quelques mots."),
    "NOT_UNDERSTOOD_TWICE": N_("Je n'arrive pas à vous comprendre. Ce n'est pas de votre faute."),
    "CHOOSE_WHICH": N_("Je ne suis pas sûr. Vous parlez de quoi ?"),
    "BACK_AT_START": N_("Nous sommes déjà au début."),

    "ASK_HELPED": N_("Est-ce que cela vous a aidé ?"),
    "YES_HELPED": N_("Oui, merci"),
    "NO_HELPED": N_("Non, pas vraiment"),
    "GLAD": N_("Tant mieux ! Je reste là si vous avez une autre question."),

    "OFFER_PERSON": N_(
        "Je peux passer la conversation à une personne de l'équipe. "
        "C'est un médiateur ou une médiatrice. Cette personne lira vos messages."
    ),
    "OFFER_PERSON_QUESTION": N_("Voulez-vous parler à une personne ?"),
    "YES_PERSON": N_("Oui, parler à une personne"),
    "NO_PERSON": N_("Non, revenir au menu"),
    "HANDOVER_STARTED": N_(
        "C'est noté. Une personne de l'équipe va lire vos messages et vous répondre ici."
    ),
    "HANDOVER_WRITE": N_(
        "Vous pouvez déjà écrire votre question. Vous pouvez aussi envoyer une photo d'un courrier."
    ),
    "HANDOVER_STOP_HINT": N_("Pour arrêter, écrivez « stop »."),
    "HANDOVER_ENDED": N_("C'est terminé. Vous êtes revenu au menu du robot."),

    "DISTRESS_INTRO": N_("Je suis un robot, mais je vous lis. Vous n'êtes pas seul."),
    "DISTRESS_DANGER": N_(
        "Si vous êtes en danger maintenant, appelez le 112 ou le 17. "
        "Si vous ne pouvez pas parler, envoyez un SMS au 114."
    ),
    # For a person who wrote in a language the bot does not serve: kept in English in every
    # catalog (translators: leave it in English).
    "DISTRESS_IN_ENGLISH": N_(
        "In English: if you are in danger, call 112 now. It is free, day and night. "
        "A person from our team will write to you here."
    ),
    "DISTRESS_SUICIDE": N_(
        "Le 3114 vous écoute, jour et nuit. C'est gratuit. "
        "Ce sont des professionnels de santé. En cas d'urgence médicale, appelez le 15."
    ),
    "DISTRESS_VIOLENCE": N_(
        "Le 3919 écoute les femmes victimes de violences, et les témoins. "
        "C'est gratuit et anonyme. L'appel n'apparaît pas sur la facture."
    ),
    "DISTRESS_CHILD": N_(
        "Le 119 aide les enfants en danger, et les personnes inquiètes pour un enfant. "
        "C'est gratuit, jour et nuit."
    ),
    "DISTRESS_SHELTER": N_(
        "Le 115 (Samu social) aide à trouver un hébergement pour la nuit. "
        "C'est gratuit, jour et nuit."
    ),
    "DISTRESS_MEDICAL": N_(
        "Pour une urgence médicale, appelez le 15 (Samu) ou le 112. "
        "Si vous ne pouvez pas parler, envoyez un SMS au 114."
    ),
    "DISTRESS_PERSON": N_("Je préviens une personne de l'équipe. Elle va vous lire en priorité."),

    # A weak sign of distress (safety.concern): a gentle word first, then a person on offer.
    "CONCERN_INTRO": N_(
        "Je suis un robot, mais je vous lis. Si vous êtes en danger, appelez le 112. "
        "Si vous allez mal, le 3114 vous écoute, jour et nuit, gratuitement."
    ),
    "CONCERN_ANSWER": N_("Je réponds aussi à votre question."),
    "CONCERN_PERSON_HINT": N_(
        "Si vous voulez parler à une personne de l'équipe, écrivez « quelqu'un »."
    ),

    "STOPPED": N_("D'accord, j'arrête. Vous pouvez m'écrire à nouveau quand vous voulez."),
    "RESTARTED": N_("On recommence depuis le début."),

    "FORGET_QUESTION": N_(
        "Voulez-vous que j'efface tout ce que je garde sur cette conversation ? "
        "Écrivez « oui » ou « non »."
    ),
    "FORGET_DONE": N_("C'est effacé. Je ne garde plus rien de cette conversation."),
    "FORGET_CANCELLED": N_("D'accord, je n'efface rien."),
    "YES": N_("Oui"),
    "NO": N_("Non"),

    "LANGUAGE_QUESTION": N_("Dans quelle langue voulez-vous continuer ?"),
    "LANGUAGE_SET": N_("D'accord, je continue en français."),
    "LANGUAGE_DETECTED": N_("Je vais vous répondre en français. Pour changer, écrivez « langue »."),
    "LANGUAGE_PARTIAL": N_(
        "Certaines réponses ne sont pas encore traduites. Elles seront en français."
    ),

    "RATE_QUESTION": N_(
        "Est-ce que cet échange vous a aidé ? Donnez une note de 1 (pas du tout) à 5 (beaucoup)."
    ),
    "RATE_THANKS": N_("Merci pour votre note."),

    "UNDECRYPTABLE": N_(
        "Je n'ai pas pu lire votre dernier message. Pouvez-vous l'envoyer à nouveau ?"
    ),
    "MEDIA_IN_BOT_MODE": N_(
        "J'ai bien reçu votre fichier, mais je ne peux pas le lire. "
        "Une personne de l'équipe peut le regarder : écrivez « quelqu'un »."
    ),
}

__getattr__ = by_name(SENTENCES, __name__)
