"""Events of 一支部一项目 (branch projects)."""

from dataclasses import dataclass, field

from civicgrid.core.events import DomainEvent

__all__ = ["ProjectAccepted", "ProjectStageChanged"]


@dataclass(frozen=True)
class ProjectStageChanged(DomainEvent):
    """项目阶段变动: a branch project was proposed (from ""), approved, supervised, returned to 推进
    or accepted."""

    project_id: int = field(metadata={"doc": "the project"})
    organisation_id: int = field(metadata={"doc": "the branch running it"})
    from_stage: str = field(metadata={"doc": "the stage before (proposed, in_progress, supervised; '' when proposed)"})
    to_stage: str = field(metadata={"doc": "the stage after (proposed, in_progress, supervised, accepted)"})
    region_code: str = field(default="", metadata={"doc": "the organisation's region node"})
    actor_id: int | None = field(default=None, metadata={"doc": "who moved it"})


@dataclass(frozen=True)
class ProjectAccepted(DomainEvent):
    """项目验收通过: a reviewer accepted a branch project with a score."""

    project_id: int = field(metadata={"doc": "the project"})
    organisation_id: int = field(metadata={"doc": "the branch running it"})
    year: int = field(metadata={"doc": "the project's year"})
    score: int = field(metadata={"doc": "the acceptance score, 0–100"})
    actor_id: int | None = field(default=None, metadata={"doc": "the reviewer who accepted it"})
