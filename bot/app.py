"""Composition root: config -> store, dialogues, catalogs, transport, router; then run.

Start-up refuses to run on anything an admin must fix first (config, dialogues, catalogs) with
one sentence; once running, nothing a person or a homeserver does stops the process. SIGTERM
finishes in-flight work, flushes the outbox and exits 0 within a few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import ClientError

from bot import reload as reloading
from bot.config import Config
from bot.desk import Desk
from bot.dialogue.loader import Loaded, load
from bot.dialogue.vanished import ReloadSafeEngine
from bot.i18n import CatalogError, Catalogs
from bot.matrix import advice
from bot.matrix.errors import AccessTokenRefused, LoginRefused, MediatorsRoomUnavailable
from bot.matrix.http import MatrixHTTPError
from bot.matrix.recovery import RecoverySettings
from bot.matrix.rooms import RoomPolicy
from bot.matrix.transport import Transport
from bot.metrics import Metrics, start_metrics
from bot.present import Identity
from bot.router import Router
from bot.store import events
from bot.store._time import local_day
from bot.store.db import Database, open_db
from bot.store.privacy import purge

log = logging.getLogger("bot")


class StartupError(Exception):
    """Something an admin must fix before Relais can start (one sentence)."""


def _dialogues_and_catalogs(config: Config) -> tuple[Loaded, Catalogs]:
    """Both read before anything touches the network: a broken tree or catalog is one
    sentence at start, never a half-started bot."""
    loaded = load(config.dialogues)
    if not loaded.ok:
        first = loaded.errors[0]
        raise StartupError(
            f"The dialogues have {len(loaded.errors)} error(s), the first at {first.where}: "
            f"{first.message}. Run 'python -m bot check {config.dialogues}'."
        )
    try:
        return loaded, Catalogs.load(config.locales)
    except CatalogError as exc:
        raise StartupError(str(exc)) from None


@dataclass
class App:
    config: Config
    db: Database
    transport: Transport
    router: Router
    desk: Desk
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    reloader: reloading.Reloader | None = None  # SIGHUP and !recharger

    @classmethod
    async def create(cls, config: Config) -> App:
        loaded, catalogs = _dialogues_and_catalogs(config)
        config.database.parent.mkdir(parents=True, exist_ok=True)
        db = await open_db(config.database)
        transport = Transport(
            config.matrix.homeserver,
            config.matrix.user_id,
            config.matrix.password,
            config.matrix.access_token,
            config.matrix.device_name,
            config.matrix.store_path,
            RoomPolicy(config.mediators.room, config.matrix.allowed_servers),
            events.SyncTokenStore(db),
        )
        transport.account.configure(config.matrix.device_id, RecoverySettings(
            config.matrix.recovery_key, config.matrix.recovery_key_file))
        try:
            await transport.start()
        except Exception as exc:
            with contextlib.suppress(Exception):
                await transport.stop()  # closes the HTTP session (no "Unclosed" noise)
            await db.close()
            raise StartupError(_explain_start(config, exc)) from None
        room_id = transport.mediators_room_id or config.mediators.room
        from bot.understanding.build import build

        engine = ReloadSafeEngine(loaded.tree, build(loaded.tree, Path(config.dialogues)))

        async def summary() -> str:
            from bot import stats

            # the deployment's day, as the counters are kept (not the server's UTC day)
            today = local_day(None, config.mediators.hours.timezone)
            titles = {t.id: t.title for t in router.engine.tree.topics}  # after a reload too
            report = await stats.report(db, today - timedelta(days=6), today, "topic",
                                        k=config.privacy.k_anonymity, titles=titles)
            return stats.last_days_summary(report)

        desk = Desk(db, config.mediators, room_id, catalogs, transport.members,
                    stats_summary=summary, describe_path=engine.describe_path)
        identity = Identity(config.privacy.organisation, config.privacy.contact,
                            config.privacy.state_days)
        router = Router(db, engine, catalogs, desk, transport, identity=identity,
                        timezone=config.mediators.hours.timezone, metrics=_metrics(config))
        reloader = reloading.Reloader(
            Path(config.dialogues), Path(config.locales),
            lambda fresh: reloading.install(router, desk, fresh), lambda: router.catalogs.locales,
            announce=reloading.room_announcer(desk, router.kick))
        reloading.attach(desk, reloader)
        return cls(config, db, transport, router, desk, reloader=reloader)

    async def run(self) -> None:
        """Until stop(): sync, send, tick timers, purge old data."""
        self.tasks = [
            asyncio.create_task(self.router.sender.run(), name="sender"),
            asyncio.create_task(self._timers(), name="timers"),
        ]
        try:
            await self.transport.run(self.router.on_event, self.router.on_member_left)
        finally:
            await self._shutdown()

    async def _timers(self) -> None:
        last_purge = 0.0
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(30)
            try:
                await self.desk.tick()
                self.router.sender.kick()
                if loop.time() - last_purge > 3600:
                    last_purge = loop.time()
                    purged = await purge(self.db, None, state_days=self.config.privacy.state_days,
                                         ticket_days=self.config.privacy.ticket_days)
                    log.info("purge: %d old rows removed", purged.total)
            except Exception:
                log.exception("timer failed")

    async def stop(self) -> None:
        """Send what is queued while the client is still open, then stop syncing."""
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.router.sender.flush(timeout=2.5), timeout=3.0)
        with contextlib.suppress(Exception):
            await self.router.signals.settle(timeout=1.0)
        await self.transport.stop()

    async def _shutdown(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.db.close()


def _explain_start(config: Config, exc: Exception) -> str:
    """One sentence naming the setting to fix, chosen by the error's type."""
    text = str(exc) or type(exc).__name__
    if (known := advice.sentence(exc)) is not None:  # the token's and the identity's
        return known
    if isinstance(exc, LoginRefused):
        return ("The homeserver refused the login: check 'matrix.user_id' and "
                "'matrix.password'.")
    if isinstance(exc, AccessTokenRefused) or (
        isinstance(exc, MatrixHTTPError) and exc.body.get("errcode") == "M_UNKNOWN_TOKEN"
    ):
        return advice.TOKEN_REFUSED
    if isinstance(exc, MatrixHTTPError) and exc.status in (401, 403):
        return ("The homeserver refused the login: check 'matrix.user_id' and "
                "'matrix.password'.")
    if isinstance(exc, (ClientError, TimeoutError, ConnectionError)):
        return (f"The homeserver at 'matrix.homeserver' ({config.matrix.homeserver}) cannot be "
                "reached.")
    if isinstance(exc, MediatorsRoomUnavailable):
        return f"The mediators' room in 'mediators.room' cannot be joined ({text})."
    return f"Relais could not connect to Matrix: {text}"


def _metrics(config: Config) -> Metrics:
    if not config.metrics_listen:
        return Metrics()
    return start_metrics(config.metrics_listen)


async def serve(config: Config) -> int:
    app = await App.create(config)
    loop = asyncio.get_running_loop()
    stopping: list[asyncio.Task[None]] = []

    def on_signal() -> None:
        if not stopping:
            log.info("stopping (signal received)")
            stopping.append(asyncio.create_task(app.stop()))

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal)
    if app.reloader is not None:  # the dialogues and catalogs again, without a restart
        loop.add_signal_handler(signal.SIGHUP, app.reloader.hangup)
    log.info("Relais is running")
    await app.run()
    return 0
