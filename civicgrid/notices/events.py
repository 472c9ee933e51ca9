"""The notices app's events (civicgrid.core.events): published inside the action's transaction."""

from dataclasses import dataclass

from civicgrid.core.events import DomainEvent


@dataclass(frozen=True)
class NoticePublished(DomainEvent):
    """A notice went live (at once, after its approval, or when its scheduled time came)."""

    notice_id: int
    region_code: str
    kind: str
    title: str
    audience_roles: tuple
    audience_tag: str
    published_at: str


@dataclass(frozen=True)
class NoticeWithdrawn(DomainEvent):
    """A published (or scheduled, or waiting) notice was withdrawn: readers no longer see it."""

    notice_id: int
    region_code: str
    actor_id: int


@dataclass(frozen=True)
class NoticeRead(DomainEvent):
    """A reader opened a notice for the first time."""

    notice_id: int
    region_code: str
    user_id: int
