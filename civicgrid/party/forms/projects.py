"""Forms of 一支部一项目. The actions check everything again (lengths, dates, reach); the forms give
the fields their widgets (dates as type=date) and the first round of errors."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.cases.forms.resident import MultipleFileField, MultipleFileInput
from civicgrid.core.forms import Form
from civicgrid.party.actions.projects import LONG_MAX, NOTE_MAX, TITLE_MAX
from civicgrid.party.models import ProjectCategory, Stage

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _photos():
    return MultipleFileField(
        label=_("图片"), required=False, widget=MultipleFileInput(attrs={"accept": "image/*"}), help_text=_("最多 6 张")
    )


def _documents():
    return MultipleFileField(
        label=_("PDF 文档"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "application/pdf"}),
        help_text=_("最多 3 个，每个不超过 10 MB"),
    )


class ProjectForm(Form):
    organisation = forms.ModelChoiceField(label=_("党组织"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("项目名称"), max_length=TITLE_MAX)
    category = forms.ChoiceField(label=_("类别"), choices=ProjectCategory.choices)
    summary = forms.CharField(label=_("项目简介"), max_length=LONG_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    goal = forms.CharField(label=_("项目目标"), max_length=LONG_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    started_on = forms.DateField(label=_("开始日期"), widget=DATE)
    due_on = forms.DateField(label=_("计划完成日期"), widget=DATE)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)


class FilterForm(Form):
    stage = forms.ChoiceField(label=_("阶段"), choices=[("", _("全部阶段")), *Stage.choices], required=False)
    year = forms.IntegerField(
        label=_("年度"),
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"placeholder": _("年度")}),
    )


class ApproveForm(Form):
    body = forms.CharField(
        label=_("立项意见"), max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(Form):
    body = forms.CharField(label=_("内容"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    photos = _photos()
    documents = _documents()


class ReturnForm(Form):
    body = forms.CharField(label=_("整改意见"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class AcceptForm(Form):
    verdict = forms.CharField(label=_("验收意见"), max_length=LONG_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    score = forms.IntegerField(label=_("验收评分"), min_value=0, max_value=100, help_text=_("0–100 分"))
    photos = _photos()
    documents = _documents()


class MilestoneForm(Form):
    title = forms.CharField(label=_("节点名称"), max_length=TITLE_MAX)
    due_on = forms.DateField(label=_("计划完成日期"), widget=DATE)


class MilestoneDoneForm(Form):
    evidence = forms.CharField(label=_("完成情况"), max_length=LONG_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    photos = _photos()
    documents = _documents()
