from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from civicgrid.regions.actions import import_boundaries, set_boundary
from civicgrid.regions.forms import BoundaryImportForm, RegionAdminForm
from civicgrid.regions.models import Department, Region, RegionLevel

# Errors listed on the import page; a file that is wrong everywhere needs fixing at the source,
# not ten thousand table rows.
MAX_ERRORS_SHOWN = 200


@admin.register(RegionLevel)
class RegionLevelAdmin(admin.ModelAdmin):
    list_display = ("level", "name", "name_en", "code_digits", "enabled")


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    form = RegionAdminForm
    list_display = ("code", "name", "level", "parent", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    readonly_fields = ("centroid_lon", "centroid_lat", "boundary_updated_at")

    def get_urls(self):
        extra = [
            path(
                "import-boundaries/",
                self.admin_site.admin_view(self.import_boundaries_view),
                name="regions_region_import_boundaries",
            )
        ]
        return extra + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import_boundaries": self.has_change_permission(request)}
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "boundary" in form.changed_data:
            # Through the action, so the centroid, boundary_updated_at and the locator follow.
            set_boundary(obj, obj.boundary)

    def import_boundaries_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        report = None
        form = BoundaryImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            create_missing = form.cleaned_data["create_missing"]
            if create_missing and not self.has_add_permission(request):
                raise PermissionDenied
            report = import_boundaries(
                form.cleaned_data["file"].read(),
                create_missing=create_missing,
                dry_run=form.cleaned_data["dry_run"],
            )
            counts = {"created": report.created, "updated": report.updated}
            if report.ok and not report.dry_run:
                messages.success(request, _("导入成功：新建 %(created)d 个、更新 %(updated)d 个区划边界。") % counts)
                return redirect("admin:regions_region_changelist")
            if report.ok:
                messages.info(
                    request, _("检查通过（未写入）：将新建 %(created)d 个、更新 %(updated)d 个区划边界。") % counts
                )
            else:
                messages.error(request, _("导入失败：共 %(n)d 个错误，未写入任何数据。") % {"n": len(report.errors)})
        context = {
            **self.admin_site.each_context(request),
            "title": _("导入边界（GeoJSON）"),
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "errors_shown": report.errors[:MAX_ERRORS_SHOWN] if report else [],
            "errors_hidden": max(0, len(report.errors) - MAX_ERRORS_SHOWN) if report else 0,
        }
        return TemplateResponse(request, "admin/regions/region/import_boundaries.html", context)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "region", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    autocomplete_fields = ("region",)
