"""``bot doctor`` without a homeserver: the command is there, a broken config or an unreachable
server is one line each and a non-zero exit, and the database check changes nothing."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import yaml

from bot.cli import build_parser
from bot.config_keys import SETTINGS, check_keys, unknown
from bot.store.db import open_db
from bot.store.health import inspect
from bot.store.migrations import LATEST_VERSION

ROOT = Path(__file__).resolve().parent.parent


def _doctor(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "doctor", "--config", str(config)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_doctor_is_a_command() -> None:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert "doctor" in sub.choices  # type: ignore[operator]


def test_a_missing_config_is_one_line(tmp_path: Path) -> None:
    done = _doctor(tmp_path / "nowhere.yaml")
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"✗ config keys: The configuration file '{tmp_path / 'nowhere.yaml'}' does not exist: "
        "copy config.example.yaml to start."]
    assert "Traceback" not in done.stderr


def test_a_config_error_names_its_key(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"matrix": {"homeserver": "matrix.example"}}),
                      encoding="utf-8")
    done = _doctor(config)
    assert done.returncode == 1
    (line,) = done.stdout.splitlines()
    assert line.startswith("✗ config keys: ") and "'matrix.homeserver'" in line


def test_an_unreachable_homeserver_is_named_once_and_the_rest_not_checked(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({
        "matrix": {"homeserver": "http://127.0.0.1:9", "user_id": "@relais:test",
                   "password": "secret"},
        "mediators": {"room": "!mediators:test"},
        "dialogues": {"path": str(ROOT / "dialogues")},
        "locales": {"path": str(ROOT / "locales")},
    }), encoding="utf-8")
    done = _doctor(config)
    assert done.returncode == 1, done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line[:1] for line in lines[:4]] == ["✓"] * 4, lines  # config, dialogues, catalogs, db
    assert lines[4].startswith("✗ homeserver reachable: ") and "'matrix.homeserver'" in lines[4]
    assert all(line.endswith("not checked: the homeserver cannot be reached.")
               for line in lines[5:]) and len(lines) == 9
    assert not (tmp_path / "data").exists()  # no database, no store was made


async def test_the_database_check_reads_without_migrating(tmp_path: Path) -> None:
    path = tmp_path / "relais.sqlite3"
    fresh = await inspect(path)
    assert fresh.ok and "created at the first start" in fresh.sentence and not path.exists()

    db = await open_db(path)
    await db.close()
    current = await inspect(path)
    assert current.ok and f"version {LATEST_VERSION}, the latest" in current.sentence

    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION - 1}")
    older = await inspect(path)
    assert older.ok and f"migrates it to {LATEST_VERSION}" in older.sentence
    with sqlite3.connect(path) as conn:  # inspect did not migrate it
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION - 1
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    newer = await inspect(path)
    assert not newer.ok and "newer than this Relais" in newer.sentence
    assert "'storage.database'" in newer.sentence


async def test_a_file_that_is_not_a_database_is_named(tmp_path: Path) -> None:
    path = tmp_path / "relais.sqlite3"
    path.write_bytes(b"this is not sqlite, just text" * 100)
    health = await inspect(path)
    assert not health.ok and "'storage.database'" in health.sentence


def test_relais_doctor_is_the_same_command(tmp_path: Path) -> None:
    """The console entry point of the package (``pip install -e .`` made it for the venv)."""
    relais = Path(sys.executable).parent / "relais"
    done = subprocess.run([str(relais), "doctor", "--config", str(tmp_path / "none.yaml")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stdout.startswith("✗ config keys: The configuration file ")


# --------------------------------------------------------------------------- unknown keys


def test_every_setting_config_py_reads_is_known() -> None:
    """A key added to config.py and not here would be called unknown by doctor."""
    source = (ROOT / "bot" / "config.py").read_text(encoding="utf-8")
    read = set(re.findall(
        r'"((?:matrix|mediators|dialogues|locales|storage|privacy|metrics|logging)\.[a-z_.]+)"',
        source))
    assert read and read <= SETTINGS, read - SETTINGS
    secrets = set(re.findall(r'_secret\(data, "([a-z_.]+)"', source))
    assert secrets and {f"{key}_file" for key in secrets} <= SETTINGS


def test_the_example_config_has_no_unknown_key() -> None:
    example = yaml.safe_load((ROOT / "config.example.yaml").read_text(encoding="utf-8"))
    assert list(unknown(example)) == []


def test_a_typo_in_a_key_is_named_with_the_closest_setting() -> None:
    check = check_keys({"locales": {"pth": "/etc/relais/locales"},
                        "mediators": {"room": "!r:x", "hours": {"weekly": {"mon": "9:00-12:00"}}},
                        "storage": {"databse": "x"}}, "config.yaml")
    assert not check.ok
    assert "'locales.pth'" in check.detail and "did you mean 'locales.path'" in check.detail
    assert "1 more unknown key" in check.detail
    assert check_keys({"matrix": {"homeserver": "https://m.org"}}, "config.yaml").ok
    assert not check_keys({"matrix": "https://m.org", "oops": 1}, "config.yaml").ok


def test_doctor_names_an_unknown_key_first(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({
        "matrix": {"homeserver": "http://127.0.0.1:9", "user_id": "@relais:test",
                   "password": "secret"},
        "mediators": {"room": "!mediators:test"},
        "dialogues": {"path": str(ROOT / "dialogues")},
        "locales": {"path": str(ROOT / "locales"), "pth": "typo"},
    }), encoding="utf-8")
    done = _doctor(config)
    assert done.returncode == 1
    first = done.stdout.splitlines()[0]
    assert first.startswith("✗ config keys: The setting 'locales.pth' is not one Relais knows")
