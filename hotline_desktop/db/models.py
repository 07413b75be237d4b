"""Typed SQLAlchemy 2 models. The schema itself is created only by Alembic migrations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Meta(Base):
    """Key/value facts about this database (created_at, demo flag, …)."""

    __tablename__ = "app_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, server_default="1")  # 0009: optimistic concurrency
    __mapper_args__ = {"version_id_col": version}



class Unit(Base):
    """A handling unit (承办单位)."""

    __tablename__ = "units"
    # codes are unique whatever their case: migration 0020 builds this index on `code COLLATE NOCASE`
    # (SQLite reflects it as a plain unique index on code, which is what is declared here)
    __table_args__ = (Index("ux_units_code_nocase", "code", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    contact: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp(), onupdate=func.current_timestamp()
    )

    parent: Mapped[Unit | None] = relationship(remote_side=[id], lazy="joined", innerjoin=False)
    version: Mapped[int] = mapped_column(Integer, server_default="1")  # 0009: optimistic concurrency
    __mapper_args__ = {"version_id_col": version}



class AuditEntry(Base):
    """One changed field: what changed, where, old → new, when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp(), index=True)
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))  # insert / update / delete
    field: Mapped[str] = mapped_column(String(64), default="")
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    operator: Mapped[str] = mapped_column(String(64), server_default="")  # who (0009)


class YearScheme(Base):
    """A scheme assigned to a year, with the definition text frozen at assignment."""

    __tablename__ = "year_schemes"
    __table_args__ = (UniqueConstraint("year", "scheme_id", name="uq_year_schemes_year_scheme"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    scheme_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200), default="")
    definition: Mapped[str] = mapped_column(Text)
    frozen_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())


