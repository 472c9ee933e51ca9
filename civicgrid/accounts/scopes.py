"""The read side of role assignments: which subtrees a user may act in, per permission.

A user's active assignments are read once per request from the cache (Redis in a district, the
process's memory in the embedded default), under a key holding the user's `roles_stamp`: the
actions that change assignments, and the listeners of region and department changes, give the
stamp a new random value in the same transaction, so the next request of any worker misses the old
entry. Nothing needs deleting; stale entries expire.
"""

from django.core.cache import cache
from django.db import models

from civicgrid.accounts.models import STAFF_ROLES, Role, User, new_roles_stamp
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


CACHE_SECONDS = 600


def _cache_key(user):
    return f"civicgrid:roles:{user.pk}:{user.roles_stamp}"


def active_assignments(user):
    """The user's active role assignments: once per user object (i.e. per request), from the cache
    while the user's roles stamp holds."""
    cached = getattr(user, "_civicgrid_assignments", None)
    if cached is None:
        key = _cache_key(user)
        cached = cache.get(key)
        if cached is None:
            cached = list(
                user.role_assignments.active()
                .select_related("region", "department__region")
                # Outlines are large and never needed here (a deferred field still loads on use).
                .defer("region__boundary", "department__region__boundary")
                .order_by("granted_at")
            )
            cache.set(key, cached, CACHE_SECONDS)
        user._civicgrid_assignments = cached
    return cached


def renew_stamps(user_ids=None, *, region_ids=(), department_ids=()):
    """Give new roles stamps to the users named, and to everyone holding an active role on one of
    the regions or departments named (their cached assignments show its name and code). Call it in
    the transaction of the change."""
    from civicgrid.accounts.models import RoleAssignment

    ids = set(user_ids or ())
    if region_ids or department_ids:
        holders = RoleAssignment.objects.active().filter(
            models.Q(region_id__in=list(region_ids)) | models.Q(department_id__in=list(department_ids))
        )
        ids |= set(holders.values_list("user_id", flat=True))
    for user_id in ids:
        User.objects.filter(pk=user_id).update(roles_stamp=new_roles_stamp())
    return ids


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


def region_updated(event):
    """RegionUpdated listener, in the transaction: the node's holders read their roles afresh."""
    renew_stamps(region_ids=[event.region_id])


def department_updated(event):
    """DepartmentUpdated listener, in the transaction: the department's staff read their roles afresh."""
    renew_stamps(department_ids=[event.department_id])


def forget_assignments(user):
    """After the user's roles changed: a new stamp in the database (every worker's next request
    reads afresh) and on this object, and the per-object copy dropped."""
    stamp = new_roles_stamp()
    User.objects.filter(pk=user.pk).update(roles_stamp=stamp)
    user.roles_stamp = stamp
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
