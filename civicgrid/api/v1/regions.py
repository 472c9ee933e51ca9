"""Regions and grids, with their boundaries as GeoJSON. Every read starts from
Region.objects.restrict(user, "view"), exactly like the region pages."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from civicgrid.api.exceptions import ApiError
from civicgrid.core.serializers import ModelSerializer
from civicgrid.regions.models import Level, Region

GEOJSON_LIMIT = 2000


class RegionSerializer(ModelSerializer):
    parent_code = serializers.SerializerMethodField()
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "level_display", "parent_code", "centroid_lon", "centroid_lat", "is_active"]
        read_only_fields = fields  # responses only: no database-dependent bounds in the schema

    def get_parent_code(self, obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


class RegionDetailSerializer(RegionSerializer):
    boundary = serializers.JSONField(read_only=True, help_text="GeoJSON geometry (WGS84)")

    class Meta(RegionSerializer.Meta):
        fields = [*RegionSerializer.Meta.fields, "boundary"]
        read_only_fields = fields  # responses only: no database-dependent bounds in the schema


class RegionFilter(django_filters.FilterSet):
    level = django_filters.TypedChoiceFilter(choices=Level.choices, coerce=int)
    parent = django_filters.CharFilter(method="filter_parent", label="parent region code")
    within = django_filters.CharFilter(method="filter_within", label="region code whose subtree to list")
    q = django_filters.CharFilter(method="filter_q", label="name or code contains")

    class Meta:
        model = Region
        fields = ["level", "is_active"]

    def filter_parent(self, queryset, name, value):
        return queryset.filter(parent__code=value)

    def filter_within(self, queryset, name, value):
        return queryset.filter(code__startswith=value)

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))


def feature(region):
    return {
        "type": "Feature",
        "id": region.code,
        "geometry": region.boundary,
        "properties": {"code": region.code, "name": region.name, "level": region.level},
    }


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """区划与网格（行政区、街道、社区、网格、微网格）。"""

    lookup_field = "code"
    lookup_value_regex = r"\d{6,24}"
    filterset_class = RegionFilter

    def get_queryset(self):
        queryset = Region.objects.restrict(self.request.user, "view").order_by("code")
        if self.action == "list":
            queryset = queryset.defer("boundary")
        return queryset.select_related("parent").defer("parent__boundary")

    def get_serializer_class(self):
        return RegionSerializer if self.action == "list" else RegionDetailSerializer

    @extend_schema(
        summary="GeoJSON FeatureCollection of the filtered regions",
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, url_path="geojson")
    def geojson(self, request):
        queryset = self.filter_queryset(Region.objects.restrict(request.user, "view").order_by("code"))
        rows = list(queryset[: GEOJSON_LIMIT + 1])
        if len(rows) > GEOJSON_LIMIT:
            raise ApiError(
                "too_many_features",
                _("区域过多（超过 %(n)d 个），请按上级或层级筛选。") % {"n": GEOJSON_LIMIT},
                400,
            )
        return Response({"type": "FeatureCollection", "features": [feature(r) for r in rows]})

    @extend_schema(
        summary="Where a point lies: its grid, community and street",
        parameters=[
            OpenApiParameter("lon", float, required=True),
            OpenApiParameter("lat", float, required=True),
        ],
        responses={200: RegionSerializer(many=True)},
    )
    @action(detail=False)
    def locate(self, request):
        from civicgrid.cases import routing

        try:
            lon, lat = float(request.query_params.get("lon")), float(request.query_params.get("lat"))
        except (TypeError, ValueError):
            raise ApiError("invalid", _("请提供经度 lon 和纬度 lat。"), 400, {"lon": [], "lat": []}) from None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ApiError("invalid", _("经纬度超出范围。"), 400)
        node = routing.locate(lon, lat)
        if node is None:
            return Response([])
        codes = [*node.ancestor_codes(), node.code]
        visible = Region.objects.restrict(request.user, "view").filter(code__in=codes).defer("boundary")
        return Response(RegionSerializer(visible.order_by("level"), many=True).data)


def register(router):
    router.register("regions", RegionViewSet, basename="region")
