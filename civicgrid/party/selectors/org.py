"""Reads of the organisation tree and membership, each starting from the user's reach
(civicgrid.party.policy)."""

from django.db.models import Count, Q

from civicgrid.accounts.models import Role
from civicgrid.accounts.scopes import scope_codes
from civicgrid.core.scoping import active_assignments, subtree_q
from civicgrid.party import policy
from civicgrid.party.models import Member, Post, Registration, Transfer
from civicgrid.regions.models import Region


def tree_for(user):
    """The organisations the user sees, in tree order, with their active member counts."""
    return (
        policy.visible_orgs(user)
        .select_related("region", "parent")
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("path")
    )


def organisation_for(user, pk):
    return policy.visible_orgs(user).select_related("region", "parent", "compound", "department").get(pk=pk)


def posts_of_org(org):
    return Post.objects.filter(organisation=org, ended_at__isnull=True).select_related("user", "department")


def members_of(user, org, include_left=False):
    """The members of `org`'s subtree, if the user sees membership there (else DoesNotExist)."""
    policy.member_orgs(user).get(pk=org.pk)
    members = Member.objects.filter(organisation__path__startswith=org.path)
    if not include_left:
        members = members.filter(is_active=True)
    return members.select_related("person", "organisation").order_by("organisation__path", "person__name")


def member_for(user, pk):
    return policy.members_for(user).select_related("person", "organisation").get(pk=pk)


def history_of(member):
    return Transfer.objects.filter(member=member).select_related("from_org", "to_org", "actor").order_by("on", "pk")


def regions_for_new(user, parent=None):
    """Nodes a new organisation may sit on: under the parent's node, or in an admin's scope."""
    if parent is not None:
        return Region.objects.filter(code__startswith=parent.region_code).order_by("code")
    codes = scope_codes(user, policy.ADMIN_PERMISSION)
    if codes is None:
        return Region.objects.order_by("code")
    if not codes:
        return Region.objects.none()
    return Region.objects.filter(subtree_q("code", codes)).order_by("code")


def registrations_for(user):
    """双报到 members of the communities the user serves: community staff of the community (or above),
    and MEMBER posts of an organisation on it (or above)."""
    codes = staff_codes(user)
    org_codes = list(policy.member_orgs(user).values_list("region_code", flat=True))
    q = Q(pk__in=[])
    if codes:
        q |= subtree_q("community_code", codes)
    if org_codes:
        q |= subtree_q("community_code", org_codes)
    return (
        Registration.objects.filter(q, ended_at__isnull=True, member__is_active=True)
        .select_related("member__person", "member__organisation", "community")
        .order_by("-registered_at")
    )


def staff_codes(user, roles=(Role.COMMUNITY_STAFF, Role.STREET_STAFF)):
    """The region codes where the user holds one of `roles` (community or street staff)."""
    if not user.is_authenticated:
        return []
    return sorted({a.scope_code for a in active_assignments(user) if a.role in roles and a.region_id})


def my_registrations(member):
    return Registration.objects.filter(member=member).select_related("community").order_by("-registered_at")
