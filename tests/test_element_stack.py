"""Relais seen by Element's own client stack, with "exclude insecure devices" on.

Element (matrix-js-sdk + Rust crypto, `OnlySignedDevicesIsolationMode`) shares room keys only
with devices that their owner cross-signed, and refuses to decrypt messages from other devices.
nio does not enforce that, so the nio-based tests cannot tell whether our cross-signing is the
kind Element accepts: these tests run tests/js/person.mjs (node, matrix-js-sdk pinned in
tests/js/package-lock.json, installed by `scripts/dev.py test` with `npm ci`) against the real
bot process on the test Synapse, and against an uncross-signed nio device as a control.
"""



from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from nio import MegolmEvent

from tests.support.app import config_dict, write_config
from tests.support.matrix import PASSWORD, REPO, wait_until

pytestmark = pytest.mark.matrix

JS_DIR = REPO / "tests" / "js"
SCRIPT = JS_DIR / "person.mjs"


def js_ready() -> str:
    """The node binary, after checking that `npm ci` was run (fails loudly, never skips)."""
    node = shutil.which("node")
    assert node, "node is not installed: the Element-stack test needs Node.js 20+ and npm"
    assert (JS_DIR / "node_modules" / "matrix-js-sdk").is_dir(), (
        "tests/js/node_modules is missing: run `npm ci` in tests/js "
        "(python3 scripts/dev.py test does it)"
    )
    return node


