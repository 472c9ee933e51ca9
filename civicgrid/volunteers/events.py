"""The events volunteering publishes (civicgrid.core.events): a volunteer registered and was
verified, a shift's hours were confirmed by its organiser, a micro-wish was fulfilled and confirmed,
someone served gave positive feedback. The points app earns points from them; ids and figures only."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from civicgrid.core.events import DomainEvent


@dataclass(frozen=True)
class VolunteerVerified(DomainEvent):
    """志愿者审核通过: community staff verified a volunteer's registration against base data."""

    volunteer_id: int = field(metadata={"doc": "the volunteer"})
    user_id: int = field(metadata={"doc": "the volunteer's account"})
    region_code: str = field(metadata={"doc": "the volunteer's community"})
    actor_id: int | None = field(default=None, metadata={"doc": "who verified"})


@dataclass(frozen=True)
class HoursConfirmed(DomainEvent):
    """服务时长确认: a shift's organiser confirmed the hours a volunteer served (once per volunteer
    and shift; a correction publishes again with the new figure and `replaces` set)."""

    attendance_id: int = field(metadata={"doc": "the volunteer's attendance of the shift"})
    volunteer_id: int = field(metadata={"doc": "the volunteer"})
    user_id: int = field(metadata={"doc": "the volunteer's account"})
    team_id: int | None = field(metadata={"doc": "the team the shift belongs to, if any"})
    region_code: str = field(metadata={"doc": "where the shift was"})
    hours: Decimal = field(metadata={"doc": "hours confirmed"})
    at: datetime = field(metadata={"doc": "when the hours were confirmed"})
    actor_id: int | None = field(default=None, metadata={"doc": "the organiser who confirmed"})


@dataclass(frozen=True)
class WishFulfilled(DomainEvent):
    """微心愿实现: the resident confirmed a micro-wish was fulfilled by whoever claimed it."""

    wish_id: int = field(metadata={"doc": "the wish"})
    region_code: str = field(metadata={"doc": "the wisher's community"})
    claimer_kind: str = field(metadata={"doc": "volunteer, team, enterprise or organisation"})
    claimer_id: int = field(metadata={"doc": "the volunteer, team, enterprise or organisation"})
    claimer_user_id: int | None = field(default=None, metadata={"doc": "the account that claimed it"})
    at: datetime | None = field(default=None, metadata={"doc": "when it was confirmed"})


@dataclass(frozen=True)
class FeedbackGiven(DomainEvent):
    """服务评价: someone served rated a volunteer's service (positive feedback counts for points)."""

    feedback_id: int = field(metadata={"doc": "the feedback"})
    volunteer_id: int = field(metadata={"doc": "the volunteer rated"})
    user_id: int = field(metadata={"doc": "the volunteer's account"})
    stars: int = field(metadata={"doc": "1–5"})
    region_code: str = field(default="", metadata={"doc": "where"})
