"""重点部位 (staff, laptop or phone): the key places of one grid of the user's subtree on its map;
add one by clicking the map, switch one off or on. Grid workers check in at them on patrol."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicgrid.core.text import object_id
from civicgrid.gridwork import actions, selectors
from civicgrid.gridwork.models import KeyPlace
from civicgrid.gridwork.views.common import holds, map_settings

PERMISSION = "gridwork.add_keyplace"


def _back(grid):
    return f"{reverse('gridwork:key_places')}?grid={grid.pk}" if grid else reverse("gridwork:key_places")


def _errors(exc):
    return " ".join(m for values in getattr(exc, "message_dict", {"": exc.messages}).values() for m in values)


@login_required
def key_places(request):
    holds(request, PERMISSION)
    grids = selectors.key_place_grids(request.user, PERMISSION)
    raw = request.POST.get("grid") if request.method == "POST" else request.GET.get("grid")
    chosen = object_id(raw)
    grid = grids.filter(pk=chosen).first() if chosen else None
    if raw and grid is None and request.method == "GET":
        raise Http404  # a grid out of scope (or no grid at all) is not found
    if not raw and request.method == "GET":
        grid = grids.first()
    error, values = None, {"radius_m": 60}
    if request.method == "POST":
        values = request.POST
        try:
            actions.save_key_place(
                request.user,
                KeyPlace(),
                grid=grid,
                name=request.POST.get("name", ""),
                lat=request.POST.get("lat", ""),
                lng=request.POST.get("lng", ""),
                radius_m=request.POST.get("radius_m", ""),
            )
        except ValidationError as exc:
            error = _errors(exc)
        else:
            messages.success(request, _("重点部位已保存。"))
            return redirect(_back(grid))
    places = selectors.key_places_of(request.user, grid) if grid else []
    config = {
        **map_settings(),
        "boundary": selectors.grid_boundary(grid) if grid else None,
        "places": [
            {"id": p.pk, "name": p.name, "lat": p.lat, "lng": p.lng, "radius": p.radius_m, "active": p.is_active}
            for p in places
        ],
    }
    return render(
        request,
        "gridwork/key_places.html",
        {
            "grids": grids[:500],
            "grid": grid,
            "places": places,
            "config": config,
            "values": values,
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def switch(request, pk):
    holds(request, PERMISSION)
    try:
        place = actions.set_key_place_active(request.user, pk, request.POST.get("active") == "1")
    except KeyPlace.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("已启用。") if place.is_active else _("已停用，网格员不能再在此打卡。"))
    return redirect(_back(place.grid))
