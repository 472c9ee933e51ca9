"""What the region tree's actions publish (civicgrid.core.events; docs/events.md)."""

from dataclasses import dataclass

from civicgrid.core.events import DomainEvent


@dataclass(frozen=True)
class RegionUpdated(DomainEvent):
    """A node's name, `is_active` or boundary changed (its code, level and parent never do)."""

    region_id: int
    code: str


@dataclass(frozen=True)
class DepartmentUpdated(DomainEvent):
    """An existing department was edited (its name, code or the region it serves may have changed)."""

    department_id: int
    code: str
