"""The read side of role assignments: which subtrees a user may act in, per permission."""

from civicgrid.accounts.models import STAFF_ROLES, Role
from civicgrid.accounts.roles import clearances, role_has_permission

__all__ = [
    "STAFF_ROLES",
    "active_assignments",
    "forget_assignments",
    "has_role",
    "people_on",
    "roles_of",
    "scope_codes",
]


def active_assignments(user):
    """The user's active role assignments, loaded once per user object (i.e. per request)."""
    cached = getattr(user, "_civicgrid_assignments", None)
    if cached is None:
        cached = list(
            user.role_assignments.active().select_related("region", "department__region").order_by("granted_at")
        )
        user._civicgrid_assignments = cached
    return cached


def scope_codes(user, permission):
    """Region codes whose subtrees `user` holds `permission` in.

    None means unrestricted (a superuser); an empty list means nothing at all. A clearance
    (roles.clearances()) is never unrestricted: a superuser holds it only where one of their roles
    lists it.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser and permission not in clearances():
        return None
    return sorted({a.scope_code for a in active_assignments(user) if role_has_permission(a.role, permission)})


def has_role(user, *roles):
    if not user.is_authenticated:
        return False
    if user.is_superuser and Role.SYSTEM_ADMIN in roles:
        return True
    return any(a.role in roles for a in active_assignments(user))


def roles_of(user):
    if not user.is_authenticated:
        return set()
    roles = {a.role for a in active_assignments(user)}
    if user.is_superuser:
        roles.add(Role.SYSTEM_ADMIN)
    return roles


def forget_assignments(user):
    """Drop the per-object cache after the user's roles changed."""
    user.__dict__.pop("_civicgrid_assignments", None)


ROLE_ORDER = {role: position for position, role in enumerate(Role.values)}


def people_on(node):
    """Staff holding an active role on exactly this region node (residents are never listed)."""
    from civicgrid.accounts.models import RoleAssignment

    assignments = (
        RoleAssignment.objects.active()
        .filter(region=node, user__is_active=True)
        .exclude(role=Role.RESIDENT)
        .select_related("user")
    )
    return sorted(assignments, key=lambda a: (ROLE_ORDER.get(a.role, 99), a.user.display_name, a.pk))
