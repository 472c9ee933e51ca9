"""Case categories (大类/小类) with their extra fields (the attributes a report may carry)."""

import django_filters
from rest_framework import serializers, viewsets

from civicgrid.cases.models import Category, CategoryKind
from civicgrid.core.serializers import ModelSerializer


class CategorySerializer(ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    extra_fields = serializers.JSONField(read_only=True)

    class Meta:
        model = Category
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "kind",
            "kind_display",
            "parent_code",
            "description",
            "keywords",
            "resident_selectable",
            "extra_fields",
        ]
        read_only_fields = fields  # responses only: no database-dependent bounds in the schema


class CategoryFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=CategoryKind.choices)
    major = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull", label="major classes only")
    parent = django_filters.CharFilter(field_name="parent__code")

    class Meta:
        model = Category
        fields = ["kind", "resident_selectable"]


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """案件类别（启用的大类与小类）。"""

    serializer_class = CategorySerializer
    filterset_class = CategoryFilter
    pagination_class = None

    def get_queryset(self):
        return Category.objects.active().select_related("parent").order_by("code")


def register(router):
    router.register("categories", CategoryViewSet, basename="category")
