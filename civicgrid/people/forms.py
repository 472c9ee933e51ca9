from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from civicgrid.core.forms import Form
from civicgrid.people.models import (
    BuildingType,
    Compound,
    EnterpriseKind,
    House,
    Household,
    ImportKind,
    Political,
    PropertyCompany,
    Relation,
    ResidenceType,
    Unit,
    Usage,
)
from civicgrid.regions.models import Region


class PersonForm(Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    # Long enough for the spellings people type (spaces, +86, full-width digits): rules.py normalises.
    id_number = forms.CharField(label=_("身份证号"), max_length=30, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=30, required=False)
    ethnicity = forms.CharField(label=_("民族"), max_length=20, required=False, initial="汉族")
    residence_type = forms.ChoiceField(label=_("人口类型"), choices=ResidenceType.choices)
    relation = forms.ChoiceField(label=_("与户主关系"), choices=[("", "—"), *Relation.choices], required=False)
    political_status = forms.ChoiceField(label=_("政治面貌"), choices=[("", "—"), *Political.choices], required=False)
    notes = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000)


class PersonEditForm(PersonForm):
    id_number = forms.CharField(label=_("身份证号"), max_length=30, required=False, help_text=_("留空表示不修改。"))
    phone = forms.CharField(label=_("手机号"), max_length=30, required=False, help_text=_("留空表示不修改。"))


class UnmaskForm(Form):
    field = forms.ChoiceField(label=_("字段"), choices=[("id_number", _("身份证号")), ("phone", _("手机号"))])
    reason = forms.CharField(label=_("查看事由"), max_length=200, min_length=2)


class VerifyForm(Form):
    usage = forms.ChoiceField(label=_("房屋用途"), choices=Usage.choices)
    note = forms.CharField(label=_("核查说明"), max_length=200, required=False)


