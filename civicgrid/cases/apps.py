from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "civicgrid.cases"
    label = "cases"
    verbose_name = _("案件办理")

    def ready(self):
        # Settings checks only (see checks.py); no signals: writes go through actions.py.
        from civicgrid.accounts import roles
        from civicgrid.cases import (
            checks,  # noqa: F401
            permissions,
        )
        from civicgrid.core import demo as demo_registry
        from civicgrid.core import jobs

        roles.register(permissions.PERMISSIONS)
        # Thumbnails are made after the report's commit (a background task); this re-drives lost ones.
        jobs.register(jobs.Job("make_missing_thumbnails", "civicgrid.cases.uploads.make_missing_thumbnails", 600))
        # Files sent before their report and never attached (cases.pending).
        jobs.register(jobs.Job("purge_pending_uploads", "civicgrid.cases.pending.purge_expired", 900))
        register_navigation()
        demo_registry.register(demo_registry.Seeder("cases", "civicgrid.cases.demo.seed_demo", order=40, atomic=False))


def register_navigation():
    from civicgrid.accounts.models import Role
    from civicgrid.core import navigation
    from civicgrid.core.navigation import Menu, NavItem

    resident = frozenset({Role.RESIDENT})
    field_workers = frozenset({Role.GRID_WORKER, Role.MICROGRID_MEMBER})
    office = frozenset(
        {Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DEPARTMENT_STAFF, Role.COMMAND_OPERATOR, Role.SYSTEM_ADMIN}
    )
    # Departments handle what is dispatched to them (their task list), they do not dispatch.
    dispatch_office = office - {Role.DEPARTMENT_STAFF}
    # Staff see their case pages under one menu and statistics beside the command screen (dashboard).
    navigation.register_menu(
        Menu("cases", _("案件办理"), "layers", order=20),
        Menu("analysis", _("统计研判"), "eye", order=140),
    )
    navigation.register(
        NavItem(_("我要上报"), "cases:report", resident, "pin", _("拍照上报身边的问题"), order=20),
        NavItem(
            _("我的上报"),
            "cases:my_reports",
            resident,
            "layers",
            _("查看办理进度、评价结果"),
            active_for=("cases:my_report",),
            order=30,
        ),
        NavItem(
            _("邻里议事板"),
            "cases:board_home",
            resident,
            "people",
            _("本社区公开的问题：留言、我也遇到、我能帮忙"),
            active_for=("cases:board", "cases:board_case"),
            order=40,
        ),
        NavItem(
            _("随手拍"), "cases:quick_report", field_workers, "eye", _("巡查发现问题，拍照即报"), order=50, menu="cases"
        ),
        NavItem(
            _("我的任务"),
            "cases:tasks",
            field_workers | {Role.DEPARTMENT_STAFF},
            "grid",
            _("待签收、处置中和待核查的案件"),
            active_for=("cases:staff_detail",),
            order=80,
            menu="cases",
        ),
        NavItem(
            _("案件受理派遣"),
            "cases:staff_queue",
            dispatch_office,
            "layers",
            _("按时限灯和阶段灯筛选、派遣和督办案件"),
            active_for=("cases:staff_detail",),
            order=90,
            menu="cases",
        ),
        NavItem(
            _("热线登记"),
            "cases:staff_hotline",
            frozenset({Role.COMMAND_OPERATOR}),
            "phone",
            _("12345 热线来电登记"),
            order=100,
            menu="cases",
        ),
        NavItem(
            _("代居民登记"),
            "cases:staff_entry",
            frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.COMMAND_OPERATOR}),
            "user",
            _("替居民登记反映的问题"),
            order=110,
            menu="cases",
        ),
        NavItem(
            _("统计分析"),
            "cases:stats",
            office,
            "eye",
            _("结案率、按期结案率、返工率、满意率等指标"),
            order=120,
            menu="analysis",
        ),
    )
