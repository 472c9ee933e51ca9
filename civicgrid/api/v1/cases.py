"""Cases: report (with photos, video, voice through the same upload checks as the pages), list
with filters, detail with the timeline, and every workflow action the user may take.

Reads start from Case.objects.restrict(user, "view") (cases.selectors), so a case outside the
user's scope answers 404 like a missing one. Writes go through civicgrid.cases.actions: a report
through cases.uploads.report_with_attachments, an action through the same action forms the case
page posts (cases.forms.staff.ACTION_FORMS), so the API and the pages validate identically.
Personal data is masked as on the pages: a caller's phone as 138****5678, and a resident sees the
public timeline of their own report.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from civicgrid.api.exceptions import ApiError
from civicgrid.api.idempotency import fingerprint, idempotent
from civicgrid.api.jsonform import check_types
from civicgrid.cases import access, actions, export, selectors, uploads
from civicgrid.cases.errors import CaseNotFound
from civicgrid.cases.forms.resident import EvaluateForm as ResidentEvaluateForm
from civicgrid.cases.forms.staff import ACTION_FORMS
from civicgrid.cases.models import (
    Attachment,
    AttachmentVisibility,
    Case,
    Category,
    Evaluation,
    Light,
    Source,
    Status,
)
from civicgrid.cases.workflow import Action, allowed_actions
from civicgrid.core.serializers import ModelSerializer, Serializer
from civicgrid.core.text import CONTROL_MESSAGE, has_forbidden

# Sources a client may file under; each is checked against the workflow's REPORT_RULES.
API_SOURCES = [Source.RESIDENT, Source.GRID_PHOTO, Source.HOTLINE, Source.STAFF_ENTRY, Source.DEPUTIES, Source.API]


def shown(case, level):
    """What a reader at `level` (cases.access.Reading) is shown of `case`: the case itself, or for
    a follower its public version."""
    return case if level >= access.Reading.REPORTER else access.public_version(case)


# --- Serializers ----------------------------------------------------------------------------


class CategoryRefSerializer(Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class RegionRefSerializer(Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CaseSerializer(ModelSerializer):
    category = CategoryRefSerializer(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    grid = RegionRefSerializer(read_only=True, allow_null=True)
    community = RegionRefSerializer(read_only=True, allow_null=True)
    street = RegionRefSerializer(read_only=True, allow_null=True)
    deadline_light = serializers.SerializerMethodField()
    stage_light = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "title",
            "category",
            "source",
            "source_display",
            "status",
            "status_display",
            "is_public",
            "handling_level",
            "region_code",
            "grid",
            "community",
            "street",
            "address",
            "lon",
            "lat",
            "step",
            "step_due_at",
            "overall_due_at",
            "deadline_light",
            "stage_light",
            "reported_at",
            "closed_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields  # responses only: no database-dependent bounds in the schema

    def get_deadline_light(self, obj) -> str:
        return getattr(obj, "deadline_colour", None) or obj.deadline_light() or ""

    def get_stage_light(self, obj) -> str:
        return getattr(obj, "stage_colour", None) or obj.stage_light or ""


class AttachmentSerializer(ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    is_public = serializers.SerializerMethodField(label=gettext_lazy("公开"))

    class Meta:
        model = Attachment
        fields = [
            "id",
            "kind",
            "content_type",
            "size",
            "width",
            "height",
            "is_public",
            "created_at",
            "url",
            "thumbnail_url",
        ]
        read_only_fields = fields  # responses only: no database-dependent bounds in the schema

    def get_is_public(self, obj) -> bool:
        return obj.visibility == AttachmentVisibility.PUBLIC

    def get_url(self, obj) -> str:
        return reverse("cases:attachment", args=[obj.pk])

    def get_thumbnail_url(self, obj) -> str | None:
        return reverse("cases:attachment_thumb", args=[obj.pk]) if obj.thumbnail else None


class EventSerializer(Serializer):
    seq = serializers.IntegerField()
    type = serializers.CharField()
    type_display = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    actor = serializers.CharField(allow_null=True)
    actor_role = serializers.CharField()
    created_at = serializers.DateTimeField()
    attachments = AttachmentSerializer(many=True)


class EvaluationSerializer(ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)

    class Meta:
        model = Evaluation
        fields = ["id", "case_number", "round", "score", "satisfied", "comment", "on_behalf", "created_at"]
        read_only_fields = fields  # responses only: no database-dependent bounds in the schema


class CaseDetailSerializer(CaseSerializer):
    description = serializers.CharField()
    reporter_name = serializers.SerializerMethodField()
    reporter_phone = serializers.SerializerMethodField()
    handling_department = serializers.CharField(source="handling_department.name", default=None)
    assignee = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    evaluation = serializers.SerializerMethodField()
    is_reporter = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "description",
            "external_order_no",
            "reporter_name",
            "reporter_phone",
            "handling_department",
            "assignee",
            "rework_count",
            "reopen_count",
            "extension_pending",
            "void_pending",
            "is_reporter",
            "allowed_actions",
            "evaluation",
            "timeline",
        ]
        read_only_fields = fields  # responses only: no database-dependent bounds in the schema

    def _user(self):
        return self.context["request"].user

    def _level(self):
        # How much of the case the user reads (cases.access), decided by the view.
        return self.context.get("level", access.Reading.NONE)  # without one: the least

    def _staff(self, obj):
        return access.staff_view(self._user(), obj, self._level())

    def get_is_reporter(self, obj) -> bool:
        return obj.reporter_id == self._user().pk

    def get_reporter_name(self, obj) -> str:
        if not self._staff(obj):
            return ""
        return obj.caller_name or (obj.reporter.display_name if obj.reporter_id else "")

    def get_reporter_phone(self, obj) -> str:
        if not self._staff(obj):
            return ""
        return export.mask_phone(obj.caller_phone or (obj.reporter.phone if obj.reporter_id else ""))

    def get_assignee(self, obj) -> str | None:
        return obj.assignee.display_name if obj.assignee_id and self._staff(obj) else None

    def get_allowed_actions(self, obj) -> list[str]:
        user = self._user()
        case = self.context.get("case", obj)  # the case itself, not the public version shown
        names = [str(a) for a in allowed_actions(user, case) if a in ACTION_FORMS or a == Action.FOLLOW]
        return names

    def get_evaluation(self, obj) -> dict | None:
        if self._level() < access.Reading.REPORTER:
            return None  # another resident's rating and comment
        row = Evaluation.objects.filter(case=obj, round=obj.reopen_count).first()
        if row is None:
            return None
        return {"score": row.score, "satisfied": row.satisfied, "comment": row.comment, "created_at": row.created_at}

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, obj) -> list[dict]:
        user = self._user()
        staff = self._staff(obj)
        # The reporter's own page shows the reporter's view even to staff who reported it.
        level = self._level() if staff else min(self._level(), access.Reading.REPORTER)
        events = list(selectors.timeline(obj, public=not staff))
        attachments = access.visible_attachments(level, obj.attachments.all(), user, obj)
        by_event = {}
        for item in attachments:
            by_event.setdefault(item.event_id, []).append(item)
        rows = []
        for event in events:
            rows.append(
                {
                    "seq": event.seq,
                    "type": event.type,
                    "type_display": event.get_type_display(),
                    "from_status": event.from_status,
                    "to_status": event.to_status,
                    "note": access.shown_note(level, event, staff),
                    "actor": (event.actor.display_name if event.actor_id else None) if staff else None,
                    "actor_role": event.actor_role if staff else "",
                    "created_at": serializers.DateTimeField().to_representation(event.created_at),
                    "attachments": AttachmentSerializer(by_event.get(event.pk, []), many=True).data,
                }
            )
        return rows


class ReportSerializer(Serializer):
    """上报. Send multipart/form-data to attach files (photos: up to 9, video: 1, audio: 1)."""

    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.selectable())
    description = serializers.CharField(max_length=4000)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True)
    lon = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    region = serializers.CharField(
        max_length=24, required=False, allow_blank=True, help_text="region code, for staff entries without a point"
    )
    source = serializers.ChoiceField(choices=[(s.value, s.label) for s in API_SOURCES], default=Source.RESIDENT)
    is_public = serializers.BooleanField(default=True)
    caller_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    caller_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    external_order_no = serializers.CharField(max_length=64, required=False, allow_blank=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=20)
    video = serializers.FileField(required=False)
    audio = serializers.FileField(required=False)

    def validate(self, data):
        if (data.get("lon") is None) != (data.get("lat") is None):
            raise serializers.ValidationError(_("经度和纬度需同时提供。"))
        if data.get("lon") is None and not data.get("region"):
            raise serializers.ValidationError(_("请提供位置（经纬度）或所在区划编码。"))
        return data


class ReporterEvaluateFields(ResidentEvaluateForm):
    """The fields a reporter's own rating reads (`text` stands for `comment`), for check_types."""

    text = forms.CharField(required=False)