class MoveOutForm(Form):
    on = forms.DateField(label=_("迁出日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ImportForm(Form):
    kind = forms.ChoiceField(label=_("导入内容"), choices=ImportKind.choices)
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件。"))
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过 50 MB。"))
        return upload


class ExportForm(Form):
    plain = forms.BooleanField(label=_("导出明文身份证号和手机号"), required=False)
    reason = forms.CharField(label=_("导出事由"), max_length=200, min_length=2)


class RentalForm(Form):
    landlord_name = forms.CharField(label=_("房东姓名"), max_length=50)
    start = forms.DateField(label=_("起租日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("到期日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


# --- Base-data editing (staff pages): the choices are limited by the view to the user's scope -------------


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.code}）"


class CompoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.community.name}）"


def unit_label(unit):
    return _("%(number)s单元") % {"number": unit.number}


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return unit_label(obj)


class BuildingForm(Form):
    code = forms.CharField(label=_("楼栋编码"), max_length=40)
    name = forms.CharField(label=_("名称"), max_length=100)
    grid = RegionChoiceField(label=_("所属网格"), queryset=Region.objects.none())
    compound = CompoundChoiceField(label=_("小区"), queryset=Compound.objects.none(), required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    building_type = forms.ChoiceField(label=_("类型"), choices=BuildingType.choices)
    floors = forms.IntegerField(label=_("地上层数"), min_value=1, max_value=200)
    units = forms.IntegerField(label=_("单元数"), min_value=1, max_value=50, initial=1)
    lon = forms.FloatField(label=_("经度"), required=False, help_text=_("可选，如 113.62"))
    lat = forms.FloatField(label=_("纬度"), required=False, help_text=_("可选，如 34.75"))

    def __init__(self, *args, grids, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids
        self.fields["compound"].queryset = compounds.select_related("community")

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class HouseForm(Form):
    unit = UnitChoiceField(label=_("单元"), queryset=Unit.objects.none(), required=False)
    floor = forms.IntegerField(label=_("楼层"), min_value=-5, max_value=200)
    number = forms.CharField(label=_("房号"), max_length=20)
    area = forms.DecimalField(label=_("面积（㎡）"), max_digits=8, decimal_places=2, min_value=0, required=False)
    usage = forms.ChoiceField(label=_("用途"), choices=Usage.choices)

    def __init__(self, *args, building, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(building=building).order_by("number")
        self.fields["unit"].queryset = units
        self.fields["unit"].required = units.exists()
        floor = self.fields["floor"]
        floor.max_value = floor.widget.attrs["max"] = building.floors
        floor.validators.append(MaxValueValidator(building.floors))


class GenerateHousesForm(Form):
    first_floor = forms.IntegerField(label=_("起始楼层"), min_value=1, initial=1)
    last_floor = forms.IntegerField(label=_("结束楼层"), min_value=1)
    per_floor = forms.IntegerField(label=_("每层户数"), min_value=1, max_value=20, initial=2)
    units = forms.ModelMultipleChoiceField(
        label=_("单元"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("不选表示全部单元。"),
    )

    def __init__(self, *args, building, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(building=building).order_by("number")
        self.fields["units"].label_from_instance = unit_label
        self.fields["last_floor"].initial = building.floors


class CompoundForm(Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    community = RegionChoiceField(label=_("所属社区"), queryset=Region.objects.none())
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    star = forms.TypedChoiceField(
        label=_("星级"),
        coerce=int,
        choices=[(0, _("未评定")), *[(n, _("%(star)s 星") % {"star": n}) for n in range(1, 6)]],
        initial=0,
    )
    property_company = forms.ModelChoiceField(
        label=_("物业公司"), queryset=PropertyCompany.objects.none(), required=False
    )

    def __init__(self, *args, communities, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["property_company"].queryset = companies


class ContactPhoneMixin(Form):
    """A contact phone that is stored sealed: on an edit form blank keeps it, the box clears it."""

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["phone"].help_text = _("留空表示不修改。")
        else:
            del self.fields["clear_phone"]

    def contact_phone(self):
        """None keeps the stored phone, "" clears it, anything else replaces it."""
        if self.cleaned_data.get("clear_phone"):
            return ""
        return self.cleaned_data["phone"].strip() or (None if "clear_phone" in self.fields else "")


class PropertyCompanyForm(ContactPhoneMixin):
    name = forms.CharField(label=_("名称"), max_length=100)
    region = RegionChoiceField(label=_("登记区域"), queryset=Region.objects.none())
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=30, required=False)
    contact = forms.CharField(label=_("联系人"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    clear_phone = forms.BooleanField(label=_("清除联系电话"), required=False)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class EnterpriseForm(ContactPhoneMixin):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类别"), choices=EnterpriseKind.choices)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=30, required=False)
    grid = RegionChoiceField(label=_("所属网格"), queryset=Region.objects.none())
    building_code = forms.CharField(
        label=_("楼栋编码"), max_length=40, required=False, help_text=_("可选：商户所在楼栋（须在该网格内）。")
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    industry = forms.CharField(label=_("行业"), max_length=50, required=False)
    contact = forms.CharField(label=_("联系人"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    clear_phone = forms.BooleanField(label=_("清除联系电话"), required=False)
    employees = forms.IntegerField(label=_("从业人数"), min_value=0, initial=0)

    def __init__(self, *args, grids, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids
        self.buildings = buildings

    def clean(self):
        data = super().clean()
        code = (data.get("building_code") or "").strip()
        data["building"] = None
        if code and data.get("grid") is not None:
            grid = data["grid"]
            data["building"] = self.buildings.filter(code=code, region_code__startswith=grid.code).first()
            if data["building"] is None:
                self.add_error("building_code", _("该网格中没有编码为 %(code)s 的楼栋。") % {"code": code})
        return data


def house_label(house):
    if house.unit_id:
        return _("%(unit)s单元%(number)s") % {"unit": house.unit.number, "number": house.number}
    return house.number


class MoveForm(Form):
    """迁往本辖区其他房屋: a house of the chosen building, a household there (or a new one)."""

    house = forms.ModelChoiceField(label=_("目标房屋"), queryset=House.objects.none())
    household = forms.ModelChoiceField(
        label=_("加入户"), queryset=Household.objects.none(), required=False, empty_label=_("新立一户")
    )
    relation = forms.ChoiceField(
        label=_("与户主关系"), choices=[("", _("自动（新户为户主）")), *Relation.choices], required=False
    )
    on = forms.DateField(label=_("迁入日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, houses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["house"].queryset = houses
        self.fields["house"].label_from_instance = house_label
        self.fields["household"].queryset = Household.objects.filter(house__in=houses, is_active=True).select_related(
            "house__unit", "head"
        )
        self.fields["household"].label_from_instance = lambda h: " · ".join(
            [house_label(h.house), h.number, *([h.head.name] if h.head_id else [])]
        )

    def clean(self):
        data = super().clean()
        house, household = data.get("house"), data.get("household")
        if house is not None and household is not None and household.house_id != house.pk:
            self.add_error("household", _("所选户不在目标房屋中。"))
        return data
