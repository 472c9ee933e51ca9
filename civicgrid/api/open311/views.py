"""Open311 GeoReport v2 at /open311/v2/ (see docs/api.md).

A service is a selectable minor category (service_code = the category code), its attributes are
the category's extra fields. A service request is an ordinary case: `POST requests` files it
through civicgrid.cases.actions.report_case as source "API·Open311" (a hotline key: "12345热线"),
acting as the API key's application within the key's region; it then runs through the workflow
like any other case.

Visibility of `GET requests`: without a key, the public cases (those the neighbourhood board
shows: public, not rejected, voided or merged, and a report not yet accepted only where the
community's board shows reports at once — Case.objects.on_board); with a key, the cases its scope may see
(Case.objects.restrict). No personal data is ever published: no reporter, caller or phone.
Internal statuses map onto open/closed; `extensions=true` adds the internal status and the public
events. `page`/`page_size` page through the (at most 1,000 per page) results.
"""

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from civicgrid.accounts.models import Role
from civicgrid.api.authentication import key_user, resolve_key
from civicgrid.api.exceptions import ApiError
from civicgrid.api.idempotency import fingerprint, idempotent
from civicgrid.api.models import Open311Request
from civicgrid.api.open311.params import MAX_PAGE, Open311Error
from civicgrid.api.open311.params import parse_time as _parse_time
from civicgrid.api.open311.params import positive_int as _positive_int
from civicgrid.api.open311.render import error, respond
from civicgrid.api.throttling import CivicGridThrottle
from civicgrid.cases import actions
from civicgrid.cases.errors import CaseError, RateLimited
from civicgrid.cases.extra_fields import LIST_TYPES
from civicgrid.cases.models import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    PUBLIC_EVENT_TYPES,
    Case,
    CaseEvent,
    Category,
    Source,
)
from civicgrid.core.text import first_unclean
from civicgrid.regions.models import Region
from civicgrid.suggest import selectors as suggest_selectors

FORMATS = ("json", "xml")
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-01T00:00:00+08:00"
MAX_DESCRIPTION = 4000
ATTRIBUTE_RE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")


def _echo(value, limit=20):
    """A client's value quoted in an error: printable characters only (no control characters in
    the XML or JSON answer), at most `limit` of them."""
    return "".join(c for c in value[:limit] if c.isprintable())


def _endpoint(view):
    def wrapper(request, *args, fmt="json", **kwargs):
        if fmt not in FORMATS:
            return error("json", 404, _("不支持的格式“%(fmt)s”，请使用 .json 或 .xml。") % {"fmt": _echo(fmt, 10)})
        try:
            jurisdiction = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
            if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION:
                raise Open311Error(404, _("jurisdiction_id 不存在。"))
            return view(request, fmt, *args, **kwargs)
        except Open311Error as problem:
            return error(fmt, problem.status, problem.description)
        except ApiError as problem:
            # Shared API machinery (Idempotency-Key: reused 422, in progress 409, malformed 400)
            # answers in Open311's own error format.
            return error(fmt, problem.status_code, problem.message)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return csrf_exempt(wrapper)


def _key(request, required):
    """(key, acting user) from `api_key` (query, form) or X-API-Key; 403 when given but invalid."""
    raw = request.POST.get("api_key") or request.GET.get("api_key") or request.headers.get("X-API-Key")
    if not raw:
        if required:
            raise Open311Error(403, _("需要有效的 api_key。"))
        return None, None
    key = resolve_key(raw)
    if key is None:
        raise Open311Error(403, _("api_key 无效、已过期或已吊销。"))
    return key, key_user(key)


class _ThrottleRequest:
    def __init__(self, request, key, user):
        self.auth, self.user, self.META, self.headers = key, user, request.META, request.headers
        self._request = request


