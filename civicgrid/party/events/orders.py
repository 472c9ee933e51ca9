"""Events of party building's orders (派单 / 接单 / 赋分). OrderPointsGranted is for scoring: the
scoring app may listen to it later to count a unit's points."""

from dataclasses import dataclass, field
from datetime import datetime

from civicgrid.core.events import DomainEvent

__all__ = ["OrderPointsGranted", "OrderPosted", "OrderReported", "OrderTaken"]


@dataclass(frozen=True)
class OrderPosted(DomainEvent):
    """社区派单: a community posted an order for sinking units to take."""

    order_id: int = field(metadata={"doc": "the order"})
    kind: str = field(metadata={"doc": "red_friday, co_build, problem or other"})
    region_code: str = field(metadata={"doc": "the community's region code"})
    case_id: int | None = field(default=None, metadata={"doc": "the resident's case it was made from, if any"})
    user_id: int | None = field(default=None, metadata={"doc": "who posted it"})


@dataclass(frozen=True)
class OrderTaken(DomainEvent):
    """接单: a unit, a first secretary or a registered member took an order."""

    order_id: int = field(metadata={"doc": "the order"})
    taker_kind: str = field(metadata={"doc": "unit, first_secretary or member"})
    department_id: int | None = field(metadata={"doc": "the department it counts for (None: a member of no unit)"})
    user_id: int = field(metadata={"doc": "the account that took it"})
    region_code: str = field(metadata={"doc": "the community's region code"})


@dataclass(frozen=True)
class OrderReported(DomainEvent):
    """完成报告: the taker reported what was done, with photos, and it waits for the street's audit."""

    order_id: int = field(metadata={"doc": "the order"})
    photos: int = field(metadata={"doc": "how many photos came with the report"})
    user_id: int = field(metadata={"doc": "who reported"})
    region_code: str = field(metadata={"doc": "the community's region code"})


@dataclass(frozen=True)
class OrderPointsGranted(DomainEvent):
    """审核赋分: the street approved a completed order and granted points to the taker (for scoring)."""

    order_id: int = field(metadata={"doc": "the order"})
    taker_kind: str = field(metadata={"doc": "unit, first_secretary or member"})
    department_id: int | None = field(metadata={"doc": "the department the points count for"})
    user_id: int | None = field(metadata={"doc": "the taker's account"})
    points: int = field(metadata={"doc": "the points granted"})
    region_code: str = field(metadata={"doc": "the community's region code"})
    at: datetime = field(metadata={"doc": "when they were granted"})
