"""The events base data publishes (civicgrid.core.events): people moving in and out, their tags,
and grid workers' door-to-door visits. Person data in events is ids and region codes only — never
names, ID numbers or phones, so a listener cannot leak what it was not cleared to see."""

from dataclasses import dataclass, field
from datetime import date, datetime

from civicgrid.core.events import DomainEvent


@dataclass(frozen=True)
class PersonEvent(DomainEvent):
    """Something happened to a person in base data."""

    person_id: int = field(metadata={"doc": "the person"})
    region_code: str = field(metadata={"doc": "where the person lives (or lived) in the tree"})
    actor_id: int | None = field(metadata={"doc": "who recorded it (None: an import or a job)"})


@dataclass(frozen=True)
class PersonRegistered(PersonEvent):
    """登记: a person was registered in a house (by a page, the API or an import)."""

    house_id: int = field(default=0, metadata={"doc": "the house moved into"})
    household_id: int = field(default=0, metadata={"doc": "the household joined"})


@dataclass(frozen=True)
class PersonMovedIn(PersonEvent):
    """迁入: a person moved into a house (a new stay; an earlier one was closed first)."""

    house_id: int = field(default=0, metadata={"doc": "the house moved into"})
    household_id: int = field(default=0, metadata={"doc": "the household joined"})
    on: date | None = field(default=None, metadata={"doc": "the day the stay began"})


@dataclass(frozen=True)
class PersonMovedOut(PersonEvent):
    """迁出: a person left their house (the stay is closed; the person is kept until retention ends)."""

    house_id: int = field(default=0, metadata={"doc": "the house left"})
    on: date | None = field(default=None, metadata={"doc": "the day the stay ended"})


@dataclass(frozen=True)
class PersonTagsChanged(PersonEvent):
    """标签变更: special-group tags were added to or removed from a person (codes only)."""

    added: tuple = field(default=(), metadata={"doc": "tag codes added"})
    removed: tuple = field(default=(), metadata={"doc": "tag codes removed"})


@dataclass(frozen=True)
class HouseVisited(DomainEvent):
    """入户走访/核查: a grid worker visited a house and confirmed who lives there."""

    house_id: int = field(metadata={"doc": "the house"})
    region_code: str = field(metadata={"doc": "its place in the tree"})
    actor_id: int | None = field(metadata={"doc": "the grid worker"})
    at: datetime | None = field(default=None, metadata={"doc": "when"})
    household_ids: tuple = field(default=(), metadata={"doc": "the active households confirmed"})
    moved_out_ids: tuple = field(default=(), metadata={"doc": "residents no longer living there"})
