"""Case categories (大类/小类) with their time limits and default routing."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicgrid.cases import extra_fields
from civicgrid.cases.models.vocabulary import CategoryKind, HandlingLevel, LimitUnit
from civicgrid.core.models import TimeStampedModel
from civicgrid.regions.models import Department, DepartmentKind


class CategoryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def majors(self):
        return self.filter(parent__isnull=True)

    def selectable(self):
        """Minor classes a case can be filed under."""
        return self.active().filter(parent__isnull=False, parent__is_active=True)


def _limit_value(verbose_name):
    return models.DecimalField(
        verbose_name,
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text=_("留空则沿用大类或系统默认值。"),
    )


def _limit_unit(verbose_name):
    return models.CharField(verbose_name, max_length=1, choices=LimitUnit, default=LimitUnit.HOURS)


class Category(TimeStampedModel):
    """A class of case, two levels deep (大类/小类), with its time limits and default routing.

    The default table ships as data (cases/data/categories.json, `manage.py load_categories`); an
    install edits it in admin. Limits and routing left empty on a minor class fall back to its major
    class, then to settings.CASES_DEFAULT_LIMITS.
    """

    parent = models.ForeignKey(
        "self", verbose_name=_("大类"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=CategoryKind)
    code = models.CharField(_("编码"), max_length=16, help_text=_("大类 2 位，小类为大类编码加 3 位序号。"))
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    description = models.TextField(_("说明"), blank=True)
    keywords = models.CharField(_("关键词"), max_length=300, blank=True, help_text=_("空格分隔，用于自动分类与检索。"))
    intake_limit = _limit_value(_("受理立案时限"))
    intake_unit = _limit_unit(_("受理立案时限单位"))
    dispatch_limit = _limit_value(_("派遣时限"))
    dispatch_unit = _limit_unit(_("派遣时限单位"))
    handle_limit = _limit_value(_("处置时限"))
    handle_unit = _limit_unit(_("处置时限单位"))
    verify_limit = _limit_value(_("核查时限"))
    verify_unit = _limit_unit(_("核查时限单位"))
    default_level = models.CharField(_("默认处置层级"), max_length=16, choices=HandlingLevel, blank=True)
    default_department_kind = models.CharField(_("默认部门类别"), max_length=32, choices=DepartmentKind, blank=True)
    default_department = models.ForeignKey(
        Department,
        verbose_name=_("默认职能部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("留空则按部门类别在案件所在区域自动匹配。"),
    )
    resident_selectable = models.BooleanField(_("居民可选"), default=True)
    # What else a report of this class should say; published as Open311 service attributes.
    extra_fields = models.JSONField(
        extra_fields.LABEL,
        default=list,
        blank=True,
        validators=[extra_fields.validate_extra_fields],
        help_text=extra_fields.HELP_TEXT,
    )
    edition = models.CharField(_("版本"), max_length=80, help_text=_("本分类所依据的标准或本地版本。"))
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "sort_order", "code"]
        verbose_name = _("案件类别")
        verbose_name_plural = _("案件类别")
        constraints = [models.UniqueConstraint(fields=["edition", "code"], name="category_code_unique_in_edition")]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_major(self):
        return self.parent_id is None

    def clean(self):
        if self.parent_id is not None:
            parent = self.parent
            if parent.parent_id is not None:
                raise ValidationError({"parent": _("类别只有大类和小类两级。")})
            if parent.kind != self.kind:
                raise ValidationError({"kind": _("小类的类型必须与大类一致。")})
            if not self.code.startswith(parent.code):
                raise ValidationError({"code": _("小类编码必须以大类编码开头。")})

    def own_limit(self, step):
        value = getattr(self, f"{step}_limit")
        return (value, getattr(self, f"{step}_unit")) if value is not None else None

    def limit(self, step):
        """(value, unit) of this category's limit for `step`: its own, its major class's, or the default."""
        from civicgrid.cases.deadlines import default_limit

        own = self.own_limit(step)
        if own is None and self.parent_id is not None:
            own = self.parent.own_limit(step)
        return own or default_limit(step)

    @property
    def effective_level(self):
        level = self.default_level or (self.parent.default_level if self.parent_id else "")
        return level or HandlingLevel.COMMUNITY

    @property
    def effective_department_kind(self):
        return self.default_department_kind or (self.parent.default_department_kind if self.parent_id else "")

    @property
    def effective_department(self):
        if self.default_department_id:
            return self.default_department
        return self.parent.default_department if self.parent_id else None
