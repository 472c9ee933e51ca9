from django.contrib import admin

from civicgrid.regions.models import Department, Region, RegionLevel


@admin.register(RegionLevel)
class RegionLevelAdmin(admin.ModelAdmin):
    list_display = ("level", "name", "name_en", "code_digits", "enabled")


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    readonly_fields = ("centroid_lon", "centroid_lat", "boundary_updated_at")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "region", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    autocomplete_fields = ("region",)
