"""The region and grid tree: district → street → community → grid → micro-grid.

A node's `code` is its full code and also its materialised path: the 6-digit county code, then 3
digits for the street, 3 for the community (together the 12-digit statistical division code),
then the grid and micro-grid sequences (统计用区划代码, CJ/T 213). A child's code therefore starts with its
parent's, and a whole subtree is one indexed range query (`Region.objects.subtree(node)`).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicgrid.core.models import TimeStampedModel
from civicgrid.core.scoping import RestrictedQuerySet, subtree_range


class Level(models.IntegerChoices):
    DISTRICT = 0, _("区县")
    STREET = 1, _("街道")
    COMMUNITY = 2, _("社区")
    GRID = 3, _("网格")
    MICROGRID = 4, _("微网格")


# Digits each level adds to its parent's code. District, street and community follow the
# statistical division code and are fixed; the grid sequences are configurable per install
# (2 digits in CJ/T 213 style, 3 in Beijing's DB11) through RegionLevel.
FIXED_CODE_DIGITS = {Level.DISTRICT: 6, Level.STREET: 3, Level.COMMUNITY: 3}


class RegionLevel(models.Model):
    """Per-install configuration of a tree level: its display name and code width.

    Erqi, for example, calls streets "一级网格" and communities "二级网格".
    """

    level = models.PositiveSmallIntegerField(_("层级"), choices=Level, unique=True)
    name = models.CharField(_("显示名称"), max_length=30)
    name_en = models.CharField(_("英文名称"), max_length=30, blank=True)
    code_digits = models.PositiveSmallIntegerField(_("本级编码位数"))
    enabled = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["level"]
        verbose_name = _("区划层级")
        verbose_name_plural = _("区划层级")

    def __str__(self):
        return self.name

    def clean(self):
        if self.code_digits is None:
            return  # the field's own error says so; clean() runs after field errors too
        fixed = FIXED_CODE_DIGITS.get(self.level)
        if fixed is not None and self.code_digits != fixed:
            raise ValidationError({"code_digits": _("该层级编码位数由国家标准固定为 %(n)d 位。") % {"n": fixed}})
        if not 1 <= self.code_digits <= 4:
            raise ValidationError({"code_digits": _("网格编码位数应为 1 至 4 位。")})


class RegionQuerySet(RestrictedQuerySet):
    def subtree(self, node, include_self=True):
        low, high = subtree_range(node.code)
        qs = self.filter(code__gte=low, code__lte=high)
        return qs if include_self else qs.exclude(pk=node.pk)

    def of_level(self, level):
        return self.filter(level=level)


class Region(TimeStampedModel):
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level, db_index=True)
    code = models.CharField(_("编码"), max_length=24, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    # GeoJSON geometry (Polygon or MultiPolygon) in WGS84 longitude/latitude.
    boundary = models.JSONField(_("边界"), null=True, blank=True)
    centroid_lon = models.FloatField(_("中心经度"), null=True, blank=True)
    centroid_lat = models.FloatField(_("中心纬度"), null=True, blank=True)
    # Bumped whenever `boundary` changes; processes compare its maximum to know when to
    # rebuild their in-memory spatial index (regions.locator).
    boundary_updated_at = models.DateTimeField(_("边界更新时间"), null=True, blank=True, db_index=True)
    is_active = models.BooleanField(_("有效"), default=True)

    objects = RegionQuerySet.as_manager()
    scope_code_field = "code"

    class Meta:
        ordering = ["code"]
        verbose_name = _("区划网格")
        verbose_name_plural = _("区划网格")

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @property
    def statistical_code(self):
        """The 12-digit statistical division code of this node (or of its community)."""
        return self.code[:12].ljust(12, "0")

    def ancestor_codes(self):
        from civicgrid.regions.codes import ancestor_codes

        return ancestor_codes(self.code)

    def ancestors(self):
        return Region.objects.filter(code__in=self.ancestor_codes()).order_by("level")

    def clean(self):
        from civicgrid.regions.codes import validate_region_code

        validate_region_code(self.code, self.level, self.parent)


class DepartmentKind(models.TextChoices):
    URBAN_MANAGEMENT = "urban_management", _("城市管理")
    LANDSCAPING = "landscaping", _("园林绿化")
    HOUSING = "housing", _("住房建设")
    WATER = "water", _("供水排水")
    TRANSPORT = "transport", _("交通运输")
    ENVIRONMENT = "environment", _("生态环境")
    MARKET = "market", _("市场监管")
    PUBLIC_SECURITY = "public_security", _("公安")
    CIVIL_AFFAIRS = "civil_affairs", _("民政")
    HEALTH = "health", _("卫生健康")
    EMERGENCY = "emergency", _("应急管理")
    UTILITY = "utility", _("公用事业")
    # A property company (物业服务企业) taking its compounds' repairs (civicgrid.property).
    PROPERTY = "property", _("物业服务企业")
    OTHER = "other", _("其他")


class DepartmentQuerySet(RestrictedQuerySet):
    pass


class Department(TimeStampedModel):
    """A functional department (职能部门) that takes dispatched cases ("部门报到")."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("编码"), max_length=32, unique=True)
    kind = models.CharField(_("类别"), max_length=32, choices=DepartmentKind, default=DepartmentKind.OTHER)
    region = models.ForeignKey(
        Region,
        verbose_name=_("服务区域"),
        on_delete=models.PROTECT,
        related_name="departments",
        help_text=_("该部门负责的区划（通常为区县或街道）。"),
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    objects = DepartmentQuerySet.as_manager()
    scope_code_field = "region__code"

    class Meta:
        ordering = ["code"]
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")

    def __str__(self):
        return self.name
