"""The pipeline's tables: stages, deals, their stage changes and tasks."""

from __future__ import annotations

from peewee import (
    AutoField,
    DateField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from smarketer.db.fields import DecimalTextField, InstantField, utc_now
from smarketer.db.models.base import BaseModel, VersionedModel
from smarketer.db.models.contacts import Company, Contact

STAGE_KINDS = ("open", "won", "lost", "removed")  # removed: kept only for deal history


class Stage(BaseModel):
    id = AutoField()
    name = TextField()
    position = IntegerField()
    probability = IntegerField()  # default win probability of its deals, 0-100
    kind = TextField(default="open")  # see STAGE_KINDS


class Deal(VersionedModel):
    id = AutoField()
    title = TextField()
    contact = ForeignKeyField(Contact, null=True, backref="deals", on_delete="SET NULL")
    contact_id: int | None
    company = ForeignKeyField(Company, null=True, backref="deals", on_delete="SET NULL")
    company_id: int | None
    value = DecimalTextField(default="0")
    probability = IntegerField(null=True)  # None: the stage's default
    stage = ForeignKeyField(Stage, backref="deals")
    stage_id: int
    position = IntegerField(default=0)
    expected_close = DateField(null=True)
    source = TextField(default="")
    campaign_id = IntegerField(null=True)
    notes = TextField(default="")
    lost_reason = TextField(default="")
    stage_entered_at = InstantField(default=utc_now)
    closed_at = InstantField(null=True)
    created_at = InstantField(default=utc_now)
    updated_at = InstantField(default=utc_now)


class StageChange(BaseModel):
    id = AutoField()
    deal = ForeignKeyField(Deal, backref="stage_changes", on_delete="CASCADE")
    deal_id: int
    from_stage = ForeignKeyField(Stage, null=True, column_name="from_stage_id")
    from_stage_id: int | None
    to_stage = ForeignKeyField(Stage, column_name="to_stage_id")
    to_stage_id: int
    changed_at = InstantField(default=utc_now)


class Task(BaseModel):
    id = AutoField()
    title = TextField()
    due_date = DateField()
    due_time = TextField(null=True)  # "HH:MM" local time, or None for "some time that day"
    deal = ForeignKeyField(Deal, null=True, backref="tasks", on_delete="CASCADE")
    deal_id: int | None
    contact = ForeignKeyField(Contact, null=True, backref="tasks", on_delete="CASCADE")
    contact_id: int | None
    done_at = InstantField(null=True)
    notified_at = InstantField(null=True)
    created_at = InstantField(default=utc_now)
