"""Restricted querysets: every list and detail starts from `Model.objects.restrict(user, action)`.

A scoped model names, in `scope_code_field`, the lookup path to the region code that places a row
in the tree (e.g. "code" for a region, "region__code" for a department). Region codes are
materialised paths (a child's code starts with its parent's), so "everything under these nodes"
is a handful of indexed range conditions, whatever the depth. Rows outside the user's scope are
simply absent, so views answer 404 exactly as for rows that do not exist.
"""

from django.db import models
from django.db.models import Q

# Region codes are digits only and at most this long; a subtree of code C is the range
# [C, C + "9…9"], which a plain b-tree index answers on SQLite and PostgreSQL alike.
MAX_CODE_LENGTH = 24


def subtree_range(code):
    return code, code + "9" * (MAX_CODE_LENGTH - len(code))


def subtree_q(field, codes):
    """Q matching rows whose `field` lies in the subtree of any of `codes` (OR)."""
    condition = Q(pk__in=[])
    for code in collapse_codes(codes):
        low, high = subtree_range(code)
        condition |= Q(**{f"{field}__gte": low, f"{field}__lte": high})
    return condition


def collapse_codes(codes):
    """Drop codes that lie inside another code of the list (their subtree is already covered)."""
    kept = []
    for code in sorted(set(codes), key=len):
        if not any(code.startswith(parent) for parent in kept):
            kept.append(code)
    return sorted(kept)


# Who holds which role where is the accounts app's business; it registers itself here at start-up
# (AccountsConfig.ready), so the base asks without importing it.
_resolver = None


def set_resolver(resolver):
    """`resolver` offers scope_codes(user, permission), roles_of(user), active_assignments(user),
    people_on(region) and STAFF_ROLES."""
    global _resolver
    _resolver = resolver


def scope_codes(user, permission):
    """Region codes whose subtrees `user` holds `permission` in; None = unrestricted, [] = nothing."""
    return _resolver.scope_codes(user, permission)


def roles_of(user):
    """The role values `user` holds anywhere."""
    return _resolver.roles_of(user)


def active_assignments(user):
    return _resolver.active_assignments(user)


def people_on(region):
    """The staff assignments held on exactly `region` (residents are never listed)."""
    return _resolver.people_on(region)


def staff_roles():
    """The role values of staff (everyone who works cases, i.e. every role but residents)."""
    return _resolver.STAFF_ROLES


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action="view"):
        """Limit rows to what `user` may `action` (a permission codename such as "view")."""
        field = getattr(self.model, "scope_code_field", None)
        if field is None:
            raise TypeError(f"{self.model.__name__} has no scope_code_field; it cannot be restricted")
        permission = f"{self.model._meta.app_label}.{action}_{self.model._meta.model_name}"
        codes = scope_codes(user, permission)
        if codes is None:  # unrestricted (superuser, or system admin at the root)
            return self.all()
        if not codes:
            return self.none()
        return self.filter(subtree_q(field, codes))
