"""Staff forms: the queue filter, the hotline / staff-entry form and one small form per workflow action.

Forms only parse input; every write goes through `civicgrid.cases.actions` (`perform()` calls the
one action function the form stands for). Each action form carries the case `version` it was
rendered with, so a stale page raises CaseChanged instead of overwriting someone else's work.
"""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.accounts.models import Role, RoleAssignment
from civicgrid.accounts.scopes import active_assignments
from civicgrid.cases import actions
from civicgrid.cases.errors import CaseInputError
from civicgrid.cases.forms.category import CategoryPickerMixin
from civicgrid.cases.forms.resident import MultipleFileField, MultipleFileInput
from civicgrid.cases.models import Category, HandlingLevel, Light, LimitUnit, Source, Status
from civicgrid.cases.workflow import Action
from civicgrid.core.forms import Form
from civicgrid.people import rules as people_rules
from civicgrid.regions.models import Department

DEADLINE_LIGHTS = [(Light.GREEN, Light.GREEN.label), (Light.YELLOW, Light.YELLOW.label), (Light.RED, Light.RED.label)]
STAGE_LIGHTS = [(c, c.label) for c in (Light.RED, Light.BLUE, Light.YELLOW, Light.GREEN)]
KEYWORD_MAX = 50


def _category_choices(selectable_only=True):
    categories = Category.objects.active()
    if selectable_only:
        categories = categories.filter(parent__isnull=False)
    return [(pk, f"{code} {name}") for pk, code, name in categories.order_by("code").values_list("pk", "code", "name")]


def day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


