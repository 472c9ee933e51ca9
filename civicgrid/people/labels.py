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
