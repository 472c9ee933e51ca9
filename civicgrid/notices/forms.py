from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.cases.forms.resident import MultipleFileField, MultipleFileInput
from civicgrid.core.forms import Form
from civicgrid.notices import conf, selectors
from civicgrid.notices.models import Kind, Status


class NoticeForm(Form):
    region = forms.ModelChoiceField(label=_("发布范围"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("类别"), choices=Kind.choices)
    title = forms.CharField(label=_("标题"), max_length=100)
    body = forms.CharField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("纯文本；空一行分段。"),
    )
    audience_roles = forms.MultipleChoiceField(
        label=_("面向角色"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选：范围内所有人。"),
    )
    audience_tag = forms.ModelChoiceField(
        label=_("面向人群"), queryset=None, required=False, empty_label=_("不限"), help_text=_("仅发给带此标签的居民。")
    )
    publish_at = forms.DateTimeField(
        label=_("定时发布时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=_("留空：发布时立即生效。"),
    )
    pinned = forms.BooleanField(label=_("置顶"), required=False)
    photos = MultipleFileField(label=_("图片"), required=False, widget=MultipleFileInput(attrs={"accept": "image/*"}))
    media = MultipleFileField(
        label=_("音视频附件"), required=False, widget=MultipleFileInput(attrs={"accept": "video/*,audio/*"})
    )
    remove_files = forms.MultipleChoiceField(label=_("删除附件"), required=False, widget=forms.CheckboxSelectMultiple)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, user, notice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors.places(user)
        self.fields["audience_tag"].queryset = selectors.audience_tags(user)
        labels = dict(selectors.Role.choices)
        self.fields["audience_roles"].choices = [(str(r), labels[r]) for r in selectors.AUDIENCE_ROLES]
        self.fields["body"].max_length = conf.get("NOTICES_BODY_MAX")
        if notice.pk:
            self.fields["remove_files"].choices = [(str(f.pk), f.original_name or f.file) for f in notice.files.all()]
        else:
            del self.fields["remove_files"]

    def clean_publish_at(self):
        value = self.cleaned_data.get("publish_at")
        if value is not None and value <= timezone.now():
            raise forms.ValidationError(_("定时发布时间须晚于现在。"))
        return value


class FilterForm(Form):
    kind = forms.ChoiceField(label=_("类别"), choices=[("", _("全部类别")), *Kind.choices], required=False)
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部状态")), *Status.choices], required=False)
    q = forms.CharField(label=_("标题"), max_length=50, required=False)
