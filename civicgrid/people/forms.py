from django import forms
from django.utils.translation import gettext_lazy as _

from civicgrid.people.models import ImportKind, Political, Relation, ResidenceType, Usage


class PersonForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    ethnicity = forms.CharField(label=_("民族"), max_length=20, required=False, initial="汉族")
    residence_type = forms.ChoiceField(label=_("人口类型"), choices=ResidenceType.choices)
    relation = forms.ChoiceField(label=_("与户主关系"), choices=[("", "—"), *Relation.choices], required=False)
    political_status = forms.ChoiceField(label=_("政治面貌"), choices=[("", "—"), *Political.choices], required=False)
    notes = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000)


class PersonEditForm(PersonForm):
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False, help_text=_("留空表示不修改。"))
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False, help_text=_("留空表示不修改。"))


class UnmaskForm(forms.Form):
    field = forms.ChoiceField(label=_("字段"), choices=[("id_number", _("身份证号")), ("phone", _("手机号"))])
    reason = forms.CharField(label=_("查看事由"), max_length=200, min_length=2)


class VerifyForm(forms.Form):
    usage = forms.ChoiceField(label=_("房屋用途"), choices=Usage.choices)
    note = forms.CharField(label=_("核查说明"), max_length=200, required=False)


class MoveOutForm(forms.Form):
    on = forms.DateField(label=_("迁出日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("导入内容"), choices=ImportKind.choices)
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件。"))
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过 50 MB。"))
        return upload


class ExportForm(forms.Form):
    plain = forms.BooleanField(label=_("导出明文身份证号和手机号"), required=False)
    reason = forms.CharField(label=_("导出事由"), max_length=200, min_length=2)


class RentalForm(forms.Form):
    landlord_name = forms.CharField(label=_("房东姓名"), max_length=50)
    start = forms.DateField(label=_("起租日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("到期日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
