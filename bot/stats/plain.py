"""Plain renderers: aligned table, CSV, JSON, the mediators' !stats summary."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from bot.stats.build import _day_label
from bot.stats.definitions import (
    METRIC_DEFINITIONS,
    SATISFACTION_DEFINITION,
    all_definitions,
    figure_definitions,
)
from bot.stats.model import (
    BUCKET_TEXT,
    BY_HEADINGS,
    BY_TITLES,
    SHORT_LABELS,
    Report,
)
from bot.store.counters import (
    Metric,
    Outcome,
)

# --------------------------------------------------------------------------- plain renderers


def _note(report: Report) -> str:
    if report.k <= 1:
        return "Aucune valeur n'est masquée dans ce rapport (k = 1)."
    return (
        f"Les nombres de 1 à {report.k - 1} sont masqués (« <{report.k} ») pour que personne "
        f"ne puisse être reconnu ; un total marqué « ≥ » les compte pour 1 (leur minimum). "
        "Croiser plusieurs tableaux peut resserrer une valeur masquée : préférez des périodes "
        "longues pour les petits volumes."
    )


def period_text(report: Report) -> str:
    return f"du {_day_label(report.start)} au {_day_label(report.end)}"


def _align(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            cell.rjust(widths[i]) for i, cell in enumerate(row) if i > 0
        ]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def to_table(report: Report) -> str:
    """Aligned plain text, for a terminal or a mediators' message."""
    out = [
        f"Relais — statistiques anonymes {period_text(report)}",
        f"{BY_TITLES[report.by]}",
        "",
    ]
    header = [BY_HEADINGS[report.by]] + [SHORT_LABELS.get(c, "Nombre") for c in report.columns]
    rows: list[list[str]] = [header]
    rows += [[line.label] + [f.text for f in line.cells] for line in report.lines]
    if report.totals:
        rows.append(["Total"] + [f.text for f in report.totals])
    out += _align(rows)
    out.append("")
    out += [f"  {SHORT_LABELS[key]} = {label} : {sentence}" if report.by != "outcome"
            else f"  {label} : {sentence}" for key, label, sentence in figure_definitions(report)]
    out += ["", "Satisfaction (note de 1 à 5)"]
    out += _align(
        [["Note", "Réponses"]]
        + [[f"{score}/5", f.text] for score, f in report.satisfaction]
        + [["Total", report.satisfaction_total.text]]
    )
    if report.satisfaction_mean is not None:
        out.append(f"Moyenne : {_decimal(report.satisfaction_mean)}/5")
    out.append(f"  {SATISFACTION_DEFINITION}")
    for hist in report.histograms:
        out += ["", hist.label]
        out += _align([["Durée", "Nombre"]] + [[BUCKET_TEXT[b], f.text] for b, f in hist.buckets])
        out.append(f"  {METRIC_DEFINITIONS[hist.metric]}")
    out += ["", _note(report)]
    return "\n".join(out) + "\n"


def _decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def to_csv(report: Report, section: str = "main") -> str:
    """One table per call: ``main`` (the breakdown), ``satisfaction``, ``waits`` or
    ``definitions`` (what each figure counts; ``bot stats --format csv`` prints it under main).

    UTF-8; write it with ``encoding="utf-8-sig"`` if a spreadsheet must open it directly.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if section == "main":
        writer.writerow([report.by, "libellé", *report.columns])
        for line in report.lines:
            writer.writerow([line.key, line.label, *(f.text for f in line.cells)])
        if report.totals:
            writer.writerow(["total", "Total", *(f.text for f in report.totals)])
    elif section == "satisfaction":
        writer.writerow(["score", "count"])
        for score, fig in report.satisfaction:
            writer.writerow([score, fig.text])
        writer.writerow(["total", report.satisfaction_total.text])
    elif section == "waits":
        writer.writerow(["metric", "bucket", "count"])
        for hist in report.histograms:
            for bucket, fig in hist.buckets:
                writer.writerow([hist.metric, bucket, fig.text])
    elif section == "definitions":
        writer.writerow(["chiffre", "définition"])
        for key, sentence in all_definitions(report).items():
            writer.writerow([key, sentence])
    else:
        raise ValueError(
            f"unknown CSV section {section!r}: main, satisfaction, waits or definitions"
        )
    return buffer.getvalue()


def to_data(report: Report) -> dict[str, Any]:
    """The JSON-ready structure: counts are integers, or strings "<k" / "≥n"."""
    return {
        "period": {"start": report.start.isoformat(), "end": report.end.isoformat()},
        "by": report.by,
        "k": report.k,
        "note": _note(report),
        "columns": list(report.columns),
        "column_labels": list(report.column_labels),
        "lines": [
            {
                "key": line.key,
                "label": line.label,
                "values": {
                    c: f.json_value() for c, f in zip(report.columns, line.cells, strict=True)
                },
            }
            for line in report.lines
        ],
        "totals": {c: f.json_value() for c, f in zip(report.columns, report.totals, strict=True)},
        "satisfaction": {
            "scores": {str(score): f.json_value() for score, f in report.satisfaction},
            "total": report.satisfaction_total.json_value(),
            "mean_of_published": report.satisfaction_mean,
        },
        "waits": {
            hist.metric: {bucket: f.json_value() for bucket, f in hist.buckets}
            for hist in report.histograms
        },
        "definitions": all_definitions(report),
    }


def to_json(report: Report) -> str:
    return json.dumps(to_data(report), ensure_ascii=False, indent=2) + "\n"


def last_days_summary(report: Report) -> str:
    """A few French lines for ``!stats`` in the mediators' room."""
    totals = report.outcome_totals()

    def get(outcome: Outcome) -> str:
        fig = totals.get(outcome.value)
        return "0" if fig is None else fig.pretty

    lines = [
        f"Statistiques {period_text(report)} :",
        f"- {get(Outcome.ENTERED)} conversations commencées, {get(Outcome.HELPED)} réponses "
        f"utiles, {get(Outcome.NOT_HELPED)} pas utiles, {get(Outcome.ABANDONED)} abandons ;",
        f"- {get(Outcome.HANDED_OVER)} transmises à un médiateur, {get(Outcome.CLAIMED)} prises "
        f"en charge, {get(Outcome.CLOSED)} terminées ; alertes de détresse : "
        f"{get(Outcome.DISTRESS)} ;",
    ]
    if report.by == "topic":
        top = [
            (line, fig)
            for line, fig in report.main_values()
            if line.key and not fig.masked and fig.shown > 0
        ][:3]
        if top:
            lines.append(
                "- thèmes les plus demandés : "
                + ", ".join(f"{line.label} ({fig.pretty})" for line, fig in top)
                + " ;"
            )
    if report.satisfaction_mean is not None:
        lines.append(
            f"- satisfaction : {_decimal(report.satisfaction_mean)}/5 "
            f"({report.satisfaction_total.pretty} réponses) ;"
        )
    wait = next((h for h in report.histograms if h.metric == Metric.WAIT.value), None)
    if wait is not None:
        best = max(wait.buckets, key=lambda item: item[1].shown)
        if best[1].shown > 0:
            lines.append(f"- attente la plus fréquente : {BUCKET_TEXT[best[0]]}.")
    if report.k > 1:
        lines.append(f"(Nombres de 1 à {report.k - 1} masqués : « <{report.k} ».)")
    return "\n".join(lines)