def _throttle(request, key, user):
    from django.contrib.auth.models import AnonymousUser

    throttle = CivicGridThrottle()
    if not throttle.allow_request(_ThrottleRequest(request, key, user or AnonymousUser()), None):
        raise Open311Error(429, _("请求过于频繁，请 %(s)s 秒后再试。") % {"s": int(throttle.wait() or 1)})


def _method(request, *allowed):
    if request.method not in allowed:
        raise Open311Error(405, _("不支持该请求方法。"))


def _english():
    return translation.get_language() and translation.get_language().startswith("en")


def _service_name(category):
    return (category.name_en or category.name) if _english() else category.name


def _services():
    return Category.objects.selectable().filter(resident_selectable=True).select_related("parent").order_by("code")


def _service(code):
    category = _services().filter(code=code).first()
    if category is None:
        raise Open311Error(404, _("服务代码“%(code)s”不存在。") % {"code": _echo(code)})
    return category


def _attributes(category):
    rows = []
    for order, field in enumerate(category.extra_fields or [], start=1):
        rows.append(
            {
                "variable": True,
                "code": field["code"],
                "datatype": field.get("datatype", "string"),
                "required": bool(field.get("required", False)),
                "datatype_description": field.get("datatype_description", ""),
                "order": field.get("order", order),
                "description": field.get("description", ""),
                "values": [{"key": v["key"], "name": v["name"]} for v in field.get("values", [])],
            }
        )
    return rows


# --- Discovery and services ---------------------------------------------------------------


