"""Who may do what to base data, per record: the permission must be held in a subtree that
contains the record's region code (permissions.py holds this app's part of the table, docs/roles.md
the whole).

Special-group tags follow the person, not the page: a sensitive or restricted tag is shown only
where the viewer holds its clearance (the clearances in permissions.py) over that person's region — never implied
by the system-admin role or superuser status, and never carried over from one area the viewer is
cleared for to another they merely see (`visible_tag_q`, `tag_visibility`)."""

import hashlib

from django.db.models import Q

from civicgrid.accounts.scopes import scope_codes
from civicgrid.core.scoping import subtree_q
from civicgrid.people.models import Sensitivity

TAG_PERMISSIONS = {
    Sensitivity.NORMAL: None,
    Sensitivity.SENSITIVE: "people.view_sensitive_tag",
    Sensitivity.RESTRICTED: "people.view_restricted_tag",
}


def allowed(user, permission, region_code=None):
    """Whether `user` holds `permission` anywhere (region_code None) or over `region_code`."""
    codes = scope_codes(user, permission)
    if codes is None:
        return True
    if region_code is None:
        return bool(codes)
    return any(region_code.startswith(code) for code in codes)


def allowed_within(user, permission, region_code):
    """Whether `user` holds `permission` over `region_code` or over some part of its subtree (what
    a summary of the region shows is already limited to the user's scope)."""
    codes = scope_codes(user, permission)
    if codes is None:
        return True
    return any(region_code.startswith(code) or code.startswith(region_code) for code in codes)


def tag_clearance(user, region_code=None):
    """The highest tag sensitivity the user may see (in `region_code`'s subtree, or anywhere)."""
    level = Sensitivity.NORMAL
    for sensitivity in (Sensitivity.SENSITIVE, Sensitivity.RESTRICTED):
        permission = TAG_PERMISSIONS[sensitivity]
        if allowed(user, permission) if region_code is None else allowed_within(user, permission, region_code):
            level = sensitivity
    return level


def visible_tags(user, region_code=None):
    from civicgrid.people.models import Tag

    return Tag.objects.filter(sensitivity__lte=tag_clearance(user, region_code))


def clearance_codes(user, sensitivity):
    """Region codes under which `user` may see tags of `sensitivity` (a restricted clearance covers
    sensitive tags too); None means everywhere."""
    codes = set()
    for level in (Sensitivity.SENSITIVE, Sensitivity.RESTRICTED):
        if level < sensitivity:
            continue
        held = scope_codes(user, TAG_PERMISSIONS[level])
        if held is None:
            return None
        codes.update(held)
    return sorted(codes)


def visible_tag_q(user, region_field="person__region_code", sensitivity_field="tag__sensitivity"):
    """A Q over person-tag rows: the tags `user` may see on each row's person (normal tags always;
    a sensitive or restricted one only under a region where the user holds its clearance)."""
    condition = Q(**{sensitivity_field: Sensitivity.NORMAL})
    for sensitivity in (Sensitivity.SENSITIVE, Sensitivity.RESTRICTED):
        codes = clearance_codes(user, sensitivity)
        if codes is None:
            condition |= Q(**{sensitivity_field: sensitivity})
        elif codes:
            condition |= Q(**{sensitivity_field: sensitivity}) & subtree_q(region_field, codes)
    return condition


def tag_visibility(user):
    """A function (person's region code, tag sensitivity) → whether `user` may see the tag."""
    codes = {s: clearance_codes(user, s) for s in (Sensitivity.SENSITIVE, Sensitivity.RESTRICTED)}

    def visible(region_code, sensitivity):
        if sensitivity <= Sensitivity.NORMAL:
            return True
        held = codes.get(sensitivity, [])
        return held is None or any(region_code.startswith(code) for code in held)

    return visible


def clearance_fingerprint(user):
    """A short stable digest of where `user` is cleared for which tags: figures cached per viewer
    group (the command screen's population panel) are keyed by it, so that two viewers cleared for
    different areas never share a cached count."""
    parts = []
    for sensitivity in (Sensitivity.SENSITIVE, Sensitivity.RESTRICTED):
        codes = clearance_codes(user, sensitivity)
        parts.append(f"{int(sensitivity)}:{'*' if codes is None else ','.join(codes)}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
