"""The events scoring publishes (civicgrid.core.events): a score rule or the medal rule changed.
Points themselves are written by listeners of other apps' events (civicgrid.scoring.listeners)."""

from dataclasses import dataclass, field

from civicgrid.core.events import DomainEvent


@dataclass(frozen=True)
class ScoreRuleChanged(DomainEvent):
    """考核规则调整: a system admin or street staff changed a score rule (it applies from then on)."""

    metric: str = field(metadata={"doc": "the metric (civicgrid.scoring.metrics)"})
    actor_id: int = field(metadata={"doc": "who changed it"})
    points: str = field(default="", metadata={"doc": "points per unit after the change"})
    monthly_cap: str = field(default="", metadata={"doc": "the monthly cap after the change ('' none)"})
    is_active: bool = field(default=True, metadata={"doc": "whether the rule scores"})


@dataclass(frozen=True)
class MedalRuleChanged(DomainEvent):
    """金牌网格员规则调整: the monthly gold-medal selection's rule changed."""

    actor_id: int = field(metadata={"doc": "who changed it"})
    per_street: int = field(default=1, metadata={"doc": "gold medals per street"})
    min_points: str = field(default="", metadata={"doc": "the lowest monthly score"})
