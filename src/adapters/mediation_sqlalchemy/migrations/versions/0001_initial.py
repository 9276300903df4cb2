"""The first schema: streams and events, the ledger, deadlines, documents, outbox, numbers, registry.

Revision ID: 0001
Revises:
Create Date: 2026-11-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def key() -> sa.types.TypeEngine[str]:
    return sa.String().with_variant(sa.String(collation="C"), "postgresql")


def moment() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "streams",
        sa.Column("stream_id", key(), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("updated_at", moment(), nullable=False),
        sa.PrimaryKeyConstraint("stream_id", name="pk_streams"),
        comment="One row per stream (a case, a referral …): its current version and last hash.",
        sqlite_with_rowid=False,
    )
    op.create_table(
        "events",
        sa.Column("stream_id", key(), nullable=False),
        sa.Column("version", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("event_type", sa.String, nullable=False),
        sa.Column("schema_version", sa.Integer, nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("recorded_at", moment(), nullable=False),
        sa.Column("actor", sa.String, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("stream_id", "version", name="pk_events"),
        sa.ForeignKeyConstraint(["stream_id"], ["streams.stream_id"], name="fk_events_stream_id_streams"),
        comment="The append-only event streams: the case file. Never updated in place.",
        sqlite_with_rowid=False,
    )
    op.create_table(
        "ledger",
        sa.Column("case_id", key(), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("room_id", key(), nullable=False),
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
        sa.PrimaryKeyConstraint("case_id", name="pk_ledger"),
        sa.ForeignKeyConstraint(["case_id"], ["streams.stream_id"], name="fk_ledger_case_id_streams"),
        comment="台账: one typed row per case, kept in step with its stream; statistics read these.",
    )
    for columns in (
        ("room_id", "received_on"),
        ("room_id", "accepted_on"),
        ("room_id", "concluded_on"),
        ("received_on",),
        ("concluded_on",),
        ("status", "room_id"),
    ):
        op.create_index(f"ix_ledger_{'_'.join(columns)}", "ledger", list(columns))
    op.create_table(
        "ledger_party_keys",
        sa.Column("party_key", key(), nullable=False),
        sa.Column("case_id", key(), nullable=False),
        sa.PrimaryKeyConstraint("party_key", "case_id", name="pk_ledger_party_keys"),
        sa.ForeignKeyConstraint(
            ["case_id"], ["ledger.case_id"], name="fk_ledger_party_keys_case_id_ledger", ondelete="CASCADE"
        ),
        comment="The ledger rows' party keys (keyed identity digests), one row per key: repeat detection.",
        sqlite_with_rowid=False,
    )
    op.create_index("ix_ledger_party_keys_case_id", "ledger_party_keys", ["case_id"])
    op.create_table(
        "deadlines",
        sa.Column("stream_id", key(), nullable=False),
        sa.Column("position", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("kind", key(), nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("basis", sa.String, nullable=False),
        sa.Column("policy", sa.String, nullable=False),
        sa.Column("calendar", sa.String, nullable=False),
        sa.Column("estimated", sa.Boolean, nullable=False),
        sa.Column("ref", key(), nullable=False, comment="which item falls due, when a stream has several of a kind"),
        sa.PrimaryKeyConstraint("stream_id", "position", name="pk_deadlines"),
        sa.ForeignKeyConstraint(["stream_id"], ["streams.stream_id"], name="fk_deadlines_stream_id_streams"),
        comment="Open deadlines per stream, replaced by every append; the sweep reads them by due date.",
        sqlite_with_rowid=False,
    )
    op.create_index("ix_deadlines_due_stream_id", "deadlines", ["due", "stream_id"])
    op.create_table(
        "documents",
        sa.Column("kind", key(), nullable=False),
        sa.Column("key", key(), nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", name="pk_documents"),
        comment="Projections other than the ledger (referrals, meetings, locked returns …).",
    )
    op.create_table(
        "document_tags",
        sa.Column("kind", key(), nullable=False),
        sa.Column("key", key(), nullable=False),
        sa.Column("tag", key(), nullable=False),
        sa.Column("value", key(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", "tag", name="pk_document_tags"),
        sa.ForeignKeyConstraint(
            ["kind", "key"],
            ["documents.kind", "documents.key"],
            name="fk_document_tags_kind_documents",
            ondelete="CASCADE",
        ),
        comment="The filterable string tags of each document, one row per tag.",
        sqlite_with_rowid=False,
    )
    op.create_index("ix_document_tags_kind_tag_value", "document_tags", ["kind", "tag", "value"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), nullable=False, autoincrement=True),
        sa.Column("key", key(), nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("case_id", key(), nullable=False),
        sa.Column("notice", sa.JSON, nullable=False),
        sa.Column("created_at", moment(), nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", moment()),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("delivered_by", sa.JSON, nullable=False),
        sa.Column("delivered_at", moment()),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("key", name="uq_outbox_key"),
        comment="Notices written with the events that caused them, with their delivery bookkeeping.",
    )
    op.create_index("ix_outbox_status_next_attempt_at", "outbox", ["status", "next_attempt_at"])
    op.create_table(
        "numbers",
        sa.Column("series", key(), nullable=False),
        sa.Column("year", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("last", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("series", "year", name="pk_numbers"),
        comment="The last number handed out per (series, year); gap-free because it moves only on commit.",
        sqlite_with_rowid=False,
    )
    op.create_table(
        "registry",
        sa.Column("section", key(), nullable=False),
        sa.Column("record_id", key(), nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("section", "record_id", name="pk_registry"),
        comment="The organisation registry: organisations, mediators, liaisons … as JSON records.",
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    for table in (
        "registry",
        "numbers",
        "outbox",
        "document_tags",
        "documents",
        "deadlines",
        "ledger_party_keys",
        "ledger",
        "events",
        "streams",
    ):
        op.drop_table(table)
