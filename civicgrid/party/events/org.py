"""Events of the organisation tree and membership."""

from dataclasses import dataclass, field

from civicgrid.core.events import DomainEvent


@dataclass(frozen=True)
class MemberAdded(DomainEvent):
    """党员登记: a person of base data was recorded as a member of an organisation (joined, or
    transferred in from outside)."""

    member_id: int = field(metadata={"doc": "the member"})
    organisation_id: int = field(metadata={"doc": "the organisation"})
    region_code: str = field(metadata={"doc": "the organisation's region node"})
    actor_id: int | None = field(default=None, metadata={"doc": "who recorded it"})


@dataclass(frozen=True)
class MemberMoved(DomainEvent):
    """组织关系变动: a member moved between organisations, left (转出), or became a full member."""

    member_id: int = field(metadata={"doc": "the member"})
    kind: str = field(metadata={"doc": "moved, out or full"})
    from_organisation_id: int | None = field(metadata={"doc": "the organisation before"})
    to_organisation_id: int | None = field(metadata={"doc": "the organisation after (None: left the platform)"})
    actor_id: int | None = field(default=None, metadata={"doc": "who recorded it"})


@dataclass(frozen=True)
class MemberRegistered(DomainEvent):
    """双报到: a member working elsewhere registered with the community they live in."""

    registration_id: int = field(metadata={"doc": "the registration"})
    member_id: int = field(metadata={"doc": "the member"})
    community_code: str = field(metadata={"doc": "the community registered with"})
    user_id: int | None = field(default=None, metadata={"doc": "the member's account"})


@dataclass(frozen=True)
class PostChanged(DomainEvent):
    """任职变动: someone was appointed to or relieved of a post in an organisation."""

    post_id: int = field(metadata={"doc": "the post"})
    organisation_id: int = field(metadata={"doc": "the organisation"})
    user_id: int = field(metadata={"doc": "the holder's account"})
    kind: str = field(metadata={"doc": "the post (secretary, instructor, first_secretary…)"})
    ended: bool = field(default=False, metadata={"doc": "True when the post ended"})
    actor_id: int | None = field(default=None, metadata={"doc": "who did it"})
