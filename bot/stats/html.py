"""The self-contained HTML page (no script, no external resource)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from bot.stats.definitions import (
    METRIC_DEFINITIONS,
    OUTCOME_DEFINITIONS,
    SATISFACTION_DEFINITION,
    figure_definitions,
)
from bot.stats.model import BUCKET_TEXT, BY_HEADINGS, BY_TITLES, OUTCOME_LABELS, Figure, Report
from bot.stats.plain import _decimal, _note, period_text
from bot.store.counters import (
    Outcome,
)

# --------------------------------------------------------------------------- HTML

_CSS = """
:root { --ink: #1e1e2e; --muted: #5c5f77; --bar: #2a6fdb; --masked: #c9cbd6; --bg: #f6f7fb; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
       font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
main { max-width: 860px; margin: 0 auto; padding: 24px 16px 48px; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.2rem; margin: 0 0 12px; }
.period { color: var(--muted); margin: 0 0 24px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr));
         gap: 12px; margin-bottom: 24px; }
.card { background: #fff; border-radius: 10px; padding: 14px 16px;
        box-shadow: 0 1px 3px rgba(0,0,0,.08); }
.card .n { font-size: 1.8rem; font-weight: 700; }
.card .l { color: var(--muted); font-size: .9rem; }
section { background: #fff; border-radius: 10px; padding: 18px 20px; margin-bottom: 20px;
          box-shadow: 0 1px 3px rgba(0,0,0,.08); }
svg { width: 100%; min-width: 560px; height: auto; display: block; }
svg text { font: 13px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
           fill: var(--ink); }
