"""The events 小区治理 publishes (civicgrid.core.events), inside the action's transaction."""

from dataclasses import dataclass, field
from datetime import datetime

from civicgrid.core.events import DomainEvent


@dataclass(frozen=True)
class CompoundEvent(DomainEvent):
    compound_id: int = field(metadata={"doc": "the compound (people.Compound)"})
    region_code: str = field(metadata={"doc": "its community's code"})
    at: datetime = field(metadata={"doc": "when"})


@dataclass(frozen=True)
class RectificationClosed(CompoundEvent):
    """整改销号: a rectification item of the compound's ledger was closed with its evidence."""

    item_id: int = field(default=0, metadata={"doc": "the item (compounds.RectificationItem)"})
    actor_id: int = field(default=0, metadata={"doc": "who closed it"})


@dataclass(frozen=True)
class CompoundRoseClass(CompoundEvent):
    """转化提星: a reviewer confirmed the compound's rise to a higher star class."""

    rise_id: int = field(default=0, metadata={"doc": "the request (compounds.StarRise)"})
    from_star: int = field(default=0, metadata={"doc": "the class before"})
    to_star: int = field(default=0, metadata={"doc": "the class now"})
    reviewer_id: int = field(default=0, metadata={"doc": "who confirmed"})


@dataclass(frozen=True)
class PaymentRecorded(CompoundEvent):
    """A household's payment to a renovation fund was recorded (the platform records, never takes, money)."""

    project_id: int = field(default=0, metadata={"doc": "the project (compounds.RenovationProject)"})
    pledge_id: int = field(default=0, metadata={"doc": "the pledge"})
    amount: str = field(default="0", metadata={"doc": "the amount, in yuan (a decimal string)"})
