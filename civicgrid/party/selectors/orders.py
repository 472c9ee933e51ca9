"""Reads of party building's orders. Every query starts from the user's reach:

- posters: community staff (Role.COMMUNITY_STAFF) covering the community, and MEMBER_POWERS posts
  of an organisation on the community's node (policy.posts_of);
- takers: department staff (their department's service area), first secretaries (the communities of
  their post's organisation subtree: policy.first_secretary_posts), members registered (双报到) with
  the community;
- auditors: street staff (Role.STREET_STAFF) whose scope covers the community;
- the area's staff (street, community, command operators, system admins) see their area's orders and
  ranking; department staff see the ranking of their department's area too."""

from datetime import date, datetime, time

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from civicgrid.accounts.models import Role
from civicgrid.core.scoping import active_assignments, subtree_q
from civicgrid.party import policy
from civicgrid.party.models import (
    WORKING,
    Order,
    OrderStatus,
    Organisation,
    Registration,
    TakerKind,
)
from civicgrid.regions.models import Department, Level, Region

AREA_ROLES = (Role.STREET_STAFF, Role.COMMUNITY_STAFF, Role.COMMAND_OPERATOR, Role.SYSTEM_ADMIN)
RANKING_ROLES = AREA_ROLES + (Role.DEPARTMENT_STAFF,)
PERIODS = ("month", "quarter", "year")


def max_points():
    """The most points one order may be granted (settings.PARTY_ORDER_MAX_POINTS)."""
    return int(getattr(settings, "PARTY_ORDER_MAX_POINTS", 20))


def max_photos():
    return int(getattr(settings, "PARTY_ORDER_MAX_PHOTOS", 6))


def _codes(user, roles):
    if not user.is_authenticated:
        return []
    return sorted({a.scope_code for a in active_assignments(user) if a.role in roles})


def _prefixes(codes):
    return {code[:i] for code in codes for i in range(1, len(code) + 1)}


def covers(codes, code):
    """Does one of `codes` cover `code` (its subtree holds it)?"""
    return any(code.startswith(c) for c in codes)


# --- Reach ------------------------------------------------------------------------------------


def poster_codes(user):
    """(covering codes, exact community codes): community staff cover their node's subtree (a
    community staff member on a grid posts for its community); MEMBER_POWERS posts of an
    organisation on a community's node post for that community."""
    staff = _codes(user, (Role.COMMUNITY_STAFF,))
    org_codes = set(policy.posts_of(user, policy.MEMBER_POWERS).values_list("organisation__region_code", flat=True))
    return staff, org_codes


def postable_communities(user):
    """The communities the user may post orders for."""
    staff, org_codes = poster_codes(user)
    if not staff and not org_codes:
        return Region.objects.none()
    q = Q(code__in=list(org_codes))
    if staff:
        q |= subtree_q("code", staff) | Q(code__in=list(_prefixes(staff)))
    return Region.objects.filter(q, level=Level.COMMUNITY).order_by("code")


def may_post(user, community_code):
    return postable_communities(user).filter(code=community_code).exists()


def unit_departments(user):
    """The active departments the user is staff of (Role.DEPARTMENT_STAFF)."""
    if not user.is_authenticated:
        return Department.objects.none()
    ids = {a.department_id for a in active_assignments(user) if a.role == Role.DEPARTMENT_STAFF and a.department_id}
    return Department.objects.filter(pk__in=ids, is_active=True).select_related("region").order_by("pk")


def first_secretary_reach(user):
    """[(post, region codes of its organisation subtree)] for the user's first secretary posts."""
    reach = []
    for post in policy.first_secretary_posts(user).select_related("organisation", "department"):
        codes = set(
            Organisation.objects.filter(path__startswith=post.organisation.path, is_active=True).values_list(
                "region_code", flat=True
            )
        )
        reach.append((post, codes))
    return reach


def _fs_covers(codes, community_code):
    # An organisation on the street covers its communities; one on a grid, its community.
    return any(community_code.startswith(c) or c.startswith(community_code) for c in codes)


