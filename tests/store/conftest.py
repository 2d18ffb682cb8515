from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import Database, open_db


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "relais.sqlite3"


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Database]:
    database = await open_db(db_path)
    try:
        yield database
    finally:
        await database.close()
