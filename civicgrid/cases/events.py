"""The events the case loop publishes (civicgrid.core.events), one class per timeline entry type.

Every action that writes a CaseEvent row publishes the matching class once the case is saved, inside
the action's transaction. Subscribe to `CaseEventRecorded` to hear them all (the command screen's rollups,
the webhook outbox), or to one class (`CaseClosed`). The list with fields is docs/events.md.
"""

from dataclasses import dataclass, field
from datetime import datetime

from civicgrid.cases.models import EventType
from civicgrid.core.events import DomainEvent


@dataclass(frozen=True)
class CaseEventRecorded(DomainEvent):
    """Something happened to a case: the common fields of every case event."""

    case_id: int = field(metadata={"doc": "the case"})
    event_id: int = field(metadata={"doc": "its timeline row (cases.CaseEvent)"})
    type: str = field(metadata={"doc": "the timeline entry type (cases.EventType)"})
    actor_id: int | None = field(metadata={"doc": "who did it (None: the system)"})
    actor_role: str = field(metadata={"doc": "the role they acted in"})
    from_status: str = field(metadata={"doc": "status before"})
    to_status: str = field(metadata={"doc": "status after"})
    at: datetime = field(metadata={"doc": "when"})
    region_code: str = field(metadata={"doc": "the case's place in the tree, after the change"})
    details: dict = field(default_factory=dict, metadata={"doc": "the timeline row's details (JSON)"})
    # The saved Case row, for in-process listeners that must not read it again. Not part of the
    # event's identity and never serialised.
    case: object = field(default=None, compare=False, repr=False, metadata={"doc": "the saved case (in process)"})
    row: object = field(default=None, compare=False, repr=False, metadata={"doc": "the timeline row (in process)"})
    # Who should hear of it, as the workflow decides (civicgrid.cases.notifications.Notice).
    notices: tuple = field(default=(), compare=False, metadata={"doc": "who should hear of it (Notice)"})


@dataclass(frozen=True)
class CaseReported(CaseEventRecorded):
    """上报: a case was filed (by a resident, a grid worker, staff, the hotline or an application) and routed."""


@dataclass(frozen=True)
class CaseAccepted(CaseEventRecorded):
    """受理立案: intake accepted the case."""


@dataclass(frozen=True)
class CaseRejected(CaseEventRecorded):
    """不予立案: intake refused the case, with a reason the reporter sees."""


@dataclass(frozen=True)
class CaseDispatched(CaseEventRecorded):
    """派遣: the case was sent to a handler (a unit, a person or a department, with co-departments)."""


@dataclass(frozen=True)
class CaseSigned(CaseEventRecorded):
    """签收: the handler took the case on."""


@dataclass(frozen=True)
class CaseProgressRecorded(CaseEventRecorded):
    """处置进展: the handler noted progress."""


@dataclass(frozen=True)
class CaseFedBack(CaseEventRecorded):
    """处置反馈: the handler reported the problem handled."""


@dataclass(frozen=True)
class CaseVerified(CaseEventRecorded):
    """核查通过: verification on site found the problem handled."""


@dataclass(frozen=True)
class CaseReworkOrdered(CaseEventRecorded):
    """核查不通过: verification failed; the case went back to handling."""


@dataclass(frozen=True)
class CaseClosed(CaseEventRecorded):
    """结案: the case was closed (`details` say whether on time)."""


@dataclass(frozen=True)
class CaseEvaluated(CaseEventRecorded):
    """评价: the reporter (or a follower) rated the result (`details`: score, satisfied)."""


@dataclass(frozen=True)
class CaseReopened(CaseEventRecorded):
    """重新办理: a closed case was reopened (unsatisfied rating or a later complaint)."""


@dataclass(frozen=True)
class CaseReturned(CaseEventRecorded):
    """退回: the handler sent the case back to the dispatchers, with a reason."""


@dataclass(frozen=True)
class CaseRecalled(CaseEventRecorded):
    """超时收回: past its red light, a dispatcher above the handler took the case back to dispatch
    it again (details: "recalled_from", the unit that held it)."""


@dataclass(frozen=True)
class ExtensionRequested(CaseEventRecorded):
    """申请延期: the handler asked for more time."""


@dataclass(frozen=True)
class ExtensionApproved(CaseEventRecorded):
    """同意延期: the extension was granted and the deadline moved."""


@dataclass(frozen=True)
class ExtensionDenied(CaseEventRecorded):
    """不同意延期: the extension was refused."""


