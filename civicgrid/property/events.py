"""The events the property app publishes (civicgrid.core.events), inside the action's transaction.
A repair's own steps are the cases app's events (its case); these say what is property's own."""

from dataclasses import dataclass, field

from civicgrid.core.events import DomainEvent


@dataclass(frozen=True)
class RepairReported(DomainEvent):
    """物业报修: a resident reported a repair; its case went to the compound's property company."""

    repair_id: int = field(metadata={"doc": "the repair (property.Repair)"})
    case_id: int = field(metadata={"doc": "its case (cases.Case)"})
    compound_id: int = field(metadata={"doc": "the compound (people.Compound)"})
    company_id: int = field(metadata={"doc": "the property company (people.PropertyCompany)"})


@dataclass(frozen=True)
class RepairOverdue(DomainEvent):
    """A repair ran over its step's time limit at the property company: the community is told and
    takes it on as an ordinary case (its dispatchers may accept, dispatch or supervise it)."""

    repair_id: int = field(metadata={"doc": "the repair (property.Repair)"})
    case_id: int = field(metadata={"doc": "its case (cases.Case)"})
    community_code: str = field(metadata={"doc": "the community told"})


@dataclass(frozen=True)
class BillsImported(DomainEvent):
    """Fee records written from an Excel file or a form (created and updated rows)."""

    user_id: int = field(metadata={"doc": "who imported"})
    created: int = field(metadata={"doc": "bills created"})
    updated: int = field(metadata={"doc": "bills updated"})


@dataclass(frozen=True)
class BillStatusChanged(DomainEvent):
    """A bill was marked paid, unpaid or disputed (payment recorded, not taken)."""

    bill_id: int = field(metadata={"doc": "the bill (property.Bill)"})
    status: str = field(metadata={"doc": "its new status"})
    user_id: int = field(metadata={"doc": "who recorded it"})


@dataclass(frozen=True)
class RatingsPublished(DomainEvent):
    """A street published a period's ratings with its red and black lists."""

    period_id: int = field(metadata={"doc": "the rating period (property.RatingPeriod)"})
    street_code: str = field(metadata={"doc": "the street's region code"})
    red: tuple = field(default=(), metadata={"doc": "company ids on the red list"})
    black: tuple = field(default=(), metadata={"doc": "company ids on the black list"})
