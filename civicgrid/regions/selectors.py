"""The read side of the region pages.

Every query here starts from `Region.objects.restrict(user, "view")` (or the Department equivalent),
so whatever lies outside the user's subtrees is simply absent and the views answer 404 for it, exactly
as for a code that does not exist. Each function runs a fixed number of queries, whatever the size of
the tree (the view tests hold them to it).
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import get_language

from civicgrid.core import scoping
from civicgrid.core.scoping import collapse_codes, scope_codes, subtree_q, subtree_range
from civicgrid.regions.models import Department, Level, Region, RegionLevel

# Digits kept in map coordinates: 1e-6 degree is about 0.1 m, far below what a grid boundary needs,
# and it roughly halves the size of a micro-grid layer compared with full float precision.
COORDINATE_DIGITS = 6
SEARCH_LIMIT = 50


@dataclass
class LevelConfig:
    """The per-install level names (RegionLevel), in the current language."""

    names: dict = field(default_factory=dict)
    enabled: list = field(default_factory=list)

    def name(self, level):
        return self.names.get(level, "")

    def child_name(self, level):
        return self.names.get(level + 1, "")


def level_config():
    """Configured level names (the English name in English, when one is set) and enabled levels.

    Falls back to the built-in labels for levels without a RegionLevel row.
    """
    english = (get_language() or "").lower().startswith("en")
    names = {level: str(label) for level, label in Level.choices}
    enabled = set(Level.values)
    for row in RegionLevel.objects.all():
        if english:
            names[row.level] = row.name_en or names[row.level]
        else:
            names[row.level] = row.name or names[row.level]
        if not row.enabled:
            enabled.discard(row.level)
    return LevelConfig(names=names, enabled=sorted(enabled))


def visible_regions(user):
    return Region.objects.restrict(user, "view")


def with_child_counts(queryset):
    """Annotate `child_count` (active children); boundaries are left out, lists never draw them."""
    return queryset.defer("boundary").annotate(child_count=Count("children", filter=Q(children__is_active=True)))


def _label(nodes, levels):
    for node in nodes:
        node.level_name = levels.name(node.level)
        node.child_level_name = levels.child_name(node.level)
    return nodes


def scope_roots(user, levels):
    """The top nodes of the user's scope (one per disjoint subtree), each with its child count."""
    codes = scope_codes(user, "regions.view_region")
    queryset = visible_regions(user).filter(is_active=True)
    if codes is None:
        queryset = queryset.filter(parent__isnull=True)
    else:
        queryset = queryset.filter(code__in=collapse_codes(codes))
    return _label(list(with_child_counts(queryset).order_by("code")), levels)


def tree_roots(user, levels):
    """Scope roots with their children already loaded (`node.loaded_children`): two queries."""
    roots = scope_roots(user, levels)
    children = with_child_counts(
        visible_regions(user).filter(parent__in=[root.pk for root in roots], is_active=True)
    ).order_by("code")
    by_parent = {}
    for child in _label(list(children), levels):
        by_parent.setdefault(child.parent_id, []).append(child)
    for root in roots:
        root.loaded_children = by_parent.get(root.pk, [])
    return roots


def children_of(user, node, levels):
    queryset = visible_regions(user).filter(parent=node, is_active=True).order_by("code")
    return _label(list(with_child_counts(queryset)), levels)


def search_regions(user, text, levels, limit=SEARCH_LIMIT):
    """Regions in scope whose name contains `text` or whose code starts with it.

    Returns (rows, truncated): at most `limit` rows, shallow levels first.
    """
    text = text.strip()
    if not text:
        return [], False
    condition = Q(name__icontains=text)
    if text.isdigit():
        condition |= Q(code__startswith=text)
    rows = list(
        visible_regions(user)
        .filter(condition)
        .select_related("parent")
        .defer("boundary", "parent__boundary")
        .order_by("level", "code")[: limit + 1]
    )
    return _label(rows[:limit], levels), len(rows) > limit


def breadcrumb(user, node):
    """The node's ancestors from the root down, each with `in_scope` (whether the user may open it)."""
    codes = node.ancestor_codes()
    if not codes:
        return []
    visible = visible_regions(user).filter(pk=OuterRef("pk"))
    return list(
        Region.objects.filter(code__in=codes)
        .annotate(in_scope=Exists(visible))
        .only("code", "name", "level")
        .order_by("level")
    )


