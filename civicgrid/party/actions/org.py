"""The organisation tree, its posts and its members. Each action checks the actor's reach
(civicgrid.party.policy) from a fresh, locked read; an organisation out of reach raises
Organisation.DoesNotExist (the views answer 404) and changes nothing."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.core import events
from civicgrid.party import policy
from civicgrid.party.actions.common import refuse, text
from civicgrid.party.events import MemberAdded, MemberMoved, MemberRegistered, PostChanged
from civicgrid.party.models import (
    KIND_RANK,
    Member,
    MemberStatus,
    Organisation,
    OrgKind,
    Post,
    PostKind,
    Registration,
    Transfer,
    TransferKind,
)
from civicgrid.regions.models import Level, Region


def is_descendant_or_self(code, top):
    """Region codes nest by prefix: a node's code starts with each ancestor's."""
    return bool(code) and bool(top) and code.startswith(top)


ORG_FIELDS = ("name", "kind", "field", "region", "compound", "department", "founded_on", "is_active")


def _check_org(errors, org, parent):
    org.name = text(errors, "name", org.name, 100, required=True, label=_("名称"))
    if org.kind not in OrgKind.values:
        errors["kind"] = _("请选择组织类型。")
    elif parent is not None and KIND_RANK[OrgKind(org.kind)] <= KIND_RANK[OrgKind(parent.kind)]:
        errors["kind"] = _("下级组织的层级须低于上级组织（党委 → 党总支 → 党支部 → 党小组）。")
    elif parent is None and org.kind != OrgKind.COMMITTEE:
        errors["kind"] = _("最上级的组织只能是党委。")
    if org.region_id is None:
        errors["region"] = _("请选择所在区划网格。")
    elif parent is not None and not is_descendant_or_self(org.region.code, parent.region.code):
        errors["region"] = _("须在上级组织所在区划之内。")
    if (
        org.compound_id is not None
        and org.region_id is not None
        and not is_descendant_or_self(org.compound.region_code, org.region.code)
        and not is_descendant_or_self(org.region.code, org.compound.region_code)
    ):
        # A compound's branch (三合一) sits on the compound's community or on a grid of it.
        errors["compound"] = _("小区须在所选区划网格所在的社区之内。")


@transaction.atomic
def create_organisation(user, parent_id, **values):
    """A new organisation under `parent_id` (None: a root 党委, system admins only)."""
    parent = None
    if parent_id is not None:
        parent = policy.parent_orgs(user).select_for_update().get(pk=parent_id)
        parent = Organisation.objects.select_related("region").get(pk=parent.pk)
    org = Organisation(parent=parent, **{k: v for k, v in values.items() if k in ORG_FIELDS})
    errors = {}
    _check_org(errors, org, parent)
    if parent is None and org.region_id is not None:
        if not policy.admin_orgs(user).exists() and not _admin_covers(user, org.region):
            raise Organisation.DoesNotExist
        if not _admin_covers(user, org.region):
            errors["region"] = _("所选区划不在您的管理范围内。")
    refuse(errors)
    org.region_code = org.region.code
    org.path = "/"
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError:
        raise ValidationError({"name": _("同一上级组织下已有同名组织。")}) from None
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.save(update_fields=["path"])
    return org


def _admin_covers(user, region):
    from civicgrid.accounts.scopes import scope_codes

    codes = scope_codes(user, policy.ADMIN_PERMISSION)
    return codes is None or any(is_descendant_or_self(region.code, code) for code in codes)


@transaction.atomic
def update_organisation(user, org_id, **values):
    org = policy.kept_orgs(user).select_for_update().get(pk=org_id)
    parent = Organisation.objects.select_related("region").get(pk=org.parent_id) if org.parent_id else None
    old_code = org.region_code
    for key, value in values.items():
        if key in ORG_FIELDS:
            setattr(org, key, value)
    errors = {}
    _check_org(errors, org, parent)
    if org.region_id and org.region.code != old_code and org.children.exists():
        below = Organisation.objects.filter(path__startswith=org.path).exclude(pk=org.pk)
        if any(
            not is_descendant_or_self(code, org.region.code) for code in below.values_list("region_code", flat=True)
        ):
            errors["region"] = _("下级组织须在本组织所在区划之内，请先调整下级组织。")
    if not org.is_active and Member.objects.filter(organisation__path__startswith=org.path, is_active=True).exists():
        errors["is_active"] = _("组织内仍有在册党员，请先转移组织关系。")
    refuse(errors)
    org.region_code = org.region.code
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError:
        raise ValidationError({"name": _("同一上级组织下已有同名组织。")}) from None
    Member.objects.filter(organisation=org).update(region_code=org.region_code)
    return org


@transaction.atomic
def appoint(user, org_id, holder, kind, department=None):
    """Post `holder` (an account) to `kind` in the organisation."""
    org = policy.kept_orgs(user).select_for_update().get(pk=org_id)
    errors = {}
    if kind not in PostKind.values:
        errors["kind"] = _("请选择职务。")
    if holder is None or not holder.is_active:
        errors["user"] = _("请选择有效的账号。")
    if kind == PostKind.FIRST_SECRETARY and department is None:
        errors["department"] = _("第一书记须填写派出单位。")
    if kind != PostKind.FIRST_SECRETARY:
        department = None
    refuse(errors)
    if Post.objects.filter(organisation=org, user=holder, kind=kind, ended_at__isnull=True).exists():
        raise ValidationError({"user": _("此人已担任该职务。")})
    post = Post.objects.create(organisation=org, user=holder, kind=kind, department=department, appointed_by=user)
    events.publish(PostChanged(post_id=post.pk, organisation_id=org.pk, user_id=holder.pk, kind=kind, actor_id=user.pk))
    return post


@transaction.atomic
def end_post(user, post_id):
    post = Post.objects.select_for_update().get(pk=post_id, organisation__in=policy.kept_orgs(user).values("pk"))
    if post.ended_at is not None:
        raise ValidationError(_("该职务已免去。"))
    post.ended_at = timezone.now()
    post.ended_by = user
    post.save(update_fields=["ended_at", "ended_by"])
    events.publish(
        PostChanged(
            post_id=post.pk,
            organisation_id=post.organisation_id,
            user_id=post.user_id,
            kind=post.kind,
            ended=True,
            actor_id=user.pk,
        )
    )
    return post


def _check_dates(errors, joined_on, full_on, status):
    today = timezone.localdate()
    if joined_on is None:
        errors["joined_on"] = _("请填写入党日期。")
    elif joined_on > today:
        errors["joined_on"] = _("入党日期不能晚于今天。")
    elif joined_on.year < 1921:
        errors["joined_on"] = _("入党日期不正确。")
    if (
        status == MemberStatus.FULL
        and full_on is not None
        and joined_on is not None
        and (full_on < joined_on or full_on > today)
    ):
        errors["full_on"] = _("转正日期须在入党日期之后、今天之前。")
    if status not in MemberStatus.values:
        errors["status"] = _("请选择党员类别。")


@transaction.atomic
def add_member(user, org_id, *, status, joined_on, id_number=None, person=None, full_on=None, outside="", note=""):
    """Record a member: the person with this ID number in base data (or `person`, for builders that
    hold the row), living under the organisation's node, joined (发展入党) or transferred in from
    `outside`."""
    from civicgrid.people.selectors import person_by_id_number

    org = policy.member_orgs(user).select_for_update().get(pk=org_id)
    errors = {}
    outside = text(errors, "outside", outside, 100)
    note = text(errors, "note", note, 200)
    _check_dates(errors, joined_on, full_on, status)
    if org.kind == OrgKind.COMMITTEE:
        errors["organisation"] = _("党员须编入党总支、党支部或党小组。")
    if person is not None:
        person = person if person.region_code.startswith(org.region_code) and person.moved_out_at is None else None
    elif id_number:
        person = person_by_id_number(id_number.strip(), org.region_code)
    if person is None:
        errors["id_number"] = _("本组织所在区划的实有人口中查无此身份证号。")
    refuse(errors)
    if Member.objects.filter(person=person, is_active=True).exists():
        raise ValidationError({"id_number": _("此人已是在册党员；如需变动，请办理组织关系转接。")})
    member = Member.objects.create(
        person=person,
        organisation=org,
        region_code=org.region_code,
        status=status,
        joined_on=joined_on,
        full_on=full_on if status == MemberStatus.FULL else None,
    )
    kind = TransferKind.IN if outside else TransferKind.JOINED
    on = joined_on if kind == TransferKind.JOINED else timezone.localdate()
    Transfer.objects.create(member=member, kind=kind, to_org=org, outside=outside, on=on, note=note, actor=user)
    events.publish(
        MemberAdded(member_id=member.pk, organisation_id=org.pk, region_code=org.region_code, actor_id=user.pk)
    )
    return member


def _member_for_change(user, member_id):
    return policy.members_for(user).select_for_update().select_related("organisation").get(pk=member_id, is_active=True)


@transaction.atomic
def move_member(user, member_id, to_org_id, on=None, note=""):
    """组织内调整: move a member to another organisation the actor keeps membership of."""
    member = _member_for_change(user, member_id)
    target = policy.member_orgs(user).get(pk=to_org_id)
    errors = {}
    note = text(errors, "note", note, 200)
    if target.pk == member.organisation_id:
        errors["organisation"] = _("已在该组织。")
    elif target.kind == OrgKind.COMMITTEE:
        errors["organisation"] = _("党员须编入党总支、党支部或党小组。")
    refuse(errors)
    before = member.organisation_id
    member.organisation = target
    member.region_code = target.region_code
    member.save(update_fields=["organisation", "region_code", "updated_at"])
    Transfer.objects.create(
        member=member,
        kind=TransferKind.MOVED,
        from_org_id=before,
        to_org=target,
        on=on or timezone.localdate(),
        note=note,
        actor=user,
    )
    events.publish(
        MemberMoved(
            member_id=member.pk,
            kind="moved",
            from_organisation_id=before,
            to_organisation_id=target.pk,
            actor_id=user.pk,
        )
    )
    return member


@transaction.atomic
def transfer_out(user, member_id, outside, on=None, note=""):
    """组织关系转出: the member leaves the platform's organisations for `outside`."""
    member = _member_for_change(user, member_id)
    errors = {}
    outside = text(errors, "outside", outside, 100, required=True, label=_("转往组织"))
    note = text(errors, "note", note, 200)
    refuse(errors)
    on = on or timezone.localdate()
    member.is_active = False
    member.left_on = on
    member.save(update_fields=["is_active", "left_on", "updated_at"])
    Registration.objects.filter(member=member, ended_at__isnull=True).update(ended_at=timezone.now())
    Transfer.objects.create(
        member=member,
        kind=TransferKind.OUT,
        from_org_id=member.organisation_id,
        outside=outside,
        on=on,
        note=note,
        actor=user,
    )
    events.publish(
        MemberMoved(
            member_id=member.pk,
            kind="out",
            from_organisation_id=member.organisation_id,
            to_organisation_id=None,
            actor_id=user.pk,
        )
    )
    return member


