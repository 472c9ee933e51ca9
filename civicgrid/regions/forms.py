from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicgrid.core.forms import Form, ModelForm
from civicgrid.regions.actions import REGION_FIXED_FIELDS, validate_boundary
from civicgrid.regions.models import Region

# Upper bound for an uploaded boundary file. Erqi's 6,696 polygons are about 2.3 MB; the limit
# keeps a wrong file (an aerial photo, a whole province) from being parsed in a web worker.
# BOUNDARY_IMPORT_MAX_BYTES in settings overrides it.
DEFAULT_IMPORT_MAX_BYTES = 20 * 1024 * 1024


def import_max_bytes():
    return getattr(settings, "BOUNDARY_IMPORT_MAX_BYTES", DEFAULT_IMPORT_MAX_BYTES)


class RegionAdminForm(ModelForm):
    """The admin's region form: a changed boundary is validated like any other boundary write, and
    an existing node's code, level and parent cannot change (the admin shows them read-only)."""

    class Meta:
        model = Region
        fields = ["parent", "level", "code", "name", "boundary", "is_active"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            for name in REGION_FIXED_FIELDS:
                if name in self.fields and name in self.changed_data:
                    self.add_error(name, _("区划创建后不能修改编码、层级或上级：它们是下属所有数据的范围依据。"))
        boundary = cleaned.get("boundary")
        # Only a changed boundary (or a move to another parent) is checked, so that renaming a
        # node never fails over a boundary nobody touched.
        if boundary is not None and {"boundary", "parent"} & set(self.changed_data) and not self.has_error("parent"):
            try:
                validate_boundary(
                    boundary,
                    parent=cleaned.get("parent") if "parent" in self.fields else self.instance.parent,
                    region=self.instance if self.instance.pk else None,
                    label=cleaned.get("name") or None,
                )
            except ValidationError as exc:
                self.add_error("boundary", exc)
        return cleaned


class BoundaryImportForm(Form):
    file = forms.FileField(
        label=gettext_lazy("GeoJSON 文件"),
        help_text=gettext_lazy(
            "FeatureCollection，WGS84 经纬度；每个要素的 properties 含 code（区划编码）和 name（名称），"
            "可选 level 和 parent_code。"
        ),
    )
    create_missing = forms.BooleanField(label=gettext_lazy("新建系统中还没有的区划"), required=False, initial=True)
    dry_run = forms.BooleanField(label=gettext_lazy("只检查，不写入"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = import_max_bytes()
        if upload.size > limit:
            raise ValidationError(
                _("文件太大（%(size)s），上限为 %(limit)s。")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
                code="too_large",
            )
        return upload
