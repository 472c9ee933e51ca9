"""Who may do what where it is more than a permission: a resident's community (the region of their
RESIDENT role assignment) and which craftsmen serve it."""

from civicgrid.accounts.models import Role
from civicgrid.accounts.scopes import active_assignments


def resident_communities(user):
    """The region codes of the user's active RESIDENT assignments (normally one community)."""
    if not user.is_authenticated:
        return []
    return sorted({a.region.code for a in active_assignments(user) if a.role == Role.RESIDENT and a.region_id})


def serves(craftsman, community_code):
    """Whether `craftsman`'s service area covers `community_code` or lies inside it (a grid of it)."""
    area = craftsman.region_code
    return community_code.startswith(area) or area.startswith(community_code)


def prefixes(code):
    """Every ancestor code of `code` (and the code itself), as prefixes: the tree's codes are paths."""
    return [code[:i] for i in range(1, len(code) + 1)]