async def run_person(node: str, *args: str, timeout: float = 110) -> tuple[int, list[Any], str]:
    """Run person.mjs; returns (exit code, its JSON lines, its stderr)."""
    proc = await asyncio.create_subprocess_exec(
        node, str(SCRIPT), *args,
        cwd=JS_DIR,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        proc.kill()
        out, err = await proc.communicate()
    lines = []
    for line in out.decode("utf-8", "replace").splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            lines.append({"step": "garbage", "line": line})
    return proc.returncode if proc.returncode is not None else -1, lines, err.decode(
        "utf-8", "replace"
    )


def step(lines: list[Any], name: str) -> dict[str, Any]:
    found = [line for line in lines if line.get("step") == name]
    assert found, f"person.mjs never reached step {name!r}: {lines}"
    result: dict[str, Any] = found[-1]
    return result


async def test_element_excluding_insecure_devices_talks_to_the_bot(
    synapse: Any,
    register_user: Any,
    bot_account: Any,
    bot_process: Any,
    tmp_path: Path,
) -> None:
    node = js_ready()
    bot = bot_account.user_id
    proc = bot_process(config_dict(tmp_path, synapse, bot, bot_account.mediators_room))
    proc.start()
    await proc.wait_running()
    person = register_user("element")

    code, lines, stderr = await run_person(
        node,
        "--homeserver", synapse.base_url,
        "--user", person,
        "--password", PASSWORD,
        "--bot", bot,
        "--say", "caf",
        "--expect-reply",
        "--timeout", "90",
    )
    report = f"exit {code}\nstdout: {json.dumps(lines, indent=1)}\nstderr: {stderr[-4000:]}\n" \
             f"bot log: {proc.tail(3000)}"
    done = step(lines, "done")
    assert code == 0 and done["ok"], report

    assert step(lines, "crypto")["isolation"] == "OnlySignedDevicesIsolationMode", report
    assert step(lines, "own_cross_signing")["ready"], report

    devices = step(lines, "bot_devices")["devices"]
    assert len(devices) == 1, report  # a fresh bot account: the bot process's device only
    device = devices[0]
    assert device["signedByOwner"] is True, f"js-sdk: bot device not signed by its owner\n{report}"
    # the person never verified the bot (no emoji comparison): cross-signed, not verified
    assert device["crossSigningVerified"] is False, report

    sent = step(lines, "sent")
    assert sent["encrypted"] is True and sent["wire_type"] == "m.room.encrypted", report

    reply = step(lines, "reply")
    # The bot answering the question proves that it could decrypt "caf": with OnlySigned the
    # room key went to its device only because js-sdk saw it as signed by its owner.
    assert reply["encrypted"] and reply["decrypted"], report
    assert reply["decryption_failure_reason"] is None, report
    body = reply["body"] or ""
    assert "Caf" in body, report
    assert "pas pu lire" not in body, report  # the bot's "could not decrypt" message
    assert reply["msgtype"] == "m.notice", report
    assert reply["sender_device"] == device["device_id"], report
    status = reply["sender_device_status"]
    assert status is not None and status["signedByOwner"] is True, report
    # No red shield in Element (grey/none is normal for a user the person did not verify).
    info = reply["encryption_info"]
    assert info is not None and info["shieldColour"] != "RED", report


async def test_the_check_refuses_a_device_its_owner_did_not_cross_sign(
    synapse: Any, register_user: Any, make_person: Any
) -> None:
    """Control: the same script against a nio client that never cross-signed its device.

    Without this, the test above could pass with isolation silently off. Here js-sdk must keep
    the room key from the unsigned device (it cannot read "caf") and refuse to decrypt its answer.
    """
    node = js_ready()
    unsigned = await make_person("unsignedbot")
    person = register_user("element")
    script = asyncio.create_task(
        run_person(
            node,
            "--homeserver", synapse.base_url,
            "--user", person,
            "--password", PASSWORD,
            "--bot", unsigned.user_id,
            "--say", "caf",
            "--expect-reply",
            "--timeout", "45",
        )
    )
    await wait_until(lambda: bool(unsigned.client.invited_rooms) or script.done(), 45,
                     "the invitation from the js-sdk person")
    assert not script.done(), await script
    room = next(iter(unsigned.client.invited_rooms))
    await unsigned.client.join(room)

    def from_person() -> list[Any]:
        return [
            e for r, e in unsigned.events
            if r == room and e.sender == person
            and (isinstance(e, MegolmEvent) or e.source.get("type") == "m.room.message")
        ]

    await wait_until(lambda: script.done() or bool(from_person()), 45, "the person's message")
    assert not script.done(), await script
    got = from_person()
    assert got and all(isinstance(e, MegolmEvent) for e in got), (
        "js-sdk shared its room key with a device its owner did not cross-sign", got
    )
    await unsigned.wait_joined(room, person, timeout=20)
    await unsigned.send_text(room, "réponse d'un appareil non signé")
    code, lines, stderr = await script
    report = f"exit {code}\nstdout: {json.dumps(lines, indent=1)}\nstderr: {stderr[-3000:]}"
    assert code != 0 and step(lines, "done")["ok"] is False, report
    (device,) = step(lines, "bot_devices")["devices"]
    assert device["signedByOwner"] is False, report
    reply = step(lines, "reply")
    assert reply["encrypted"] and not reply["decrypted"], report
    assert reply["decryption_failure_reason"] == "UNSIGNED_SENDER_DEVICE", report


async def run_person_with_steps(
    node: str, actions: dict[int, Any], *args: str, timeout: float = 150
) -> tuple[int, list[Any], str]:
    """Like run_person; at {"step":"waiting","index":i} awaits actions[i]() then lets it go on."""
    step_file = Path(args[args.index("--step-file") + 1])
    proc = await asyncio.create_subprocess_exec(
        node, str(SCRIPT), *args,
        cwd=JS_DIR,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout and proc.stderr
    lines: list[Any] = []
    stderr_task = asyncio.create_task(proc.stderr.read())

    async def follow() -> None:
        assert proc.stdout
        while raw := await proc.stdout.readline():
            try:
                line = json.loads(raw)
            except ValueError:
                line = {"step": "garbage", "line": raw.decode("utf-8", "replace")}
            lines.append(line)
            if line.get("step") == "waiting":
                index = int(line["index"])
                await actions[index]()
                step_file.with_name(f"{step_file.name}.{index}").touch()

    try:
        await asyncio.wait_for(follow(), timeout)
        await asyncio.wait_for(proc.wait(), 10)
    except TimeoutError:
        proc.kill()
        await proc.wait()
    err = await stderr_task
    code = proc.returncode if proc.returncode is not None else -1
    return code, lines, err.decode("utf-8", "replace")


def steps(lines: list[Any], name: str, index: int) -> dict[str, Any]:
    found = [line for line in lines if line.get("step") == name and line.get("index") == index]
    assert found, f"person.mjs never reached step {name!r} #{index}: {lines}"
    result: dict[str, Any] = found[-1]
    return result


async def test_element_keeps_trusting_the_bot_after_a_restart_and_a_lost_store(
    synapse: Any,
    register_user: Any,
    bot_account: Any,
    bot_process: Any,
    tmp_path: Path,
) -> None:
    """One js-sdk session: the bot restarts (same device), then loses its Matrix store.

    The lost store comes back with the recovery key the first start wrote (typed into the
    config, the file deleted as the admin is told to): a new device, signed by the same
    identity from secret storage, so js-sdk sees no identity change and Element no warning.
    """
    node = js_ready()
    bot = bot_account.user_id
    data = config_dict(tmp_path, synapse, bot, bot_account.mediators_room)
    store = Path(data["matrix"]["store_path"])
    proc = bot_process(data)
    proc.start()
    await proc.wait_running()
    person = register_user("element")

    async def restart() -> None:
        rc, _ = await proc.terminate()
        assert rc == 0, proc.tail()
        proc.start()
        await proc.wait_running()

    key_file = store.parent / f"{store.name}-recovery-key.txt"
    kept: dict[str, Any] = {}

    async def lose_store() -> None:
        rc, _ = await proc.terminate()
        assert rc == 0, proc.tail()
        kept["keys"] = (store / "cross_signing.json").read_text()
        recovery_key = key_file.read_text(encoding="utf-8").strip()
        key_file.unlink()
        shutil.rmtree(store)
        write_config(proc.config, {**data, "matrix": {**data["matrix"],
                                                      "recovery_key": recovery_key}})
        proc.start()
        await proc.wait_running()

    code, lines, stderr = await run_person_with_steps(
        node,
        {1: restart, 2: lose_store},
        "--homeserver", synapse.base_url,
        "--user", person,
        "--password", PASSWORD,
        "--bot", bot,
        "--say", "caf",
        "--say", "menu",
        "--say", "aide",
        "--step-file", str(tmp_path / "step"),
        "--expect-reply",
        "--timeout", "140",
    )
    report = f"exit {code}\nstdout: {json.dumps(lines, indent=1)}\nstderr: {stderr[-4000:]}\n" \
             f"bot log: {proc.tail(3000)}"
    assert code == 0 and step(lines, "done")["ok"], report
    first, second, third = (steps(lines, "bot_devices", i) for i in range(3))
    assert [d["signedByOwner"] for d in first["devices"]] == [True], report
    assert second["devices"] == first["devices"], report  # a restart keeps the device
    (new_device,) = third["devices"]
    assert new_device["device_id"] != first["devices"][0]["device_id"], report
    assert new_device["signedByOwner"] is True, report
    assert (store / "cross_signing.json").read_text() == kept["keys"], report  # same identity
    assert not key_file.exists(), report  # restored, not a new key written
    # Element's "identity was reset" warning never appears: the identity is the same one
    approvals = [d["needs_user_approval"] for d in (first, second, third)]
    assert approvals == [False, False, False], report
    assert all(d["identity_known"] for d in (first, second, third)), report
    for i in range(3):
        reply = steps(lines, "reply", i)
        assert reply["decrypted"], report
        assert "pas pu lire" not in (reply["body"] or ""), report
