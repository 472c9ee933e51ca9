"""The read path of the services app. Directory links and craftsmen start from
`restrict(user, "view")` (the user's subtree) joined with the rows kept on the ancestors of their
place (a district's links serve every community under it); a resident's orders are their own, a
craftsman's jobs those addressed to their linked account; staff see the orders of their subtree."""

import math

from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404

from civicgrid.accounts.scopes import scope_codes
from civicgrid.people import selectors as people_selectors
from civicgrid.people.models import EnterpriseKind
from civicgrid.regions.models import Level, Region
from civicgrid.services.models import Craftsman, CraftsmanOrder, CraftsmanStatus, ServiceLink
from civicgrid.services.policy import prefixes, resident_communities

EARTH_RADIUS_M = 6_371_008.8
# Metres per degree of latitude on the haversine's sphere; the box is 1 % wider than the circle so that
# no shop on its rim falls outside it (the exact distance decides).
METRES_PER_DEGREE = 2 * math.pi * EARTH_RADIUS_M / 360
BOX_MARGIN = 1.01
WALK_CHOICES = (500, 1000, 2000)


def _with_ancestors(model, user, action="view"):
    """restrict(user, action) plus the rows kept on the ancestors of the user's places."""
    permission = f"{model._meta.app_label}.{action}_{model._meta.model_name}"
    codes = scope_codes(user, permission)
    if codes is None:
        return model.objects.all()
    above = sorted({p for code in codes for p in prefixes(code)})
    return model.objects.restrict(user, action) | model.objects.filter(region_code__in=above)


# --- The directory ----------------------------------------------------------------------------------


def links_for(user, category=""):
    rows = _with_ancestors(ServiceLink, user).filter(is_published=True)
    if category:
        rows = rows.filter(category=category)
    return rows.order_by("category", "order", "pk")


def link_for(user, pk):
    return get_object_or_404(links_for(user), pk=pk)


def managed_links(user):
    return ServiceLink.objects.restrict(user, "change").order_by("category", "order", "pk")


def link_places(user):
    """The districts and streets where the user keeps the directory."""
    return _places(user, "services.change_servicelink", (Level.DISTRICT, Level.STREET))


def _places(user, permission, levels):
    codes = scope_codes(user, permission)
    rows = Region.objects.filter(level__in=levels)
    if codes is not None:
        if not codes:
            return rows.none()
        q = Q(pk__in=[])
        for code in codes:
            q |= Q(code__startswith=code)
        rows = rows.filter(q)
    return rows.order_by("code")


def craftsman_areas(user):
    """The communities, grids and micro-grids where the user keeps craftsmen."""
    return _places(user, "services.change_craftsman", (Level.COMMUNITY, Level.GRID, Level.MICROGRID))


# --- Craftsmen ---------------------------------------------------------------------------------------


def craftsmen_for(user, skill=""):
    """The verified craftsmen serving the user's place (residents: their community)."""
    rows = _with_ancestors(Craftsman, user).filter(status=CraftsmanStatus.VERIFIED)
    if skill:
        rows = rows.filter(skills__contains=f",{skill},")
    return rows.order_by("-is_available", "name", "pk")


def craftsman_for(user, pk):
    return get_object_or_404(craftsmen_for(user), pk=pk)


def managed_craftsmen(user, status=""):
    rows = Craftsman.objects.restrict(user, "change").select_related("area", "user")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("status", "region_code", "name", "pk")


def managed_craftsman(user, pk):
    return get_object_or_404(managed_craftsmen(user), pk=pk)


# --- Orders ------------------------------------------------------------------------------------------


def orders_of(user):
    """The resident's own orders."""
    return CraftsmanOrder.objects.filter(resident=user).select_related("craftsman").order_by("-created_at", "-pk")


def order_of(user, pk):
    return get_object_or_404(orders_of(user), pk=pk)


def craftsman_of(user):
    """The craftsman record linked to the user's account, or None."""
    if not user.is_authenticated:
        return None
    return Craftsman.objects.filter(user=user).first()


def jobs_for(user):
    """The orders addressed to the craftsman linked to the user's account."""
    return (
        CraftsmanOrder.objects.filter(craftsman__user=user)
        .select_related("craftsman", "resident")
        .order_by("-created_at", "-pk")
    )


def job_for(user, pk):
    return get_object_or_404(jobs_for(user), pk=pk)


def orders_overview(user, status=""):
    rows = CraftsmanOrder.objects.restrict(user, "view").select_related("craftsman", "resident")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-pk")


# --- Shops near home ---------------------------------------------------------------------------------


def home_for(user):
    """{"lon", "lat", "address", "exact"} of the resident's home: their house's building from base data
    (people.selectors.home_of, matched by the account's phone), else the centre of their community
    (exact False); None when neither is known."""
    communities = resident_communities(user)
    address = ""
    for code in communities:
        home = people_selectors.home_of(user.phone, code)
        if home is None:
            continue
        address = address or home["address"]
        if home["lon"] is not None and home["lat"] is not None:
            return {**home, "exact": True}
    for code in communities:
        region = Region.objects.filter(code=code).only("name", "centroid_lon", "centroid_lat").first()
        if region is not None and region.centroid_lon is not None and region.centroid_lat is not None:
            return {
                "lon": region.centroid_lon,
                "lat": region.centroid_lat,
                "address": address,
                "exact": False,
                "place": region.name,
            }
    return None


def distance_m(lon1, lat1, lon2, lat2):
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def shops_near(lon, lat, metres=None, kind=""):
    """The merchants and enterprises within `metres` of (lon, lat), nearest first, each with its
    distance in whole metres: a bounding box in SQL, then the exact distance in Python."""
    metres = metres or settings.SERVICES_WALK_METRES
    if kind and kind not in EnterpriseKind.values:
        kind = ""
    dlat = metres * BOX_MARGIN / METRES_PER_DEGREE
    dlon = (
        metres
        * BOX_MARGIN
        / (METRES_PER_DEGREE * max(math.cos(math.radians(lat + (dlat if lat >= 0 else -dlat))), 0.01))
    )
    rows = people_selectors.public_enterprises_in_box(lon - dlon, lat - dlat, lon + dlon, lat + dlat, kind=kind)
    labels = dict(EnterpriseKind.choices)
    shops = []
    for row in rows:
        distance = distance_m(lon, lat, row["building__lon"], row["building__lat"])
        if distance <= metres:
            shops.append(
                {
                    "name": row["name"],
                    "kind": row["kind"],
                    "kind_label": str(labels.get(row["kind"], row["kind"])),
                    "industry": row["industry"],
                    "address": row["address"],
                    "lon": row["building__lon"],
                    "lat": row["building__lat"],
                    "distance": round(distance),
                }
            )
    shops.sort(key=lambda shop: (shop["distance"], shop["name"]))
    return shops
