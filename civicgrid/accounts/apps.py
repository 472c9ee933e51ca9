from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "civicgrid.accounts"
    label = "accounts"
    verbose_name = _("账号与权限")

    def ready(self):
        from civicgrid.accounts import (
            checks,  # noqa: F401 - registers the policy-table check
            permissions,
            roles,
            scopes,
        )
        from civicgrid.accounts.models import Role
        from civicgrid.core import demo as demo_registry
        from civicgrid.core import navigation, scoping

        # The base asks this app who holds which role where.
        scoping.set_resolver(scopes)
        # Cached assignments show their node's name and code: a change there renews the holders' stamps.
        from civicgrid.core import events
        from civicgrid.regions.events import DepartmentUpdated, RegionUpdated

        events.subscribe(RegionUpdated, scopes.region_updated, phase=events.IN_TRANSACTION)
        events.subscribe(DepartmentUpdated, scopes.department_updated, phase=events.IN_TRANSACTION)
        roles.register(permissions.PERMISSIONS)
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
        demo_registry.register(demo_registry.Seeder("accounts", "civicgrid.accounts.demo.seed_demo_users", order=30))

        # Residents' registrations: community staff review them and reset residents' passwords
        # (the permission is in civicgrid/accounts/permissions.py).
        navigation.register(
            navigation.NavItem(
                _("居民注册审核"),
                "accounts:registrations",
                frozenset({Role.COMMUNITY_STAFF}),
                "user",
                _("审核居民的自助注册，为居民重置密码"),
                active_for=("accounts:registrations", "accounts:residents"),
                order=880,
                menu="regions",
            )
        )
        connect_security_log()


def connect_security_log():
    """Django's authentication (and axes, for lockouts) reports signing in and out only through its
    signals, the framework's documented hook: each is passed straight to the action that logs it."""
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    from civicgrid.accounts import actions

    def on_login(sender, request, user, **kwargs):
        actions.record_login(user, request=request)

    def on_logout(sender, request, user, **kwargs):
        actions.record_logout(user, request=request)

    def on_login_failed(sender, credentials, request=None, **kwargs):
        actions.record_login_failure((credentials or {}).get("username", ""), request=request)

    def on_locked_out(sender, request, username, **kwargs):
        actions.record_lockout(username, request=request)

    for signal, receiver in (
        (user_logged_in, on_login),
        (user_logged_out, on_logout),
        (user_login_failed, on_login_failed),
        (user_locked_out, on_locked_out),
    ):
        signal.connect(receiver, weak=False, dispatch_uid=f"civicgrid.accounts.{receiver.__name__}")
