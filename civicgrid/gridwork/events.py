"""The events grid work publishes (civicgrid.core.events): a patrol ended, a door-to-door task's
form was filled for one target, a task closed. Household visits publish base data's
`civicgrid.people.events.HouseVisited` (the visit is recorded through people's action) and the
app's own `VisitLogged`. Ids, region codes and figures only — never a person's details."""

from dataclasses import dataclass, field
from datetime import datetime

from civicgrid.core.events import DomainEvent


@dataclass(frozen=True)
class PatrolEnded(DomainEvent):
    """巡格结束: a grid worker ended a patrol (or the day's job closed one left open)."""

    patrol_id: int = field(metadata={"doc": "the patrol"})
    user_id: int = field(metadata={"doc": "the grid worker"})
    grid_code: str = field(metadata={"doc": "the grid patrolled (region code)"})
    started_at: datetime = field(metadata={"doc": "when it started"})
    ended_at: datetime = field(metadata={"doc": "when it ended"})
    seconds: int = field(default=0, metadata={"doc": "time on patrol, pauses excluded"})
    coverage: float = field(default=0.0, metadata={"doc": "share of the grid's area passed (0–1)"})
    checkins: int = field(default=0, metadata={"doc": "key places checked in at"})


@dataclass(frozen=True)
class VisitLogged(DomainEvent):
    """走访记录: a grid worker logged a visit to a household or person (purpose, notes, needs)."""

    visit_id: int = field(metadata={"doc": "the visit log entry"})
    user_id: int = field(metadata={"doc": "the grid worker"})
    region_code: str = field(metadata={"doc": "where (the house's place in the tree)"})
    at: datetime = field(metadata={"doc": "when"})
    planned: bool = field(default=False, metadata={"doc": "whether it was due under a visit plan"})


@dataclass(frozen=True)
class TaskFormSubmitted(DomainEvent):
    """摸排填报: a grid worker filled a door-to-door task's form for one target."""

    task_id: int = field(metadata={"doc": "the task"})
    target_id: int = field(metadata={"doc": "the task's target row"})
    user_id: int = field(metadata={"doc": "the grid worker"})
    grid_code: str = field(metadata={"doc": "the target's grid (region code)"})
    at: datetime = field(metadata={"doc": "when"})
    on_time: bool = field(default=True, metadata={"doc": "filled before the task's deadline"})


@dataclass(frozen=True)
class TaskClosed(DomainEvent):
    """摸排结束: a door-to-door task was closed (finished or past its deadline)."""

    task_id: int = field(metadata={"doc": "the task"})
    region_code: str = field(metadata={"doc": "the region it covered"})
    at: datetime = field(metadata={"doc": "when"})
    targets: int = field(default=0, metadata={"doc": "targets in all"})
    done: int = field(default=0, metadata={"doc": "targets filled"})
