"""The events the points app publishes (civicgrid.core.events), inside the action's transaction."""

from dataclasses import dataclass, field
from datetime import datetime

from civicgrid.core.events import DomainEvent


@dataclass(frozen=True)
class PointsAwarded(DomainEvent):
    """奖励积分入账: staff awarded points with a reason (after the second approval when above the
    threshold), or recorded a garbage-sorting streak or a sponsorship."""

    award_id: int = field(metadata={"doc": "the award (points.Award)"})
    account_id: int = field(metadata={"doc": "the account credited"})
    kind: str = field(metadata={"doc": "hongde, youai or shanzhi"})
    amount: int = field(metadata={"doc": "points"})
    region_code: str = field(metadata={"doc": "the account's community"})
    at: datetime = field(metadata={"doc": "when"})
    actor_id: int | None = field(default=None, metadata={"doc": "who posted it"})


@dataclass(frozen=True)
class ItemRedeemed(DomainEvent):
    """积分兑换: a resident redeemed a mall item; the points moved to the merchant's account."""

    redemption_id: int = field(metadata={"doc": "the redemption"})
    item_id: int = field(metadata={"doc": "the item"})
    merchant_id: int = field(metadata={"doc": "the merchant"})
    user_id: int = field(metadata={"doc": "who redeemed"})
    kind: str = field(metadata={"doc": "the kind of points"})
    price: int = field(metadata={"doc": "points paid"})
    at: datetime = field(metadata={"doc": "when"})


@dataclass(frozen=True)
class RedemptionUsed(DomainEvent):
    """核销: the merchant's staff verified the code (once)."""

    redemption_id: int = field(metadata={"doc": "the redemption"})
    merchant_id: int = field(metadata={"doc": "the merchant"})
    actor_id: int = field(metadata={"doc": "who verified"})
    at: datetime = field(metadata={"doc": "when"})


@dataclass(frozen=True)
class RedemptionCancelled(DomainEvent):
    """取消兑换: the resident cancelled before use; the points came back."""

    redemption_id: int = field(metadata={"doc": "the redemption"})
    user_id: int = field(metadata={"doc": "who cancelled"})
    at: datetime = field(metadata={"doc": "when"})


@dataclass(frozen=True)
class HelpConfirmed(DomainEvent):
    """时间银行确认: both sides confirmed an hour of help; the minutes moved from receiver to giver."""

    help_id: int = field(metadata={"doc": "the record"})
    giver_id: int = field(metadata={"doc": "who helped"})
    receiver_id: int = field(metadata={"doc": "who was helped"})
    minutes: int = field(metadata={"doc": "minutes moved"})
    at: datetime = field(metadata={"doc": "when"})