def departments_serving(user, node):
    """Departments attached to the node or to one of its ancestors, as far as the user may see them."""
    codes = [*node.ancestor_codes(), node.code]
    return list(
        Department.objects.restrict(user, "view")
        .filter(region__code__in=codes, is_active=True)
        .select_related("region")
        .order_by("-region__level", "code")
    )


def people_assigned(node):
    """Staff holding an active role on exactly this node (residents are never listed), as accounts
    tells through the scope resolver.

    Callers must have obtained `node` through `visible_regions`: the list is as visible as the node.
    """
    return scoping.people_on(node)


def subtree_level_counts(user, nodes):
    """{code: {level: number of active descendants at that level}} for `nodes`, in one query."""
    nodes = [node for node in nodes if node is not None]
    aggregates, keys = {}, {}
    for index, node in enumerate(nodes):
        low, high = subtree_range(node.code)
        for level in Level.values:
            if level > node.level:
                alias = f"n{index}_{level}"
                aggregates[alias] = Count("pk", filter=Q(code__gte=low, code__lte=high, level=level))
                keys[alias] = (node.code, level)
    result = {node.code: {} for node in nodes}
    if not aggregates:
        return result
    row = (
        visible_regions(user)
        .filter(is_active=True)
        .filter(subtree_q("code", [node.code for node in nodes]))
        .aggregate(**aggregates)
    )
    for alias, (code, level) in keys.items():
        if row[alias]:
            result[code][level] = row[alias]
    return result


def scope_outline(user, parent=None):
    """A GeometryCollection of the area the map shows: `parent`, or the top nodes of the user's scope."""
    if parent is not None:
        boundaries = [parent.boundary]
    else:
        codes = scope_codes(user, "regions.view_region")
        queryset = visible_regions(user).filter(is_active=True, boundary__isnull=False)
        queryset = (
            queryset.filter(parent__isnull=True) if codes is None else queryset.filter(code__in=collapse_codes(codes))
        )
        boundaries = queryset.order_by("code").values_list("boundary", flat=True)
    return {"type": "GeometryCollection", "geometries": [rounded_geometry(b) for b in boundaries if b]}


def map_levels(user, levels):
    """(levels the map offers, the shallowest level of the user's scope).

    The map offers the levels from the top of the user's scope (streets at the highest) down to
    micro-grids, enabled ones only; ([], None) for a user without scope.
    """
    codes = scope_codes(user, "regions.view_region")
    if codes is None:
        top = Level.DISTRICT
    else:
        top = (
            visible_regions(user)
            .filter(is_active=True, code__in=collapse_codes(codes))
            .order_by("level")
            .values_list("level", flat=True)
            .first()
        )
        if top is None:
            return [], None
    return [level for level in levels.enabled if level >= max(top, Level.STREET)], top


def round_coordinates(value, digits=COORDINATE_DIGITS):
    if isinstance(value, (int, float)):
        return round(value, digits)
    return [round_coordinates(item, digits) for item in value]


def rounded_geometry(geometry, digits=COORDINATE_DIGITS):
    """A copy of a GeoJSON geometry with its coordinates rounded to `digits` decimals."""
    if not geometry:
        return None
    if geometry.get("type") == "GeometryCollection":
        return {
            "type": "GeometryCollection",
            "geometries": [rounded_geometry(g, digits) for g in geometry["geometries"]],
        }
    return {"type": geometry["type"], "coordinates": round_coordinates(geometry["coordinates"], digits)}


def boundaries_geojson(user, level, parent=None):
    """A GeoJSON FeatureCollection of the boundaries the user may see at `level`, optionally only
    under `parent` (a region obtained through `visible_regions`). One query."""
    queryset = visible_regions(user).filter(level=level, is_active=True, boundary__isnull=False)
    if parent is not None:
        queryset = queryset.subtree(parent)
    rows = queryset.order_by("code").values_list("code", "name", "level", "boundary")
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": rounded_geometry(boundary),
                "properties": {"code": code, "name": name, "level": node_level},
            }
            for code, name, node_level, boundary in rows
        ],
    }
