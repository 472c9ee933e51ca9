from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from civicgrid.core.admin import ChangeLogAdmin
from civicgrid.regions.actions import (
    REGION_FIXED_FIELDS,
    create_region,
    delete_department,
    delete_region,
    import_boundaries,
    save_department,
    update_region,
)
from civicgrid.regions.forms import BoundaryImportForm, RegionAdminForm
from civicgrid.regions.models import Department, Region, RegionLevel

# Errors listed on the import page; a file that is wrong everywhere needs fixing at the source,
# not ten thousand table rows.
MAX_ERRORS_SHOWN = 200


@admin.register(RegionLevel)
class RegionLevelAdmin(admin.ModelAdmin):
    list_display = ("level", "name", "name_en", "code_digits", "enabled")


@admin.register(Region)
class RegionAdmin(ChangeLogAdmin, admin.ModelAdmin):
    """Saves through regions.actions (change log, boundary checks, the locator); a node's code, level
    and parent are read-only once it exists (its history is its "History" page)."""

    form = RegionAdminForm
    list_display = ("code", "name", "level", "parent", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    readonly_fields = ("centroid_lon", "centroid_lat", "boundary_updated_at")

    def get_readonly_fields(self, request, obj=None):
        fixed = REGION_FIXED_FIELDS if obj is not None and obj.pk else ()
        return (*fixed, *super().get_readonly_fields(request, obj))

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
        # Through the actions, so the change log, the centroid, boundary_updated_at and the locator follow.
        if change:
            changes = {"name": obj.name, "is_active": obj.is_active}
            if "boundary" in form.changed_data:
                changes["boundary"] = obj.boundary
            saved = update_region(obj, user=request.user, **changes)
        else:
            saved = create_region(
                code=obj.code,
                name=obj.name,
                parent=obj.parent,
                level=obj.level,
                boundary=obj.boundary,
                is_active=obj.is_active,
                user=request.user,
            )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        delete_region(obj, user=request.user)

    def import_boundaries_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        report = None
        form = BoundaryImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            create_missing = form.cleaned_data["create_missing"]
            if create_missing and not self.has_add_permission(request):
                raise PermissionDenied
            upload = form.cleaned_data["file"]
            report = import_boundaries(
                upload.read(),
                create_missing=create_missing,
                dry_run=form.cleaned_data["dry_run"],
                user=request.user,
                note=_("导入边界：%(file)s") % {"file": upload.name},
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
class DepartmentAdmin(ChangeLogAdmin, admin.ModelAdmin):
    list_display = ("code", "name", "kind", "region", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    autocomplete_fields = ("region",)

    def save_model(self, request, obj, form, change):
        save_department(obj, user=request.user)

    def delete_model(self, request, obj):
        delete_department(obj, user=request.user)
