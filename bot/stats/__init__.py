"""Anonymous statistics reports for sponsors and mediators (table, CSV, JSON, HTML).

The store's statistics tables hold only counts per day and category (``bot.store.counters``).
Reports add one more protection, small-count suppression (k-anonymity, ``k`` = 5 by default):

- every count from 1 to k-1 is published as "<k" (zero stays 0: it says nothing about anyone),
  in every format, and the real value never enters the ``Report`` object at all;
- a total is the sum of the *published* cells.  When some cells of its column were masked, the
  total counts each of them as 1 (their smallest possible value, which everyone knows) and is
  shown "≥ N": a reader can never get a masked cell back by subtracting the published cells
  from an exact total (the classic leak of primary-only suppression).  The alternative,
  secondary suppression, hides more useful figures in small deployments and still needs care
  with several masked cells, so it was not chosen;
- averages (satisfaction) are computed from the published cells only, for the same reason.

Known limit, stated in the table, JSON and HTML exports: figures from *different* tables
count related events (e.g. the waiting-time histogram has one entry per claimed ticket), so
combining two tables, or two exports of the same period broken down differently, can narrow a
masked value.  For very small volumes publish longer periods or raise ``k``.
"""

from __future__ import annotations

from bot.stats.build import locale_label, report
from bot.stats.html import bar_chart, to_html
from bot.stats.model import DEFAULT_K, METRIC_LABELS, NO_TOPIC, OUTCOME_LABELS, Report
from bot.stats.plain import last_days_summary, period_text, to_csv, to_data, to_json, to_table

# what callers use; the building blocks stay in their modules (bot.stats.model, …)
__all__ = [
    "DEFAULT_K",
    "METRIC_LABELS",
    "NO_TOPIC",
    "OUTCOME_LABELS",
    "Report",
    "bar_chart",
    "last_days_summary",
    "locale_label",
    "period_text",
    "report",
    "to_csv",
    "to_data",
    "to_html",
    "to_json",
    "to_table",
]
