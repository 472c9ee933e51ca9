"""Forms of the orders part: they parse what was sent (dates, numbers); the actions
(civicgrid.party.actions.orders) check everything else and say what is wrong."""

from django import forms
from django.utils.translation import gettext_lazy as _

from civicgrid.core.forms import Form
from civicgrid.party.models import OrderKind


class OrderForm(Form):
    community = forms.ChoiceField(label=_("社区"))
    kind = forms.ChoiceField(label=_("类型"), choices=OrderKind.choices)
    title = forms.CharField(label=_("标题"), max_length=100)
    need = forms.CharField(label=_("需求说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    points_offered = forms.IntegerField(label=_("建议分值"), min_value=0, max_value=1000, initial=5)
    case_number = forms.CharField(
        label=_("来源案件编号（可选）"), max_length=16, required=False, help_text=_("由居民案件转为派单时填写")
    )

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(str(c.pk), c.name) for c in communities]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class ReportForm(Form):
    report = forms.CharField(label=_("完成情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].widget.attrs["class"] = "form-control"


class AuditForm(Form):
    decision = forms.ChoiceField(
        label=_("审核结果"), choices=[("approve", _("通过并赋分")), ("return", _("退回补充"))], widget=forms.RadioSelect
    )
    points = forms.IntegerField(label=_("赋分"), min_value=0, max_value=1000, required=False)
    comment = forms.CharField(label=_("审核意见"), max_length=500, required=False)

    def __init__(self, *args, max_points=20, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["points"].widget.attrs.update({"class": "form-control", "max": max_points, "min": 0})
        self.fields["comment"].widget.attrs["class"] = "form-control"
