"""Cases (议题/事件/工单): categories, cases, their append-only event chain, evaluations, approvals
and projects, attachments and the neighbourhood board. One module per topic; everything is importable
from here (`from civicgrid.cases.models import Case`), which is also where Django finds the models.

Rows here are written only by `civicgrid.cases.actions` (docs/architecture.md); the
transition table lives in `civicgrid.cases.workflow`. A case caches its grid, community and street
and the code of its deepest region node (`region_code`), so scoping and queues never join up the
tree (pattern 4).
"""

from civicgrid.cases.models.approvals import (
    ApprovalRequest,
    CaseProject,
    Evaluation,
    ExtensionRequest,
    Milestone,
    RequestStatus,
    VoidRequest,
)
from civicgrid.cases.models.attachments import Attachment, AttachmentKind, AttachmentVisibility, PendingUpload
from civicgrid.cases.models.attachments import _attachment_storage as _attachment_storage  # named by migration 0004
from civicgrid.cases.models.board import (
    AbuseReport,
    BoardComment,
    BoardHiddenCase,
    BoardModeration,
    BoardReaction,
    BoardSetting,
)
from civicgrid.cases.models.case import Case, CaseNumberSequence, CaseParticipant, CaseQuerySet
from civicgrid.cases.models.categories import Category, CategoryQuerySet
from civicgrid.cases.models.chain import (
    GENESIS_HASH,
    PUBLIC_EVENT_TYPES,
    AppendOnlyError,
    CaseEvent,
    CaseEventQuerySet,
    EventType,
)
from civicgrid.cases.models.vocabulary import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    RESIDENT_STATUS,
    STAGE_LIGHTS,
    TERMINAL_STATUSES,
    CategoryKind,
    HandlingLevel,
    Light,
    LimitUnit,
    Priority,
    Source,
    Status,
    Step,
)

__all__ = [
    "FINISHED_STATUSES",
    "RESIDENT_STATUS",
    "GENESIS_HASH",
    "OPEN_STATUSES",
    "PUBLIC_EVENT_TYPES",
    "Priority",
    "STAGE_LIGHTS",
    "TERMINAL_STATUSES",
    "AbuseReport",
    "AppendOnlyError",
    "ApprovalRequest",
    "Attachment",
    "AttachmentKind",
    "AttachmentVisibility",
    "BoardComment",
    "BoardHiddenCase",
    "BoardModeration",
    "BoardReaction",
    "BoardSetting",
    "Case",
    "CaseEvent",
    "CaseEventQuerySet",
    "CaseNumberSequence",
    "CaseParticipant",
    "CaseProject",
    "CaseQuerySet",
    "Category",
    "CategoryKind",
    "CategoryQuerySet",
    "Evaluation",
    "EventType",
    "ExtensionRequest",
    "HandlingLevel",
    "LimitUnit",
    "Light",
    "Milestone",
    "PendingUpload",
    "RequestStatus",
    "Source",
    "Status",
    "Step",
    "VoidRequest",
]
