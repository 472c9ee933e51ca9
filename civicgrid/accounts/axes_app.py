"""django-axes (login lockouts) under a human name in the admin: its app label "axes" would otherwise
head the admin index as "AXES". Its model names come in Chinese from civicgrid/locale/zh_Hans (axes
ships no Chinese catalogue); English uses axes' own words."""

from axes.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AppConfig):
    verbose_name = _("登录防护")

    def ready(self):
        super().ready()
        from axes.admin import AccessAttemptAdmin

        # axes' own status column has no label of its own ("Status" from the method's name).
        AccessAttemptAdmin.status.short_description = _("状态")
