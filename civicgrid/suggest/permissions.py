"""Smart intake's part of the policy table (civicgrid.accounts.roles): who reads the suggestion
records (the accuracy page) — the command centre's operators and system administrators, in their
subtree."""

from civicgrid.accounts.models import Role
from civicgrid.accounts.roles import Permissions

RECORDS = {"suggest.view_suggestionrecord", "suggest.view_categorycorrection"}

PERMISSIONS = Permissions(
    "suggest",
    grants={Role.COMMAND_OPERATOR: RECORDS, Role.SYSTEM_ADMIN: RECORDS},
    order=60,
)
