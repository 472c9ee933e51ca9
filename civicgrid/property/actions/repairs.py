"""物业报修 on the cases engine: the categories (a department kind of "property"), the company's
department, a resident's report (a case routed to the compound's company), the company's intake
(受理, 派遣 to itself, 签收 — the cases actions, in one transaction), its feedback, and the
resident's rating (the cases evaluation). Photos go with the report and the feedback through the
cases app's checks and storage (cases.uploads: content, size and pixels; nothing stored when one is
refused)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from civicgrid.accounts.models import Role
from civicgrid.accounts.scopes import has_role
from civicgrid.cases import actions as case_actions
from civicgrid.cases import pending, uploads
from civicgrid.cases.errors import CaseChanged
from civicgrid.cases.models import (
    OPEN_STATUSES,
    Case,
    Category,
    CategoryKind,
    EventType,
    HandlingLevel,
    Source,
    Status,
)
from civicgrid.core import clock, events
from civicgrid.core.text import has_forbidden
from civicgrid.people.models import PropertyCompany
from civicgrid.property import selectors
from civicgrid.property.events import RepairOverdue, RepairReported
from civicgrid.property.models import CompanyDepartment, Repair, RepairPlace
from civicgrid.regions.actions import save_department
from civicgrid.regions.codes import ancestor_codes
from civicgrid.regions.models import Department, DepartmentKind, Region

REPAIR_EDITION = "物业报修（本地）"
# (code, name, handle limit in working hours): the major class first. Edited in admin afterwards.
REPAIR_CATEGORIES = (
    ("90", "物业报修", None),
    ("90001", "水电维修", Decimal("8")),
    ("90002", "门窗及室内设施", Decimal("16")),
    ("90003", "电梯故障", Decimal("4")),
    ("90004", "公共设施与照明", Decimal("16")),
    ("90005", "环境卫生与绿化", Decimal("8")),
)
MAX_DESCRIPTION = 1000


def ensure_repair_categories():
    """Create the repair categories (idempotent): handled by the department of kind "property"
    serving the place, with intake in 2 working hours and handling limits per minor class."""
    with transaction.atomic():
        major = None
        for code, name, limit in REPAIR_CATEGORIES:
            defaults = {
                "kind": CategoryKind.COMMUNITY,
                "name": name,
                "parent": major,
                "default_level": HandlingLevel.DEPARTMENT,
                "default_department_kind": DepartmentKind.PROPERTY,
                "resident_selectable": False,
                "intake_limit": Decimal("2") if major is None else None,
                "handle_limit": limit,
                "sort_order": 90,
            }
            category, _created = Category.objects.get_or_create(edition=REPAIR_EDITION, code=code, defaults=defaults)
            if major is None:
                major = category
    return repair_categories()


def repair_categories():
    return list(
        Category.objects.selectable()
        .filter(edition=REPAIR_EDITION, parent__default_department_kind=DepartmentKind.PROPERTY)
        .select_related("parent")
        .order_by("code")
    )


def _common_region(company):
    """The deepest region containing every compound the company serves (else its registration region)."""
    codes = sorted({c for c in company.compounds.values_list("community__code", flat=True) if c})
    if not codes:
        return company.region
    candidates = [*ancestor_codes(codes[0]), codes[0]]
    shared = [c for c in candidates if all(code.startswith(c) for code in codes)]
    region = Region.objects.filter(code__in=shared).order_by("-code").first()
    return region or company.region


@transaction.atomic
def link_company(user, company):
    """Give a property company its repair department (kind "property"), serving the region that
    holds its compounds; idempotent. System administrators and street staff do it."""
    if not (user.is_superuser or has_role(user, Role.SYSTEM_ADMIN, Role.STREET_STAFF)):
        raise PropertyCompany.DoesNotExist
    company = PropertyCompany.objects.select_for_update().get(pk=company.pk if hasattr(company, "pk") else company)
    link = CompanyDepartment.objects.filter(company=company).select_related("department").first()
    if link is not None:
        return link.department
    department = save_department(
        Department(
            name=f"{company.name}"[:100],
            code=f"WY-{company.pk}",
            kind=DepartmentKind.PROPERTY,
            region=_common_region(company),
            is_active=True,
        ),
        user=user,
    )
    CompanyDepartment.objects.create(company=company, department=department)
    return department


def _text(value, limit, message):
    value = (value or "").strip()
    if not value:
        raise ValidationError(message)
    if len(value) > limit:
        raise ValidationError(_("内容不能超过 %(n)d 字。") % {"n": limit})
    if has_forbidden(value):
        raise ValidationError(_("内容含有不允许的控制字符。"))
    return value


@transaction.atomic
def report_repair(user, *, category, description, place=RepairPlace.HOUSE, spot="", submission_key="", photos=()):
    """A resident reports a repair of their own house or a common area of their compound: a case
    of a repair category, routed to the compound's property company's department, with its photos
    (checked like any report's; one refused refuses the report)."""
    house = selectors.home_of(user)
    if house is None:
        raise ValidationError(_("未在基础数据中找到您的住房，请联系社区核实。"))
    compound = house.building.compound
    if compound is None or compound.property_company_id is None:
        raise ValidationError(_("您所在的小区没有物业服务企业，请通过“我要上报”反映问题。"))
    department = selectors.department_of(compound.property_company_id)
    if department is None or not department.is_active:
        raise ValidationError(_("本小区的物业公司尚未开通线上报修，请通过“我要上报”反映问题。"))
    try:
        place = RepairPlace(place)
    except ValueError:
        raise ValidationError(_("请选择报修位置。")) from None
    chosen = next((c for c in repair_categories() if str(c.pk) == str(getattr(category, "pk", category))), None)
    if chosen is None:
        raise ValidationError(_("请选择报修类别。"))
    description = _text(description, MAX_DESCRIPTION, _("请描述需要维修的问题。"))
    spot = (spot or "").strip()
    if place == RepairPlace.COMMON:
        spot = _text(spot, 100, _("请填写公共区域的具体位置。"))
    elif spot:
        spot = ""
    where = spot if place == RepairPlace.COMMON else house.label
    result = uploads.report_with_attachments(
        user,
        photos=photos,
        category=chosen,
        description=description,
        source=Source.RESIDENT,
        title=f"{chosen.name}（{compound.name}{where}）"[:100],
        region=Region.objects.get(code=house.region_code),
        address=f"{compound.name} {where}"[:200],
        # A private house's repair is not for the neighbourhood board.
        is_public=place == RepairPlace.COMMON,
        department=department,
        submission_key=submission_key,
    )
    existing = Repair.objects.filter(case=result.case).first()
    if existing is not None:  # a replayed submission
        return existing
    repair = Repair.objects.create(
        case=result.case,
        compound=compound,
        company_id=compound.property_company_id,
        place=place,
        house=house if place == RepairPlace.HOUSE else None,
        spot=spot,
        reporter=user,
        reported_at=result.case.reported_at,
        region_code=compound.region_code,
    )
    events.publish(
        RepairReported(
            repair_id=repair.pk, case_id=result.case.pk, compound_id=compound.pk, company_id=repair.company_id
        )
    )
    return repair


def _staff_repair(user, pk):
    repair = selectors.repair_for(user, pk)
    if repair is None or repair.company_id not in selectors.staff_company_ids(user):
        raise Repair.DoesNotExist
    return repair


def _fresh(case_pk):
    return Case.objects.only("pk", "version", "status").get(pk=case_pk)


@transaction.atomic
def take_repair(user, pk, *, version, note=""):
    """受理: a property staff member takes a repair routed to their company: the cases actions
    register it (受理立案), dispatch it to the company's department with the taker as handler (派遣)
    and sign for it (签收). `version` is the case's, as the staff member saw it: if someone else
    took it meanwhile, the cases engine refuses (CaseChanged) and nothing is written."""
    repair = _staff_repair(user, pk)
    case = repair.case
    if str(case.version) != str(version):
        raise CaseChanged()
    department = selectors.department_of(repair.company_id)
    if case.status == Status.REPORTED:
        case_actions.accept_case(case.pk, user, version=case.version, note=note)
        case = _fresh(case.pk)
    if case.status == Status.REGISTERED:
        case_actions.dispatch_case(
            case.pk, user, version=case.version, level=HandlingLevel.DEPARTMENT, department=department, assignee=user
        )
        case = _fresh(case.pk)
    if case.status != Status.DISPATCHED:
        raise ValidationError(_("该报修已在办理中，无需再次受理。"))
    case_actions.sign_case(case.pk, user, version=case.version)
    return Repair.objects.select_related("case").get(pk=repair.pk)


@transaction.atomic
def feedback_repair(user, pk, *, version, note, photos=()):
    """处置反馈: the handler reports what was done, with photos of the result; the community
    verifies (核查) as for any case."""
    repair = _staff_repair(user, pk)
    checked = uploads.check_uploads(photos=photos) if photos else []
    case = case_actions.feedback_case(repair.case_id, user, version=version, note=note)
    pending.file_with_event(case, user, EventType.FED_BACK, checked, ())
    return repair


@transaction.atomic
def rate_repair(user, pk, *, version, score, comment=""):
    """评价: the resident who reported rates the closed repair (the cases evaluation)."""
    repair = Repair.objects.filter(pk=pk, reporter=user).first() if str(pk).isdigit() else None
    if repair is None:
        raise Repair.DoesNotExist
    case_actions.evaluate_case(repair.case_id, user, version=version, score=score, comment=comment)
    return repair


def escalate_overdue_repairs():
    """Job: every open repair still with its property company past its step's red light is handed
    to the community — its community staff are told; each repair once. A repair nobody took is in
    their queue already (they accept and dispatch it as any case); one the company took they take
    back with the cases engine's 超时收回 (cases.actions.recall_case) and dispatch again. Returns how many."""
    from civicgrid.accounts.models import RoleAssignment
    from civicgrid.core.events import MessageSent

    now = clock.now()
    due = Repair.objects.filter(
        escalated_at__isnull=True,
        case__status__in=OPEN_STATUSES,
        case__handling_level=HandlingLevel.DEPARTMENT,
        case__step_red_at__lte=now,
    ).values_list("pk", flat=True)
    done = 0
    for pk in list(due[:500]):
        with transaction.atomic():
            repair = (
                Repair.objects.select_for_update(of=("self",))
                .select_related("case__community")
                .filter(pk=pk, escalated_at__isnull=True)
                .first()
            )
            if repair is None or repair.case.community_id is None:
                continue
            repair.escalated_at = now
            repair.save(update_fields=["escalated_at", "updated_at"])
            staff = tuple(
                RoleAssignment.objects.active()
                .filter(role=Role.COMMUNITY_STAFF, region_id=repair.case.community_id)
                .values_list("user_id", flat=True)
            )
            events.publish(
                RepairOverdue(repair_id=repair.pk, case_id=repair.case_id, community_code=repair.case.community.code)
            )
            if staff:
                events.publish(
                    MessageSent(
                        user_ids=staff,
                        title=_("物业报修超时：%(title)s") % {"title": repair.case.title},
                        body=_(
                            "物业公司未在时限内办理，请按普通案件跟进：未受理的可直接受理派遣，已受理的可“超时收回”后重新派遣。"
                        ),
                        url=reverse("cases:staff_detail", args=[repair.case.number]),
                        topic="property",
                    )
                )
            done += 1
    return done
