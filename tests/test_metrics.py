"""The optional Prometheus endpoint (``metrics.listen``) on the real app: counts, never ids.

The app runs on Synapse with ``metrics.listen`` on a free loopback port; a person talks to the
bot, is handed over and a mediator answers.  The endpoint must answer in the Prometheus text
format with ``relais_events_total`` counting those events, and name no Matrix id, room id,
device, display name nor anything anyone wrote.
"""

from __future__ import annotations

import asyncio
import re
import socket
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.support.app import config_dict, open_dm, say
from tests.support.threads import in_thread_send, wait_body, wait_root, wait_thread

pytestmark = pytest.mark.matrix

KINDS = {"text", "media", "reaction", "undecryptable", "error", "other"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def scrape(port: int) -> tuple[int, str, str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as resp:
        return resp.status, resp.headers.get("Content-Type", ""), resp.read().decode("utf-8")


def events_total(text: str) -> dict[str, float]:
    return {kind: float(value) for kind, value in re.findall(
        r'^relais_events_total\{kind="([^"]*)"\} ([0-9.e+]+)$', text, re.M)}


async def test_metrics_endpoint_counts_events_and_names_no_one(
    synapse: Any, bot_account: Any, make_person: Any, run_app: Any, tmp_path: Path
) -> None:
    bot, room, a = bot_account.user_id, bot_account.mediators_room, bot_account.mediator
    port = free_port()
    data = config_dict(tmp_path, synapse, bot, room, metrics={"listen": f"127.0.0.1:{port}"})
    await run_app(data, tmp_path)
    await a.wait_membership(room, bot, "join")

    status, ctype, before_text = await asyncio.to_thread(scrape, port)
    assert status == 200 and ctype.startswith("text/plain"), (status, ctype)
    assert "# TYPE relais_events_total counter" in before_text
    before = events_total(before_text).get("text", 0.0)

    p = await make_person("metrics")
    await p.client.set_displayname("Gwendoline Szczepanski")
    dm = await open_dm(p, bot)
    secret = "mon code confidentiel est 48213 et je suis au 12 rue des Acacias"
    answer = "Je vois votre dossier numéro 55120, un instant"
    for text in ("bonjour", "1", "quelqu'un", "oui"):
        await say(p, dm, bot, text)
    root = (await wait_root(a, room, bot)).event_id
    await in_thread_send(a, room, root, "!prendre")
    await wait_body(p, dm, bot, "a pris votre demande")
    await p.send_text(dm, secret)
    await wait_thread(a, room, bot, root, secret)
    await in_thread_send(a, room, root, answer)
    await wait_body(p, dm, bot, answer)

    sent_texts = 5 + 2  # the person's 5 messages, the mediator's 2 in the thread
    status, _, text = await asyncio.to_thread(scrape, port)
    assert status == 200
    counted = events_total(text)
    assert counted.get("text", 0.0) - before >= sent_texts, counted
    assert set(counted) <= KINDS, counted  # labels from a closed set only
    assert counted.get("error", 0.0) == 0.0, counted
    handled = re.search(r"^relais_event_seconds_count ([0-9.e+]+)$", text, re.M)
    assert handled is not None and float(handled.group(1)) >= sent_texts, text[-2000:]

    forbidden = {
        "person id": p.user_id, "person localpart": p.user_id.split(":")[0].lstrip("@"),
        "mediator id": a.user_id, "bot id": bot, "person's room": dm, "mediators' room": room,
        "device": str(p.client.device_id), "display name": "Szczepanski",
        "person's text": "48213", "mediator's text": "55120", "thread root": root,
    }
    found = [what for what, value in forbidden.items() if value in text]
    assert not found, f"{found} in the metrics:\n{text}"
    assert not re.search(r"[@!$][A-Za-z0-9._=/+-]+:[A-Za-z0-9.-]+", text), "an id-like string"
