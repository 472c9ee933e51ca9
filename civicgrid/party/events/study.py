"""Events of party building's study (学习教育): a lesson studied, a quiz handed in. The points and
scoring apps may listen."""

from dataclasses import dataclass, field

from civicgrid.core.events import DomainEvent

__all__ = ["LessonCompleted", "QuizSubmitted"]


@dataclass(frozen=True)
class LessonCompleted(DomainEvent):
    """完成学习: a member finished a micro-lesson."""

    member_id: int = field(metadata={"doc": "the member"})
    lesson_id: int = field(metadata={"doc": "the lesson"})
    organisation_id: int = field(metadata={"doc": "the member's organisation"})
    user_id: int | None = field(default=None, metadata={"doc": "the member's account"})


@dataclass(frozen=True)
class QuizSubmitted(DomainEvent):
    """测试交卷: a member handed in a quiz paper and it was marked."""

    attempt_id: int = field(metadata={"doc": "the attempt"})
    quiz_id: int = field(metadata={"doc": "the quiz"})
    member_id: int = field(metadata={"doc": "the member"})
    organisation_id: int = field(metadata={"doc": "the member's organisation"})
    score: int = field(metadata={"doc": "the score, 0–100"})
    passed: bool = field(metadata={"doc": "True when the score reached the quiz's pass score"})
    late: bool = field(default=False, metadata={"doc": "True when handed in after the deadline (answers refused)"})
    user_id: int | None = field(default=None, metadata={"doc": "the member's account"})
