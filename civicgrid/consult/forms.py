"""Forms of the organiser's pages. A poll's questions are typed as plain text blocks (no script
needed), parsed here into the structure `actions.create_poll` checks:

    [单选] 小区东门是否改为人车分流？      ([single] …)
    同意
    不同意

    [多选 1-2] 充电桩建在哪里？            ([multiple 1-2] …: at least 1, at most 2)
    东侧停车场
    北门

    [意见] 其他意见建议                    ([text] …: a free-text opinion, optional)
"""

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from civicgrid.cases.models import Category
from civicgrid.consult.models import DecisionKind, Electorate, ParticipantKind, QuestionKind
from civicgrid.core import scoping
from civicgrid.core.forms import Form
from civicgrid.people.models import Compound, PropertyCompany
from civicgrid.regions.models import Department, Level, Region

HEAD_RE = re.compile(
    r"^\[\s*(单选|多选|意见|single|multiple|text)\s*(?:(\d{1,2})\s*[-–~]\s*(\d{1,2}))?\s*\]\s*(.*)$", re.IGNORECASE
)
KINDS = {"单选": "single", "多选": "multiple", "意见": "text"}
MAX_QUESTIONS_TEXT = 20000
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def parse_questions(source):
    """[{kind, text, options, min, max, required}] from the text blocks; ValidationError on a block
    that does not start with a [题型] line."""
    questions = []
    for block in re.split(r"\n\s*\n", source.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        head = HEAD_RE.match(lines[0])
        if head is None:
            raise forms.ValidationError(
                _("第 %(n)d 题应以 [单选]、[多选 最少-最多] 或 [意见] 开头。") % {"n": len(questions) + 1}
            )
        kind = KINDS.get(head.group(1), head.group(1).lower())
        question = {"kind": kind, "text": head.group(4), "options": lines[1:], "required": kind != QuestionKind.TEXT}
        if kind == QuestionKind.MULTIPLE:
            question["min"] = int(head.group(2) or 1)
            question["max"] = int(head.group(3) or max(len(lines) - 1, 1))
        questions.append(question)
    return questions


def questions_text(poll):
    """The inverse of parse_questions, for editing a draft."""
    blocks = []
    for question in poll.questions.prefetch_related("options"):
        if question.kind == QuestionKind.SINGLE:
            head = f"[单选] {question.text}"
        elif question.kind == QuestionKind.MULTIPLE:
            head = f"[多选 {max(question.min_choices, 1)}-{question.max_choices}] {question.text}"
        else:
            head = f"[意见] {question.text}"
        blocks.append("\n".join([head, *(o.text for o in question.options.all())]))
    return "\n\n".join(blocks)


def communities_for(user, permission):
    """The communities where `user` holds `permission` (the organiser's choice)."""
    codes = scoping.scope_codes(user, permission)
    regions = Region.objects.filter(level=Level.COMMUNITY, is_active=True).order_by("code")
    if codes is not None:
        regions = regions.filter(scoping.subtree_q("code", codes))
    return regions[:500]


class PollForm(Form):
    community = forms.ChoiceField(label=_lazy("社区"))
    compound = forms.ChoiceField(
        label=_lazy("小区（可选）"), required=False, help_text=_lazy("只请某一小区的住户投票时选择")
    )
    title = forms.CharField(label=_lazy("标题"), max_length=100)
    description = forms.CharField(
        label=_lazy("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    electorate = forms.ChoiceField(label=_lazy("投票资格"), choices=Electorate.choices)
    anonymous = forms.BooleanField(label=_lazy("匿名投票（不记录投票人）"), required=False)
    opens_at = forms.DateTimeField(label=_lazy("开始时间"), widget=DATETIME_INPUT)
    closes_at = forms.DateTimeField(label=_lazy("截止时间"), widget=DATETIME_INPUT)
    questions = forms.CharField(
        label=_lazy("问题"),
        max_length=MAX_QUESTIONS_TEXT,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_lazy("每题一段，段间空一行；首行写 [单选]、[多选 1-2] 或 [意见] 加题目，其后每行一个选项。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communities = list(communities_for(user, "consult.add_poll"))
        self.fields["community"].choices = [(r.code, r.name) for r in communities]
        compounds = Compound.objects.filter(community__in=communities).order_by("region_code", "name")[:500]
        self.fields["compound"].choices = [("", _("整个社区"))] + [(str(c.pk), c.name) for c in compounds]

    def clean_questions(self):
        return parse_questions(self.cleaned_data["questions"])


def category_choices():
    return [("", "—")] + [
        (str(c.pk), f"{c.code} {c.parent.name} / {c.name}")
        for c in Category.objects.selectable().select_related("parent").order_by("code")
    ]


class ToCaseForm(Form):
    category = forms.TypedChoiceField(label=_lazy("案件类别"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()

    description = forms.CharField(label=_lazy("案件描述"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReplyForm(Form):
    reply = forms.CharField(label=_lazy("答复"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class MeetingForm(Form):
    community = forms.ChoiceField(label=_lazy("社区"))
    title = forms.CharField(label=_lazy("议题"), max_length=100)
    starts_at = forms.DateTimeField(label=_lazy("召开时间"), widget=DATETIME_INPUT)
    place = forms.CharField(label=_lazy("地点"), max_length=100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(r.code, r.name) for r in communities_for(user, "consult.add_meeting")]


class ParticipantForm(Form):
    kind = forms.ChoiceField(label=_lazy("类别"), choices=ParticipantKind.choices)
    name = forms.CharField(label=_lazy("名称"), max_length=100, required=False)
    property_company = forms.TypedChoiceField(label=_lazy("物业公司"), required=False, coerce=int, empty_value=None)
    department = forms.TypedChoiceField(label=_lazy("部门"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, user, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        companies = PropertyCompany.objects.restrict(user, "view").order_by("name")[:300]
        self.fields["property_company"].choices = [("", "—")] + [(str(c.pk), c.name) for c in companies]
        codes = [meeting.region_code[:n] for n in (6, 9, 12)]
        departments = Department.objects.filter(is_active=True, region__code__in=codes).order_by("name")[:300]
        self.fields["department"].choices = [("", "—")] + [(str(d.pk), d.name) for d in departments]


class AgendaForm(Form):
    number = forms.CharField(label=_lazy("案件编号"), max_length=20)


class MinutesForm(Form):
    minutes = forms.CharField(label=_lazy("会议纪要"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))


class DecisionForm(Form):
    text = forms.CharField(label=_lazy("决定事项"), max_length=500)
    owner = forms.CharField(label=_lazy("责任方"), max_length=100)
    due_date = forms.DateField(label=_lazy("完成期限"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_lazy("落实方式"), choices=DecisionKind.choices)
    category = forms.TypedChoiceField(
        label=_lazy("案件类别（转为案件时）"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()


class CloseDecisionForm(Form):
    note = forms.CharField(label=_lazy("办结说明"), max_length=500, required=False)
