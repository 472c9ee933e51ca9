from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "civicgrid.accounts"
    label = "accounts"
    verbose_name = _("账号与权限")

    def ready(self):
        # Security-log receivers for Django's and axes' authentication signals (audit only).
        from civicgrid.accounts import (
            demo,
            scopes,
            signals,  # noqa: F401
        )
        from civicgrid.accounts.models import Role
        from civicgrid.core import demo as demo_registry
        from civicgrid.core import navigation, scoping

        # The base asks this app who holds which role where.
        scoping.set_resolver(scopes)
        navigation.register(
            navigation.NavItem(
                _("系统管理"),
                "admin:index",
                frozenset({Role.SYSTEM_ADMIN}),
                "gear",
                _("用户、角色、区划和部门的配置"),
                active_for=("admin:*",),
                needs_staff_flag=True,
                order=900,
            )
        )
        demo_registry.register(demo_registry.Seeder("accounts", demo.seed_demo_users, order=30))
