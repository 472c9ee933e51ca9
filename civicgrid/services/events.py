"""The events the services app publishes (civicgrid.core.events): a craftsman's order, step by step.
Ids and region codes only — never names or phone numbers."""

from dataclasses import dataclass, field

from civicgrid.core.events import DomainEvent


@dataclass(frozen=True)
class OrderEvent(DomainEvent):
    """Something happened to a resident's order with a craftsman (能工巧匠)."""

    order_id: int = field(metadata={"doc": "the order"})
    craftsman_id: int = field(metadata={"doc": "the craftsman called"})
    resident_id: int = field(metadata={"doc": "the resident's user account"})
    region_code: str = field(metadata={"doc": "the resident's community"})
    actor_id: int | None = field(metadata={"doc": "who took the step"})


@dataclass(frozen=True)
class CraftsmanOrdered(OrderEvent):
    """下单: a resident called a craftsman online (a small order waiting for an answer)."""


@dataclass(frozen=True)
class OrderAccepted(OrderEvent):
    """接单: the craftsman accepted the order."""


@dataclass(frozen=True)
class OrderDeclined(OrderEvent):
    """婉拒: the craftsman declined the order."""


@dataclass(frozen=True)
class OrderCompleted(OrderEvent):
    """完成: the craftsman marked the work done."""


@dataclass(frozen=True)
class OrderRated(OrderEvent):
    """评价: the resident rated the finished work (1–5)."""

    rating: int = field(default=0, metadata={"doc": "the stars given, 1 to 5"})
