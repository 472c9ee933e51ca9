from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridworkConfig(AppConfig):
    name = "civicgrid.gridwork"
    label = "gridwork"
    verbose_name = _("网格工作")

    def ready(self):
        from civicgrid.accounts import roles
        from civicgrid.accounts.models import Role
        from civicgrid.core import demo as demo_registry
        from civicgrid.core import jobs, navigation
        from civicgrid.gridwork import permissions

        roles.register(permissions.PERMISSIONS)
        jobs.register(
            jobs.Job("close_stale_patrols", "civicgrid.gridwork.actions.close_stale_patrols", 3600),
            jobs.Job("close_due_tasks", "civicgrid.gridwork.actions.close_due_tasks", 3600),
        )
        # After people (base data) and cases (order 40): visits and findings need both.
        demo_registry.register(demo_registry.Seeder("gridwork", "civicgrid.gridwork.demo.seed_demo", order=55))
        navigation.register_menu(navigation.GRIDWORK_MENU)
        worker = frozenset({Role.GRID_WORKER})
        staff = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF})
        navigation.register(
            navigation.NavItem(
                _("巡格"),
                "gridwork:patrol",
                worker,
                "pin",
                _("开始巡格，记录轨迹，重点部位打卡，随手拍"),
                active_for=("gridwork:patrol_detail", "gridwork:finding"),
                order=31,
                menu="gridwork",
            ),
            navigation.NavItem(
                _("走访"),
                "gridwork:visits",
                worker,
                "house",
                _("入户走访，记录诉求，查看到期的走访对象"),
                active_for=("gridwork:visit_house",),
                order=32,
                menu="gridwork",
            ),
            navigation.NavItem(
                _("摸排任务"),
                "gridwork:tasks",
                worker,
                "layers",
                _("逐户填报摸排表单，离线也能先保存"),
                active_for=("gridwork:task_targets", "gridwork:target_form"),
                order=33,
                menu="gridwork",
            ),
            navigation.NavItem(
                _("巡格监督"),
                "gridwork:supervise",
                staff,
                "pin",
                _("今日巡格实时地图、巡格时长与覆盖率"),
                active_for=("gridwork:patrol_detail",),
                order=31,
                menu="gridwork",
            ),
            navigation.NavItem(
                _("重点部位"),
                "gridwork:key_places",
                staff,
                "pin",
                _("设置各网格的重点部位与打卡半径"),
                order=34,
                menu="gridwork",
            ),
            navigation.NavItem(
                _("走访计划"),
                "gridwork:plans",
                staff,
                "people",
                _("特殊人群定期走访计划与到期名单"),
                order=32,
                menu="gridwork",
            ),
            navigation.NavItem(
                _("摸排任务"),
                "gridwork:manage",
                staff,
                "layers",
                _("发布摸排任务，查看进度，导出结果"),
                active_for=("gridwork:task_new", "gridwork:task_progress"),
                order=33,
                menu="gridwork",
            ),
        )