def registrations(user):
    member = policy.member_for(user)
    if member is None:
        return Registration.objects.none()
    return Registration.objects.filter(member=member, ended_at__isnull=True)


def take_options(user, order):
    """The ways the user may take `order` (whatever its status): [(kind, department, post, member)]."""
    options = []
    code = order.region_code
    for department in unit_departments(user):
        if code.startswith(department.region.code):
            options.append((TakerKind.UNIT, department, None, None))
    for post, codes in first_secretary_reach(user):
        if post.department_id and _fs_covers(codes, code):
            options.append((TakerKind.FIRST_SECRETARY, post.department, post, None))
    registration = registrations(user).filter(community_code=code).select_related("member__organisation").first()
    if registration is not None:
        member = registration.member
        options.append((TakerKind.MEMBER, member.organisation.department, None, member))
    return options


def _takeable_q(user):
    q = Q(pk__in=[])
    departments = list(unit_departments(user))
    if departments:
        q |= subtree_q("region_code", [d.region.code for d in departments])
    for post, codes in first_secretary_reach(user):
        if post.department_id and codes:
            q |= subtree_q("region_code", codes) | Q(region_code__in=list(_prefixes(codes)))
    community_codes = list(registrations(user).values_list("community_code", flat=True))
    if community_codes:
        q |= Q(region_code__in=community_codes)
    return q


def area_codes(user):
    return _codes(user, AREA_ROLES)


def audit_codes(user):
    return _codes(user, (Role.STREET_STAFF,))


def visible_orders(user):
    """Orders the user may see: their area's (street, community, operator, admin scope), their
    communities' (posters), the open ones they may take, and those they or their department took."""
    if not user.is_authenticated:
        return Order.objects.none()
    q = Q(pk__in=[])
    codes = area_codes(user)
    if codes:
        q |= subtree_q("region_code", codes)
    postable = list(postable_communities(user).values_list("code", flat=True))
    if postable:
        q |= Q(region_code__in=postable)
    q |= Q(status=OrderStatus.OPEN) & _takeable_q(user)
    q |= Q(taker_user=user)
    departments = [d.pk for d in unit_departments(user)]
    if departments:
        q |= Q(taker_department__in=departments, taker_kind=TakerKind.UNIT)
    return Order.objects.filter(q).select_related("community", "taker_department", "case__category")


def hall(user):
    """The order hall's lists, for each role the user holds: {name: queryset}."""
    today = timezone.localdate()
    visible = visible_orders(user)
    lists = {}
    postable = list(postable_communities(user).values_list("code", flat=True))
    if postable:
        lists["posted"] = visible.filter(region_code__in=postable)
    takeable = visible.filter(_takeable_q(user), status=OrderStatus.OPEN, deadline__gte=today)
    may_take = bool(unit_departments(user).exists() or first_secretary_reach(user) or registrations(user).exists())
    if may_take:
        lists["takeable"] = takeable
        lists["taken"] = visible.filter(
            Q(taker_user=user) | Q(taker_department__in=unit_departments(user).values("pk"), taker_kind=TakerKind.UNIT)
        ).exclude(status=OrderStatus.OPEN)
    audit = audit_codes(user)
    if audit:
        lists["audit"] = visible.filter(subtree_q("region_code", audit), status=OrderStatus.REPORTED)
    area = area_codes(user)
    if area and "posted" not in lists:
        lists["area"] = visible.filter(subtree_q("region_code", area))
    return lists


def may_audit(user, order):
    return covers(audit_codes(user), order.region_code)


def may_cancel(user, order):
    return order.status == OrderStatus.OPEN and (order.posted_by_id == user.pk or may_post(user, order.region_code))


def may_report(user, order):
    return order.status in WORKING and order.taker_user_id == user.pk


# --- Ranking ----------------------------------------------------------------------------------


