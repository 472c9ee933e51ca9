"""The events the activities app publishes (civicgrid.core.events), inside the action's transaction.

Other apps listen (a points ledger to CheckedIn, the inbox to core.events.MessageSent); this app
imports none of them. `kind` names whose activity it is ("community", or another app's kind such
as a volunteer shift), so a listener keeps to its own.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from civicgrid.core.events import DomainEvent


@dataclass(frozen=True)
class ActivityEvent(DomainEvent):
    """Something happened to an activity: the fields every activity event carries."""

    activity_id: int = field(metadata={"doc": "the activity (activities.Activity)"})
    kind: str = field(metadata={"doc": "whose activity: community, or another app's kind"})
    region_code: str = field(metadata={"doc": "the region it is for (its place in the tree)"})
    at: datetime = field(metadata={"doc": "when"})


@dataclass(frozen=True)
class ActivityPublished(ActivityEvent):
    """发布: the activity is open for sign-up."""

    title: str = field(default="", metadata={"doc": "its title"})
    starts_at: datetime | None = field(default=None, metadata={"doc": "when it starts"})


@dataclass(frozen=True)
class SignedUp(ActivityEvent):
    """报名: a person took a seat, or a place on the waitlist."""

    enrolment_id: int = field(default=0, metadata={"doc": "the sign-up (activities.Enrolment)"})
    user_id: int = field(default=0, metadata={"doc": "who signed up"})
    waitlisted: bool = field(default=False, metadata={"doc": "on the waitlist, not (yet) a seat"})


@dataclass(frozen=True)
class SignUpCancelled(ActivityEvent):
    """取消报名: a person gave up their seat or waitlist place; the first waitlisted took the seat."""

    enrolment_id: int = field(default=0, metadata={"doc": "the sign-up"})
    user_id: int = field(default=0, metadata={"doc": "who cancelled"})
    promoted_user_id: int | None = field(default=None, metadata={"doc": "who moved up from the waitlist"})


@dataclass(frozen=True)
class CheckedIn(ActivityEvent):
    """签到: a confirmed participant checked in at the venue (once: a second check-in publishes nothing)."""

    enrolment_id: int = field(default=0, metadata={"doc": "the sign-up"})
    user_id: int = field(default=0, metadata={"doc": "who checked in"})
    method: str = field(default="", metadata={"doc": "venue (the resident scanned the venue code) or staff"})
    actor_id: int | None = field(default=None, metadata={"doc": "who recorded it (the resident or staff)"})


@dataclass(frozen=True)
class ActivityFinished(ActivityEvent):
    """结束: the activity is over; confirmed participants who did not check in are recorded as no-shows."""

    checked_in: int = field(default=0, metadata={"doc": "how many checked in"})
    no_shows: int = field(default=0, metadata={"doc": "how many confirmed participants did not come"})


@dataclass(frozen=True)
class CheckedOut(ActivityEvent):
    """签退: a checked-in participant left (recorded by the organiser; once)."""

    enrolment_id: int = field(default=0, metadata={"doc": "the sign-up"})
    user_id: int = field(default=0, metadata={"doc": "who checked out"})
    actor_id: int | None = field(default=None, metadata={"doc": "who recorded it"})


@dataclass(frozen=True)
class HoursRecorded(ActivityEvent):
    """时长确认: the organiser confirmed the hours a participant served (once per sign-up)."""

    enrolment_id: int = field(default=0, metadata={"doc": "the sign-up"})
    user_id: int = field(default=0, metadata={"doc": "who served"})
    hours: Decimal = field(default=Decimal("0"), metadata={"doc": "hours confirmed"})
    actor_id: int | None = field(default=None, metadata={"doc": "the organiser who confirmed"})
