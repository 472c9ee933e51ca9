"""Who may do what in party building. The app's roles are posts held in an organisation (Post),
each reaching that organisation's subtree; a few account roles matter too (system admins keep the
tree; community, department and street staff post, take and audit orders).

- MEMBER_POWERS (secretary, deputy, organiser, party-affairs worker) see and keep the membership of
  their subtree: membership is sensitive, nobody else sees it, system admins included.
- REVIEW_POWERS (the same and instructors) review ratings and supervise projects of organisations
  strictly below theirs; an instructor posted to a branch reviews that branch too. Nobody reviews
  the organisation they hold a member post in (no self-review).
- The tree and its posts are kept by MEMBER_POWERS of an ancestor and by system admins whose
  region scope holds the organisation's node.

Every function answers a queryset (or ids) to start a query from; out of scope is not found."""

from django.db.models import Q

from civicgrid.accounts.scopes import scope_codes
from civicgrid.core.scoping import subtree_q
from civicgrid.party.models import Member, Organisation, Post, PostKind

MEMBER_POWERS = frozenset({PostKind.SECRETARY, PostKind.DEPUTY, PostKind.ORGANISER, PostKind.AFFAIRS})
REVIEW_POWERS = MEMBER_POWERS | {PostKind.INSTRUCTOR}
ADMIN_PERMISSION = "party.change_organisation"


def posts_of(user, kinds=None):
    """The user's posts held now (optionally of `kinds`)."""
    if not user.is_authenticated:
        return Post.objects.none()
    posts = Post.objects.filter(user=user, ended_at__isnull=True, organisation__is_active=True)
    if kinds is not None:
        posts = posts.filter(kind__in=list(kinds))
    return posts


def _paths(posts):
    return list(posts.values_list("organisation__path", flat=True).distinct())


def subtree_of_paths(paths, strict=False):
    """Organisations under the given paths (the paths themselves too unless `strict`)."""
    if not paths:
        return Organisation.objects.none()
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path) & ~Q(path=path) if strict else Q(path__startswith=path)
    return Organisation.objects.filter(q)


def member_orgs(user):
    """Organisations whose membership the user sees and keeps (MEMBER_POWERS posts, subtree)."""
    return subtree_of_paths(_paths(posts_of(user, MEMBER_POWERS)))


def admin_orgs(user):
    """Organisations whose place is in a system admin's region scope."""
    codes = scope_codes(user, ADMIN_PERMISSION) if user.is_authenticated else []
    if codes is None:
        return Organisation.objects.all()
    if not codes:
        return Organisation.objects.none()
    return Organisation.objects.filter(subtree_q("region_code", codes))


def kept_orgs(user):
    """Organisations whose details, children and posts the user may change: strictly below a
    MEMBER_POWERS post, or in a system admin's scope."""
    below = subtree_of_paths(_paths(posts_of(user, MEMBER_POWERS)), strict=True)
    return Organisation.objects.filter(Q(pk__in=below.values("pk")) | Q(pk__in=admin_orgs(user).values("pk")))


def parent_orgs(user):
    """Organisations the user may add a child organisation to: their own (MEMBER_POWERS, subtree)
    and a system admin's scope."""
    return Organisation.objects.filter(
        Q(pk__in=member_orgs(user).values("pk")) | Q(pk__in=admin_orgs(user).values("pk"))
    )


def visible_orgs(user):
    """Organisations the user sees on the staff side (the tree, posts, ratings, projects): those of
    any post (subtree) and of a system admin's scope."""
    own = subtree_of_paths(_paths(posts_of(user)))
    return Organisation.objects.filter(Q(pk__in=own.values("pk")) | Q(pk__in=admin_orgs(user).values("pk")))


def reviewed_orgs(user):
    """Organisations the user reviews (ratings) and supervises (projects): strictly below a
    REVIEW_POWERS post, or the branch an instructor is posted to; never one the user holds a
    member post in."""
    below = subtree_of_paths(_paths(posts_of(user, REVIEW_POWERS)), strict=True)
    instructed = posts_of(user, {PostKind.INSTRUCTOR}).values("organisation_id")
    own = posts_of(user, MEMBER_POWERS).values("organisation_id")
    return Organisation.objects.filter(Q(pk__in=below.values("pk")) | Q(pk__in=instructed)).exclude(pk__in=own)


def led_orgs(user):
    """Organisations the user leads (secretary, deputy, organiser, party-affairs post on it): they
    submit its rating evidence, run its project and publish to its members."""
    return Organisation.objects.filter(pk__in=posts_of(user, MEMBER_POWERS).values("organisation_id"))


def members_for(user):
    """Members the user may see: of member_orgs(user)."""
    return Member.objects.filter(organisation__in=member_orgs(user).values("pk"))


def member_for(user):
    """The signed-in user's own active membership (their account's phone matches the member's
    person in base data), or None."""
    if not user.is_authenticated or not getattr(user, "phone", None):
        return None
    from civicgrid.people.selectors import person_ids_with_phone

    return (
        Member.objects.filter(is_active=True, person_id__in=person_ids_with_phone(user.phone))
        .select_related("organisation")
        .order_by("pk")
        .first()
    )


def first_secretary_posts(user):
    return posts_of(user, {PostKind.FIRST_SECRETARY})


def holds_role(user, *roles):
    from civicgrid.core.scoping import roles_of

    return bool(set(roles_of(user)) & set(roles))
