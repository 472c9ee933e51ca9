from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "civicgrid.accounts"
    label = "accounts"
    verbose_name = _("账号与权限")

    def ready(self):
        # Security-log receivers for Django's and axes' authentication signals (audit only).
        from civicgrid.accounts import signals  # noqa: F401
