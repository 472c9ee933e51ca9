"""The party-building strip on the command screen (core.panels, place "screen"): organisations by
stars, projects by stage, this month's study completion, orders taken and points — counts only, for
the screen's node and below. Shown to whoever sees the screen there (the dashboard checks that)."""

from django.utils.translation import gettext as _

from civicgrid.party.models import Organisation
from civicgrid.party.selectors import orders, projects, ratings, study


def screen(request, node):
    codes = [node.code]
    if not Organisation.objects.filter(region_code__startswith=node.code).exists() and not _above(node):
        return None
    figures = {
        "ratings": ratings.panel_figures(codes),
        "projects": projects.panel_figures(codes),
        "study": study.panel_figures(codes),
        "orders": orders.panel_figures(codes),
    }
    stars = figures["ratings"].get("by_stars") or {}
    stages = figures["projects"].get("by_stage") or {}
    completion = figures["study"].get("plan_completion")
    items = [
        (_("五星支部"), stars.get(5, stars.get("5", 0))),
        (_("四星以上"), sum(int(v) for k, v in stars.items() if int(k) >= 4)),
        (_("入选支部"), figures["ratings"].get("selected", 0)),
        (_("项目总数"), figures["projects"].get("total", sum(stages.values()) if stages else 0)),
        (_("已验收"), stages.get("accepted", 0)),
        (_("本月学习完成率"), f"{round(completion * 100)}%" if completion is not None else "—"),
        (_("测试平均分"), figures["study"].get("quiz_average") or "—"),
        (_("派单已接"), figures["orders"].get("taken", 0)),
        (_("已赋分"), figures["orders"].get("points", 0)),
    ]
    return {"items": items}


def _above(node):
    """Organisations on a node above the screen's (a street's 党工委 seen from a community)."""
    return Organisation.objects.filter(region_code__in=[node.code[:n] for n in range(1, len(node.code))]).exists()
