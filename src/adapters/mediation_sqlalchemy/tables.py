"""The adapter's tables (SQLAlchemy Core), as the newest migration leaves them.

The Alembic revisions in ``migrations/versions`` create and change these tables; a test
checks that upgrading an empty database to head yields exactly this metadata, and that the
ledger table has one column per :class:`~mediation_core.domain.reporting.ledger.LedgerRow` field.

Identifiers use the "C" collation on PostgreSQL so ``ORDER BY`` sorts them by code point,
as Python does (and as the storage contract requires), whatever the database's locale.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)


def key_type() -> sa.types.TypeEngine[str]:
    """An identifier: compared and ordered byte by byte."""
    return sa.String().with_variant(sa.String(collation="C"), "postgresql")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware moment, stored in UTC and read back as UTC with microseconds.

    PostgreSQL keeps ``timestamptz``; SQLite keeps SQLAlchemy's sortable ISO text of the
    UTC wall time (SQLite has no time zones)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            msg = "timestamps must be timezone-aware"
            raise ValueError(msg)
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


streams = sa.Table(
    "streams",
    metadata,
    sa.Column("stream_id", key_type(), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("head_hash", sa.String(64), nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    comment="One row per stream (a case, a referral …): its current version and last hash.",
    sqlite_with_rowid=False,
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("stream_id", key_type(), sa.ForeignKey("streams.stream_id"), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("event_type", sa.String, nullable=False),
    sa.Column("schema_version", sa.Integer, nullable=False),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column(
        "key_id",
        sa.String(64),
        nullable=False,
        server_default="",
        comment="the seal key's id; empty: a plain SHA-256 hash, sealed before keys were configured",
    ),
    comment="The append-only event streams: the case file. Never updated in place.",
    sqlite_with_rowid=False,
)

snapshots = sa.Table(
    "snapshots",
    metadata,
    sa.Column("stream_id", key_type(), sa.ForeignKey("streams.stream_id"), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False, comment="the stream's version the state was folded to"),
    sa.Column("hash", sa.String(64), nullable=False, comment="the seal of the record at that version"),
    sa.Column("state_schema", sa.String, nullable=False, comment="the aggregate and its state layout's digest"),
    sa.Column("state", sa.JSON, nullable=False),
    comment="The last folded state of each stream, read with the records after it; never trusted "
    "unless its schema is current and its record still carries its seal (ADR 0017).",
    sqlite_with_rowid=False,
)

ledger = sa.Table(
    "ledger",
    metadata,
    sa.Column("case_id", key_type(), sa.ForeignKey("streams.stream_id"), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("room_id", key_type(), nullable=False),
    sa.Column("number", sa.String),
    sa.Column("status", sa.String, nullable=False),
    sa.Column("outcome", sa.String, nullable=False),
    sa.Column("source", sa.String, nullable=False),
    sa.Column("category", sa.String, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("party_names", sa.JSON, nullable=False),
    sa.Column("parties", sa.Integer, nullable=False),
    sa.Column("persons", sa.Integer, nullable=False),
    sa.Column("amount_fen", sa.BigInteger, nullable=False, comment="amount involved, in fen (0.01 yuan)"),
    sa.Column("received_on", sa.Date, nullable=False),
    sa.Column("accepted_on", sa.Date),
    sa.Column("term_due", sa.Date),
    sa.Column("concluded_on", sa.Date),
    sa.Column("archived_on", sa.Date),
    sa.Column("agreement_form", sa.String),
    sa.Column("termination_reason", sa.String),
    sa.Column("decline_reason", sa.String),
    sa.Column("difficulty", sa.String, nullable=False),
    sa.Column("civil_to_criminal_persons", sa.Integer, nullable=False),
    sa.Column("public_order_persons", sa.Integer, nullable=False),
    sa.Column("mass_incident_persons", sa.Integer, nullable=False),
    sa.Column("suicide_persons", sa.Integer, nullable=False),
    sa.Column("presiding_mediator", sa.String),
    sa.Column("mediators", sa.JSON, nullable=False),
    sa.Column("sessions", sa.Integer, nullable=False),
    sa.Column("follow_up_due", sa.Date),
    sa.Column("follow_ups", sa.Integer, nullable=False),
    sa.Column("first_follow_up_on", sa.Date),
    sa.Column("performance", sa.String),
    sa.Column("satisfaction", sa.String),
    sa.Column("referral_id", sa.String),
    sa.Column("referral_mode", sa.String),
    sa.Column("dispatch_id", sa.String),
    sa.Column("repeat_of", sa.String),
    sa.Column("party_keys", sa.JSON, nullable=False),
    sa.Column(
        "sensitive",
        sa.Boolean,
        nullable=False,
        server_default=sa.false(),
        comment="a party was under 14 at intake (个人信息保护法 art. 28)",
    ),
    sa.Column("anonymised_on", sa.Date, comment="the day the parties were anonymised after retention"),
    sa.Column("civil_to_criminal_prevented_on", sa.Date, comment="防止民转刑: the day the room recorded it"),
    sa.Column("mass_incident_handled_on", sa.Date, comment="预防处置群体性事件: the day the room recorded it"),
    sa.Index(None, "room_id", "received_on"),
    sa.Index(None, "room_id", "accepted_on"),
    sa.Index(None, "room_id", "concluded_on"),
    sa.Index(None, "received_on"),
    sa.Index(None, "concluded_on"),
    sa.Index(None, "status", "room_id"),
    sa.Index(None, "room_id", "outcome"),
    comment="台账: one typed row per case, kept in step with its stream; statistics read these.",
)

ledger_party_keys = sa.Table(
    "ledger_party_keys",
    metadata,
    sa.Column("party_key", key_type(), primary_key=True),
    sa.Column("case_id", key_type(), sa.ForeignKey("ledger.case_id", ondelete="CASCADE"), primary_key=True),
    sa.Index(None, "case_id"),
    comment="The ledger rows' party keys (keyed identity digests), one row per key: repeat detection.",
    sqlite_with_rowid=False,
)

statistics_cells = sa.Table(
    "statistics_cells",
    metadata,
    sa.Column("room_id", key_type(), primary_key=True),
    sa.Column("month", key_type(), primary_key=True, comment="2026-03: the month of the figure's own date column"),
    sa.Column("axis", key_type(), primary_key=True, comment="category, source, or days (to conclude)"),
    sa.Column("value", key_type(), primary_key=True),
    sa.Column("figure", key_type(), primary_key=True),
    sa.Column("cases", sa.BigInteger, nullable=False),
    sa.Column("persons", sa.BigInteger, nullable=False),
    sa.Column("amount_fen", sa.BigInteger, nullable=False, comment="amount involved, in fen (0.01 yuan)"),
    comment="Statistics rollups: the ledger rows' additive figures per room, month, axis value and figure, "
    "kept in the transaction that writes the rows; reports sum these instead of scanning the ledger.",
    sqlite_with_rowid=False,
)

deadlines = sa.Table(
    "deadlines",
    metadata,
    sa.Column("stream_id", key_type(), sa.ForeignKey("streams.stream_id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("kind", key_type(), nullable=False),
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("basis", sa.String, nullable=False),
    sa.Column("policy", sa.String, nullable=False),
    sa.Column("calendar", sa.String, nullable=False),
    sa.Column("estimated", sa.Boolean, nullable=False),
    sa.Column("ref", key_type(), nullable=False, comment="which item falls due, when a stream has several of a kind"),
    sa.Index(None, "due", "stream_id"),
    comment="Open deadlines per stream, replaced by every append; the sweep reads them by due date.",
    sqlite_with_rowid=False,
)

documents = sa.Table(
    "documents",
    metadata,
    sa.Column("kind", key_type(), primary_key=True),
    sa.Column("key", key_type(), primary_key=True),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("tags", sa.JSON, nullable=False),
    comment="Projections other than the ledger (referrals, meetings, locked returns …).",
)

document_tags = sa.Table(
    "document_tags",
    metadata,
    sa.Column("kind", key_type(), primary_key=True),
    sa.Column("key", key_type(), primary_key=True),
    sa.Column("tag", key_type(), primary_key=True),
    sa.Column("value", key_type(), nullable=False),
    sa.ForeignKeyConstraint(["kind", "key"], ["documents.kind", "documents.key"], ondelete="CASCADE"),
    sa.Index(None, "kind", "tag", "value"),
    comment="The filterable string tags of each document, one row per tag.",
    sqlite_with_rowid=False,
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("key", key_type(), nullable=False, unique=True),
    sa.Column("kind", sa.String, nullable=False),
    sa.Column("case_id", key_type(), nullable=False),
    sa.Column("notice", sa.JSON, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("status", sa.String, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UTCDateTime),
    sa.Column("last_error", sa.Text, nullable=False),
    sa.Column("delivered_by", sa.JSON, nullable=False),
    sa.Column("delivered_at", UTCDateTime),
    sa.Index(None, "status", "next_attempt_at"),
    comment="Notices written with the events that caused them, with their delivery bookkeeping.",
)

numbers = sa.Table(
    "numbers",
    metadata,
    sa.Column("series", key_type(), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("last", sa.Integer, nullable=False),
    comment="The last number handed out per (series, year); gap-free because it moves only on commit.",
    sqlite_with_rowid=False,
)

registry = sa.Table(
    "registry",
    metadata,
    sa.Column("section", key_type(), primary_key=True),
    sa.Column("record_id", key_type(), primary_key=True),
    sa.Column("body", sa.JSON, nullable=False),
    comment="The organisation registry: organisations, mediators, liaisons … as JSON records.",
    sqlite_with_rowid=False,
)

relay_positions = sa.Table(
    "relay_positions",
    metadata,
    sa.Column("subscriber", key_type(), primary_key=True),
    sa.Column("stream_id", key_type(), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False, comment="the last version published and confirmed"),
    sa.Column("status", sa.String, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UTCDateTime),
    sa.Column("last_error", sa.Text, nullable=False),
    sa.Index(None, "subscriber", "status"),
    comment="How far each subscriber of the event relay has been sent each stream, with its retry bookkeeping.",
    sqlite_with_rowid=False,
)
