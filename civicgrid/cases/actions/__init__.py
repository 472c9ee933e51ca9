"""The write path for cases: one `@transaction.atomic` function per workflow action.

Every function that changes an existing case follows the same steps (docs/architecture.md):

1. lock the row (`select_for_update`) through `Case.objects.restrict(user, "view")`, so a case
   outside the user's scope raises CaseNotFound exactly like a missing one;
2. compare the caller's `version` with the row's, raising CaseChanged when someone else got there
   first (the caller acted on a stale page);
3. look the (status, action) pair up in the transition table and check its rules for this user
   (InvalidTransition / ActionNotAllowed);
4. change the row, computing the next step's deadline in working time;
5. append the typed, hash-chained CaseEvent in the same transaction;
6. save with `update_fields`, bumping `version`;
7. publish the event (civicgrid.cases.events) with who should hear of it: rollups and the webhook
   outbox join the transaction, notifications go out after the commit (docs/architecture.md).

A refused action raises before it writes anything, and the transaction rolls back whatever it did,
so refusal never leaves a trace. Actions return the updated case. "Now" is `civicgrid.core.clock.now()`,
so tests and the demo move time for every action at once.

One module per workflow step; callers use this package (`from civicgrid.cases import actions`):

- `report`: 上报 (report_case);
- `dispatch`: 受理立案, 不予立案, 派遣, 签收, 退回;
- `handling`: progress, 处置反馈, 挂账/恢复, 议题转项目 and its milestones;
- `approvals`: 延期 and 作废 requests and their decisions;
- `closing`: 核查, 结案, 评价, 重新办理;
- `supervision`: 吹哨, 督办, 超时收回;
- `corrections`: 更正位置/类别, 合并重复件, 关注;
- `priority`: 列为紧急 (the system raises a case whose words describe an emergency);
- `common`: the plumbing they share (steps 1–7 above, deadlines, handling units).
"""

from civicgrid.cases.actions.approvals import (
    approve_extension,
    approve_void,
    deny_extension,
    deny_void,
    request_extension,
    request_void,
)
from civicgrid.cases.actions.closing import close_case, evaluate_case, reopen_case, verify_case
from civicgrid.cases.actions.common import MAX_DESCRIPTION, MAX_NOTE, STEP_FIELDS
from civicgrid.cases.actions.corrections import correct_category, correct_location, follow_case, merge_duplicate
from civicgrid.cases.actions.dispatch import accept_case, dispatch_case, reject_case, return_case, sign_case
from civicgrid.cases.actions.handling import (
    complete_milestone,
    convert_to_project,
    feedback_case,
    record_progress,
    resume_case,
    suspend_case,
)
from civicgrid.cases.actions.priority import raise_priority
from civicgrid.cases.actions.report import ReportResult, report_case
from civicgrid.cases.actions.supervision import escalate_case, recall_case, supervise_case

__all__ = [
    "MAX_DESCRIPTION",
    "MAX_NOTE",
    "STEP_FIELDS",
    "ReportResult",
    "accept_case",
    "approve_extension",
    "approve_void",
    "close_case",
    "complete_milestone",
    "convert_to_project",
    "correct_category",
    "correct_location",
    "deny_extension",
    "deny_void",
    "dispatch_case",
    "escalate_case",
    "evaluate_case",
    "feedback_case",
    "follow_case",
    "merge_duplicate",
    "raise_priority",
    "record_progress",
    "reject_case",
    "reopen_case",
    "report_case",
    "request_extension",
    "request_void",
    "resume_case",
    "recall_case",
    "return_case",
    "sign_case",
    "supervise_case",
    "suspend_case",
    "verify_case",
]
