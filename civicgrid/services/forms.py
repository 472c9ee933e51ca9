"""The services app's forms: they parse what the pages post; the rules proper (links, texts, ratings,
times) are checked again by the actions (services.rules), so the admin and the demo obey them too."""

from django import forms
from django.utils.translation import gettext_lazy as _

from civicgrid.core.forms import Form
from civicgrid.services.models import LinkCategory, Skill


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.code}）"


class LinkForm(Form):
    region = RegionChoiceField(label=_("维护单位"), queryset=None, empty_label=None)
    category = forms.ChoiceField(label=_("类别"), choices=LinkCategory.choices)
    title = forms.CharField(label=_("标题"), max_length=100)
    url = forms.CharField(
        label=_("链接"), max_length=500, required=False, help_text=_("以 http:// 或 https:// 开头；内网地址也可以。")
    )
    phone = forms.CharField(label=_("咨询电话"), max_length=30, required=False)
    office = forms.CharField(label=_("办理地点"), max_length=200, required=False)
    hours = forms.CharField(label=_("办公时间"), max_length=100, required=False)
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=9999, initial=100)
    is_published = forms.BooleanField(label=_("发布"), required=False, initial=True)
    guide = forms.CharField(
        label=_("办事指南"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = places


class CraftsmanForm(Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    area = RegionChoiceField(label=_("服务区域"), queryset=None, empty_label=None)
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        required=False,
        help_text=_("与居民账号的手机号相同时，师傅可用该账号在手机上接单。"),
    )
    availability = forms.CharField(label=_("服务时间"), max_length=100, required=False)
    is_available = forms.BooleanField(label=_("接单中"), required=False, initial=True)
    introduction = forms.CharField(label=_("简介"), max_length=300, required=False)
    skills = forms.MultipleChoiceField(label=_("技能"), choices=Skill.choices, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class CallForm(Form):
    what = forms.CharField(
        label=_("需要做什么"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：厨房水龙头漏水"),
    )
    address = forms.CharField(label=_("上门地址"), max_length=200)
    preferred_time = forms.DateTimeField(
        label=_("期望时间"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class RateForm(Form):
    rating = forms.TypedChoiceField(
        label=_("评分"), coerce=int, choices=[(n, str(n)) for n in range(5, 0, -1)], widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("评价"), max_length=300, required=False)


class DeclineForm(Form):
    reason = forms.CharField(label=_("婉拒原因"), max_length=200, required=False)