@transaction.atomic
def make_full(user, member_id, on=None):
    """按期转正: a probationary member becomes a full member."""
    member = _member_for_change(user, member_id)
    if member.status != MemberStatus.PROBATIONARY:
        raise ValidationError(_("该党员已是正式党员。"))
    on = on or timezone.localdate()
    if on < member.joined_on or on > timezone.localdate():
        raise ValidationError({"on": _("转正日期须在入党日期之后、今天之前。")})
    member.status = MemberStatus.FULL
    member.full_on = on
    member.save(update_fields=["status", "full_on", "updated_at"])
    Transfer.objects.create(member=member, kind=TransferKind.FULL, to_org_id=member.organisation_id, on=on, actor=user)
    events.publish(
        MemberMoved(
            member_id=member.pk,
            kind="full",
            from_organisation_id=member.organisation_id,
            to_organisation_id=member.organisation_id,
            actor_id=user.pk,
        )
    )
    return member


@transaction.atomic
def register_with_community(user, community_id, note=""):
    """双报到: the signed-in member registers with a community (their home community)."""
    member = policy.member_for(user)
    if member is None:
        raise ValidationError(_("未找到您的党员信息：请联系所在党组织核对。"))
    member = Member.objects.select_for_update().get(pk=member.pk)
    errors = {}
    note = text(errors, "note", note, 200)
    community = Region.objects.filter(pk=community_id, level=Level.COMMUNITY).first()
    if community is None:
        errors["community"] = _("请选择社区。")
    refuse(errors)
    if Registration.objects.filter(member=member, community=community, ended_at__isnull=True).exists():
        raise ValidationError({"community": _("您已向该社区报到。")})
    registration = Registration.objects.create(
        member=member, community=community, community_code=community.code, note=note
    )
    events.publish(
        MemberRegistered(
            registration_id=registration.pk, member_id=member.pk, community_code=community.code, user_id=user.pk
        )
    )
    return registration


@transaction.atomic
def end_registration(user, registration_id):
    member = policy.member_for(user)
    registration = Registration.objects.select_for_update().get(
        pk=registration_id, member=member, ended_at__isnull=True
    )
    registration.ended_at = timezone.now()
    registration.save(update_fields=["ended_at"])
    return registration
