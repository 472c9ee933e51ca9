"""Events of party building's ratings (五优 / star ratings)."""

from dataclasses import dataclass, field

from civicgrid.core.events import DomainEvent

__all__ = ["RatingScored", "StarsChanged", "BranchSelected"]


@dataclass(frozen=True)
class RatingScored(DomainEvent):
    """评审完成: a reviewer finished scoring a branch's quarterly rating."""

    rating_id: int = field(metadata={"doc": "the rating"})
    organisation_id: int = field(metadata={"doc": "the branch rated"})
    quarter: str = field(metadata={"doc": "the quarter, e.g. 2026Q3"})
    total: str = field(metadata={"doc": "the score (a decimal as text, one place)"})
    actor_id: int | None = field(default=None, metadata={"doc": "the reviewer"})


@dataclass(frozen=True)
class StarsChanged(DomainEvent):
    """星级变动: closing a quarter moved a branch's stars up or down by one."""

    organisation_id: int = field(metadata={"doc": "the branch"})
    before: int = field(metadata={"doc": "stars before (0–5)"})
    after: int = field(metadata={"doc": "stars after (0–5)"})
    reason: str = field(metadata={"doc": "why, e.g. 本季度得分 92 ≥ 升星线 90"})
    rating_id: int | None = field(default=None, metadata={"doc": "the rating that moved them"})
    actor_id: int | None = field(default=None, metadata={"doc": "who closed the quarter"})


@dataclass(frozen=True)
class BranchSelected(DomainEvent):
    """季度评选入选: a branch is among its field's top N of the quarter."""

    organisation_id: int = field(metadata={"doc": "the branch"})
    rating_id: int = field(metadata={"doc": "its rating"})
    field_name: str = field(metadata={"doc": "the field (community, rural, organ…)"})
    quarter: str = field(metadata={"doc": "the quarter, e.g. 2026Q3"})
    rank: int = field(metadata={"doc": "its place by score (ties share a place)"})
    actor_id: int | None = field(default=None, metadata={"doc": "who closed the quarter"})
