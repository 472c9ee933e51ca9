"""The workbench (首页): who I am, which nodes I answer for and what lies under them, where to go next.
It draws on every floor (roles, regions, the apps' navigation entries), so it lives with the site."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.accounts.models import Role
from civicgrid.accounts.scopes import active_assignments
from civicgrid.core.navigation import navigation_for
from civicgrid.regions import selectors as region_selectors
from civicgrid.resident import selectors as resident_selectors


@dataclass
class Duty:
    """One role assignment as the workbench shows it: the role, the node it covers, what lies under it."""

    assignment: object
    node: object
    level_name: str
    counts: list  # [(level name, number of active nodes at that level under the node)]

    @property
    def department(self):
        return self.assignment.department


def greeting(now=None):
    hour = timezone.localtime(now).hour
    if 5 <= hour < 11:
        return _("早上好")
    if 11 <= hour < 13:
        return _("中午好")
    if 13 <= hour < 18:
        return _("下午好")
    return _("晚上好")


@login_required
def home(request):
    """The workbench: who I am, which nodes I answer for (and what lies under them), where to go next."""
    user = request.user
    if resident_selectors.lands_on_home(user):
        # A resident's first page is the phone home screen (civicgrid.resident); staff keep this one.
        return redirect("resident:home")
    assignments = active_assignments(user)
    levels = region_selectors.level_config()
    nodes = [a.region if a.region_id else a.department.region for a in assignments]
    counts = region_selectors.subtree_level_counts(user, list({node.code: node for node in nodes}.values()))
    duties = [
        Duty(
            assignment=assignment,
            node=node,
            level_name=levels.name(node.level),
            counts=[(levels.name(level), n) for level, n in sorted(counts.get(node.code, {}).items())],
        )
        for assignment, node in zip(assignments, nodes, strict=True)
    ]
    nav = navigation_for(user)
    return render(
        request,
        "site/home.html",
        {
            "greeting": greeting(),
            "today": timezone.localdate(),
            "duties": duties,
            # A resident lives in a community; they do not answer for it (no 负责/职责, no codes).
            "resident": bool(assignments) and all(a.role == Role.RESIDENT for a in assignments),
            "shortcuts": [item for item in nav if item.url_name != "site:home"],
            "can_use_map": any(item.url_name == "regions:map" for item in nav),
        },
    )
