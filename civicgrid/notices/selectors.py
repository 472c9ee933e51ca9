"""Reads. Staff pages start from `Notice.objects.restrict(user, action)`; a reader's own notices
(`mine`) are those whose stored audience rule takes them in:

- the notice's node is one of the reader's nodes or above it (its code is a prefix of the code of a
  node where the reader holds a role — a resident's community, a grid worker's grid…);
- its roles ("" = all) name the role the reader holds there;
- its tag (none = everyone) is one the reader's person carries in base data (residents only; the
  people app answers with tag ids, nothing else).

So the audience query is a handful of `region_code IN (…)` conditions on an index of published
notices, and "unread" subtracts the reader's NoticeRead rows: one query, whatever the audience's size.
"""

from django.db.models import Count, Exists, OuterRef, Q

from civicgrid.accounts.models import Role, RoleAssignment
from civicgrid.accounts.scopes import active_assignments, scope_codes
from civicgrid.core.scoping import subtree_q
from civicgrid.notices.models import Notice, NoticeRead, Status
from civicgrid.people import selectors as people
from civicgrid.people.protection import mask_name
from civicgrid.regions.models import Level, Region

# The roles a notice may be narrowed to, in the form's order.
AUDIENCE_ROLES = (
    Role.RESIDENT,
    Role.MICROGRID_MEMBER,
    Role.GRID_WORKER,
    Role.COMMUNITY_STAFF,
    Role.STREET_STAFF,
)
# The nodes a notice is written for.
NOTICE_LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID)
UNREAD_PAGE = 200


def prefixes(code):
    """`code` and every code above it in the tree (its prefixes: codes are materialised paths)."""
    return [code[:i] for i in range(1, len(code) + 1)]


def audience_q(user):
    """Q of the published notices whose audience takes `user` in (no rows: Q(pk__in=[]))."""
    condition = Q(pk__in=[])
    if not user.is_authenticated:
        return condition
    by_role = {}
    for assignment in active_assignments(user):
        by_role.setdefault(assignment.role, set()).update(prefixes(assignment.scope_code))
    for role, codes in by_role.items():
        if role == Role.RESIDENT:
            tag = Q(audience_tag__isnull=True) | Q(audience_tag_id__in=people.account_tag_ids(user))
        else:
            tag = Q(audience_tag__isnull=True)
        condition |= (
            Q(region_code__in=sorted(codes)) & (Q(audience_roles="") | Q(audience_roles__contains=f",{role},")) & tag
        )
    return condition


def mine(user):
    """The published notices addressed to `user`, pinned first, newest first."""
    return (
        Notice.objects.filter(status=Status.PUBLISHED)
        .filter(audience_q(user))
        .order_by("-pinned", "-published_at", "-pk")
    )


def with_read_state(user, queryset):
    return queryset.annotate(is_read=Exists(NoticeRead.objects.filter(notice=OuterRef("pk"), user=user.pk)))


def unread_count(user):
    """The home-screen tile's badge: how many of my notices I have not opened (one query)."""
    if not user.is_authenticated:
        return None
    read = NoticeRead.objects.filter(notice=OuterRef("pk"), user=user.pk)
    return mine(user).exclude(Exists(read)).count()


def readable(user, pk):
    """The notice `pk` as `user` may open it: addressed to them (published), or in their staff scope
    (any state). None: not found for them."""
    notice = mine(user).filter(pk=pk).select_related("region").first()
    if notice is None:
        notice = staff_notices(user).filter(pk=pk).select_related("region").first()
    return notice


def staff_notices(user, action="view"):
    return Notice.objects.restrict(user, action)


def staff_list(user, *, kind="", status="", query=""):
    rows = staff_notices(user).select_related("region", "author")
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    if query:
        rows = rows.filter(title__icontains=query)
    return rows.order_by("-pinned", "-updated_at", "-pk")


def can(user, action, notice):
    return staff_notices(user, action).filter(pk=notice.pk).exists()


def places(user):
    """The nodes where `user` may write notices (the levels notices are written for)."""
    codes = scope_codes(user, "notices.add_notice")
    rows = Region.objects.filter(level__in=NOTICE_LEVELS)
    if codes is not None:
        if not codes:
            return rows.none()
        rows = rows.filter(subtree_q("code", codes))
    return rows.order_by("code")


def audience_tags(user=None):
    return people.audience_tags(user)


# --- The audience as accounts (receipts, the inbox, reminders) --------------------------------


def _audience_assignments(notice):
    rows = RoleAssignment.objects.active().filter(
        subtree_q("region__code", [notice.region_code]) | subtree_q("department__region__code", [notice.region_code])
    )
    if notice.roles:
        rows = rows.filter(role__in=notice.roles)
    return rows


def audience_user_ids(notice, limit=None):
    """The ids of the active accounts in the notice's audience (at most `limit`)."""
    if notice.audience_tag_id:
        if notice.roles and Role.RESIDENT not in notice.roles:
            return []
        return people.resident_account_ids_with_tag(notice.audience_tag_id, notice.region_code, limit=limit)
    rows = (
        _audience_assignments(notice)
        .filter(user__is_active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    return list(rows[:limit] if limit is not None else rows)


def unread_user_ids(notice):
    read = set(NoticeRead.objects.filter(notice=notice).values_list("user_id", flat=True))
    return [pk for pk in audience_user_ids(notice) if pk not in read]


def receipts(notice, unread_limit=UNREAD_PAGE):
    """{"audience", "read", "unread", "by_role": [(label, audience, read)], "readers": [...],
    "unread_people": [...]} for the receipts page. Names are masked as the people app masks them."""
    read_ids = NoticeRead.objects.filter(notice=notice).values("user_id")
    read_total = NoticeRead.objects.filter(notice=notice).count()
    by_role = []
    if notice.audience_tag_id:
        ids = audience_user_ids(notice)
        audience = len(ids)
        by_role.append((Role.RESIDENT.label, audience, read_total))
        unread_ids = [pk for pk in ids if pk not in set(read_ids.values_list("user_id", flat=True))]
    else:
        rows = _audience_assignments(notice).filter(user__is_active=True)
        audience = rows.values("user_id").distinct().count()
        per_role = dict(rows.values_list("role").annotate(n=Count("user_id", distinct=True)))
        read_per_role = dict(
            rows.filter(user_id__in=read_ids).values_list("role").annotate(n=Count("user_id", distinct=True))
        )
        labels = dict(Role.choices)
        by_role = [(labels.get(role, role), n, read_per_role.get(role, 0)) for role, n in sorted(per_role.items())]
        unread_ids = list(
            rows.exclude(user_id__in=read_ids)
            .order_by("user_id")
            .values_list("user_id", flat=True)
            .distinct()[:unread_limit]
        )
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk__in=unread_ids[:unread_limit]).order_by("pk")
    unread_people = [{"name": mask_name(u.display_name), "phone": u.masked_phone} for u in users]
    readers = [
        {"name": mask_name(r.user.display_name), "phone": r.user.masked_phone, "read_at": r.read_at}
        for r in NoticeRead.objects.filter(notice=notice).select_related("user").order_by("-read_at")[:unread_limit]
    ]
    return {
        "audience": audience,
        "read": read_total,
        "unread": max(audience - read_total, 0),
        "by_role": by_role,
        "readers": readers,
        "unread_people": unread_people,
    }
