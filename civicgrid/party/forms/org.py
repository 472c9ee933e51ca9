"""Forms of the organisation tree and membership: they parse; the actions check and decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from civicgrid.core.forms import Form
from civicgrid.party.models import Field, MemberStatus, OrgKind, PostKind
from civicgrid.people.models import Compound
from civicgrid.regions.models import Department, Region

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganisationForm(Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=OrgKind.choices)
    field = forms.ChoiceField(label=_("领域"), choices=Field.choices)
    region = forms.ModelChoiceField(label=_("所在区划网格"), queryset=Region.objects.none())
    compound = forms.ModelChoiceField(
        label=_("所在小区（小区党支部、三合一）"), queryset=Compound.objects.none(), required=False
    )
    department = forms.ModelChoiceField(
        label=_("所属单位（机关党组织）"), queryset=Department.objects.order_by("name"), required=False
    )
    founded_on = forms.DateField(label=_("成立日期"), required=False, widget=DATE)
    is_active = forms.BooleanField(label=_("有效"), required=False, initial=True)

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions if regions is not None else Region.objects.none()
        if regions is not None:  # the compounds of the communities among those nodes
            self.fields["compound"].queryset = Compound.objects.filter(community__in=regions).order_by("name")


class AppointForm(Form):
    account = forms.CharField(label=_("账号（用户名或手机号）"), max_length=150)
    kind = forms.ChoiceField(label=_("职务"), choices=PostKind.choices)
    department = forms.ModelChoiceField(
        label=_("派出单位（第一书记）"), queryset=Department.objects.order_by("name"), required=False
    )


class MemberForm(Form):
    id_number = forms.CharField(label=_("身份证号"), max_length=24)
    status = forms.ChoiceField(label=_("党员类别"), choices=MemberStatus.choices)
    joined_on = forms.DateField(label=_("入党日期"), widget=DATE)
    full_on = forms.DateField(label=_("转正日期"), required=False, widget=DATE)
    outside = forms.CharField(label=_("转入自（外部组织，发展入党不填）"), max_length=100, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class MoveForm(Form):
    organisation = forms.ModelChoiceField(label=_("调整到"), queryset=None)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class OutForm(Form):
    outside = forms.CharField(label=_("转往组织"), max_length=100)
    on = forms.DateField(label=_("转出日期"), required=False, widget=DATE)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class FullForm(Form):
    on = forms.DateField(label=_("转正日期"), widget=DATE)


class RegistrationForm(Form):
    community = forms.ModelChoiceField(label=_("报到社区（居住地）"), queryset=None)
    note = forms.CharField(label=_("服务意向"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from civicgrid.regions.models import Level

        self.fields["community"].queryset = Region.objects.filter(level=Level.COMMUNITY).order_by("code")
