"""Who the home screen is for and what its header and tiles show. Reads only; one cheap query each."""

from civicgrid.accounts.models import Role
from civicgrid.accounts.scopes import active_assignments
from civicgrid.cases.models import Case


def is_resident(user):
    """Holds a resident role somewhere: may open the home screen."""
    return user.is_authenticated and any(a.role == Role.RESIDENT for a in active_assignments(user))


def lands_on_home(user):
    """Only a resident (no staff role besides): signs in to the home screen and sees the tab bar.
    Staff who also live in a community keep the workbench and the top navigation."""
    if not user.is_authenticated or user.is_superuser:
        return False
    assignments = active_assignments(user)
    return bool(assignments) and all(a.role == Role.RESIDENT for a in assignments)


def communities(user):
    """The communities the user lives in: the regions of their resident role assignments."""
    seen = {}
    for assignment in active_assignments(user):
        if assignment.role == Role.RESIDENT and assignment.region_id:
            seen.setdefault(assignment.region.code, assignment.region)
    return list(seen.values())


def open_case_count(user):
    """The badge on "my cases": the user's own reports still open (one COUNT query)."""
    return Case.objects.filter(reporter=user).open().count()
