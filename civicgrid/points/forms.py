"""Forms of the points pages: merchants and items (staff), awards, the time bank, codes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from civicgrid.core.forms import Form
from civicgrid.points import selectors
from civicgrid.points.models import POINT_KINDS, ItemType, Kind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
KIND_CHOICES = [(k.value, k.label) for k in POINT_KINDS]


class MerchantForm(Form):
    name = forms.CharField(label=_("商户名称"), max_length=100)
    region = forms.ModelChoiceField(label=_("服务区域"), queryset=None)
    owner_kind = forms.ChoiceField(
        label=_("类型"), choices=[("enterprise", _("企业")), ("department", _("部门")), ("organisation", _("社会组织"))]
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors.merchant_regions(user)


class ItemForm(Form):
    title = forms.CharField(label=_("名称"), max_length=60)
    description = forms.CharField(label=_("说明"), max_length=300, required=False)
    item_type = forms.ChoiceField(label=_("类型"), choices=ItemType.choices)
    kind = forms.ChoiceField(label=_("积分类别"), choices=KIND_CHOICES)
    price = forms.IntegerField(label=_("所需积分"), min_value=1, max_value=100_000)
    stock = forms.IntegerField(label=_("库存"), min_value=0, max_value=100_000)
    per_person = forms.IntegerField(label=_("每人限兑"), min_value=1, max_value=100, initial=1)
    valid_from = forms.DateField(label=_("兑换开始"), widget=DATE)
    valid_until = forms.DateField(label=_("有效期至"), widget=DATE)


class StaffMemberForm(Form):
    phone = forms.CharField(label=_("店员手机号"), max_length=11)


class AwardForm(Form):
    account = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("积分类别"), choices=KIND_CHOICES)
    amount = forms.IntegerField(label=_("分值"), min_value=1, max_value=10_000)
    reason = forms.CharField(label=_("理由"), max_length=200)


class RuleRecordForm(Form):
    account = forms.IntegerField(widget=forms.HiddenInput)
    trigger = forms.ChoiceField(
        label=_("类型"), choices=[("garbage_streak", _("垃圾分类坚持")), ("sponsorship", _("企业赞助"))]
    )
    note = forms.CharField(label=_("说明"), max_length=200)


class CodeForm(Form):
    code = forms.CharField(label=_("兑换码"), max_length=100)


class HelpForm(Form):
    gave = forms.TypedChoiceField(
        label=_("这次是"),
        choices=[("1", _("我帮助了对方")), ("0", _("对方帮助了我"))],
        coerce=lambda value: value == "1",
    )
    other_phone = forms.CharField(label=_("对方手机号"), max_length=11)
    hours = forms.DecimalField(label=_("时长（小时）"), min_value=0.5, max_value=12, decimal_places=1)
    what = forms.CharField(label=_("帮助内容"), max_length=100)


TIME = Kind.TIME