svg .bar { fill: var(--bar); }
svg .bar.masked { fill: var(--masked); }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { padding: 4px 8px; border-bottom: 1px solid #e4e5ee; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.note { color: var(--muted); font-size: .9rem; }
.scroll { overflow-x: auto; }
dl.definitions { margin: 12px 0 0; font-size: .9rem; color: var(--muted); }
dl.definitions dt { font-weight: 600; color: var(--ink); }
dl.definitions dd { margin: 0 0 6px; }
@media print { body { background: #fff; } section, .card { box-shadow: none;
               border: 1px solid #ddd; } }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def bar_chart(title: str, items: Sequence[tuple[str, Figure]], chart_id: str) -> str:
    """Horizontal bars, each labelled with its published value (masked: a pale stub "<k")."""
    if not items or all(f.value == 0 for _, f in items):
        return '<p class="note">Aucune donnée sur la période.</p>'
    label_w, bar_w, value_w, row_h = 230, 470, 80, 30
    width = label_w + bar_w + value_w
    height = row_h * len(items) + 10
    k = items[0][1].k
    top = max([f.shown for _, f in items] + [k - 1 if any(f.masked for _, f in items) else 0, 1])
    parts = [
        f'<svg id="{_e(chart_id)}" class="chart" viewBox="0 0 {width} {height}" role="img"'
        f' aria-labelledby="{_e(chart_id)}-t">',
        f'<title id="{_e(chart_id)}-t">{_e(title)}</title>',
    ]
    for n, (label, fig) in enumerate(items):
        y = 5 + n * row_h
        length = (k - 1 if fig.masked else fig.shown) / top * bar_w
        shown_len = max(length, 2.0) if (fig.masked or fig.shown) else 0.0
        short = label if len(label) <= 32 else label[:31] + "…"
        css = "bar masked" if fig.masked else "bar"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 19}" text-anchor="end">{_e(short)}</text>'
            f'<rect class="{css}" x="{label_w}" y="{y + 4}" width="{shown_len:.1f}"'
            f' height="{row_h - 10}" rx="3" data-label="{_e(label)}" data-value="{_e(fig.text)}">'
            f"<title>{_e(label)} : {_e(fig.pretty)}</title></rect>"
            f'<text class="value" x="{label_w + shown_len + 6:.1f}" y="{y + 19}"'
            f' data-value="{_e(fig.text)}">{_e(fig.pretty)}</text>'
        )
    parts.append("</svg>")
    return f'<div class="scroll">{"".join(parts)}</div>'


def _html_table(report: Report) -> str:
    head = "".join(f"<th>{_e(label)}</th>" for label in report.column_labels)
    body = []
    for line in report.lines:
        cells = "".join(f"<td>{_e(f.pretty)}</td>" for f in line.cells)
        body.append(f"<tr><td>{_e(line.label)}</td>{cells}</tr>")
    if report.totals:
        cells = "".join(f"<td><strong>{_e(f.pretty)}</strong></td>" for f in report.totals)
        body.append(f"<tr><td><strong>Total</strong></td>{cells}</tr>")
    return (
        f'<div class="scroll"><table><thead><tr><th>{_e(BY_HEADINGS[report.by])}</th>{head}'
        f"</tr></thead><tbody>{''.join(body)}</tbody></table></div>{_definitions(report)}"
    )


def _definitions(report: Report) -> str:
    """Under the table: what each of its figures counts, one sentence each."""
    items = "".join(f"<dt>{_e(label)}</dt><dd>{_e(sentence)}</dd>"
                    for _, label, sentence in figure_definitions(report))
    return f'<dl class="definitions">{items}</dl>'


def _said(sentence: str) -> str:
    return f'<p class="note definition">{_e(sentence)}</p>'


def _html_sections(report: Report, mean: str) -> list[str]:
    """The charts of the page, in order: breakdown, outcomes, satisfaction, durations."""
    sections = []
    main_items = [(line.label, f) for line, f in report.main_values()]
    under = (_definitions(report) if report.by == "outcome"
             else _said(OUTCOME_DEFINITIONS[Outcome.ENTERED.value]))
    sections.append(
        f"<section><h2>{_e(BY_TITLES[report.by])}</h2>"
        f"{bar_chart(BY_TITLES[report.by], main_items, 'chart-main')}{under}</section>"
    )
    if report.by != "outcome":
        outcome_items = [
            (OUTCOME_LABELS[c], f) for c, f in zip(report.columns, report.totals, strict=True)
        ]
        sections.append(
            "<section><h2>Ce qui s'est passé</h2>"
            f"{bar_chart('Ce qui s’est passé', outcome_items, 'chart-outcomes')}"
            f"{_definitions(report)}</section>"
        )
    sat_items = [(f"{score} sur 5", f) for score, f in report.satisfaction]
    published = sum(f.shown for _, f in report.satisfaction)
    if report.satisfaction_mean is None:
        sat_note = '<p class="note">Pas assez de réponses pour une moyenne.</p>'
    elif report.satisfaction_total.at_least:
        sat_note = (
            f'<p class="note">Note moyenne {mean}, calculée sur les {published} réponses '
            "affichées (les notes données moins de "
            f"{report.k} fois sont masquées).</p>"
        )
    else:
        sat_note = f'<p class="note">Note moyenne {mean} sur {published} réponses.</p>'
    sections.append(
        "<section><h2>Satisfaction des personnes accompagnées</h2>"
        f"{bar_chart('Satisfaction (note de 1 à 5)', sat_items, 'chart-satisfaction')}"
        f"{sat_note}{_said(SATISFACTION_DEFINITION)}</section>"
    )
    for hist in report.histograms:
        items = [(BUCKET_TEXT[b], f) for b, f in hist.buckets]
        sections.append(
            f"<section><h2>{_e(hist.label)}</h2>"
            f"{bar_chart(hist.label, items, f'chart-{hist.metric}')}"
            f"{_said(METRIC_DEFINITIONS[hist.metric])}</section>"
        )
    return sections


def to_html(report: Report, *, title: str = "Relais — médiation numérique") -> str:
    """One self-contained French page: no script, no external font, image or style sheet."""
    totals = report.outcome_totals()

    def card(value: str, label: str) -> str:
        return (
            f'<div class="card"><div class="n">{_e(value)}</div>'
            f'<div class="l">{_e(label)}</div></div>'
        )

    def fig(outcome: Outcome) -> str:
        found = totals.get(outcome.value)
        return "0" if found is None else found.pretty

    mean = "—" if report.satisfaction_mean is None else f"{_decimal(report.satisfaction_mean)}/5"
    cards = "".join(
        [
            card(fig(Outcome.ENTERED), "conversations commencées"),
            card(fig(Outcome.HELPED), "réponses jugées utiles"),
            card(fig(Outcome.HANDED_OVER), "transmises à un médiateur"),
            card(fig(Outcome.CLOSED), "accompagnements terminés"),
            card(mean, "satisfaction moyenne"),
        ]
    )
    sections = _html_sections(report, mean)
    sections.append(f"<section><h2>Tableau détaillé</h2>{_html_table(report)}</section>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)} — statistiques {_e(period_text(report))}</title>"
        f"<style>{_CSS}</style></head><body><main>"
        f"<h1>{_e(title)}</h1>"
        f'<p class="period">Statistiques anonymes {_e(period_text(report))}</p>'
        f'<div class="cards">{cards}</div>'
        f"{''.join(sections)}"
        f'<p class="note">{_e(_note(report))} Aucune donnée personnelle n’est conservée dans '
        "ces statistiques : seulement des nombres par jour et par thème.</p>"
        "</main></body></html>\n"
    )
