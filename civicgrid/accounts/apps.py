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

        # Residents' registrations: community staff review them and reset residents' passwords
        # (the lead may move this permission into roles.ROLE_PERMISSIONS).
        from civicgrid.accounts import registration, roles

        roles.ROLE_PERMISSIONS[Role.COMMUNITY_STAFF] = roles.ROLE_PERMISSIONS[Role.COMMUNITY_STAFF] | {
            registration.REVIEW_PERMISSION
        }
        navigation.register(
            navigation.NavItem(
                _("居民注册审核"),
                "accounts:registrations",
                frozenset({Role.COMMUNITY_STAFF}),
                "user",
                _("审核居民的自助注册，为居民重置密码"),
                active_for=("accounts:registrations", "accounts:residents"),
                order=880,
            )
        )
