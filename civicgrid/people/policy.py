"""Who may do what to base data, per record: the permission must be held in a subtree that
contains the record's region code (roles.py holds the table)."""

from civicgrid.accounts.scopes import scope_codes
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
