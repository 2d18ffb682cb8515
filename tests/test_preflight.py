"""No silent downgrade: catalogs and dialogues that would quietly cost people their language or
their topics stop start-up with one sentence naming the key (bot/preflight.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from bot.config import parse
from bot.preflight import check_dialogues, check_locales, first_failure, local_checks

ROOT = Path(__file__).resolve().parent.parent


def _copy_locales(tmp_path: Path, *, keep_mo: bool = True) -> Path:
    target = tmp_path / "locales"
    ignore = None if keep_mo else shutil.ignore_patterns("*.mo")
    shutil.copytree(ROOT / "locales", target, ignore=ignore)
    return target


def test_the_project_files_pass() -> None:
    locales, dialogues = check_locales(ROOT / "locales"), check_dialogues(ROOT / "dialogues")
    assert locales.ok and dialogues.ok, (locales, dialogues)
    assert locales.line().startswith("✓ catalogs compiled (en, ar")
    assert "topics" in dialogues.line()


def test_a_missing_locales_folder_names_the_key(tmp_path: Path) -> None:
    check = check_locales(tmp_path / "locales")
    assert not check.ok
    assert "'locales.path'" in check.detail and str(tmp_path / "locales") in check.detail
    assert check.line().startswith("✗ catalogs compiled: ") and "\n" not in check.line()


def test_an_empty_locales_folder_names_the_missing_languages(tmp_path: Path) -> None:
    (tmp_path / "locales").mkdir()
    check = check_locales(tmp_path / "locales")
    assert not check.ok
    assert "'locales.path'" in check.detail
    assert "English (en)" in check.detail and "Arabic (ar)" in check.detail


def test_one_language_missing_is_named_alone(tmp_path: Path) -> None:
    locales = _copy_locales(tmp_path)
    shutil.rmtree(locales / "ar")
    check = check_locales(locales)
    assert not check.ok and "Arabic (ar)" in check.detail and "English" not in check.detail


def test_a_catalog_without_its_mo_says_what_to_run(tmp_path: Path) -> None:
    locales = _copy_locales(tmp_path)
    (locales / "en" / "LC_MESSAGES" / "dialogues.mo").unlink()
    check = check_locales(locales)
    assert not check.ok
    assert "dialogues.po" in check.detail and "dialogues.mo" in check.detail
    assert "scripts/catalogs.py compile" in check.detail and "'locales.path'" in check.detail


def test_a_broken_mo_is_refused(tmp_path: Path) -> None:
    locales = _copy_locales(tmp_path)
    (locales / "ar" / "LC_MESSAGES" / "messages.mo").write_bytes(b"not a catalog")
    check = check_locales(locales)
    assert not check.ok and "messages.mo" in check.detail and "'locales.path'" in check.detail


def test_dialogues_without_a_topic_name_the_key(tmp_path: Path) -> None:
    folder = tmp_path / "dialogues"
    folder.mkdir()
    shutil.copy(ROOT / "dialogues" / "_snippets.yaml", folder)
    check = check_dialogues(folder)
    assert not check.ok and "'dialogues.path'" in check.detail and "no topic" in check.detail


def test_an_empty_dialogues_folder_is_refused(tmp_path: Path) -> None:
    check = check_dialogues(tmp_path)
    assert not check.ok and "'dialogues.path'" in check.detail


def test_broken_dialogues_give_the_place_of_the_first_error(tmp_path: Path) -> None:
    folder = tmp_path / "dialogues"
    shutil.copytree(ROOT / "dialogues", folder, ignore=shutil.ignore_patterns("corpus"))
    (folder / "caf.yaml").write_text("topic: [unclosed\n", encoding="utf-8")
    check = check_dialogues(folder)
    assert not check.ok and "caf.yaml:" in check.detail and "python -m bot check" in check.detail


def _config(tmp_path: Path, **extra: object) -> dict[str, object]:
    return {
        "matrix": {"homeserver": "http://127.0.0.1:9", "user_id": "@relais:test",
                   "password": "secret", "store_path": str(tmp_path / "store")},
        "mediators": {"room": "!mediators:test"},
        "dialogues": {"path": str(ROOT / "dialogues")},
        "storage": {"database": str(tmp_path / "db.sqlite3")},
        **extra,
    }


def test_local_checks_follow_the_config(tmp_path: Path) -> None:
    # no 'locales.path': resolved next to the config file, where there are no catalogs
    bare = parse(_config(tmp_path), tmp_path)
    refused = first_failure(local_checks(bare))
    assert refused is not None and "'locales.path'" in refused.detail
    good = parse(_config(tmp_path, locales={"path": str(ROOT / "locales")}), tmp_path)
    assert first_failure(local_checks(good)) is None


def test_run_stops_before_matrix_with_one_sentence(tmp_path: Path) -> None:
    """As a new deployment would: a config without 'locales.path' next to no catalogs."""
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(_config(tmp_path)), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bot", "run", "--config", str(config)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Relais cannot start: ") and "'locales.path'" in lines[0]
    assert not (tmp_path / "store").exists()  # nothing was started, no device was made