class ActionRequestSerializer(Serializer):
    """The fields each action takes (the same as the case page's forms): every action needs the
    `version` the client last saw; `text` is the note or reason where one applies."""

    version = serializers.IntegerField()
    text = serializers.CharField(required=False, allow_blank=True, help_text="note / reason")
    reason = serializers.CharField(required=False, help_text="request_extension, escalate")
    level = serializers.CharField(required=False, help_text="dispatch: grid|community|street|department")
    assignee = serializers.IntegerField(required=False, help_text="dispatch: user id")
    department = serializers.IntegerField(required=False, help_text="dispatch / escalate: department id")
    co_departments = serializers.ListField(child=serializers.IntegerField(), required=False)
    score = serializers.IntegerField(required=False, min_value=1, max_value=5, help_text="evaluate: 1–5")
    comment = serializers.CharField(required=False, allow_blank=True, help_text="evaluate")
    reopen = serializers.BooleanField(required=False, help_text="evaluate: reopen when unsatisfied (reporter)")
    amount = serializers.DecimalField(required=False, max_digits=6, decimal_places=1)
    unit = serializers.CharField(required=False, help_text="request_extension: h|d")
    title = serializers.CharField(required=False, help_text="convert_to_project")
    description = serializers.CharField(required=False)
    milestones = serializers.CharField(required=False, help_text="convert_to_project: one 'title, YYYY-MM-DD' per line")
    milestone = serializers.IntegerField(required=False)
    category = serializers.IntegerField(required=False, help_text="correct")
    lon = serializers.FloatField(required=False)
    lat = serializers.FloatField(required=False)
    address = serializers.CharField(required=False)
    into = serializers.CharField(required=False, help_text="merge: number of the case to merge into")
    photos = serializers.ListField(child=serializers.FileField(), required=False, help_text="feedback")


class CaseFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    open = django_filters.BooleanFilter(method="filter_open", label="open cases only")
    category = django_filters.CharFilter(
        method="filter_category", label="category code (a major class includes its minors)"
    )
    region = django_filters.CharFilter(method="filter_region", label="region code (its whole subtree)")
    source = django_filters.ChoiceFilter(choices=Source.choices)
    light = django_filters.ChoiceFilter(
        method="filter_light", choices=[(c, c.label) for c in (Light.GREEN, Light.YELLOW, Light.RED)]
    )
    stage = django_filters.ChoiceFilter(
        method="filter_stage", choices=[(c, c.label) for c in (Light.RED, Light.BLUE, Light.YELLOW, Light.GREEN)]
    )
    reported_after = django_filters.IsoDateTimeFilter(field_name="reported_at", lookup_expr="gte")
    reported_before = django_filters.IsoDateTimeFilter(field_name="reported_at", lookup_expr="lt")
    updated_after = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    mine = django_filters.ChoiceFilter(
        method="filter_mine",
        choices=[("reported", "reported"), ("following", "following"), ("assigned", "assigned")],
    )
    q = django_filters.CharFilter(method="filter_q", max_length=50, label="number, title, description or address")
    evaluated = django_filters.BooleanFilter(method="filter_evaluated", label="rated (true) or not yet rated (false)")

    class Meta:
        model = Case
        fields = ["status", "source", "handling_level", "is_public", "external_order_no"]

    def filter_open(self, queryset, name, value):
        return queryset.open() if value else queryset.exclude(status__in=queryset.open().values("status"))

    def filter_category(self, queryset, name, value):
        return queryset.filter(Q(category__code=value) | Q(category__parent__code=value))

    def filter_region(self, queryset, name, value):
        return queryset.filter(region_code__startswith=value)

    def filter_light(self, queryset, name, value: str):
        return queryset.deadline_light(value)

    def filter_stage(self, queryset, name, value: str):
        return queryset.stage_light(value)

    def filter_mine(self, queryset, name, value):
        user = self.request.user
        if value == "reported":
            return queryset.filter(reporter=user)
        if value == "assigned":
            return queryset.filter(assignee=user)
        return queryset.filter(participants__user=user, participants__is_active=True, participants__role="follower")

    def filter_evaluated(self, queryset, name, value):
        rated = Exists(Evaluation.objects.filter(case=OuterRef("pk")))
        return queryset.filter(rated) if value else queryset.exclude(rated)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(number=value)
            | Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(address__icontains=value)
            | Q(external_order_no=value)
        )


