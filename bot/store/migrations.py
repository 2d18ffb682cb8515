"""The schema, as numbered, append-only migrations (never edit a published one).

Each runs in its own transaction and bumps ``PRAGMA user_version`` in it (bot/store/db.py), so
a crash mid-upgrade leaves the file at the previous version, never half-way.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "initial schema",
        (
            """CREATE TABLE conversations (
                room_id     TEXT PRIMARY KEY,
                state       TEXT NOT NULL,
                created_day TEXT NOT NULL,
                updated_at  INTEGER NOT NULL
            )""",
            "CREATE INDEX conversations_updated ON conversations(updated_at)",
            """CREATE TABLE handled_events (
                event_id   TEXT PRIMARY KEY,
                handled_at INTEGER NOT NULL
            )""",
            "CREATE INDEX handled_events_at ON handled_events(handled_at)",
            """CREATE TABLE kv (
                key   TEXT PRIMARY KEY,
                value TEXT NOT NULL
            )""",
            """CREATE TABLE tickets (
                id             INTEGER PRIMARY KEY AUTOINCREMENT,
                number         INTEGER NOT NULL UNIQUE,
                person_room    TEXT,
                thread_root    TEXT UNIQUE,
                status         TEXT NOT NULL DEFAULT 'open'
                               CHECK (status IN ('open', 'claimed', 'closed')),
                priority       INTEGER NOT NULL DEFAULT 0 CHECK (priority IN (0, 1)),
                topic          TEXT,
                path           TEXT NOT NULL DEFAULT '[]',
                locale         TEXT NOT NULL DEFAULT 'fr',
                reason         TEXT NOT NULL DEFAULT '',
                opened_at      INTEGER NOT NULL,
                claimed_by     TEXT,
                claimed_at     INTEGER,
                closed_at      INTEGER,
                last_person_at INTEGER,
                reminded       INTEGER NOT NULL DEFAULT 0 CHECK (reminded IN (0, 1))
            )""",
            # at most one ticket not closed per person
            """CREATE UNIQUE INDEX tickets_one_active ON tickets(person_room)
               WHERE status != 'closed' AND person_room IS NOT NULL""",
            "CREATE INDEX tickets_queue ON tickets(status, priority DESC, opened_at)",
            "CREATE INDEX tickets_room ON tickets(person_room)",
            """CREATE TABLE relays (
                source_event_id TEXT PRIMARY KEY,
                ticket_id       INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
                direction       TEXT NOT NULL CHECK (direction IN ('to_thread', 'to_person')),
                target_event_id TEXT
            )""",
            "CREATE INDEX relays_ticket ON relays(ticket_id)",
            "CREATE INDEX relays_target ON relays(target_event_id)",
            """CREATE TABLE ticket_messages (
                id        INTEGER PRIMARY KEY AUTOINCREMENT,
                ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
                at        INTEGER NOT NULL,
                direction TEXT NOT NULL CHECK (direction IN ('to_thread', 'to_person')),
                text      TEXT NOT NULL
            )""",
            "CREATE INDEX ticket_messages_ticket ON ticket_messages(ticket_id, at)",
            """CREATE TABLE outbox (
                id               INTEGER PRIMARY KEY AUTOINCREMENT,
                txn_id           TEXT NOT NULL UNIQUE,
                room_id          TEXT NOT NULL,
                content          TEXT NOT NULL,
                created_at       INTEGER NOT NULL,
                sent_event_id    TEXT,
                sent_at          INTEGER,
                attempts         INTEGER NOT NULL DEFAULT 0,
                dropped          INTEGER NOT NULL DEFAULT 0 CHECK (dropped IN (0, 1)),
                root_of_ticket   INTEGER REFERENCES tickets(id) ON DELETE SET NULL,
                thread_of_ticket INTEGER REFERENCES tickets(id) ON DELETE SET NULL,
                relay_source     TEXT
            )""",
            "CREATE INDEX outbox_pending ON outbox(room_id, id) WHERE sent_event_id IS NULL"
            " AND dropped = 0",
            """CREATE TABLE mediator_names (
                user_id    TEXT PRIMARY KEY,
                first_name TEXT NOT NULL
            )""",
            # Statistics: nothing identifying (no ids, no text, nothing finer than the day).
            """CREATE TABLE counters (
                day      TEXT NOT NULL,
                topic    TEXT NOT NULL DEFAULT '',
                entry    TEXT NOT NULL DEFAULT '',
                outcome  TEXT NOT NULL CHECK (outcome IN ('entered', 'helped', 'not_helped',
                         'handed_over', 'claimed', 'closed', 'abandoned', 'distress')),
                locale   TEXT NOT NULL DEFAULT '',
                distress INTEGER NOT NULL DEFAULT 0 CHECK (distress IN (0, 1)),
                count    INTEGER NOT NULL DEFAULT 0,
                UNIQUE (day, topic, entry, outcome, locale, distress)
            )""",
            """CREATE TABLE histograms (
                day    TEXT NOT NULL,
                metric TEXT NOT NULL CHECK (metric IN ('wait_seconds', 'handover_seconds')),
                bucket TEXT NOT NULL,
                count  INTEGER NOT NULL DEFAULT 0,
                UNIQUE (day, metric, bucket)
            )""",
            """CREATE TABLE satisfaction (
                day   TEXT NOT NULL,
                score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
                count INTEGER NOT NULL DEFAULT 0,
                UNIQUE (day, score)
            )""",
        ),
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version
