"""Strings shown by code outside this app, kept in this app's English catalogue.

- The change log model (core.ObjectChange) looks its labels up at run time (see CHANGE_LABELS in
  civicgrid/core/models.py); they are listed here so that makemessages extracts them into
  civicgrid/people/locale.
- The navigation entry for base data (core/navigation.py imports NAV_LABEL / NAV_DESCRIPTION).
"""

from django.utils.translation import gettext_lazy as _

CHANGE_LOG_LABELS = [
    _("新增"),
    _("修改"),
    _("删除"),
    _("导入"),
    _("核查"),
    _("匿名化"),
    _("记录类型"),
    _("记录编号"),
    _("记录"),
    _("操作"),
    _("操作人"),
    _("时间"),
    _("修改前"),
    _("修改后"),
    _("说明"),
    _("变更记录"),
]

NAV_LABEL = _("人房数据")
NAV_DESCRIPTION = _("楼盘表、人员查找、入户核查和特殊人群统计")

TAGS_LABEL = _("标签")


def tag_words(codes):
    """A person's tags in a change row (their codes) as the tags' names."""
    from civicgrid.people.models import Tag

    if not codes:
        return ""
    names = dict(Tag.objects.filter(code__in=codes).values_list("code", "name"))
    return "、".join(str(names.get(code, code)) for code in codes)


def export_detail(region_code, tag="", query="", plain=False):
    """An export's access-log detail in words: 区域：… 标签：… 关键词：… 已脱敏."""
    from django.utils.translation import gettext

    from civicgrid.people.models import Tag
    from civicgrid.regions.models import Region

    region = Region.objects.filter(code=region_code).values_list("name", flat=True).first() or region_code
    parts = [gettext("区域：%(region)s") % {"region": region}]
    if tag:
        name = Tag.objects.filter(code=tag).values_list("name", flat=True).first() or tag
        parts.append(gettext("标签：%(tag)s") % {"tag": name})
    if query:
        parts.append(gettext("关键词：%(query)s") % {"query": query})
    parts.append(gettext("含明文") if plain else gettext("已脱敏"))
    return " ".join(parts)
