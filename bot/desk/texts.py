"""Every sentence of the mediators' desk (gettext msgids, French, marked with N_), as one
table read by name (``D.CLAIMED_PERSON``: see bot/text_tables.py).

The bot's other sentences are in bot/dialogue/texts.py; these are the desk's: what the person
reads about their request (in their locale) and what mediators read (in the mediators' locale).
"""

from __future__ import annotations

from bot.dialogue.texts import N_
from bot.text_tables import by_name

SENTENCES: dict[str, str] = {
    # --- what the person reads (their locale)
    "WAIT_PLACE": N_("Vous êtes n°{place} dans la file d'attente."),
    "WAIT_OPEN": N_("L'équipe est là en ce moment."),
    "WAIT_CLOSED": N_("L'équipe n'est pas là en ce moment. Elle revient {when}."),
    "WAIT_CLOSED_UNKNOWN": N_(
        "L'équipe n'est pas là en ce moment. Elle vous répondra dès son retour."
    ),
    "CLAIMED_PERSON": N_("{name}, de l'équipe, a pris votre demande. {name} va vous répondre ici."),
    # when the mediator has set no first name (!nom): not "Une personne de l'équipe, de l'équipe"
    "CLAIMED_PERSON_UNNAMED": N_(
        "Une personne de l'équipe a pris votre demande. Elle va vous répondre ici."
    ),
    "CLOSED_PERSON": N_("La conversation avec l'équipe est terminée. Merci de votre confiance."),
    "SILENT_PERSON": N_(
        "Je ferme la demande, car vous n'avez pas écrit depuis longtemps. "
        "Vous pouvez écrire à nouveau quand vous voulez."
    ),
    "RELEASED_PERSON": N_("Votre demande attend une autre personne de l'équipe."),
    "DEFAULT_NAME": N_("Une personne de l'équipe"),
    "FORGOTTEN_PERSON": N_(
        "L'équipe a effacé ce que Relais gardait sur cette conversation. "
        "Vous êtes revenu au menu du robot."
    ),

    # --- what mediators read (mediators' locale)
    "ROOT": N_(
        "Demande n°{number} — Personne n°{number}\n"
        "Priorité : {priority}\n"
        "Sujet : {path}\n"
        "Langue : {locale}\n"
        "En attente depuis : {since}\n"
        "Ce que la personne a écrit :\n{said}\n\n"
        "Pour la prendre : répondez « !prendre » dans ce fil, ou réagissez 👍."
    ),
    "ROOT_TAKEN": N_("Prise par {name}."),
    "ROOT_CLOSED": N_("Fermée."),
    "PRIORITY_HIGH": N_("URGENTE (détresse)"),
    "PRIORITY_NORMAL": N_("normale"),
    "NOTHING_SAID": N_("(rien)"),
    "TAKEN_BY_YOU": N_(
        "Vous avez pris la demande n°{number}. Vos messages dans ce fil vont à la "
        "personne. Un message qui commence par // reste entre vous."
    ),
    "ALREADY_TAKEN": N_("Déjà prise par {name}."),
    "NOT_YOURS": N_("Cette demande est prise par {name}. Vos messages ne sont pas transmis."),
    "NOT_CLAIMED": N_("Personne n'a pris cette demande. Écrivez « !prendre » pour la prendre."),
    "NOT_ALLOWED": N_("Vous n'avez pas le droit de faire cela dans cette salle."),
    "RELEASED": N_("La demande n°{number} revient dans la file."),
    "TRANSFERRED": N_("La demande n°{number} est maintenant à {name}."),
    "CLOSED": N_("La demande n°{number} est fermée."),
    "FORGOTTEN": N_("Les données de la personne n°{number} sont effacées."),
    "NAME_SET": N_("C'est noté : les personnes verront « {name} »."),
    "PERSON_LEFT": N_("La personne a quitté la conversation."),
    "LANGUAGE_CHANGED": N_(
        "La personne lit maintenant en : {locale}. Les messages du robot lui "
        "arrivent dans cette langue ; les vôtres sont transmis tels quels."
    ),
    "PERSON_STOPPED": N_("La personne a arrêté la conversation."),
    "PERSON_FORGOT": N_("La personne a demandé l'effacement de ses données : demande fermée."),
    "PERSON_SILENT": N_("La personne n'a pas écrit depuis longtemps : demande fermée."),
    "REMINDER": N_("Rappel : la demande n°{number} attend depuis {minutes} minutes."),
    "QUEUE_EMPTY": N_("Aucune demande en attente."),
    "QUEUE_LINE": N_("n°{number} · {priority} · {topic} · depuis {since} · {status}"),
    "STATUS_OPEN": N_("libre"),
    "STATUS_CLAIMED": N_("prise par {name}"),
    "HELP": N_(
        "Commandes dans un fil : !prendre (!claim), !liberer (!release), !transferer @personne "
        "(!transfer), !fin (!close), !oublier (!forget).\n"
        "Dans la salle : !file (!queue), !stats, !nom Prénom (!name), !aide (!help).\n"
        "Pour les responsables : !recharger (!reload) relit les dialogues et les traductions.\n"
        "Un message qui commence par // n'est pas transmis."
    ),
    "USAGE": N_("Commande inconnue ou incomplète : {command}. Écrivez !aide pour la liste."),
    "PERSON_GONE": N_("La personne n'est plus joignable (elle a quitté ou demandé l'effacement)."),

    # --- reloading the dialogues and catalogs (!recharger, SIGHUP): mediators' locale
    "RELOADED": N_("Dialogues et traductions rechargés : {topics} sujets, {nodes} étapes."),
    "RELOAD_REFUSED": N_(
        "Dialogues non rechargés : {count} problème(s). Relais garde les anciens et continue "
        "de répondre. Corrigez puis recommencez.\n{problems}"
    ),
    "RELOAD_MORE": N_("… et {count} autre(s) dans le journal du robot."),
    "RELOAD_NOT_ALLOWED": N_(
        "Désolé, recharger les dialogues demande le niveau {level} dans cette salle. "
        "Demandez à un responsable."
    ),
    "RELOAD_UNAVAILABLE": N_("Le rechargement n'est pas possible ici. Redémarrez le robot."),
}

__getattr__ = by_name(SENTENCES, __name__)
