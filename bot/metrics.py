"""Metrics: the hook type the router calls, and the optional Prometheus endpoint behind it.

``Metrics`` is a plain value (two callables), so the router and its tests need no endpoint.
``start_metrics`` (``metrics.listen``) exports counts and latencies, never identifiers: labels
are closed sets (event kinds, ``error``); nothing a person typed, no room or user id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from prometheus_client import Counter, Histogram, start_http_server

EVENTS = Counter("relais_events_total", "Events handled, by kind", ["kind"])
LATENCY = Histogram(
    "relais_event_seconds",
    "Time to handle one event (excluding sending)",
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5),
)
_KINDS = frozenset({"text", "media", "reaction", "undecryptable", "error"})


@dataclass(frozen=True, slots=True)
class Metrics:
    """Optional hooks for Prometheus (no identifier ever goes through them)."""

    handled: Callable[[str], None] = lambda kind: None
    latency: Callable[[float], None] = lambda seconds: None


def start_metrics(listen: str) -> Metrics:
    host, _, port = listen.rpartition(":")
    start_http_server(int(port), addr=host or "127.0.0.1")
    return Metrics(
        handled=lambda kind: EVENTS.labels(kind if kind in _KINDS else "other").inc(),
        latency=LATENCY.observe,
    )