class QueueFilterForm(Form):
    """The dispatcher queue's filters (GET). An invalid value is ignored, not an error page."""

    status = forms.ChoiceField(label=_("状态"), required=False)
    light = forms.ChoiceField(label=_("时限灯"), required=False)
    stage = forms.ChoiceField(label=_("阶段灯"), required=False)
    category = forms.ChoiceField(label=_("类别"), required=False)
    region = forms.CharField(label=_("区划编码"), required=False, max_length=24)
    source = forms.ChoiceField(label=_("来源"), required=False, choices=[("", _("全部来源")), *Source.choices])
    date_from = forms.DateField(label=_("上报日期起"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("上报日期止"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label=_("关键词"), required=False, max_length=KEYWORD_MAX)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部未办结")), ("all", _("全部")), *Status.choices]
        self.fields["light"].choices = [("", _("全部")), *DEADLINE_LIGHTS]
        self.fields["stage"].choices = [("", _("全部")), *STAGE_LIGHTS]
        self.fields["category"].choices = [("", _("全部类别")), *_category_choices(selectable_only=False)]
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)
        self.fields["q"].widget.attrs["placeholder"] = _("编号、标题、地址")

    def filters(self, region_lookup):
        """Keyword arguments for `selectors.queue` (plus `keyword`); `region_lookup(code)` → Region or None."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        result = {}
        if data["status"] == "all":
            result["statuses"] = list(Status.values)
        elif data["status"]:
            result["statuses"] = [data["status"]]
        if data["light"]:
            result["deadline_light"] = data["light"]
        if data["stage"]:
            result["stage_light"] = data["stage"]
        if data["category"]:
            result["category"] = Category.objects.filter(pk=data["category"]).first()
        if data["region"]:
            result["region"] = region_lookup(data["region"].strip())
        if data["source"]:
            result["source"] = data["source"]
        if data["date_from"]:
            result["reported_from"] = day_start(data["date_from"])
        if data["date_to"]:
            result["reported_to"] = day_start(data["date_to"] + timedelta(days=1))
        if data["q"].strip():
            result["keyword"] = data["q"].strip()
        return result

    def describe(self):
        """The active filters as "label: value" text (for the export header)."""
        if not self.is_valid():
            return ""
        parts = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if hasattr(field, "choices"):
                value = {str(k): v for k, v in field.choices}.get(str(value), value)
            parts.append(f"{field.label}: {value}")
        return "; ".join(str(p) for p in parts)


STAFF_NEED_POINT = _("请在地图上点选问题位置。只填地址无法确定位置。")


class IntakeForm(CategoryPickerMixin, Form):
    """12345 hotline operator form and staff entry on behalf of a resident."""

    caller_name = forms.CharField(label=_("来电人/居民姓名"), max_length=50, required=False)
    caller_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    external_order_no = forms.CharField(label=_("外部工单号"), max_length=64, required=False)
    category = forms.ChoiceField(label=_("类别"))
    description = forms.CharField(label=_("问题描述"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    address = forms.CharField(
        label=_("地址（可不填）"),
        max_length=200,
        required=False,
        help_text=_("地址只作补充说明，不能代替位置：请在地图上点选问题位置。"),
    )
    lon = forms.FloatField(label=_("经度"), required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(label=_("纬度"), required=False, widget=forms.HiddenInput)
    urgent = forms.BooleanField(label=_("紧急"), required=False)
    is_public = forms.BooleanField(label=_("在邻里公示板公开"), required=False, initial=True)

    def __init__(self, *args, source=Source.HOTLINE, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        # Grouped by major, the most used in the district first, with the codes staff know them by.
        self.set_up_category_picker(Category.objects.selectable().select_related("parent"), "", "—", with_code=True)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")
        if source == Source.HOTLINE:
            self.fields["caller_phone"].required = True

    def clean(self):
        data = super().clean()
        # The case is placed in its grid by the point; an address alone cannot be located, so it
        # is help for those who go there (its help text says the same).
        if data.get("lon") is None or data.get("lat") is None:
            raise forms.ValidationError(STAFF_NEED_POINT)
        return data

    def perform(self, user):
        data = self.cleaned_data
        description = data["description"]
        if data["urgent"]:
            description = f"【{_('紧急')}】{description}"
        return actions.report_case(
            user,
            category=int(data["category"]),
            description=description,
            source=self.source,
            lon=data["lon"],
            lat=data["lat"],
            address=data["address"],
            is_public=data["is_public"],
            caller_name=data["caller_name"],
            caller_phone=data["caller_phone"],
            external_order_no=data["external_order_no"] if self.source == Source.HOTLINE else "",
            reporter=_resident_with_phone(user, data["caller_phone"]) if self.source == Source.STAFF_ENTRY else None,
        )


def _resident_with_phone(staff, phone):
    """The resident account a staff entry is filed for (工作人员代录): the active resident with that
    phone number living in the staff member's area, so the case shows in their 我的上报 and they are
    told how it goes. None when there is no such account (the name and phone stay on the case)."""
    phone = people_rules.normalise_phone(phone)  # +86, spaces, full-width digits: as people stores it
    if not phone:
        return None
    staff_codes = [a.region.code for a in active_assignments(staff) if a.region_id]
    residents = RoleAssignment.objects.active().filter(
        role=Role.RESIDENT, user__phone=phone, user__is_active=True, region__isnull=False
    )
    for assignment in residents.select_related("user", "region"):
        home = assignment.region.code
        if any(home.startswith(code) or code.startswith(home) for code in staff_codes):
            return assignment.user
    return None


# --- One form per action ---------------------------------------------------------------------


NOTE_LABEL = _("说明")


def _note(label=NOTE_LABEL, required=False):
    return forms.CharField(label=label, required=required, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ActionForm(Form):
    """Base: the version the page showed, and the action it stands for."""

    action = None
    multipart = False
    pending_files = ()  # files sent before (cases.pending), drawn again after an error
    version = forms.IntegerField(widget=forms.HiddenInput)
    button_class = "btn-primary"

    def __init__(self, *args, case=None, user=None, **kwargs):
        # Several action forms share a page: give each its own element ids.
        kwargs.setdefault("auto_id", f"id_{self.action}_%s")
        super().__init__(*args, **kwargs)
        self.case, self.user = case, user
        if case is not None and not self.is_bound:
            self.initial["version"] = case.version
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control form-control-sm")

    @property
    def label(self):
        return Action(self.action).label

    def call(self, version, data):  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def perform(self):
        data = dict(self.cleaned_data)
        return self.call(data.pop("version"), data)


def _simple(action_name, function, note_label=NOTE_LABEL, note_required=False, field="note", button="btn-primary"):
    """An action whose only input is a note (or a reason)."""

    class Form(ActionForm):
        action = action_name
        button_class = button

        def call(self, version, data):
            return function(self.case, self.user, version=version, **{field: data["text"]})

    Form.base_fields["text"] = _note(note_label, note_required)
    Form.__name__ = f"{action_name.title().replace('_', '')}Form"
    return Form


AcceptForm = _simple(Action.ACCEPT, actions.accept_case)
RejectForm = _simple(Action.REJECT, actions.reject_case, _("不予立案理由"), True, "reason", "btn-outline-danger")
SignForm = _simple(Action.SIGN, actions.sign_case)
ProgressForm = _simple(Action.PROGRESS, actions.record_progress, _("进展情况"), True, button="btn-outline-primary")
CloseForm = _simple(Action.CLOSE, actions.close_case)
ReopenForm = _simple(Action.REOPEN, actions.reopen_case, _("重办理由"), True, "reason", "btn-outline-danger")
ReturnForm = _simple(Action.RETURN, actions.return_case, _("退回理由"), True, "reason", "btn-outline-danger")
ApproveExtensionForm = _simple(Action.APPROVE_EXTENSION, actions.approve_extension)
DenyExtensionForm = _simple(
    Action.DENY_EXTENSION, actions.deny_extension, _("驳回理由"), True, button="btn-outline-danger"
)
SuspendForm = _simple(Action.SUSPEND, actions.suspend_case, _("挂账理由"), True, "reason", "btn-outline-secondary")
ResumeForm = _simple(Action.RESUME, actions.resume_case)
RequestVoidForm = _simple(
    Action.REQUEST_VOID, actions.request_void, _("作废理由"), True, "reason", "btn-outline-danger"
)
ApproveVoidForm = _simple(Action.APPROVE_VOID, actions.approve_void, button="btn-danger")
DenyVoidForm = _simple(Action.DENY_VOID, actions.deny_void, _("驳回理由"), True, button="btn-outline-secondary")
RecallForm = _simple(Action.RECALL, actions.recall_case, _("收回理由"), True, "reason", "btn-outline-danger")
SuperviseForm = _simple(Action.SUPERVISE, actions.supervise_case, _("督办意见"), True, button="btn-outline-warning")


class FeedbackForm(ActionForm):
    """处置反馈 with photos of the result (checked by content like the residents' uploads)."""

    action = Action.FEEDBACK
    multipart = True
    text = _note(_("处置结果"), required=True)
    photos = MultipleFileField(
        label=_("处置照片"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*", "data-upload-kind": "photo"}),
    )

    def call(self, version, data):
        from django.db import transaction

        from civicgrid.cases import pending, uploads
        from civicgrid.cases.models import EventType

        checked = uploads.check_uploads(photos=data["photos"]) if data["photos"] else []
        tokens = self.data.getlist("upload") if hasattr(self.data, "getlist") else []
        with transaction.atomic():
            case = actions.feedback_case(self.case, self.user, version=version, note=data["text"])
            # With the photos sent before, by token (the sender's own, once).
            pending.file_with_event(case, self.user, EventType.FED_BACK, checked, tokens)
        return case


class VerifyPassForm(ActionForm):
    action = Action.VERIFY_PASS
    text = _note(_("核查意见"))

    def call(self, version, data):
        return actions.verify_case(self.case, self.user, version=version, passed=True, note=data["text"])


class VerifyFailForm(ActionForm):
    action = Action.VERIFY_FAIL
    button_class = "btn-outline-danger"
    text = _note(_("不通过原因"), required=True)

    def call(self, version, data):
        return actions.verify_case(self.case, self.user, version=version, passed=False, note=data["text"])


class EvaluateForm(ActionForm):
    """Staff record the rating of a reporter without an account (12345 回访)."""

    action = Action.EVALUATE
    score = forms.TypedChoiceField(label=_("评分"), coerce=int, choices=[(i, str(i)) for i in range(5, 0, -1)])
    comment = _note(_("评价内容"))

    def call(self, version, data):
        return actions.evaluate_case(
            self.case, self.user, version=version, score=data["score"], comment=data["comment"]
        )


def unit_people(case, level):
    """Active users who may be named as the handler at `level` (grid workers of the case's grid…)."""
    from civicgrid.cases.workflow import HANDLING_RANK, UNIT_ROLE

    role = UNIT_ROLE.get(level)
    if role is None or level == HandlingLevel.DEPARTMENT:
        return get_user_model().objects.none()
    codes = [r.code for r in (case.grid, case.community, case.street) if r is not None]
    assignments = RoleAssignment.objects.active().filter(
        role=role, region__code__in=[c for c in codes if c], region__level__gte=HANDLING_RANK[level]
    )
    return get_user_model().objects.filter(is_active=True, pk__in=assignments.values("user_id")).order_by("username")


def serving_departments(case):
    from civicgrid.regions.codes import ancestor_codes

    codes = [*ancestor_codes(case.region_code), case.region_code] if case.region_code else []
    return Department.objects.filter(is_active=True, region__code__in=codes).order_by("code")


class DispatchForm(ActionForm):
    action = Action.DISPATCH
    level = forms.ChoiceField(label=_("处置层级"), choices=HandlingLevel.choices)
    assignee = forms.ModelChoiceField(label=_("处置人（网格员等）"), required=False, queryset=None)
    department = forms.ModelChoiceField(label=_("主办部门"), required=False, queryset=None)
    co_departments = forms.ModelMultipleChoiceField(
        label=_("协办部门"), required=False, queryset=None, widget=forms.CheckboxSelectMultiple
    )
    text = _note()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case = self.case
        level = (self.data.get("level") if self.is_bound else None) or (case.handling_level if case else "")
        self.fields["level"].initial = case.handling_level if case else None
        people = get_user_model().objects.none()
        if case is not None:
            people = (
                get_user_model()
                .objects.filter(pk__in=[u.pk for lv in HandlingLevel for u in unit_people(case, lv)])
                .order_by("username")
            )
        self.fields["assignee"].queryset = people
        self.fields["assignee"].label_from_instance = lambda u: u.display_name
        departments = serving_departments(case) if case is not None else Department.objects.none()
        self.fields["department"].queryset = departments
        self.fields["co_departments"].queryset = departments
        self.fields["co_departments"].widget.attrs.pop("class", None)
        self.level = level

    def call(self, version, data):
        return actions.dispatch_case(
            self.case,
            self.user,
            version=version,
            level=data["level"],
            assignee=data["assignee"],
            department=data["department"],
            co_departments=list(data["co_departments"]),
            note=data["text"],
        )


class RequestExtensionForm(ActionForm):
    action = Action.REQUEST_EXTENSION
    button_class = "btn-outline-primary"
    amount = forms.DecimalField(label=_("延长时限"), min_value=0.1, max_digits=6, decimal_places=1)
    unit = forms.ChoiceField(label=_("单位"), choices=LimitUnit.choices)
    reason = _note(_("延期理由"), required=True)

    def call(self, version, data):
        return actions.request_extension(
            self.case, self.user, version=version, amount=data["amount"], unit=data["unit"], reason=data["reason"]
        )


class EscalateForm(ActionForm):
    action = Action.ESCALATE
    button_class = "btn-outline-warning"
    reason = _note(_("吹哨理由"), required=True)
    department = forms.ModelChoiceField(label=_("职能部门（街道吹哨时）"), required=False, queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = (
            serving_departments(self.case) if self.case is not None else Department.objects.none()
        )

    def call(self, version, data):
        return actions.escalate_case(
            self.case, self.user, version=version, reason=data["reason"], department=data["department"]
        )


class ConvertToProjectForm(ActionForm):
    action = Action.CONVERT_TO_PROJECT
    button_class = "btn-outline-primary"
    title = forms.CharField(label=_("项目名称"), max_length=100)
    description = _note(_("项目说明"))
    milestones = forms.CharField(
        label=_("项目节点"),
        help_text=_("每行一个：节点名称, YYYY-MM-DD"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_milestones(self):
        rows = []
        for line in self.cleaned_data["milestones"].splitlines():
            if not line.strip():
                continue
            title, _sep, due = line.replace("，", ",").rpartition(",")
            if not title.strip():
                raise forms.ValidationError(_("每行格式应为：节点名称, YYYY-MM-DD"))
            rows.append({"title": title.strip(), "due_date": due.strip()})
        return rows

    def call(self, version, data):
        return actions.convert_to_project(
            self.case,
            self.user,
            version=version,
            title=data["title"],
            milestones=data["milestones"],
            description=data["description"],
        )


class CompleteMilestoneForm(ActionForm):
    action = Action.COMPLETE_MILESTONE
    milestone = forms.ModelChoiceField(label=_("项目节点"), queryset=None)
    text = _note()

    def __init__(self, *args, **kwargs):
        from civicgrid.cases.models import Milestone

        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = (
            Milestone.objects.filter(project__case=self.case, done_at__isnull=True)
            if self.case is not None
            else Milestone.objects.none()
        )

    def call(self, version, data):
        return actions.complete_milestone(
            self.case, self.user, version=version, milestone=data["milestone"], note=data["text"]
        )


class CorrectForm(ActionForm):
    """更正位置或类别: either or both (the category first, then the location, each its own event)."""

    action = Action.CORRECT
    button_class = "btn-outline-secondary"
    category = forms.ChoiceField(label=_("更正类别"), required=False)
    lon = forms.FloatField(label=_("经度"), required=False)
    lat = forms.FloatField(label=_("纬度"), required=False)
    address = forms.CharField(label=_("地址"), required=False, max_length=200)
    text = _note(_("更正说明"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("不更正")), *_category_choices()]

    def clean(self):
        data = super().clean()
        has_point = data.get("lon") is not None and data.get("lat") is not None
        if not data.get("category") and not has_point:
            raise forms.ValidationError(_("请选择新的类别或填写新的位置。"))
        return data

    def call(self, version, data):
        case = self.case
        if data["category"] and int(data["category"]) != case.category_id:
            case = actions.correct_category(
                case, self.user, version=version, category=int(data["category"]), note=data["text"]
            )
            version = case.version
        if data["lon"] is not None and data["lat"] is not None:
            case = actions.correct_location(
                case,
                self.user,
                version=version,
                lon=data["lon"],
                lat=data["lat"],
                address=data["address"] or None,
                note=data["text"],
            )
        return case


class MergeForm(ActionForm):
    action = Action.MERGE
    button_class = "btn-outline-danger"
    into = forms.CharField(label=_("并入案件编号"), max_length=16)
    text = _note()

    def call(self, version, data):
        from civicgrid.cases.selectors import visible_case

        try:
            target = visible_case(self.user, data["into"].strip())
        except Exception:
            raise CaseInputError(_("要并入的案件不存在。")) from None
        return actions.merge_duplicate(self.case, target, self.user, version=version, note=data["text"])


ACTION_FORMS = {
    form.action: form
    for form in (
        AcceptForm,
        RejectForm,
        DispatchForm,
        SignForm,
        ProgressForm,
        FeedbackForm,
        VerifyPassForm,
        VerifyFailForm,
        CloseForm,
        EvaluateForm,
        ReopenForm,
        ReturnForm,
        RequestExtensionForm,
        ApproveExtensionForm,
        DenyExtensionForm,
        SuspendForm,
        ResumeForm,
        RequestVoidForm,
        ApproveVoidForm,
        DenyVoidForm,
        EscalateForm,
        SuperviseForm,
        RecallForm,
        ConvertToProjectForm,
        CompleteMilestoneForm,
        CorrectForm,
        MergeForm,
    )
}


class BulkDispatchForm(Form):
    """Several registered cases → one handling unit (each dispatched with the version shown)."""

    cases = forms.CharField(widget=forms.HiddenInput)  # "id:version,id:version"
    level = forms.ChoiceField(label=_("处置层级"), choices=HandlingLevel.choices)
    department = forms.ModelChoiceField(label=_("主办部门"), required=False, queryset=Department.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(is_active=True).order_by("code")

    def clean_cases(self):
        pairs = []
        for item in self.cleaned_data["cases"].split(","):
            key, _sep, version = item.partition(":")
            if key.strip().isdigit() and version.strip().isdigit():
                pairs.append((int(key), int(version)))
        if not pairs:
            raise forms.ValidationError(_("请先勾选要派遣的案件。"))
        return pairs[:200]
