"""Reads. Staff lists start from `Model.objects.restrict(user, action)`; a resident sees their own
registration, the shifts of their community (activities.selectors.for_resident with the shift
kind), their own wishes and the wall: the checked wishes of their community, shown with the title,
the description and who claimed it — never the author's name, address or phone."""

from django.db.models import Count, Q

from civicgrid.accounts.scopes import scope_codes
from civicgrid.activities import selectors as activity_selectors
from civicgrid.core.scoping import subtree_q
from civicgrid.regions.codes import ancestor_codes
from civicgrid.regions.models import Level, Region
from civicgrid.volunteers.models import (
    SHIFT_KIND,
    Feedback,
    Project,
    Shift,
    Team,
    TeamLevel,
    Volunteer,
    VolunteerStatus,
    Wish,
    WishStatus,
)

COMMUNITY_CODE_LENGTH = activity_selectors.COMMUNITY_CODE_LENGTH
WALL_STATUSES = (WishStatus.OPEN, WishStatus.CLAIMED, WishStatus.FULFILLED, WishStatus.CONFIRMED)
LEVEL_OF_REGION = {Level.STREET: TeamLevel.STREET, Level.COMMUNITY: TeamLevel.COMMUNITY, Level.GRID: TeamLevel.COMPOUND}


def home_community(user):
    """The community (Region) of the user's RESIDENT role, or None."""
    home = activity_selectors.resident_home(user)
    if home is None or len(home.code) < COMMUNITY_CODE_LENGTH:
        return None
    return Region.objects.filter(code=home.code[:COMMUNITY_CODE_LENGTH]).first()


def volunteer_of(user):
    if not user.is_authenticated:
        return None
    return Volunteer.objects.filter(user=user).select_related("team", "region").first()


def verified_volunteer(user):
    volunteer = volunteer_of(user)
    return volunteer if volunteer is not None and volunteer.status == VolunteerStatus.VERIFIED else None


def teams_for_resident(user):
    """The active teams a resident of the community may join: its street's, its own, its grids'."""
    community = home_community(user)
    if community is None:
        return Team.objects.none()
    return (
        Team.objects.filter(is_active=True)
        .filter(Q(region_code__in=ancestor_codes(community.code)) | subtree_q("region_code", [community.code]))
        .order_by("region_code", "name")
    )


def shifts_for_resident(user):
    """The shifts (activities of the shift kind) a resident may see, upcoming first."""
    upcoming, past = activity_selectors.resident_list(user, SHIFT_KIND)
    links = {s.activity_id: s for s in Shift.objects.filter(activity_id__in=[a.pk for a in upcoming + past])}
    for activity in upcoming + past:
        activity.shift = links.get(activity.pk)
    return upcoming, past


def shift_for_resident(user, activity_id):
    activity = activity_selectors.for_resident(user, SHIFT_KIND).select_related("region").filter(pk=activity_id).first()
    if activity is None:
        return None
    activity.shift = Shift.objects.select_related("project", "project__team").filter(activity_id=activity.pk).first()
    return activity


def my_shifts(user):
    return activity_selectors.my_enrolments(user, SHIFT_KIND)


def wall(user):
    """The wall of the resident's community (or, for staff, nothing here: they use the staff list)."""
    community = home_community(user)
    if community is None:
        return Wish.objects.none()
    return (
        Wish.objects.filter(subtree_q("region_code", [community.code]), status__in=WALL_STATUSES)
        .only("pk", "title", "description", "status", "claimer_name", "claimer_kind", "created_at", "region_code")
        .order_by("status", "-created_at", "-pk")
    )


def wish_for_resident(user, pk):
    """A wish the user may open: their own (any status) or one on their community's wall."""
    own = Wish.objects.filter(pk=pk, author=user).first() if user.is_authenticated else None
    if own is not None:
        return own
    return wall(user).filter(pk=pk).first()


def my_wishes(user):
    return Wish.objects.filter(author=user).order_by("-created_at", "-pk")


def my_claims(user):
    return Wish.objects.filter(claimed_by=user).order_by("-claimed_at", "-pk")


def wish_photo_for(user, pk):
    """The fulfilment photo: for the author, the claimer and staff of the wish's subtree."""
    wish = Wish.objects.filter(pk=pk).exclude(photo="").first()
    if wish is None:
        return None
    if wish.author_id == user.pk or wish.claimed_by_id == user.pk:
        return wish
    return Wish.objects.restrict(user, "view").filter(pk=pk).exclude(photo="").first()


# --- Staff ------------------------------------------------------------------------------------


def is_staff(user):
    return scope_codes(user, "volunteers.view_volunteer") != []


def staff_volunteers(user, status=""):
    rows = Volunteer.objects.restrict(user, "view").select_related("user", "team", "region")
    if status in VolunteerStatus.values:
        rows = rows.filter(status=status)
    return rows.order_by("status", "-created_at", "-pk")


def staff_teams(user):
    return (
        Team.objects.restrict(user, "view")
        .select_related("region", "parent")
        .annotate(member_count=Count("members", filter=Q(members__status=VolunteerStatus.VERIFIED)))
        .order_by("region_code", "name")
    )


def staff_projects(user):
    return (
        Project.objects.restrict(user, "view")
        .select_related("team", "region")
        .annotate(shift_count=Count("shifts"))
        .order_by("-created_at", "-pk")
    )


def project_shifts(project):
    return list(Shift.objects.filter(project=project).select_related("activity").order_by("activity__starts_at"))


def staff_wishes(user, status=""):
    rows = Wish.objects.restrict(user, "view").select_related("region")
    if status in WishStatus.values:
        rows = rows.filter(status=status)
    return rows.order_by("status", "-created_at", "-pk")


def roster(user, activity):
    """The shift's sign-ups the user may see, with each one's volunteer."""
    enrolments = list(activity_selectors.enrolments(user, activity))
    volunteers = {v.user_id: v for v in Volunteer.objects.filter(user_id__in=[e.user_id for e in enrolments])}
    for enrolment in enrolments:
        enrolment.volunteer = volunteers.get(enrolment.user_id)
    return enrolments


def team_regions(user):
    """The streets, communities and grids the user may form teams (and projects) for."""
    codes = scope_codes(user, "volunteers.add_team")
    regions = Region.objects.filter(level__in=list(LEVEL_OF_REGION), is_active=True)
    if codes is not None:
        regions = regions.filter(subtree_q("code", codes))
    return regions.order_by("code")


def feedback_of(volunteer):
    return list(Feedback.objects.filter(volunteer=volunteer).order_by("-created_at", "-pk")[:20])
