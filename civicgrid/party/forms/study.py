"""Forms of party building's study (staff side). They parse and bound the input; the actions
(civicgrid.party.actions.study) decide and refuse."""

from django import forms
from django.utils.translation import gettext_lazy as _

from civicgrid.core.forms import Form
from civicgrid.core.text import no_control_characters
from civicgrid.party.models import LessonKind, QuestionKind

LETTERS = "ABCDEFGH"


def _org_choices(orgs):
    return [(str(org.pk), org.name) for org in orgs]


class OrgForm(Form):
    organisation = forms.TypedChoiceField(label=_("发布组织"), coerce=int)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = _org_choices(orgs)


class LessonForm(OrgForm):
    title = forms.CharField(label=_("标题"), max_length=100, validators=[no_control_characters])
    summary = forms.CharField(
        label=_("简介"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[no_control_characters],
    )
    kind = forms.ChoiceField(label=_("类型"), choices=LessonKind.choices)
    minutes = forms.IntegerField(label=_("学习时长（分钟）"), min_value=1, max_value=180, initial=10)
    file = forms.FileField(label=_("课程文件（视频、音频或 PDF 文档）"))


class LessonEditForm(Form):
    title = forms.CharField(label=_("标题"), max_length=100, validators=[no_control_characters])
    summary = forms.CharField(
        label=_("简介"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[no_control_characters],
    )
    minutes = forms.IntegerField(label=_("学习时长（分钟）"), min_value=1, max_value=180)
    is_active = forms.BooleanField(label=_("有效（取消勾选即下架）"), required=False)


class PlanForm(OrgForm):
    title = forms.CharField(label=_("标题"), max_length=100, validators=[no_control_characters])
    month = forms.DateField(
        label=_("月份（任选该月一天）"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    lessons = forms.TypedMultipleChoiceField(label=_("必学课程"), coerce=int, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, lessons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lessons"].choices = [(str(lesson.pk), lesson.title) for lesson in lessons]


def parse_letters(value):
    """ "AC" / "A,C" → [0, 2]; None when anything else was sent."""
    value = (value or "").upper().replace(",", "").replace("，", "").replace(" ", "")
    if not value or len(value) > len(LETTERS) or any(ch not in LETTERS for ch in value):
        return None
    return [LETTERS.index(ch) for ch in value]


class QuestionForm(OrgForm):
    kind = forms.ChoiceField(label=_("题型"), choices=QuestionKind.choices)
    text = forms.CharField(
        label=_("题干"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}), validators=[no_control_characters]
    )
    options = forms.CharField(
        label=_("选项（每行一个，判断题可不填）"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_control_characters],
    )
    answer = forms.CharField(label=_("正确答案（字母，如 A 或 ACD；判断题 A=正确 B=错误）"), max_length=16)
    topic = forms.CharField(label=_("专题"), max_length=50, required=False, validators=[no_control_characters])
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def clean_answer(self):
        picked = parse_letters(self.cleaned_data["answer"])
        if picked is None:
            raise forms.ValidationError(_("请用选项字母填写答案，如 A 或 ACD。"))
        return picked

    def clean_options(self):
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


class ImportForm(OrgForm):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))


class QuizForm(OrgForm):
    title = forms.CharField(label=_("标题"), max_length=100, validators=[no_control_characters])
    topic = forms.CharField(
        label=_("专题（留空则全部题目）"), max_length=50, required=False, validators=[no_control_characters]
    )
    question_count = forms.IntegerField(label=_("题量"), min_value=1, max_value=100, initial=10)
    time_limit_minutes = forms.IntegerField(label=_("限时（分钟）"), min_value=1, max_value=180, initial=15)
    pass_score = forms.IntegerField(label=_("及格分"), min_value=0, max_value=100, initial=60)
    attempts_allowed = forms.IntegerField(label=_("可答次数"), min_value=1, max_value=10, initial=1)
    opens_at = forms.DateTimeField(
        label=_("开始时间"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    closes_at = forms.DateTimeField(
        label=_("截止时间"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
