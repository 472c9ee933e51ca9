"""Read-only API for buildings, houses, households and persons (`register(router)` adds them under
people/…). Scoped exactly like the pages (`restrict(user, "view")`, out of scope is 404) and masked
exactly like them: the API never returns plaintext ID numbers or phones (unmasking is page-only,
with a reason and an access-log row).

Base data is for people only: a person's token (or session) whose roles hold the model's view
permission somewhere. An application's API key is refused (403) whatever its role — applications
file and read cases, never the register (issue 12)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers, viewsets

from civicgrid.core.scoping import subtree_q
from civicgrid.core.serializers import ModelSerializer
from civicgrid.people import rules, selectors
from civicgrid.people.models import Building, House, Household, Person
from civicgrid.people.policy import allowed, tag_visibility, visible_tag_q


class RegionFilterMixin(django_filters.FilterSet):
    region = django_filters.CharFilter(method="filter_region", label="region code (subtree)")

    def filter_region(self, queryset, name, value):
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(subtree_q("region_code", [value]))


class BuildingFilter(RegionFilterMixin):
    class Meta:
        model = Building
        fields = ["region", "code", "building_type", "compound"]


class HouseFilter(RegionFilterMixin):
    class Meta:
        model = House
        fields = ["region", "building", "usage", "floor"]


class HouseholdFilter(RegionFilterMixin):
    class Meta:
        model = Household
        fields = ["region", "house", "is_active"]


class PersonFilter(RegionFilterMixin):
    name = django_filters.CharFilter(method="filter_name", label="name starts with")
    id_number = django_filters.CharFilter(method="filter_id_number", label="exact ID number")
    phone = django_filters.CharFilter(method="filter_phone", label="exact phone")
    tag = django_filters.CharFilter(method="filter_tag", label="tag code")
    current = django_filters.BooleanFilter(method="filter_current", label="living here now")

    class Meta:
        model = Person
        fields = ["region", "name", "house", "household", "residence_type", "gender"]

    def filter_name(self, queryset, name, value):
        return queryset.filter(*selectors.name_prefix(value))

    def filter_id_number(self, queryset, name, value):
        return queryset.filter(id_number_hash=rules.id_number_hash(value))

    def filter_phone(self, queryset, name, value):
        return queryset.filter(phone_hash=rules.phone_hash(value))

    def filter_tag(self, queryset, name, value):
        # One filter() call: the code and the clearance apply to the same tag row.
        visible = visible_tag_q(self.request.user, "region_code", "person_tags__tag__sensitivity")
        return queryset.filter(Q(person_tags__tag__code=value) & visible)

    def filter_current(self, queryset, name, value):
        return queryset.filter(house__isnull=not value)


# Small integers declared with their PostgreSQL range: left to the model, the schema would take
# the range of whichever database generated it (SQLite's is 64-bit) and drift between the two.
SMALL_RANGE = {"min_value": -32768, "max_value": 32767}


class BuildingSerializer(ModelSerializer):
    grid_code = serializers.CharField(source="region_code", read_only=True)
    floors = serializers.IntegerField(min_value=0, max_value=SMALL_RANGE["max_value"])
    units = serializers.IntegerField(min_value=0, max_value=SMALL_RANGE["max_value"])

    class Meta:
        model = Building
        fields = [
            "id",
            "code",
            "name",
            "grid",
            "grid_code",
            "compound",
            "address",
            "building_type",
            "floors",
            "units",
            "lon",
            "lat",
        ]


class HouseSerializer(ModelSerializer):
    unit_number = serializers.CharField(source="unit.number", default="", read_only=True)
    floor = serializers.IntegerField(**SMALL_RANGE)

    class Meta:
        model = House
        fields = [
            "id",
            "building",
            "unit_number",
            "region_code",
            "floor",
            "number",
            "area",
            "usage",
            "last_verified_at",
            "last_verified_by",
        ]


class HouseholdSerializer(ModelSerializer):
    class Meta:
        model = Household
        fields = ["id", "house", "region_code", "number", "head", "is_active", "last_verified_at", "last_verified_by"]


class PersonSerializer(ModelSerializer):
    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    phone = serializers.CharField(source="phone_masked", read_only=True)
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "gender",
            "birth_date",
            "id_number",
            "phone",
            "ethnicity",
            "residence_type",
            "relation",
            "political_status",
            "house",
            "household",
            "region_code",
            "moved_out_at",
            "tags",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, person) -> list[str]:
        """Codes of the person's tags the viewer may see (sensitive ones only where cleared)."""
        visible = self.context.get("tag_visibility") or (lambda _code, sensitivity: sensitivity <= 1)
        return [pt.tag.code for pt in person.person_tags.all() if visible(person.region_code, pt.tag.sensitivity)]


class PersonWithBaseDataPermission(permissions.IsAuthenticated):
    """A signed-in person (token or session, never an API key) holding the view permission of the
    viewset's model somewhere; what they see within it is then scoped by `restrict`."""

    message = _("基础数据只对具有相应权限的工作人员开放，API 密钥不能访问。")

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if getattr(request.user, "_api_key", None) is not None:
            return False
        model = view.queryset.model
        return allowed(request.user, f"{model._meta.app_label}.view_{model._meta.model_name}")


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [PersonWithBaseDataPermission]

    def get_queryset(self):
        return self.queryset.model.objects.restrict(self.request.user, "view").order_by("pk")


class BuildingViewSet(ScopedViewSet):
    queryset = Building.objects.all()
    serializer_class = BuildingSerializer
    filterset_class = BuildingFilter


class HouseViewSet(ScopedViewSet):
    queryset = House.objects.all()
    serializer_class = HouseSerializer
    filterset_class = HouseFilter

    def get_queryset(self):
        return super().get_queryset().select_related("unit")


class HouseholdViewSet(ScopedViewSet):
    queryset = Household.objects.all()
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilter


class PersonViewSet(ScopedViewSet):
    queryset = Person.objects.all()
    serializer_class = PersonSerializer
    filterset_class = PersonFilter

    def get_queryset(self):
        return super().get_queryset().prefetch_related("person_tags__tag").distinct()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["tag_visibility"] = tag_visibility(self.request.user)
        return context


def register(router):
    router.register("people/buildings", BuildingViewSet, basename="people-building")
    router.register("people/houses", HouseViewSet, basename="people-house")
    router.register("people/households", HouseholdViewSet, basename="people-household")
    router.register("people/persons", PersonViewSet, basename="people-person")