class CaseViewSet(viewsets.GenericViewSet):
    """案件：上报、查询、详情（含办理过程）与办理操作。"""

    queryset = Case.objects.none()  # the schema's model; requests use get_queryset()
    lookup_field = "key"
    lookup_value_regex = r"[0-9A-Za-z\-]{1,16}"
    filterset_class = CaseFilter

    def get_queryset(self):
        # What the user reads in full or as its reporter, and (in their public version) the cases
        # they follow.
        followed = Case.objects.filter(pk__in=access.followed_ids(self.request.user))
        return (
            (Case.objects.restrict(self.request.user, "view") | followed)
            .with_lights()
            .select_related("category", "grid", "community", "street")
            .defer("grid__boundary", "community__boundary", "street__boundary")
            .order_by("-reported_at", "-pk")
        )

    def get_serializer_class(self):
        if self.action == "create":
            return ReportSerializer
        if self.action == "retrieve":
            return CaseDetailSerializer
        if self.action == "act":
            return ActionRequestSerializer
        return CaseSerializer

    def _case(self, key):
        return selectors.visible_case(self.request.user, key)

    def _detail(self, case, status_code=200):
        key = case.pk if isinstance(case, Case) else case
        case, level = selectors.readable_case(self.request.user, key)
        context = {"request": self.request, "level": level, "case": case}
        return Response(CaseDetailSerializer(shown(case, level), context=context).data, status=status_code)

    @extend_schema(summary="List the cases the user may see")
    def list(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        # Rows the user reads only as a follower are listed in their public version.
        ids = [case.pk for case in page]
        readable = set(Case.objects.restrict(request.user, "view").filter(pk__in=ids).values_list("pk", flat=True))
        rows = [case if case.pk in readable else access.public_version(case) for case in page]
        return self.get_paginated_response(CaseSerializer(rows, many=True, context={"request": request}).data)

    @extend_schema(summary="One case with its timeline, attachments and the actions the user may take")
    def retrieve(self, request, key=None):
        return self._detail(key)

    @extend_schema(
        summary="Report a case (multipart/form-data to attach photos, a video or a voice clip)",
        request={"multipart/form-data": ReportSerializer, "application/json": ReportSerializer},
        responses={201: CaseDetailSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    def create(self, request):
        body_hash = fingerprint(request.method, request.path, request.data, request.FILES)
        return idempotent(request, request.user, body_hash, lambda: self._create(request))

    def _create(self, request):
        serializer = ReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        region = None
        if values.get("region"):
            from civicgrid.regions.models import Region

            region = Region.objects.restrict(request.user, "view").filter(code=values["region"]).first()
            if region is None:
                raise ApiError("invalid", _("区划编码不存在或不在您的范围内。"), 400, {"region": [_("区划编码无效。")]})
        result = uploads.report_with_attachments(
            request.user,
            photos=values.get("photos") or [],
            videos=[values["video"]] if values.get("video") else [],
            audios=[values["audio"]] if values.get("audio") else [],
            category=values["category"],
            description=values["description"],
            title=values.get("title", ""),
            lon=values.get("lon"),
            lat=values.get("lat"),
            address=values.get("address", ""),
            region=region,
            source=values["source"],
            is_public=values["is_public"],
            caller_name=values.get("caller_name", ""),
            caller_phone=values.get("caller_phone", ""),
            external_order_no=values.get("external_order_no", ""),
        )
        response = self._detail(result.case, status.HTTP_201_CREATED)
        response.data["possible_duplicates"] = [d.number for d in result.duplicates]
        response["Location"] = reverse("api:v1:case-detail", args=[result.case.number])
        return response

    @extend_schema(
        summary="Take a workflow action (accept, dispatch, sign, feedback, evaluate, follow…)",
        request={"application/json": ActionRequestSerializer, "multipart/form-data": ActionRequestSerializer},
        responses={200: CaseDetailSerializer},
        parameters=[
            OpenApiParameter(
                "name",
                str,
                OpenApiParameter.PATH,
                enum=sorted([*ACTION_FORMS, Action.FOLLOW]),
                description="the action",
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<name>[a-z_]+)")
    def act(self, request, key=None, name=None):
        if name == Action.FOLLOW:
            case = Case.objects.filter(**_key_lookup(key)).only("pk").first()
            if case is None:
                raise CaseNotFound()
            actions.follow_case(case, request.user)
            return self._detail(case)
        form_class = ACTION_FORMS.get(name)
        if form_class is None:
            raise ApiError(
                "unknown_action", _("没有这个办理操作。"), 404, {"actions": sorted([*ACTION_FORMS, "follow"])}
            )
        case = self._case(key)
        data = request.data
        check_types(data, form_class, *([ReporterEvaluateFields] if name == Action.EVALUATE else []))
        if name == Action.EVALUATE and case.reporter_id == request.user.pk:
            return self._evaluate_as_reporter(case, data)
        form = form_class(data, request.FILES, case=case, user=request.user)
        if not form.is_valid():
            raise ApiError(
                "invalid", _("请检查“%(action)s”的内容。") % {"action": form.label}, 400, form.errors.get_json_data()
            )
        return self._detail(form.perform())

    def _evaluate_as_reporter(self, case, data):
        """The reporter's own rating (我的上报): a score, a comment, and optionally reopen."""
        reopen = str(data.get("reopen", "")).lower() in {"1", "true", "on", "yes"}
        comment = data.get("comment") or data.get("text") or ""
        if has_forbidden(comment):
            raise ApiError("invalid", CONTROL_MESSAGE, 400, {"comment": [CONTROL_MESSAGE]})
        updated = actions.evaluate_case(
            case,
            self.request.user,
            version=data.get("version"),
            score=data.get("score"),
            comment=comment,
            reopen=reopen,
            reason=comment,
        )
        return self._detail(updated)


def _key_lookup(key):
    key = str(key)
    if "-" in key:
        return {"number": key}
    if key.isdigit():
        return {"pk": int(key)}
    raise CaseNotFound()


class EvaluationViewSet(viewsets.ReadOnlyModelViewSet):
    """评价：用户可见案件的评价（居民：自己上报案件的评价）。"""

    serializer_class = EvaluationSerializer
    filterset_fields = ["satisfied", "score", "case__number"]

    def get_queryset(self):
        visible = Case.objects.restrict(self.request.user, "view")
        return Evaluation.objects.filter(case__in=visible).select_related("case").order_by("-created_at", "-pk")


def register(router):
    router.register("cases", CaseViewSet, basename="case")
    router.register("evaluations", EvaluationViewSet, basename="evaluation")
