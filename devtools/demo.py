"""The README's demo: a local Synapse, the bot, a mediator and a person, all real.

``python -m bot demo`` starts Synapse on loopback (installing it on first use), registers the
bot, a mediator (``mediatrice``) and a person (``personne``), creates the mediators' room,
starts ``python -m bot run`` as a child process, then lets you chat as the person over
encrypted Matrix from the terminal. Without a terminal (CI, a pipe), it plays a short scripted
conversation and exits, so the command is testable.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "relais-demo-password"
SCRIPTED = ("bonjour", "1", "2", "menu", "stop")


def synapse_module() -> ModuleType:
    """devtools/synapse.py (kept as a function: the benchmarks import it from here)."""
    from devtools import synapse

    return synapse


def http_json(method: str, url: str, body: dict[str, Any] | None = None,
          token: str | None = None) -> dict[str, Any]:
    """One client-server API call with the standard library (used before any client exists)."""
    req = urllib.request.Request(url, method=method,
                                 data=json.dumps(body or {}).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=30) as resp:
        data: dict[str, Any] = json.loads(resp.read() or b"{}")
        return data


def _ensure_account(server: Any, local: str) -> str:
    try:
        return str(server.register(local, PASSWORD))
    except Exception:
        return str(server.user_id(local))


def _prepare(data: Path) -> tuple[Any, Path, dict[str, str]]:
    synapse = synapse_module()
    print("Starting a local Synapse (the first run installs it: a minute or two)…", flush=True)
    server = synapse.start(data / "synapse")
    users = {name: _ensure_account(server, name) for name in ("relais", "mediatrice", "personne")}
    state_file = data / "demo.json"
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    if "room" not in state:
        login = http_json("POST", server.base_url + "/_matrix/client/v3/login", {
            "type": "m.login.password", "identifier": {"type": "m.id.user", "user": "mediatrice"},
            "password": PASSWORD})
        room = http_json("POST", server.base_url + "/_matrix/client/v3/createRoom", {
            "name": "Médiateurs Relais (démo)", "preset": "private_chat",
            "invite": [users["relais"]]}, token=login["access_token"])
        state["room"] = room["room_id"]
        state_file.write_text(json.dumps(state))
    config = data / "config.yaml"
    config.write_text(
        "matrix:\n"
        f"  homeserver: {server.base_url}\n"
        f"  user_id: \"{users['relais']}\"\n"
        f"  password: {PASSWORD}\n"
        f"  store_path: {data / 'bot-store'}\n"
        "mediators:\n"
        f"  room: \"{state['room']}\"\n"
        "dialogues:\n"
        f"  path: {ROOT / 'dialogues'}\n"
        "locales:\n"
        f"  path: {ROOT / 'locales'}\n"
        "storage:\n"
        f"  database: {data / 'relais.sqlite3'}\n"
        "privacy:\n"
        "  organisation: la démo Relais\n"
        "  contact: personne (démo)\n",
        encoding="utf-8",
    )
    return server, config, {**users, "homeserver": server.base_url, "room": state["room"]}


async def _chat(info: dict[str, str], data: Path, interactive: bool) -> int:
    from devtools.person import PersonClient

    person = await PersonClient.login(info["homeserver"], info["personne"], PASSWORD,
                                      data / "person-store")
    try:
        await person.start()
        room = await person.open_dm(info["relais"], timeout=60)
        print("\nVous êtes « personne » dans un salon chiffré avec Relais. "
              "Écrivez ; Ctrl-D pour quitter.\n", flush=True)
        lines = iter(SCRIPTED)
        while True:
            if interactive:
                try:
                    text = await asyncio.to_thread(input, "vous> ")
                except EOFError:
                    return 0
            else:
                text = next(lines, "")
                if not text:
                    return 0
                print(f"vous> {text}")
            if not text.strip():
                continue
            await person.say(room, text)
            reply = await person.next_reply(timeout=30)
            if reply is None:
                print("(pas de réponse du robot en 30 s)")
                if not interactive:
                    return 1
                continue
            print("\n" + reply[1] + "\n", flush=True)
            while (more := await person.next_reply(timeout=0.5)) is not None:
                print(more[1] + "\n", flush=True)
    finally:
        await person.close()


def run_demo(args: argparse.Namespace) -> int:
    data = Path(args.data).resolve()
    data.mkdir(parents=True, exist_ok=True)
    server, config, info = _prepare(data)
    log = (data / "bot.log").open("a", encoding="utf-8")
    bot = subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(config)],
                           cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    print(
        "\nRelais tourne. Pour essayer avec Element (web ou appli) :\n"
        f"  serveur d'accueil : {info['homeserver']}\n"
        f"  personne   : {info['personne']}  mot de passe : {PASSWORD}\n"
        f"  médiatrice : {info['mediatrice']}  mot de passe : {PASSWORD}"
        " (salon « Médiateurs Relais (démo) »)\n"
        f"  journal du robot : {data / 'bot.log'}\n",
        flush=True,
    )
    try:
        if args.no_chat:
            bot.wait()
            return 0
        interactive = sys.stdin.isatty() and not os.environ.get("CI")
        code = asyncio.run(_chat(info, data, interactive))
        if bot.poll() is not None:
            print((data / "bot.log").read_text(encoding="utf-8")[-2000:], file=sys.stderr)
        return code
    except KeyboardInterrupt:
        return 0
    finally:
        bot.send_signal(signal.SIGTERM)
        try:
            bot.wait(timeout=10)
        except subprocess.TimeoutExpired:
            bot.kill()
        server.stop()


def chat_over_matrix(args: argparse.Namespace) -> int:
    """``python -m bot chat --matrix DATA``: chat as the demo person with a running demo."""
    data = Path(args.matrix).resolve()
    state = data / "demo.json"
    if not state.exists():
        print("No demo found there: run 'python -m bot demo' first.", file=sys.stderr)
        return 2
    config = (data / "config.yaml").read_text(encoding="utf-8")
    homeserver = config.split("homeserver:", 1)[1].split()[0]
    server_name = "localhost"
    info = {"homeserver": homeserver, "relais": f"@relais:{server_name}",
            "personne": f"@personne:{server_name}"}
    return asyncio.run(_chat(info, data, sys.stdin.isatty()))
