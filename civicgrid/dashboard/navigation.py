"""The big screen's entry in the navigation bar (civicgrid.core.navigation), with its strings kept
in this app's own catalogue."""

from django.utils.translation import gettext_lazy as _

DASHBOARD_LABEL = _("指挥大屏")
DASHBOARD_DESCRIPTION = _("辖区态势一屏总览：地图、指标、排名、预警与诉求分析")