@dataclass(frozen=True)
class CaseSuspended(CaseEventRecorded):
    """挂账: the case was parked (it cannot be solved now); its clock stops."""


@dataclass(frozen=True)
class CaseResumed(CaseEventRecorded):
    """恢复办理: a parked case is handled again."""


@dataclass(frozen=True)
class VoidRequested(CaseEventRecorded):
    """申请作废: someone asked to void the case."""


@dataclass(frozen=True)
class CaseVoided(CaseEventRecorded):
    """作废: the case was voided."""


@dataclass(frozen=True)
class VoidDenied(CaseEventRecorded):
    """驳回作废申请: the void request was refused."""


@dataclass(frozen=True)
class CaseEscalated(CaseEventRecorded):
    """吹哨上报: the case was escalated to a higher level or called departments in (街道吹哨、部门报到)."""


@dataclass(frozen=True)
class CaseSupervised(CaseEventRecorded):
    """督办: a higher level put the case under supervision."""


@dataclass(frozen=True)
class CaseConvertedToProject(CaseEventRecorded):
    """议题转项目: a board topic became a project with milestones."""


@dataclass(frozen=True)
class MilestoneDone(CaseEventRecorded):
    """完成项目节点: a project milestone was done."""


@dataclass(frozen=True)
class LocationCorrected(CaseEventRecorded):
    """更正位置: staff corrected the location (the case may move to another grid)."""


@dataclass(frozen=True)
class CategoryCorrected(CaseEventRecorded):
    """更正类别: staff corrected the category (time limits and route may change)."""


@dataclass(frozen=True)
class CaseMerged(CaseEventRecorded):
    """作为重复件合并: this case was merged into another as its duplicate (`details`: into)."""


@dataclass(frozen=True)
class DuplicateAttached(CaseEventRecorded):
    """并入重复件: another case was merged into this one (`details`: the duplicate)."""


@dataclass(frozen=True)
class CaseFollowed(CaseEventRecorded):
    """关注: a resident followed the case (我也遇到)."""


@dataclass(frozen=True)
class CasePriorityRaised(CaseEventRecorded):
    """列为紧急: the case's words describe an emergency; it was raised to urgent (`details`: terms) and the
    command centre's operators and the street's staff were told at once."""


BY_TYPE = {
    EventType.REPORTED: CaseReported,
    EventType.ACCEPTED: CaseAccepted,
    EventType.REJECTED: CaseRejected,
    EventType.DISPATCHED: CaseDispatched,
    EventType.SIGNED: CaseSigned,
    EventType.PROGRESS: CaseProgressRecorded,
    EventType.FED_BACK: CaseFedBack,
    EventType.VERIFIED: CaseVerified,
    EventType.REWORK: CaseReworkOrdered,
    EventType.CLOSED: CaseClosed,
    EventType.EVALUATED: CaseEvaluated,
    EventType.REOPENED: CaseReopened,
    EventType.RETURNED: CaseReturned,
    EventType.EXTENSION_REQUESTED: ExtensionRequested,
    EventType.EXTENSION_APPROVED: ExtensionApproved,
    EventType.EXTENSION_DENIED: ExtensionDenied,
    EventType.SUSPENDED: CaseSuspended,
    EventType.RESUMED: CaseResumed,
    EventType.VOID_REQUESTED: VoidRequested,
    EventType.VOIDED: CaseVoided,
    EventType.VOID_DENIED: VoidDenied,
    EventType.ESCALATED: CaseEscalated,
    EventType.SUPERVISED: CaseSupervised,
    EventType.RECALLED: CaseRecalled,
    EventType.CONVERTED_TO_PROJECT: CaseConvertedToProject,
    EventType.MILESTONE_DONE: MilestoneDone,
    EventType.LOCATION_CORRECTED: LocationCorrected,
    EventType.CATEGORY_CORRECTED: CategoryCorrected,
    EventType.MERGED: CaseMerged,
    EventType.DUPLICATE_ATTACHED: DuplicateAttached,
    EventType.FOLLOWED: CaseFollowed,
    EventType.PRIORITY_RAISED: CasePriorityRaised,
}


def for_row(case, row, notices=()):
    """The event for a just-written CaseEvent `row` of the saved `case`."""
    return BY_TYPE[row.type](
        case_id=case.pk,
        event_id=row.pk,
        type=row.type,
        actor_id=row.actor_id,
        actor_role=row.actor_role,
        from_status=row.from_status,
        to_status=row.to_status,
        at=row.created_at,
        region_code=case.region_code or "",
        details=row.details or {},
        case=case,
        row=row,
        notices=tuple(notices),
    )
