"""The events 议事协商 publishes (civicgrid.core.events): polls opening, votes, closing and their
results; round-table meetings held and their decisions closed. Ids and region codes only — never a
voter's identity (an anonymous ballot's event names no account)."""

from dataclasses import dataclass, field
from datetime import datetime

from civicgrid.core.events import DomainEvent


@dataclass(frozen=True)
class PollEvent(DomainEvent):
    """Something happened to a poll."""

    poll_id: int = field(metadata={"doc": "the poll"})
    region_code: str = field(metadata={"doc": "its community's code"})
    actor_id: int | None = field(metadata={"doc": "who did it (None: the system)"})
    origin: str = field(default="consult", metadata={"doc": "the app that opened the poll (e.g. renovation)"})


@dataclass(frozen=True)
class PollOpened(PollEvent):
    """发布: a poll was opened to its electorate (voting starts at its opening time)."""

    closes_at: datetime | None = field(default=None, metadata={"doc": "when voting ends"})


@dataclass(frozen=True)
class VoteCast(PollEvent):
    """投票: an eligible voter's ballot was counted (the account only in a named poll)."""

    ballot_id: int = field(default=0, metadata={"doc": "the ballot"})
    voter_id: int | None = field(default=None, metadata={"doc": "the account (None in an anonymous poll)"})


@dataclass(frozen=True)
class PollClosed(PollEvent):
    """结束: voting ended (closed by staff, or its closing time passed)."""

    ballots: int = field(default=0, metadata={"doc": "ballots counted"})


@dataclass(frozen=True)
class PollResultsPublished(PollEvent):
    """公布结果: the result became visible to the electorate."""


@dataclass(frozen=True)
class OpinionReplied(PollEvent):
    """答复意见: staff replied to a free-text opinion."""

    opinion_id: int = field(default=0, metadata={"doc": "the opinion"})


@dataclass(frozen=True)
class PollConvertedToCase(PollEvent):
    """议题转项目: a poll's outcome was filed as a case."""

    case_id: int = field(default=0, metadata={"doc": "the case filed"})


@dataclass(frozen=True)
class MeetingEvent(DomainEvent):
    """Something happened to a round-table meeting."""

    meeting_id: int = field(metadata={"doc": "the meeting"})
    region_code: str = field(metadata={"doc": "its community's code"})
    actor_id: int | None = field(metadata={"doc": "who did it (None: the system)"})


@dataclass(frozen=True)
class MeetingCalled(MeetingEvent):
    """召集: a community called a round-table meeting."""

    starts_at: datetime | None = field(default=None, metadata={"doc": "when it meets"})


@dataclass(frozen=True)
class MeetingHeld(MeetingEvent):
    """召开: the meeting's minutes were recorded."""


@dataclass(frozen=True)
class DecisionRecorded(MeetingEvent):
    """决定: a decision was recorded, as a task or as a case."""

    decision_id: int = field(default=0, metadata={"doc": "the decision"})
    case_id: int | None = field(default=None, metadata={"doc": "the case filed for it (None: a task)"})


@dataclass(frozen=True)
class DecisionClosed(MeetingEvent):
    """办结: a decision was carried out (its task closed by staff, or its case closed)."""

    decision_id: int = field(default=0, metadata={"doc": "the decision"})
    case_id: int | None = field(default=None, metadata={"doc": "its case, if any"})
