"""Region pages: the tree browser, a node's detail page, the map and the GeoJSON it draws.

Views parse the request and pick a template; the queries live in `regions.selectors` and all start
from `Region.objects.restrict(user, "view")`, so a node outside the user's scope answers 404 exactly
like a code that does not exist.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from civicgrid.core.changelog import changes_for
from civicgrid.core.navigation import navigation_for
from civicgrid.regions import selectors
from civicgrid.regions.models import Level

# URL spelling of the levels: ?level=street|community|grid|microgrid (the numbers 0–4 work too).
LEVEL_KEYS = {level.name.lower(): level for level in Level}
DEFAULT_MAP_LEVEL = Level.GRID
SEARCH_MAX_LENGTH = 100
CHANGES_SHOWN = 20

MAP_STRINGS = {
    "loading": _("正在加载边界…"),
    "error": _("边界数据加载失败，请稍后重试。"),
    "empty": _("该范围内没有可显示的边界。"),
    "drawn": _("已显示 %(count)s 个%(level)s"),
    "detail": _("查看详情"),
    "drilldown": _("查看下级"),
    "locate": _("定位"),
    "code": _("编码"),
}


def level_key(level):
    return Level(level).name.lower()


def _param(request, name):
    """A query parameter without NUL characters (PostgreSQL refuses them in a lookup: DataError)."""
    return request.GET.get(name, "").replace("\x00", "")


def parse_level(value):
    value = (value or "").strip().lower()
    if value in LEVEL_KEYS:
        return LEVEL_KEYS[value]
    if value.isascii() and value.isdigit() and len(value) <= 2 and int(value) in Level.values:
        return Level(int(value))
    return None


def _is_partial(request, target):
    """An htmx request that swaps only `target` (a history restore needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request and request.htmx.target == target


@login_required
@require_GET
def tree(request):
    levels = selectors.level_config()
    query = _param(request, "q").strip()[:SEARCH_MAX_LENGTH]
    context = {"levels": levels, "query": query}
    if query:
        context["results"], context["truncated"] = selectors.search_regions(request.user, query, levels)
    else:
        context["roots"] = selectors.tree_roots(request.user, levels)
    template = "regions/_tree_body.html" if _is_partial(request, "tree-body") else "regions/tree.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_GET
def children(request, code):
    """The children of one node, as the list the tree browser inserts when a node is opened."""
    node = get_object_or_404(selectors.visible_regions(request.user), code=code)
    if not request.htmx:
        return redirect("regions:detail", code=node.code)
    levels = selectors.level_config()
    response = render(request, "regions/_tree_nodes.html", {"nodes": selectors.children_of(request.user, node, levels)})
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_GET
def detail(request, code):
    user = request.user
    node = get_object_or_404(
        selectors.visible_regions(user).select_related("parent").defer("parent__boundary"), code=code
    )
    levels = selectors.level_config()
    node.level_name = levels.name(node.level)
    counts = selectors.subtree_level_counts(user, [node])[node.code]
    child_level = node.level + 1 if node.level < Level.MICROGRID else None
    return render(
        request,
        "regions/detail.html",
        {
            "node": node,
            "levels": levels,
            "ancestors": selectors.breadcrumb(user, node),
            "children": selectors.children_of(user, node, levels),
            "child_level_name": levels.name(child_level) if child_level is not None else "",
            "subtree_counts": [(levels.name(level), counts[level]) for level in sorted(counts)],
            "departments": selectors.departments_serving(user, node),
            "people": selectors.people_assigned(node),
            "boundary": selectors.rounded_geometry(node.boundary),
            "map_config": _map_config(
                levels,
                level=child_level,
                parent=node,
                level_keys=[child_level] if child_level is not None else [],
                scope_level=node.level,
            ),
            "can_use_map": _can_use(user, "regions:map"),
            # The change log (who changed what) is for staff, not for residents who see their community.
            "changes": changes_for(node)[:CHANGES_SHOWN] if _can_use(user, "regions:tree") else None,
        },
    )


@login_required
@require_GET
def map_page(request):
    user = request.user
    levels = selectors.level_config()
    offered, scope_level = selectors.map_levels(user, levels)
    parent = None
    if _param(request, "parent"):
        parent = get_object_or_404(selectors.visible_regions(user), code=_param(request, "parent"))
        parent.level_name = levels.name(parent.level)
    level = parse_level(request.GET.get("level"))
    if level not in offered:
        preferred = parent.level + 1 if parent is not None else DEFAULT_MAP_LEVEL
        level = preferred if preferred in offered else (offered[-1] if offered else None)
    return render(
        request,
        "regions/map.html",
        {
            "levels": levels,
            "level_choices": [(level_key(lvl), levels.name(lvl), lvl) for lvl in offered],
            "level": level,
            "level_key": level_key(level) if level is not None else "",
            "parent": parent,
            "scope_outline": selectors.scope_outline(user, parent),
            "map_config": _map_config(
                levels,
                level=level,
                parent=parent,
                level_keys=offered,
                # Outlines of the level above are only drawn below the top of what is in view.
                scope_level=parent.level if parent is not None else scope_level,
            ),
        },
    )


@login_required
@require_GET
@gzip_page
def geojson(request):
    """GET /regions/geojson/?level=grid&parent=<code>: the boundaries the user may see at one level
    (under `parent` if given) as a GeoJSON FeatureCollection whose features carry code, name, level.

    Without `level`: the children of `parent`, or grids. An unknown or out-of-scope parent → 404.
    """
    user = request.user
    parent = None
    if _param(request, "parent"):
        parent = selectors.visible_regions(user).filter(code=_param(request, "parent")).first()
        if parent is None:
            return JsonResponse({"error": gettext("区域不存在。")}, status=404)
    if request.GET.get("level"):
        level = parse_level(request.GET["level"])
        if level is None:
            return JsonResponse(
                {"error": gettext("未知的层级，可选：%(levels)s。") % {"levels": ", ".join(LEVEL_KEYS)}}, status=400
            )
    else:
        level = min(parent.level + 1, Level.MICROGRID) if parent is not None else DEFAULT_MAP_LEVEL
    return JsonResponse(
        selectors.boundaries_geojson(user, level, parent),
        content_type="application/geo+json",
        json_dumps_params={"separators": (",", ":"), "ensure_ascii": False},
    )


def _can_use(user, url_name):
    return any(item.url_name == url_name for item in navigation_for(user))


def _map_config(levels, *, level, parent, level_keys, scope_level):
    """Everything the map script needs, rendered with json_script (no inline JavaScript)."""
    return {
        "level": level_key(level) if level is not None else None,
        "parent": parent.code if parent is not None else None,
        "levels": {level_key(lvl): {"name": levels.name(lvl), "value": int(lvl)} for lvl in level_keys},
        "childLevels": {
            level_key(lvl): level_key(lvl + 1)
            for lvl in Level.values
            if lvl < Level.MICROGRID and lvl + 1 in levels.enabled
        },
        "geojsonUrl": reverse("regions:geojson"),
        "mapUrl": reverse("regions:map"),
        "detailUrl": reverse("regions:detail", args=["000000"]).replace("000000", "{code}"),
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "scopeLevel": scope_level,
        "strings": MAP_STRINGS,
    }
