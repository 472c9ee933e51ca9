"""The map layers anyone with a role may aim at: grid outlines and names, building names and
positions, from our own base data (no tile server needed).

GET /people/map/layers/[?region=<code>] answers, for an area the user holds a role in (a resident's
or grid worker's community; a staff member's own area), its grids as GeoJSON (code, name and
community name: what a resident may know from a street sign) and its buildings (name, compound,
position). Never people, households, counts or tags: a resident's report form uses this, so it holds
only what is posted at the gate. An area outside the user's answers 404.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from civicgrid.accounts.scopes import active_assignments
from civicgrid.people import selectors
from civicgrid.regions.models import Level, Region

GRID_LIMIT = 800
BUILDING_LIMIT = 3000
COMMUNITY_CODE_LENGTH = 12


def _areas(user):
    """The areas whose layers the user may see: each assignment's region, widened from a grid or
    micro-grid to its community (neighbours' grid names are public: they are where to aim)."""
    if user.is_superuser:
        return list(Region.objects.filter(parent__isnull=True, is_active=True))
    codes = set()
    for assignment in active_assignments(user):
        region = assignment.region if assignment.region_id else getattr(assignment.department, "region", None)
        if region is not None:
            codes.add(region.code[:COMMUNITY_CODE_LENGTH] if region.level > Level.COMMUNITY else region.code)
    return list(Region.objects.filter(code__in=codes, is_active=True))


def _feature(region, community_names):
    return {
        "type": "Feature",
        "geometry": region.boundary,
        "properties": {
            "code": region.code,
            "name": region.name,
            "level": region.level,
            "community": community_names.get(region.code[:COMMUNITY_CODE_LENGTH], ""),
        },
    }


@login_required
@require_GET
def map_layers(request):
    areas = _areas(request.user)
    if not areas:
        raise Http404
    wanted = request.GET.get("region", "").strip()
    if wanted and not (wanted.isascii() and wanted.isdigit()):  # region codes are digits
        raise Http404
    if wanted:
        area = Region.objects.filter(code=wanted, is_active=True).first()
        if area is None or not any(area.code.startswith(allowed.code) for allowed in areas):
            raise Http404
    else:
        area = max(areas, key=lambda region: len(region.code))  # the deepest: where the user works
    regions = Region.objects.filter(code__startswith=area.code, is_active=True, boundary__isnull=False)
    communities = list(regions.filter(level=Level.COMMUNITY).only("code", "name", "level", "boundary"))
    # The community of an area below one (a grid given as ?region=) names its grids too.
    names = {community.code: community.name for community in communities}
    if area.level > Level.COMMUNITY:
        names.update(Region.objects.filter(code=area.code[:COMMUNITY_CODE_LENGTH]).values_list("code", "name"))
    grids = regions.filter(level=Level.GRID).only("code", "name", "level", "boundary")[:GRID_LIMIT]
    buildings = selectors.public_buildings(area.code, limit=BUILDING_LIMIT)
    return JsonResponse(
        {
            "area": {"code": area.code, "name": area.name, "level": area.level},
            "communities": {"type": "FeatureCollection", "features": [_feature(c, names) for c in communities]},
            "grids": {"type": "FeatureCollection", "features": [_feature(g, names) for g in grids]},
            "buildings": buildings,
        }
    )
