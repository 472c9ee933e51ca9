"""The events accounts publishes (civicgrid.core.events). Ids and region codes only: never a phone
number or a name."""

from dataclasses import dataclass, field

from civicgrid.core.events import DomainEvent


@dataclass(frozen=True)
class ResidentRegistered(DomainEvent):
    """居民注册: a resident registered on a community and waits for confirmation (base data may
    confirm it at once when the phone number matches a current resident there)."""

    registration_id: int = field(metadata={"doc": "the registration (accounts.Registration)"})
    user_id: int = field(metadata={"doc": "the new account"})
    region_code: str = field(metadata={"doc": "the community chosen"})


@dataclass(frozen=True)
class RegistrationDecided(DomainEvent):
    """注册审核: a resident's registration was approved (the resident role granted on the community)
    or rejected."""

    registration_id: int = field(metadata={"doc": "the registration"})
    user_id: int = field(metadata={"doc": "the account"})
    region_code: str = field(metadata={"doc": "the community"})
    approved: bool = field(metadata={"doc": "approved or rejected"})
    actor_id: int | None = field(metadata={"doc": "who decided (None: confirmed by base data)"})
