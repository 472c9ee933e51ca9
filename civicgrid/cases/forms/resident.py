"""Forms of the resident and grid-worker phone pages. They parse input only; the writes are
cases.uploads.report_with_attachments (which calls actions.report_case) and the evaluation actions."""

import uuid
from functools import partial

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from civicgrid.cases import category_cache
from civicgrid.cases.forms.category import CategoryPickerMixin
from civicgrid.cases.models import BoardSetting, Category
from civicgrid.core.forms import Form


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class CategoryChoiceField(forms.ModelChoiceField):
    # A function pk → Category or None (cases.category_cache) tried before the queryset: a posted
    # category is then found without a query. A miss still asks the queryset (a category just added).
    lookup = None

    def to_python(self, value):
        if value not in self.empty_values and self.lookup is not None:
            found = self.lookup(value)
            if found is not None:
                return found
        return super().to_python(value)

    def label_from_instance(self, obj):
        return f"{obj.parent.name} · {obj.name}" if obj.parent_id else obj.name


def _coordinate(label, low, high):
    return forms.FloatField(label=label, required=False, min_value=low, max_value=high, widget=forms.HiddenInput)


NEED_POINT = _("请在地图上点选问题位置，或点“使用当前位置”。只填地址无法确定位置。")


class ReportForm(CategoryPickerMixin, Form):
    category = CategoryChoiceField(
        label=_("问题类别"),
        queryset=Category.objects.none(),
        empty_label=_("请选择问题类别"),
        error_messages={"required": _("请选择问题类别。"), "invalid_choice": _("请选择问题类别。")},
    )
    description = forms.CharField(
        label=_("问题描述"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("请描述您遇到的问题，例如：3号楼单元门口路灯不亮")}),
        error_messages={"required": _("请描述问题。")},
    )
    lon = _coordinate(_("经度"), -180, 180)
    lat = _coordinate(_("纬度"), -90, 90)
    address = forms.CharField(
        label=_("地址（可不填）"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("例如：幸福小区3号楼东侧")}),
        help_text=_("地址只作补充说明，不能代替位置：请在地图上点选问题位置，或使用当前位置。"),
    )
    photos = MultipleFileField(
        label=_("照片"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*", "data-upload-kind": "photo"}),
        help_text=_("最多 9 张"),
    )
    video = forms.FileField(
        label=_("视频"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "video/*", "data-upload-kind": "video"}),
    )
    audio = forms.FileField(
        label=_("语音"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "audio/*", "class": "visually-hidden", "data-upload-kind": "audio"}),
    )
    private = forms.BooleanField(label=_("不在邻里议事板公开"), required=False)
    # A fresh key with every blank form: sending the same filled form twice files one case.
    submission_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, usage_area="", **kwargs):
        super().__init__(*args, **kwargs)
        self.set_up_category_picker(
            Category.objects.selectable().filter(resident_selectable=True).select_related("parent"), usage_area
        )
        self.fields["category"].lookup = partial(category_cache.lookup, for_resident=True)
        self.fields["submission_key"].initial = uuid.uuid4().hex

    def clean(self):
        data = super().clean()
        # An address alone cannot be placed in a grid: the report needs a point (the address only
        # helps those who go there). Help text, this error and the map script say the same.
        if data.get("lon") is None or data.get("lat") is None:
            raise forms.ValidationError(NEED_POINT)
        photos = data.get("photos") or []
        if len(photos) > settings.CASES_MAX_PHOTOS:
            self.add_error("photos", _("照片最多 %(n)d 张。") % {"n": settings.CASES_MAX_PHOTOS})
        return data


class QuickReportForm(CategoryPickerMixin, Form):
    """随手拍: a photo, a category, the position from the phone; the description may stay empty."""

    photo = forms.FileField(
        label=_("拍照"),
        required=False,  # or sent before, by token (cases.pending): see clean()
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment", "data-upload-kind": "photo"}),
    )
    category = CategoryChoiceField(
        label=_("问题类别"),
        queryset=Category.objects.none(),
        empty_label=_("请选择问题类别"),
        error_messages={"required": _("请选择问题类别。"), "invalid_choice": _("请选择问题类别。")},
    )
    description = forms.CharField(
        label=_("补充说明（可不填）"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    lon = _coordinate(_("经度"), -180, 180)
    lat = _coordinate(_("纬度"), -90, 90)

    def __init__(self, *args, usage_area="", uploaded_photos=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.uploaded_photos = uploaded_photos
        self.set_up_category_picker(Category.objects.selectable().select_related("parent"), usage_area)
        self.fields["category"].lookup = category_cache.lookup

    def clean(self):
        data = super().clean()
        if not data.get("photo") and not self.uploaded_photos and "photo" not in self.errors:
            self.add_error("photo", _("请拍摄或选择一张照片。"))
        return data


class EvaluateForm(Form):
    score = forms.TypedChoiceField(
        label=_("评分"),
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": _("请选择评分。")},
    )
    comment = forms.CharField(
        label=_("评价内容"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reopen = forms.BooleanField(label=_("不满意，申请重新办理"), required=False)


class ReopenForm(Form):
    reason = forms.CharField(
        label=_("重新办理原因"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请说明需要重新办理的原因。")},
    )


class CommentForm(Form):
    text = forms.CharField(
        label=_("留言"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请输入留言内容。")},
    )


class ReasonForm(Form):
    reason = forms.CharField(label=_("理由"), max_length=200, error_messages={"required": _("请填写理由。")})


class BoardSettingForm(Form):
    """The board moderators' choice: residents' reports on the board at once or after acceptance."""

    show_reports = forms.ChoiceField(
        label=_("居民上报何时上议事板"),
        choices=BoardSetting.ShowReports.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": _("请选择居民上报何时出现在议事板上。")},
    )
