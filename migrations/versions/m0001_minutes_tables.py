"""minutes tables

The Protokollhilfe (OParl Meeting, AgendaItem, Paper, Person, Organization; recordings,
transcript, speakers, voice profiles, votes, minutes drafts). First revision of the "minutes" branch.

Revision ID: m0001
Revises: 0002
Create Date: 2026-11-21 18:40:57.373775
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import rathaus.core.db

revision: str = "m0001"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = ("minutes",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "minutes_organizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("short_name", sa.String(length=80), nullable=True),
        sa.Column("classification", sa.String(length=120), nullable=True),
        sa.Column("oparl_id", sa.String(length=500), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_minutes_organizations_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_organizations")),
    )
    op.create_index(
        op.f("ix_minutes_organizations_oparl_id"), "minutes_organizations", ["oparl_id"], unique=False
    )
    op.create_index(
        op.f("ix_minutes_organizations_tenant_id"), "minutes_organizations", ["tenant_id"], unique=False
    )

    op.create_table(
        "minutes_papers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("paper_type", sa.String(length=120), nullable=True),
        sa.Column("proposed_resolution", sa.Text(), nullable=True),
        sa.Column("oparl_id", sa.String(length=500), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_minutes_papers_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_papers")),
    )
    op.create_index(op.f("ix_minutes_papers_oparl_id"), "minutes_papers", ["oparl_id"], unique=False)
    op.create_index(op.f("ix_minutes_papers_reference"), "minutes_papers", ["reference"], unique=False)
    op.create_index(op.f("ix_minutes_papers_tenant_id"), "minutes_papers", ["tenant_id"], unique=False)

    op.create_table(
        "minutes_persons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("faction", sa.String(length=200), nullable=True),
        sa.Column("oparl_id", sa.String(length=500), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_minutes_persons_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_persons")),
    )
    op.create_index(op.f("ix_minutes_persons_oparl_id"), "minutes_persons", ["oparl_id"], unique=False)
    op.create_index(op.f("ix_minutes_persons_tenant_id"), "minutes_persons", ["tenant_id"], unique=False)

    op.create_table(
        "minutes_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("start", rathaus.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("end", rathaus.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("chair", sa.String(length=200), nullable=True),
        sa.Column("clerk", sa.String(length=200), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "entwurf",
                "in_pruefung",
                "freigegeben",
                "veroeffentlicht",
                name="meetingstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "kind",
            sa.Enum("ergebnis", "verlauf", "wort", name="minuteskind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("oparl_id", sa.String(length=500), nullable=True),
        sa.Column("pipeline_job_id", sa.Integer(), nullable=True),
        sa.Column("chair_approval", sa.String(length=200), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", rathaus.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_at", rathaus.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", rathaus.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["users.id"],
            name=op.f("fk_minutes_meetings_approved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["minutes_organizations.id"],
            name=op.f("fk_minutes_meetings_organization_id_minutes_organizations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pipeline_job_id"],
            ["jobs.id"],
            name=op.f("fk_minutes_meetings_pipeline_job_id_jobs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_minutes_meetings_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_meetings")),
    )
    op.create_index(op.f("ix_minutes_meetings_oparl_id"), "minutes_meetings", ["oparl_id"], unique=False)
    op.create_index(
        op.f("ix_minutes_meetings_organization_id"), "minutes_meetings", ["organization_id"], unique=False
    )
    op.create_index(
        op.f("ix_minutes_meetings_session_date"), "minutes_meetings", ["session_date"], unique=False
    )
    op.create_index(op.f("ix_minutes_meetings_status"), "minutes_meetings", ["status"], unique=False)
    op.create_index(op.f("ix_minutes_meetings_tenant_id"), "minutes_meetings", ["tenant_id"], unique=False)

    op.create_table(
        "minutes_agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=True),
        sa.Column("paper_reference", sa.String(length=80), nullable=True),
        sa.Column("proposed_resolution", sa.Text(), nullable=True),
        sa.Column("oparl_id", sa.String(length=500), nullable=True),
        sa.Column("start_s", sa.Float(), nullable=True),
        sa.Column("end_s", sa.Float(), nullable=True),
        sa.Column("alignment_method", sa.String(length=40), nullable=True),
        sa.Column("result", sa.String(length=120), nullable=True),
        sa.Column("resolution_text", sa.Text(), nullable=True),
        sa.Column("votes_yes", sa.Integer(), nullable=True),
        sa.Column("votes_no", sa.Integer(), nullable=True),
        sa.Column("votes_abstain", sa.Integer(), nullable=True),
        sa.Column("votes_source", sa.String(length=20), nullable=True),
        sa.Column("decision_details", sa.JSON(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["minutes_meetings.id"],
            name=op.f("fk_minutes_agenda_items_meeting_id_minutes_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["minutes_papers.id"],
            name=op.f("fk_minutes_agenda_items_paper_id_minutes_papers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_minutes_agenda_items_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_agenda_items")),
    )
    op.create_index(
        op.f("ix_minutes_agenda_items_meeting_id"), "minutes_agenda_items", ["meeting_id"], unique=False
    )
    op.create_index(
        op.f("ix_minutes_agenda_items_tenant_id"), "minutes_agenda_items", ["tenant_id"], unique=False
    )

    op.create_table(
        "minutes_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["minutes_meetings.id"],
            name=op.f("fk_minutes_attendance_meeting_id_minutes_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["minutes_persons.id"],
            name=op.f("fk_minutes_attendance_person_id_minutes_persons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_minutes_attendance_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_attendance")),
        sa.UniqueConstraint("meeting_id", "person_id", name=op.f("uq_minutes_attendance_meeting_id")),
    )
    op.create_index(
        op.f("ix_minutes_attendance_meeting_id"), "minutes_attendance", ["meeting_id"], unique=False
    )
    op.create_index(
        op.f("ix_minutes_attendance_tenant_id"), "minutes_attendance", ["tenant_id"], unique=False
    )

    op.create_table(
        "minutes_recordings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("offset_s", sa.Float(), nullable=True),
        sa.Column("deleted_at", rathaus.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", rathaus.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["stored_files.id"],
            name=op.f("fk_minutes_recordings_file_id_stored_files"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["minutes_meetings.id"],
            name=op.f("fk_minutes_recordings_meeting_id_minutes_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_minutes_recordings_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_recordings")),
    )
    op.create_index(
        op.f("ix_minutes_recordings_meeting_id"), "minutes_recordings", ["meeting_id"], unique=False
    )
    op.create_index(
        op.f("ix_minutes_recordings_tenant_id"), "minutes_recordings", ["tenant_id"], unique=False
    )

    op.create_table(
        "minutes_segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("start_s", sa.Float(), nullable=False),
        sa.Column("end_s", sa.Float(), nullable=False),
        sa.Column("speaker_label", sa.String(length=40), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("words", sa.JSON(), nullable=False),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["minutes_meetings.id"],
            name=op.f("fk_minutes_segments_meeting_id_minutes_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_minutes_segments_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_segments")),
    )
    op.create_index(op.f("ix_minutes_segments_meeting_id"), "minutes_segments", ["meeting_id"], unique=False)
    op.create_index(op.f("ix_minutes_segments_tenant_id"), "minutes_segments", ["tenant_id"], unique=False)

    op.create_table(
        "minutes_speakers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("display_name", sa.String(length=200), nullable=True),
        sa.Column("named_by", sa.String(length=20), nullable=True),
        sa.Column("embedding", sa.JSON(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["minutes_meetings.id"],
            name=op.f("fk_minutes_speakers_meeting_id_minutes_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["minutes_persons.id"],
            name=op.f("fk_minutes_speakers_person_id_minutes_persons"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_minutes_speakers_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_speakers")),
        sa.UniqueConstraint("meeting_id", "label", name=op.f("uq_minutes_speakers_meeting_id")),
    )
    op.create_index(op.f("ix_minutes_speakers_meeting_id"), "minutes_speakers", ["meeting_id"], unique=False)
    op.create_index(op.f("ix_minutes_speakers_tenant_id"), "minutes_speakers", ["tenant_id"], unique=False)

    op.create_table(
        "minutes_voice_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("consent_date", sa.Date(), nullable=False),
        sa.Column("embedding", sa.JSON(), nullable=False),
        sa.Column("embedding_bytes", sa.LargeBinary(), nullable=True),
        sa.Column("model", sa.String(length=120), nullable=False),
        sa.Column("source_meeting_id", sa.Integer(), nullable=True),
        sa.Column("created_at", rathaus.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["minutes_persons.id"],
            name=op.f("fk_minutes_voice_profiles_person_id_minutes_persons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_meeting_id"],
            ["minutes_meetings.id"],
            name=op.f("fk_minutes_voice_profiles_source_meeting_id_minutes_meetings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_minutes_voice_profiles_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_voice_profiles")),
    )
    op.create_index(
        op.f("ix_minutes_voice_profiles_person_id"), "minutes_voice_profiles", ["person_id"], unique=False
    )
    op.create_index(
        op.f("ix_minutes_voice_profiles_tenant_id"), "minutes_voice_profiles", ["tenant_id"], unique=False
    )

    op.create_table(
        "minutes_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("ergebnis", "verlauf", "wort", name="minuteskind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("ai_draft_id", sa.Integer(), nullable=True),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("updated_at", rathaus.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["minutes_agenda_items.id"],
            name=op.f("fk_minutes_drafts_agenda_item_id_minutes_agenda_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ai_draft_id"],
            ["ai_drafts.id"],
            name=op.f("fk_minutes_drafts_ai_draft_id_ai_drafts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["minutes_meetings.id"],
            name=op.f("fk_minutes_drafts_meeting_id_minutes_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_minutes_drafts_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_drafts")),
        sa.UniqueConstraint(
            "meeting_id", "kind", "agenda_item_id", name=op.f("uq_minutes_drafts_meeting_id")
        ),
    )
    op.create_index(op.f("ix_minutes_drafts_meeting_id"), "minutes_drafts", ["meeting_id"], unique=False)
    op.create_index(op.f("ix_minutes_drafts_tenant_id"), "minutes_drafts", ["tenant_id"], unique=False)

    op.create_table(
        "minutes_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("motion", sa.Text(), nullable=False),
        sa.Column("yes", sa.Integer(), nullable=False),
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("abstain", sa.Integer(), nullable=False),
        sa.Column("named_votes", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["minutes_agenda_items.id"],
            name=op.f("fk_minutes_votes_agenda_item_id_minutes_agenda_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["minutes_meetings.id"],
            name=op.f("fk_minutes_votes_meeting_id_minutes_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_minutes_votes_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_votes")),
    )
    op.create_index(op.f("ix_minutes_votes_meeting_id"), "minutes_votes", ["meeting_id"], unique=False)
    op.create_index(op.f("ix_minutes_votes_tenant_id"), "minutes_votes", ["tenant_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_minutes_votes_tenant_id"), table_name="minutes_votes")
    op.drop_index(op.f("ix_minutes_votes_meeting_id"), table_name="minutes_votes")

    op.drop_table("minutes_votes")
    op.drop_index(op.f("ix_minutes_drafts_tenant_id"), table_name="minutes_drafts")
    op.drop_index(op.f("ix_minutes_drafts_meeting_id"), table_name="minutes_drafts")

    op.drop_table("minutes_drafts")
    op.drop_index(op.f("ix_minutes_voice_profiles_tenant_id"), table_name="minutes_voice_profiles")
    op.drop_index(op.f("ix_minutes_voice_profiles_person_id"), table_name="minutes_voice_profiles")

    op.drop_table("minutes_voice_profiles")
    op.drop_index(op.f("ix_minutes_speakers_tenant_id"), table_name="minutes_speakers")
    op.drop_index(op.f("ix_minutes_speakers_meeting_id"), table_name="minutes_speakers")

    op.drop_table("minutes_speakers")
    op.drop_index(op.f("ix_minutes_segments_tenant_id"), table_name="minutes_segments")
    op.drop_index(op.f("ix_minutes_segments_meeting_id"), table_name="minutes_segments")

    op.drop_table("minutes_segments")
    op.drop_index(op.f("ix_minutes_recordings_tenant_id"), table_name="minutes_recordings")
    op.drop_index(op.f("ix_minutes_recordings_meeting_id"), table_name="minutes_recordings")

    op.drop_table("minutes_recordings")
    op.drop_index(op.f("ix_minutes_attendance_tenant_id"), table_name="minutes_attendance")
    op.drop_index(op.f("ix_minutes_attendance_meeting_id"), table_name="minutes_attendance")

    op.drop_table("minutes_attendance")
    op.drop_index(op.f("ix_minutes_agenda_items_tenant_id"), table_name="minutes_agenda_items")
    op.drop_index(op.f("ix_minutes_agenda_items_meeting_id"), table_name="minutes_agenda_items")

    op.drop_table("minutes_agenda_items")
    op.drop_index(op.f("ix_minutes_meetings_tenant_id"), table_name="minutes_meetings")
    op.drop_index(op.f("ix_minutes_meetings_status"), table_name="minutes_meetings")
    op.drop_index(op.f("ix_minutes_meetings_session_date"), table_name="minutes_meetings")
    op.drop_index(op.f("ix_minutes_meetings_organization_id"), table_name="minutes_meetings")
    op.drop_index(op.f("ix_minutes_meetings_oparl_id"), table_name="minutes_meetings")

    op.drop_table("minutes_meetings")
    op.drop_index(op.f("ix_minutes_persons_tenant_id"), table_name="minutes_persons")
    op.drop_index(op.f("ix_minutes_persons_oparl_id"), table_name="minutes_persons")

    op.drop_table("minutes_persons")
    op.drop_index(op.f("ix_minutes_papers_tenant_id"), table_name="minutes_papers")
    op.drop_index(op.f("ix_minutes_papers_reference"), table_name="minutes_papers")
    op.drop_index(op.f("ix_minutes_papers_oparl_id"), table_name="minutes_papers")

    op.drop_table("minutes_papers")
    op.drop_index(op.f("ix_minutes_organizations_tenant_id"), table_name="minutes_organizations")
    op.drop_index(op.f("ix_minutes_organizations_oparl_id"), table_name="minutes_organizations")

    op.drop_table("minutes_organizations")
