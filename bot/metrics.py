"""Optional Prometheus endpoint (``metrics.listen``): counts and latencies, never identifiers.

Labels are closed sets (event kinds, ``error``); nothing a person typed, no room or user id.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram, start_http_server

from bot.router import Metrics

EVENTS = Counter("relais_events_total", "Events handled, by kind", ["kind"])
LATENCY = Histogram(
    "relais_event_seconds",
    "Time to handle one event (excluding sending)",
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5),
)
_KINDS = frozenset({"text", "media", "reaction", "undecryptable", "error"})


def start_metrics(listen: str) -> Metrics:
    host, _, port = listen.rpartition(":")
    start_http_server(int(port), addr=host or "127.0.0.1")
    return Metrics(
        handled=lambda kind: EVENTS.labels(kind if kind in _KINDS else "other").inc(),
        latency=LATENCY.observe,
    )