class MonthlyValue(Base):
    """One cell of the monthly grid: canonical text when valid, the typed text otherwise."""

    __tablename__ = "monthly_values"
    __table_args__ = (
        UniqueConstraint("year_scheme_id", "unit_id", "month", "key", name="uq_monthly_values_cell"),
        Index("ix_monthly_values_ys_month", "year_scheme_id", "month"),
        # covers the live ranking's column load (0008)
        Index("ix_monthly_values_load", "year_scheme_id", "key", "month", "unit_id", "valid", "num", "scale"),
        Index("ix_monthly_values_text_only", "year_scheme_id", sqlite_where=text("NOT valid OR num IS NULL"),
              postgresql_where=text("NOT valid OR num IS NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year_scheme_id: Mapped[int] = mapped_column(ForeignKey("year_schemes.id", ondelete="RESTRICT"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    month: Mapped[str] = mapped_column(String(7))
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)
    valid: Mapped[bool] = mapped_column(Boolean, default=True)
    override: Mapped[bool] = mapped_column(Boolean, default=False)  # typed over a fed value (0004)
    num: Mapped[int | None] = mapped_column(BigInteger)  # exact value = num / 10**scale (0008)
    scale: Mapped[int | None] = mapped_column(SmallInteger)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp(), onupdate=func.current_timestamp()
    )
    version: Mapped[int] = mapped_column(Integer, server_default="1")  # 0009: optimistic concurrency
    __mapper_args__ = {"version_id_col": version}



class AnnualValue(Base):
    """One annual item of a unit in a year's scheme, with the operator's note."""

    __tablename__ = "annual_values"
    __table_args__ = (
        UniqueConstraint("year_scheme_id", "unit_id", "key", name="uq_annual_values_item"),
        # cover the live ranking's column load (0008)
        Index("ix_annual_values_load", "year_scheme_id", "key", "unit_id", "valid", "num", "scale"),
        Index("ix_annual_values_text_only", "year_scheme_id", sqlite_where=text("NOT valid OR num IS NULL"),
              postgresql_where=text("NOT valid OR num IS NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year_scheme_id: Mapped[int] = mapped_column(ForeignKey("year_schemes.id", ondelete="RESTRICT"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[str | None] = mapped_column(Text)
    valid: Mapped[bool] = mapped_column(Boolean, default=True)
    override: Mapped[bool] = mapped_column(Boolean, default=False)
    num: Mapped[int | None] = mapped_column(BigInteger)  # exact value = num / 10**scale (0008)
    scale: Mapped[int | None] = mapped_column(SmallInteger)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp(), onupdate=func.current_timestamp()
    )
    version: Mapped[int] = mapped_column(Integer, server_default="1")  # 0009: optimistic concurrency
    __mapper_args__ = {"version_id_col": version}



class EvidenceFile(Base):
    """A file copied into the evidence store under its content hash; removal moves it to trash."""

    __tablename__ = "evidence_files"
    __table_args__ = (Index("ix_evidence_item", "year_scheme_id", "unit_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year_scheme_id: Mapped[int] = mapped_column(ForeignKey("year_schemes.id", ondelete="RESTRICT"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    key: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    removed_at: Mapped[datetime | None] = mapped_column(DateTime)


# --- registers: working-day calendar (E1) -------------------------------------------------------


class CalendarDay(Base):
    """A day the office marks 节假日 or 调休上班; overrides chinesecalendar for that day."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # core.workdays.DayKind value
    name: Mapped[str] = mapped_column(String(50), default="")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp(), onupdate=func.current_timestamp()
    )
    version: Mapped[int] = mapped_column(Integer, server_default="1")  # 0009: optimistic concurrency
    __mapper_args__ = {"version_id_col": version}



# --- registers: 督办通知 (E2) ----------------------------------------------------------------------


class NoticeCounter(Base):
    """The last notice number given in a year; it never goes down, so no number is reused."""

    __tablename__ = "notice_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer)


class Notice(Base):
    """A supervision notice (督办通知) 督（YYYY）N号."""

    __tablename__ = "notices"
    __table_args__ = (
        UniqueConstraint("number", name="uq_notices_number"),
        UniqueConstraint("year", "seq", name="uq_notices_year_seq"),
        Index("ix_notices_unit", "unit_id"),
        Index("ix_notices_issued", "issued"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    channel: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16))
    issued: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    calendar_days: Mapped[bool] = mapped_column(Boolean, default=False)
    due: Mapped[date] = mapped_column(Date)
    original_due: Mapped[date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text, default="")
    orders: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")
    completed: Mapped[date | None] = mapped_column(Date)
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    void_reason: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp(), onupdate=func.current_timestamp()
    )
    version: Mapped[int] = mapped_column(Integer, server_default="1")  # 0009: optimistic concurrency
    __mapper_args__ = {"version_id_col": version}



class NoticeExtension(Base):
    """A unit's request for more time (延期) and the operator's decision."""

    __tablename__ = "notice_extensions"
    __table_args__ = (Index("ix_notice_extensions_notice", "notice_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"))
    asked: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16))
    days: Mapped[int | None] = mapped_column(Integer)
    until: Mapped[date | None] = mapped_column(Date)
    decided: Mapped[date | None] = mapped_column(Date)
    old_due: Mapped[date | None] = mapped_column(Date)
    new_due: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    version: Mapped[int] = mapped_column(Integer, server_default="1")  # 0009: optimistic concurrency
    __mapper_args__ = {"version_id_col": version}



# --- registers: 知识库 (F) ------------------------------------------------------------------------
# kb_fts (FTS5, trigram) is a virtual table created and kept in sync by migration 0005's triggers;
# it has no model.


class KbEntry(Base):
    """A knowledge-base entry of a unit; its content lives in versions (core/kb.py)."""

    __tablename__ = "kb_entries"
    __table_args__ = (Index("ix_kb_entries_unit", "unit_id"), Index("ix_kb_entries_status", "status"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    category: Mapped[str] = mapped_column(String(16))
    form: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))
    published_version_id: Mapped[int | None] = mapped_column(Integer)
    working_version_id: Mapped[int | None] = mapped_column(Integer)
    first_published: Mapped[date | None] = mapped_column(Date)
    published_on: Mapped[date | None] = mapped_column(Date)
    review_by: Mapped[date | None] = mapped_column(Date)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdraw_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    version: Mapped[int] = mapped_column(Integer, server_default="1")  # 0009: optimistic concurrency
    __mapper_args__ = {"version_id_col": version}



class KbVersion(Base):
    __tablename__ = "kb_versions"
    __table_args__ = (UniqueConstraint("entry_id", "number", name="uq_kb_versions_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("kb_entries.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    basis_name: Mapped[str] = mapped_column(Text, default="")
    basis_number: Mapped[str] = mapped_column(String(100), default="")
    basis_attachments: Mapped[int] = mapped_column(Integer, default=0)
    effective_date: Mapped[date | None] = mapped_column(Date)
    published_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())


class KbCheck(Base):
    """One of the four checks (第九条) of one review round of a version."""

    __tablename__ = "kb_checks"
    __table_args__ = (UniqueConstraint("version_id", "round", "item", name="uq_kb_checks_item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("kb_versions.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    item: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_on: Mapped[date] = mapped_column(Date)


class KbEvent(Base):
    """发布 / 校核 / 撤销 of an entry, dated."""

    __tablename__ = "kb_events"
    __table_args__ = (Index("ix_kb_events_entry", "entry_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("kb_entries.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    day: Mapped[date] = mapped_column(Date)
    version_number: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")


class KbFeedback(Base):
    """A problem the office flagged on a published entry (第十三条), due in N working days."""

    __tablename__ = "kb_feedback"
    __table_args__ = (Index("ix_kb_feedback_entry", "entry_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("kb_entries.id", ondelete="CASCADE"))
    problem_type: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    raised_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_version: Mapped[int | None] = mapped_column(Integer)


# --- 工单明细 (G, migration 0006) -------------------------------------------------------------------


class OrderImport(Base):
    """One import of a platform's work-order export (the months it replaced)."""

    __tablename__ = "order_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(Text, default="")
    months: Mapped[str] = mapped_column(Text, default="")
    orders: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())


class WorkOrder(Base):
    """An imported work order; times are local seconds since 1970 (core.orders), month of 受理时间."""

    __tablename__ = "work_orders"
    __table_args__ = (
        UniqueConstraint("number", name="uq_work_orders_number"),
        Index("ix_work_orders_month_unit", "month", "unit_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(64))
    month: Mapped[str] = mapped_column(String(7))
    import_id: Mapped[int] = mapped_column(ForeignKey("order_imports.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    unit_name: Mapped[str] = mapped_column(Text, default="")
    accepted: Mapped[int] = mapped_column(BigInteger)
    dispatched: Mapped[int | None] = mapped_column(BigInteger)
    signed: Mapped[int | None] = mapped_column(BigInteger)
    contacted: Mapped[int | None] = mapped_column(BigInteger)
    due: Mapped[int | None] = mapped_column(BigInteger)
    completed: Mapped[int | None] = mapped_column(BigInteger)
    returned: Mapped[int | None] = mapped_column(BigInteger)
    order_type: Mapped[int] = mapped_column(Integer, default=0)
    visit: Mapped[int] = mapped_column(Integer, default=-1)
    rework: Mapped[int] = mapped_column(Integer, default=0)
    returns: Mapped[int] = mapped_column(Integer, default=0)
    extensions: Mapped[int] = mapped_column(Integer, default=0)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    route: Mapped[str] = mapped_column(Text, default="")
    source_row: Mapped[int] = mapped_column(Integer, default=0)


class OrderFigure(Base):
    """What the orders give one scheme input of a unit in a month (numerator and denominator)."""

    __tablename__ = "order_figures"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)
    scheme_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    hit: Mapped[int] = mapped_column(Integer)
    base: Mapped[int] = mapped_column(Integer)


class OrderMonth(Base):
    """A month whose figures come from imported orders."""

    __tablename__ = "order_months"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("order_imports.id", ondelete="CASCADE"))


class OrderProfile(Base):
    """A saved column map (field name → header) for one platform's export."""

    __tablename__ = "order_profiles"
    __table_args__ = (UniqueConstraint("name", name="uq_order_profiles_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    mapping: Mapped[str] = mapped_column(Text)


class UnitAlias(Base):
    """Another name a platform uses for a unit (历城区XX街道办事处 → the register's unit)."""

    __tablename__ = "unit_aliases"
    __table_args__ = (UniqueConstraint("alias", name="uq_unit_aliases_alias"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alias: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))


class EvidenceBlob(Base):
    """One chunk of an evidence file stored in the database (server databases, 0009)."""

    __tablename__ = "evidence_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)
