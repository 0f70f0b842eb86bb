"""Statistics rollups: kept exact by data/statistics/rollup.py in the transaction of every change."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base, utcnow

ROLLUP_MEASURES = ("certificates", "cloud", "printed", "copies", "value_cents")
# the subtree groupings (data/statistics/rollup.py SUBTREES) and the dimensions each keeps, for their indexes
SUBTREE_GROUPINGS = {18: ("dest_country",), 19: ("cert_type_code", "dest_country"),
                     20: ("cert_type_code", "dest_country", "currency"),
                     21: ("signing_method", "status", "dest_country", "currency")}


class StatsCertificate(Base):
    """Certificates counted per day or month, district and one grouping of dimensions (data/statistics/rollup.py).

    A dimension the grouping does not keep holds "*" (received_date: 0001-01-01); `period` is the
    issue date, or the received date for the groupings counted by received date.
    """

    __tablename__ = "stats_certificate"
    grouping: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    grain: Mapped[str] = mapped_column(String(1), primary_key=True)  # d(ay) | m(onth: period is its first day)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    cert_type_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    entry_method: Mapped[str] = mapped_column(String(16), primary_key=True)
    signing_method: Mapped[str] = mapped_column(String(8), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    dest_country: Mapped[str] = mapped_column(String(2), primary_key=True)  # "" when the certificate has none
    received_date: Mapped[date] = mapped_column(Date, primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)  # of the goods' value; "" when none
    certificates: Mapped[int] = mapped_column(Integer, default=0)
    cloud: Mapped[int] = mapped_column(Integer, default=0)  # of which cloud-signed
    printed: Mapped[int] = mapped_column(Integer, default=0)  # of which printed on paper at least once
    copies: Mapped[int] = mapped_column(Integer, default=0)  # paper prints in all (sum of print_count)
    value_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # goods' value in cents of `currency`, summed

    __table_args__ = (
        # the destination filter reads one country's rows (grouping 4), not every country's of the period
        Index("ix_stats_certificate_destination", "dest_country", "grain", "period", "district_code",
              sqlite_where=text("grouping = 4"), postgresql_where=text("grouping = 4"),
              postgresql_include=list(ROLLUP_MEASURES)),
        # a subtree grouping's rows of one district (the key has the period first: every district's rows of a
        # period lie between), with the dimensions it keeps; PostgreSQL: and the measures, read from the index alone
        *(Index(f"ix_stats_certificate_subtree_{g}", "district_code", "grain", "period", *kept,
                sqlite_where=text(f"grouping = {g}"), postgresql_where=text(f"grouping = {g}"),
                postgresql_include=list(ROLLUP_MEASURES))
          for g, kept in SUBTREE_GROUPINGS.items()),
        {"sqlite_with_rowid": False},  # SQLite: rows stored in key order, a range read is one scan
    )


class StatsTrend(Base):
    """Certificates per month of issue and certificate type or destination, summed over a whole district
    subtree: one row set per district ("*": all districts), read by the trends page as it is."""

    __tablename__ = "stats_trend"
    root_code: Mapped[str] = mapped_column(String(4), primary_key=True)  # the district whose subtree is summed
    dimension: Mapped[str] = mapped_column(String(1), primary_key=True)  # t(ype) | d(estination)
    grain: Mapped[str] = mapped_column(String(1), primary_key=True)  # m(onth)
    value: Mapped[str] = mapped_column(String(4), primary_key=True)  # type code, country ("" for none)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    certificates: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = {"sqlite_with_rowid": False}


TURNAROUND_BUCKETS = 52  # data/statistics/rollup.py TURNAROUND_EDGES: 51 upper edges, the last bucket is open


class StatsTurnaround(Base):
    """Approvals per approval day or month and district: count, seconds in all, and a histogram of
    submission-to-approval times (column b00 .. b51 = bucket, edges in data/statistics/rollup.py)."""

    __table__ = Table(
        "stats_turnaround", Base.metadata,
        Column("grain", String(1), primary_key=True),
        Column("period", Date, primary_key=True),
        Column("district_code", String(4), primary_key=True),
        Column("approvals", Integer, nullable=False, default=0),
        Column("seconds", BigInteger, nullable=False, default=0),
        *(Column(f"b{k:02d}", Integer, nullable=False, default=0) for k in range(TURNAROUND_BUCKETS)),
        sqlite_with_rowid=False,
    )


class StatsBacklog(Base):
    """Applications waiting, per district and day of submission, one column per waiting status."""

    __tablename__ = "stats_backlog"
    district_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    submitted_on: Mapped[date] = mapped_column(Date, primary_key=True)
    submitted: Mapped[int] = mapped_column(Integer, default=0)
    under_review: Mapped[int] = mapped_column(Integer, default=0)
    suspended: Mapped[int] = mapped_column(Integer, default=0)
    awaiting_confirmation: Mapped[int] = mapped_column(Integer, default=0)
    confirmed: Mapped[int] = mapped_column(Integer, default=0)
    approved: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = {"sqlite_with_rowid": False}


class StatsStatus(Base):
    """Applications (a), certificates (c) and declarations (d) counted per district, enterprise and status:
    what the home pages count, the same few rows whatever the number of records (data/statistics/rollup.py)."""

    __tablename__ = "stats_status"
    record: Mapped[str] = mapped_column(String(1), primary_key=True)
    district_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(24), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_stats_status_enterprise", "enterprise_id", "record"), {"sqlite_with_rowid": False})


class SavedView(Base):
    """An explorer view saved under a name by a manager or administrator (data/statistics/saved_views.py).

    `district_code` is the owner's district when saved: a shared view is seen by the managers of that
    district (administrators' shared views, without a district, by the administrators)."""

    __tablename__ = "saved_view"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    district_code: Mapped[str | None] = mapped_column(String(4))
    name: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # the view's URL parameters (View.params)
    shared: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("owner_id", "name", name="uq_saved_view_name"),
                      Index("ix_saved_view_district_shared", "district_code", "shared"))


class DistrictTarget(Base):
    """A district's target for a statistics measure, set by an administrator (data/statistics/targets.py): the
    lowest acceptable cloud-signing share, or the longest acceptable review turnaround in hours. A district
    without its own target takes the nearest one above it."""

    __tablename__ = "district_target"
    district_code: Mapped[str] = mapped_column(ForeignKey("customs_district.code", ondelete="CASCADE"),
                                               primary_key=True)
    measure: Mapped[str] = mapped_column(String(32), primary_key=True)
    target: Mapped[float] = mapped_column()
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AlertSeen(Base):
    """The alerts a user's home page showed at their last visit, by key (data/statistics/alerts.py): an alert
    not among them crossed its threshold since."""

    __tablename__ = "alert_seen"
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    since: Mapped[datetime] = mapped_column(default=utcnow)
