from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from civicgrid.accounts.actions import delete_user, grant_role, record_password_set, revoke_role, save_user
from civicgrid.accounts.models import RoleAssignment, SecurityEvent, User
from civicgrid.core.admin import ChangeLogAdmin


@admin.register(User)
class UserAdmin(ChangeLogAdmin, DjangoUserAdmin):
    """Saves through accounts.actions, so every change of an account (is_active, is_staff,
    is_superuser…) is in the change log with the administrator who made it, and a password set
    here is logged as such (without any value). The history page lists them."""

    list_display = ("username", "name", "phone_shown", "is_active", "is_staff", "last_login")
    search_fields = ("username", "name", "phone")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("name", "phone", "email")}),
        (_("状态"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "name", "phone", "password1", "password2")}),)
    readonly_fields = ("last_login", "date_joined")

    @admin.display(description=_("手机号"), ordering="phone")
    def phone_shown(self, obj):
        return obj.masked_phone

    def save_model(self, request, obj, form, change):
        save_user(obj, actor=request.user, request=request)

    def delete_model(self, request, obj):
        delete_user(obj, actor=request.user, request=request)

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        old_hash = user.password if user is not None else None
        response = super().user_change_password(request, id, form_url)
        if user is not None and request.method == "POST":
            user.refresh_from_db(fields=["password"])
            if user.password != old_hash:
                record_password_set(user, actor=request.user, request=request)
        return response


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ChangeLogAdmin, admin.ModelAdmin):
    """Grants go through grant_role and revocations through revoke_role, so both are logged."""

    list_display = ("user", "role", "region", "department", "granted_at", "revoked_at")
    list_filter = ("role", "revoked_at")
    search_fields = ("user__username", "user__name", "region__name", "region__code", "department__name")
    autocomplete_fields = ("user", "region", "department")
    fields = ("user", "role", "region", "department")
    actions = ["revoke_selected"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        assignment = grant_role(
            obj.user, obj.role, region=obj.region, department=obj.department, actor=request.user, request=request
        )
        obj.pk = assignment.pk

    @admin.action(description=_("撤销所选角色授权"))
    def revoke_selected(self, request, queryset):
        count = 0
        for assignment in queryset.filter(revoked_at__isnull=True):
            revoke_role(assignment, actor=request.user, request=request)
            count += 1
        self.message_user(request, _("已撤销 %(n)d 项授权。") % {"n": count}, messages.SUCCESS)


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ("at", "kind", "username", "user", "actor", "ip_address")
    list_filter = ("kind",)
    search_fields = ("username", "ip_address")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
