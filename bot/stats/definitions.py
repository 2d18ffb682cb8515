"""What each figure of a report counts, in one plain-French sentence, printed under it.

A sponsor reads "12 transmises" next to "10 conversations commencées" and concludes the bot
loses people; the sentences make each number mean one thing, the same in every format.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.stats.model import OUTCOME_LABELS, Report
from bot.store.counters import Metric

OUTCOME_DEFINITIONS: Mapping[str, str] = {
    "entered": "Une conversation commence quand une personne choisit un thème, ou quand elle "
               "est transmise à un médiateur sans en avoir choisi.",
    "helped": "Une réponse est utile quand la personne répond « oui » à la question « Est-ce "
              "que cela vous a aidé ? ».",
    "not_helped": "Une réponse n'est pas utile quand la personne répond « non » à cette "
                  "question.",
    "handed_over": "Une demande est transmise quand le bot ouvre un fil pour elle dans le "
                   "salon des médiateurs.",
    "claimed": "Une demande est prise en charge quand un médiateur la prend dans son fil.",
    "closed": "Un accompagnement est terminé quand son fil est fermé, par un médiateur ou "
              "par la personne.",
    "abandoned": "Une conversation est abandonnée quand la personne écrit « stop » dans un "
                 "thème, avant d'avoir sa réponse.",
    "distress": "Une alerte compte chaque message de détresse : le bot donne les numéros "
                "d'urgence et prévient les médiateurs en priorité.",
}
SATISFACTION_DEFINITION = ("Une réponse compte chaque note de 1 à 5 donnée par une personne à "
                           "la fin d'un accompagnement.")
METRIC_DEFINITIONS: Mapping[str, str] = {
    Metric.WAIT.value: "Chaque demande prise en charge compte une fois, selon le temps entre "
                       "l'ouverture de son fil et sa prise en charge.",
    Metric.HANDOVER.value: "Chaque accompagnement terminé compte une fois, selon le temps "
                           "entre sa prise en charge et sa fin.",
}


def figure_definitions(report: Report) -> list[tuple[str, str, str]]:
    """(key, French label, sentence) for every outcome figure the report shows."""
    keys = [line.key for line in report.lines] if report.by == "outcome" else report.columns
    return [(key, OUTCOME_LABELS[key], OUTCOME_DEFINITIONS[key])
            for key in keys if key in OUTCOME_DEFINITIONS]


def all_definitions(report: Report) -> dict[str, str]:
    """Every figure's sentence by its export key: outcomes, satisfaction, the durations."""
    found = {key: sentence for key, _, sentence in figure_definitions(report)}
    found["satisfaction"] = SATISFACTION_DEFINITION
    found.update(METRIC_DEFINITIONS)
    return found