def period_bounds(kind, year, number):
    """[start, end) dates of month `number`, quarter `number` or the year; ValueError if invalid."""
    if kind not in PERIODS or not (2000 <= year <= 2100):
        raise ValueError(kind)
    if kind == "year":
        return date(year, 1, 1), date(year + 1, 1, 1)
    if kind == "quarter":
        if not 1 <= number <= 4:
            raise ValueError(number)
        first = 3 * (number - 1) + 1
        return date(year, first, 1), (date(year, first + 3, 1) if number < 4 else date(year + 1, 1, 1))
    if not 1 <= number <= 12:
        raise ValueError(number)
    return date(year, number, 1), (date(year, number + 1, 1) if number < 12 else date(year + 1, 1, 1))


def ranking_codes(user):
    """Region codes whose approved orders the user's ranking counts: their area's, and their
    department's service area for department staff."""
    codes = set(_codes(user, AREA_ROLES))
    codes |= {d.region.code for d in unit_departments(user)}
    return sorted(codes)


def _aware(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def approved_in(codes, start, end):
    """Approved orders of the regions' subtrees audited in [start, end)."""
    if not codes:
        return Order.objects.none()
    return Order.objects.filter(
        subtree_q("region_code", codes),
        status=OrderStatus.APPROVED,
        audited_at__gte=_aware(start),
        audited_at__lt=_aware(end),
    )


def ranking(codes, start, end):
    """{"units": [{department id, name, points, orders}], "takers": [{…}]}, most points first."""
    rows = approved_in(codes, start, end)
    units = list(
        rows.filter(taker_department__isnull=False)
        .values("taker_department", "taker_department__name")
        .annotate(points=Sum("points"), orders=Count("pk"))
        .order_by("-points", "-orders", "taker_department__name")
    )
    takers = list(
        rows.values("taker_user", "taker_user__name", "taker_user__username", "taker_kind", "taker_department__name")
        .annotate(points=Sum("points"), orders=Count("pk"))
        .order_by("-points", "-orders", "taker_user")
    )
    from civicgrid.party.actions.common import mask_name

    for row in takers:
        name = row["taker_user__name"] or row["taker_user__username"] or ""
        # Members' names are masked; a unit's staff and first secretaries act for their unit.
        row["name"] = mask_name(name) if row["taker_kind"] == TakerKind.MEMBER else name
        row["kind_label"] = TakerKind(row["taker_kind"]).label if row["taker_kind"] else ""
    return {
        "units": [
            {
                "department_id": r["taker_department"],
                "name": r["taker_department__name"],
                "points": r["points"] or 0,
                "orders": r["orders"],
            }
            for r in units
        ],
        "takers": takers,
    }


def evidence_rows(codes, start, end):
    """Each approved order of the period, by unit then date: for the xlsx evidence."""
    return (
        approved_in(codes, start, end)
        .select_related("community", "taker_department", "audited_by", "taker_user")
        .order_by("taker_department__name", "audited_at", "pk")
    )


# --- Command screen panel -----------------------------------------------------------------------


def panel_figures(region_codes):
    """Counts of the orders in the subtrees of `region_codes` (None: everywhere): open (not past
    the deadline), taken (being worked on or waiting for audit), approved, the points granted and
    the five units with most points (department names are public; no person names)."""
    orders = (
        Order.objects.all() if region_codes is None else Order.objects.filter(subtree_q("region_code", region_codes))
    )
    today = timezone.localdate()
    approved = orders.filter(status=OrderStatus.APPROVED)
    top = (
        approved.filter(taker_department__isnull=False)
        .values("taker_department__name")
        .annotate(points=Sum("points"))
        .order_by("-points", "taker_department__name")[:5]
    )
    return {
        "open": orders.filter(status=OrderStatus.OPEN, deadline__gte=today).count(),
        "taken": orders.filter(status__in=[*WORKING, OrderStatus.REPORTED]).count(),
        "approved": approved.count(),
        "points": approved.aggregate(total=Sum("points"))["total"] or 0,
        "top_units": [(row["taker_department__name"], row["points"] or 0) for row in top],
    }