@_endpoint
def discovery(request, fmt):
    _method(request, "GET")
    base = request.build_absolute_uri(request.path.rsplit("/", 1)[0] + "/")
    body = {
        "changeset": CHANGESET,
        "contact": settings.OPEN311_CONTACT or _("请联系本平台管理员申请 api_key。"),
        "key_service": _("由平台管理员在“开放接口 › 接入应用”中签发。"),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base.rstrip("/"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", body)


@_endpoint
def services(request, fmt):
    _method(request, "GET")
    rows = [
        {
            "service_code": c.code,
            "service_name": _service_name(c),
            "description": c.description,
            "metadata": bool(c.extra_fields),
            "type": "realtime",
            "keywords": ",".join(c.keywords.split()),
            "group": _service_name(c.parent),
        }
        for c in _services()
    ]
    return respond(fmt, "services", rows)


@_endpoint
def service_definition(request, fmt, code):
    _method(request, "GET")
    category = _service(code)
    return respond(fmt, "service_definition", {"service_code": category.code, "attributes": _attributes(category)})


# --- Requests -------------------------------------------------------------------------------


def _status(case):
    return "open" if case.status in OPEN_STATUSES else "closed"


def _agency(case):
    if case.handling_department_id:
        return case.handling_department.name
    unit = {"grid": case.grid, "community": case.community, "street": case.street}.get(case.handling_level)
    return unit.name if unit is not None else ""


def _request_row(case, extensions=False, events=None):
    try:
        record = case.open311
    except Open311Request.DoesNotExist:
        record = None
    notes = case.get_status_display()
    if case.merged_into_id:
        notes = _("%(status)s，并入 %(number)s") % {"status": notes, "number": case.merged_into.number}
    row = {
        "service_request_id": case.number,
        "status": _status(case),
        "status_notes": notes,
        "service_name": _service_name(case.category),
        "service_code": case.category.code,
        "description": case.description,
        "agency_responsible": _agency(case),
        "service_notice": "",
        "requested_datetime": timezone.localtime(case.reported_at).isoformat(),
        "updated_datetime": timezone.localtime(case.updated_at).isoformat(),
        "expected_datetime": timezone.localtime(case.overall_due_at).isoformat() if case.overall_due_at else None,
        "address": case.address,
        "address_id": record.address_id if record and record.address_id else case.region_code,
        "zipcode": "",
        "lat": case.lat,
        "long": case.lon,
        "media_url": record.media_url if record else "",
    }
    if extensions:
        row["extended_attributes"] = {
            "internal_status": case.status,
            "internal_status_display": case.get_status_display(),
            "category_group": _service_name(case.category.parent) if case.category.parent_id else "",
            "region_code": case.region_code,
            "grid": case.grid.name if case.grid_id else "",
            "community": case.community.name if case.community_id else "",
            "street": case.street.name if case.street_id else "",
            "handling_level": case.handling_level,
            "deadline_light": case.deadline_light() or "",
            "stage_light": case.stage_light or "",
            "closed_datetime": timezone.localtime(case.closed_at).isoformat() if case.closed_at else None,
            "events": [
                {
                    "type": e.type,
                    "description": e.get_type_display(),
                    "datetime": timezone.localtime(e.created_at).isoformat(),
                }
                for e in (events or {}).get(case.pk, [])
            ],
        }
    return row


def _visible(key, user):
    if key is None:
        return Case.objects.on_board()
    return Case.objects.restrict(user, "view")


# Only the columns a request row shows: a page of 1,000 requests should not parse every
# deadline field of every case and its regions.
ROW_FIELDS = (
    "number",
    "status",
    "description",
    "address",
    "region_code",
    "lat",
    "lon",
    "handling_level",
    "reported_at",
    "updated_at",
    "overall_due_at",
    "closed_at",
    "step_due_at",
    "step_warn_at",
    "step_red_at",
    "category__code",
    "category__name",
    "category__name_en",
    "category__parent__name",
    "category__parent__name_en",
    "grid__name",
    "community__name",
    "street__name",
    "handling_department__name",
    "merged_into__number",
    "open311__address_id",
    "open311__media_url",
)


def _with_related(queryset):
    return queryset.select_related(
        "category__parent", "grid", "community", "street", "handling_department", "merged_into", "open311"
    ).only(*ROW_FIELDS)


def _events_for(cases):
    events = {}
    rows = CaseEvent.objects.filter(case__in=[c.pk for c in cases], type__in=PUBLIC_EVENT_TYPES).order_by(
        "case_id", "seq"
    )
    for event in rows.only("case_id", "type", "created_at", "seq"):
        events.setdefault(event.case_id, []).append(event)
    return events


def _list_requests(request, fmt):
    key, user = _key(request, required=False)
    _throttle(request, key, user)
    params = request.GET
    extensions = params.get("extensions", "").lower() == "true"
    cases = _visible(key, user)
    ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        # A list of ids overrides every other filter (GeoReport v2).
        cases = cases.filter(number__in=ids[: settings.OPEN311_MAX_REQUESTS])
    else:
        codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
        if codes:
            cases = cases.filter(category__code__in=codes)
        start = _parse_time(params.get("start_date"), "start_date")
        end = _parse_time(params.get("end_date"), "end_date")
        window = timedelta(days=settings.OPEN311_DEFAULT_DAYS)
        if start is None and end is None:
            end = timezone.now()
            start = end - window
        elif start is None:
            start = end - window
        if start is not None and end is not None and start > end:
            raise Open311Error(400, _("start_date 不能晚于 end_date。"))
        cases = cases.filter(reported_at__gte=start)
        if end is not None:
            cases = cases.filter(reported_at__lte=end)
        statuses = {s.strip() for s in params.get("status", "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, _("status 只能是 open 或 closed。"))
        if statuses == {"open"}:
            cases = cases.filter(status__in=OPEN_STATUSES)
        elif statuses == {"closed"}:
            cases = cases.filter(status__in=FINISHED_STATUSES)
    page_size = _positive_int(
        params.get("page_size"), "page_size", settings.OPEN311_MAX_REQUESTS, settings.OPEN311_MAX_REQUESTS
    )
    page = _positive_int(params.get("page"), "page", 1, refuse_above=MAX_PAGE)
    offset = (page - 1) * page_size
    # The page's ids first (a narrow sort), then those rows with their related data: joining every
    # related table before the sort would carry wide rows through it.
    ids = list(cases.order_by("-reported_at", "-pk").values_list("pk", flat=True)[offset : offset + page_size])
    by_id = {case.pk: case for case in _with_related(Case.objects.filter(pk__in=ids))}
    rows = [by_id[pk] for pk in ids]
    events = _events_for(rows) if extensions else None
    return respond(fmt, "service_requests", [_request_row(c, extensions, events) for c in rows])


def _location(request, key):
    """(lon, lat, region) from lat/long, address_id (a region code) or address_string."""
    data = request.POST
    lat, lon = data.get("lat", "").strip(), data.get("long", "").strip()
    if lat or lon:
        try:
            lon, lat = float(lon), float(lat)
        except ValueError:
            raise Open311Error(400, _("lat 与 long 应为数字。")) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # also refuses nan and inf
            raise Open311Error(400, _("lat 应在 -90 至 90 之间，long 应在 -180 至 180 之间。"))
        return lon, lat, None
    address_id = data.get("address_id", "").strip()
    if address_id:
        region = Region.objects.filter(code=address_id, is_active=True).defer("boundary").first()
        if region is None or not region.code.startswith(key.region.code):
            raise Open311Error(400, _("address_id 不是本密钥范围内的区划编码。"))
        return None, None, region
    if data.get("address_string", "").strip():
        # An address alone cannot be placed in a grid: the case lands on the key's region and the
        # dispatchers correct its location (更正位置).
        return None, None, key.region
    raise Open311Error(400, _("请提供位置：lat 与 long、address_string 或 address_id。"))


def _attribute_values(request, category):
    submitted = {}
    for name in request.POST:
        match = ATTRIBUTE_RE.match(name)
        if match:
            values = [v.strip() for v in request.POST.getlist(name) if v.strip()]
            if values:
                submitted[match.group(1)] = values
    answers, lines = {}, []
    for field in category.extra_fields or []:
        code, datatype = field["code"], field.get("datatype", "string")
        values = submitted.get(code, [])
        if not values:
            if field.get("required"):
                raise Open311Error(400, _("缺少必填属性 attribute[%(code)s]。") % {"code": code})
            continue
        allowed = {str(v["key"]): v["name"] for v in field.get("values", [])}
        if datatype in LIST_TYPES:
            if datatype == "singlevaluelist" and len(values) > 1:
                raise Open311Error(400, _("属性 %(code)s 只能选一项。") % {"code": code})
            unknown = [v for v in values if v not in allowed]
            if unknown:
                raise Open311Error(400, _("属性 %(code)s 的取值不在可选范围内。") % {"code": code})
            answers[code] = values if datatype == "multivaluelist" else values[0]
            shown = "、".join(allowed[v] for v in values)
        else:
            value = values[0][:500]
            if datatype == "number":
                try:
                    float(value)
                except ValueError:
                    raise Open311Error(400, _("属性 %(code)s 应为数字。") % {"code": code}) from None
            if datatype == "datetime" and _parse_time(value, f"attribute[{code}]") is None:
                raise Open311Error(400, _("属性 %(code)s 应为日期时间。") % {"code": code})
            answers[code] = value
            shown = value
        lines.append(f"{field.get('description', code)}：{shown}")
    return answers, lines


def _suggested_code(key, data):
    """A request without service_code: the smart-intake model picks the category from the
    description, when the key allows it and the model is sure enough."""
    if not key.suggest_category:
        raise Open311Error(400, _("缺少 service_code。"))
    chosen = suggest_selectors.suggest(data.get("description", "")[:MAX_DESCRIPTION]).preselect
    if chosen is None:
        raise Open311Error(400, _("无法从描述判断类别，请提供 service_code。"))
    return chosen.code


def _create_request(request, fmt, key, user):
    data = request.POST
    unclean = first_unclean(data)
    if unclean is not None:
        raise Open311Error(400, _("%(field)s 包含不可见的控制字符，请删除后再提交。") % {"field": unclean[:40]})
    code = data.get("service_code", "").strip() or _suggested_code(key, data)
    category = _services().filter(code=code).first()
    if category is None:
        raise Open311Error(400, _("服务代码“%(code)s”不存在。") % {"code": _echo(code)})
    lon, lat, region = _location(request, key)
    answers, lines = _attribute_values(request, category)
    description = data.get("description", "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, _("description 最多 4000 字。"))
    media_url = data.get("media_url", "").strip()
    if media_url and not re.match(r"^https?://", media_url):
        raise Open311Error(400, _("media_url 应为 http(s) 链接。"))
    extra = "\n".join(lines)
    full = "\n\n".join(
        p for p in (description or _service_name(category), extra and f"【{_('附加信息')}】\n{extra}") if p
    )
    name = " ".join(p for p in (data.get("last_name", "").strip(), data.get("first_name", "").strip()) if p)
    source = Source.HOTLINE if key.role == Role.HOTLINE_INTEGRATION else Source.API
    try:
        with transaction.atomic():
            result = actions.report_case(
                user,
                category=category,
                description=full[:MAX_DESCRIPTION],
                source=source,
                lon=lon,
                lat=lat,
                address=data.get("address_string", "")[:200],
                region=region,
                caller_name=name[:50],
                caller_phone=data.get("phone", "")[:20],
            )
            case = result.case
            if not case.region_code.startswith(key.region.code):
                raise Open311Error(400, _("该位置不在本密钥的服务范围内。"))
            token = secrets.token_urlsafe(16)
            Open311Request.objects.create(
                case=case,
                token=token,
                api_key=key,
                attributes=answers,
                media_url=media_url[:500],
                email=data.get("email", "")[:254] if "@" in data.get("email", "") else "",
                device_id=data.get("device_id", "")[:100],
                account_id=data.get("account_id", "")[:100],
                address_id=region.code if region is not None and data.get("address_id") else "",
                created_at=case.reported_at,
            )
    except RateLimited as problem:
        raise Open311Error(429, problem.message) from None
    except CaseError as problem:
        raise Open311Error(400, problem.message) from None
    body = [
        {
            "service_request_id": case.number,
            "token": token,
            "service_notice": _("已受理登记，案件编号 %(number)s。") % {"number": case.number},
            "account_id": data.get("account_id") or None,
        }
    ]
    return respond(fmt, "service_requests", body, status=201)


@_endpoint
def requests_view(request, fmt):
    if request.method == "GET":
        return _list_requests(request, fmt)
    _method(request, "POST")
    key, user = _key(request, required=True)
    _throttle(request, key, user)
    data = {k: v for k, v in request.POST.lists() if k != "api_key"}
    body_hash = fingerprint("POST", request.path, data)

    def handler():
        try:
            return _create_request(request, fmt, key, user)
        except Open311Error as problem:
            return error(fmt, problem.status, problem.description)

    return idempotent(request, user, body_hash, handler)


@_endpoint
def request_detail(request, fmt, request_id):
    _method(request, "GET")
    key, user = _key(request, required=False)
    _throttle(request, key, user)
    case = _with_related(_visible(key, user)).filter(number=request_id).first()
    if case is None:
        raise Open311Error(404, _("服务请求“%(id)s”不存在。") % {"id": _echo(request_id)})
    extensions = request.GET.get("extensions", "").lower() == "true"
    events = _events_for([case]) if extensions else None
    return respond(fmt, "service_requests", [_request_row(case, extensions, events)])


@_endpoint
def token_view(request, fmt, token):
    _method(request, "GET")
    record = Open311Request.objects.select_related("case").filter(token=token).first()
    if record is None:
        raise Open311Error(404, _("令牌不存在。"))
    return respond(fmt, "service_requests", [{"service_request_id": record.case.number, "token": record.token}])


@csrf_exempt
def unknown(request):
    fmt = "xml" if request.path.endswith(".xml") else "json"
    return error(fmt, 404, _("没有这个资源。"))
