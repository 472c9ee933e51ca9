"""Admin: reference data (tags, property companies, compounds, merchants, rentals) can be edited here,
through the same actions as the staff pages (actions.save_compound, save_property_company,
save_enterprise, register_rental / update_rental, save_tag, delete_record), so every add, change and
deletion writes its change-log row and obeys the same rules. What an admin user sees and may pick
(regions, buildings, houses, persons) is limited to their scope (`restrict`, scope_codes) unless
they are a superuser; a record outside it is not found.

Persons are read-only and masked (their writes go through the staff pages), and the access log and
imports are read-only. Buildings and houses are edited on the staff pages only (units, floors and
residents come with them)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from civicgrid.accounts.scopes import scope_codes
from civicgrid.core.forms import ModelForm
from civicgrid.core.scoping import subtree_q
from civicgrid.people import actions
from civicgrid.people.models import (
    AccessLog,
    Compound,
    Enterprise,
    ImportRun,
    Person,
    PropertyCompany,
    Rental,
    Tag,
)
from civicgrid.people.policy import allowed
from civicgrid.regions.models import Region

# Contact phones are sealed: the admin shows the masked form only and never the ciphertext or hash;
# a new number is typed into the form's `phone` box and sealed by the action.
SEALED_PHONE = ("phone_enc", "phone_hash", "phone_masked")


class ActionForm(ModelForm):
    """A model form whose clean() saves through the action (so its rules show as form errors); the
    admin's own save then has nothing left to do. `user` is set by ActionAdmin.get_form."""

    user = None
    saves = ()  # the model fields handed to the action

    def action_fields(self):
        return {name: self.cleaned_data[name] for name in self.saves if name in self.cleaned_data}

    def save_through_action(self, fields):
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        fields = self.action_fields()
        try:
            self.saved = self.save_through_action(fields)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
            for field, messages in errors.items():
                self.add_error(field if field in self.fields else None, messages)
        return data

    def _post_clean(self):
        # The action validated and saved the record; model validation ran there.
        pass


class ActionAdmin(admin.ModelAdmin):
    """Scoped lists and pickers; saving and deleting through the actions."""

    change_permission = None  # the people.* permission whose scope decides who may change a record

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def get_queryset(self, request):
        return self.model.objects.restrict(request.user, "view")

    def in_scope(self, request, obj):
        return obj is None or allowed(request.user, self.change_permission, obj.region_code)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.in_scope(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs["queryset"] = self.scoped_choices(db_field, request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs["queryset"] = self.scoped_choices(db_field, request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def scoped_choices(self, db_field, request):
        model = db_field.related_model
        if model is Region:
            codes = scope_codes(request.user, self.change_permission)
            regions = Region.objects.all()
            return regions if codes is None else regions.filter(subtree_q("code", codes))
        if hasattr(model.objects, "restrict"):
            return model.objects.restrict(request.user, "view")
        return model.objects.all()

    def save_model(self, request, obj, form, change):
        pass  # saved by the form, through the action

    def save_related(self, request, form, formsets, change):
        pass  # many-to-many values too (a rental's tenants)

    def delete_model(self, request, obj):
        actions.delete_record(request.user, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            actions.delete_record(request.user, obj)


def _saved(form, obj):
    """The record the action saved, in place of the unsaved one the admin built from the form."""
    return getattr(form, "saved", obj)


class SavedFormMixin:
    def save_form(self, request, form, change):
        return _saved(form, form.instance)


class ScopedAdmin(SavedFormMixin, ActionAdmin):
    pass


# --- Tags (not scoped: one list for the district) ----------------------------------------------------


class TagForm(ActionForm):
    class Meta:
        model = Tag
        fields = list(actions.TAG_FIELDS)

    saves = actions.TAG_FIELDS

    def save_through_action(self, fields):
        return actions.save_tag(self.user, self.instance, **fields)


@admin.register(Tag)
class TagAdmin(ScopedAdmin):
    form = TagForm
    list_display = ("code", "name", "sensitivity", "order")
    list_filter = ("sensitivity",)

    def get_queryset(self, request):
        return Tag.objects.all()

    def in_scope(self, request, obj):
        return True


# --- Property companies, compounds, enterprises -------------------------------------------------------


class ContactPhoneForm(ActionForm):
    phone = forms.CharField(
        label=_("联系电话"), max_length=30, required=False, help_text=_("留空表示不修改；填写后替换原号码。")
    )
    clear_phone = forms.BooleanField(label=_("清除联系电话"), required=False)

    def contact_phone(self):
        if self.cleaned_data.get("clear_phone"):
            return ""
        return (self.cleaned_data.get("phone") or "").strip() or None


class PropertyCompanyForm(ContactPhoneForm):
    class Meta:
        model = PropertyCompany
        fields = ["name", "credit_code", "contact", "region"]

    saves = ("name", "credit_code", "contact", "region")

    def save_through_action(self, fields):
        return actions.save_property_company(self.user, self.instance, phone=self.contact_phone(), **fields)


@admin.register(PropertyCompany)
class PropertyCompanyAdmin(ScopedAdmin):
    form = PropertyCompanyForm
    change_permission = "people.change_propertycompany"
    list_display = ("name", "credit_code", "contact", "phone_masked", "region_code")
    search_fields = ("name", "credit_code")
    readonly_fields = ("phone_masked",)
    raw_id_fields = ("region",)


class CompoundForm(ActionForm):
    class Meta:
        model = Compound
        fields = list(actions.COMPOUND_FIELDS)

    saves = actions.COMPOUND_FIELDS

    def save_through_action(self, fields):
        return actions.save_compound(self.user, self.instance, **fields)


@admin.register(Compound)
class CompoundAdmin(ScopedAdmin):
    form = CompoundForm
    change_permission = "people.change_compound"
    list_display = ("name", "region_code", "star", "property_company")
    search_fields = ("name",)
    list_filter = ("star",)
    raw_id_fields = ("community", "property_company")


class EnterpriseForm(ContactPhoneForm):
    class Meta:
        model = Enterprise
        fields = [f for f in actions.ENTERPRISE_FIELDS if f != "phone_masked"]

    saves = tuple(f for f in actions.ENTERPRISE_FIELDS if f != "phone_masked")

    def save_through_action(self, fields):
        return actions.save_enterprise(self.user, self.instance, phone=self.contact_phone(), **fields)


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdmin):
    form = EnterpriseForm
    change_permission = "people.change_enterprise"
    list_display = ("name", "kind", "region_code", "industry", "contact", "phone_masked", "employees")
    list_filter = ("kind",)
    search_fields = ("name", "credit_code")
    raw_id_fields = ("grid", "building")
    readonly_fields = ("phone_masked",)


# --- Rentals --------------------------------------------------------------------------------------------


class RentalForm(ActionForm):
    class Meta:
        model = Rental
        fields = ["house", "landlord", "landlord_name", "tenants", "start", "end", "note"]

    saves = ("house", "landlord", "landlord_name", "tenants", "start", "end", "note")

    def save_through_action(self, fields):
        tenant_ids = [t.pk for t in fields.pop("tenants", [])]
        if self.instance.pk is None:
            house = fields.pop("house")
            return actions.register_rental(self.user, house, tenant_ids=tenant_ids, **fields)
        return actions.update_rental(self.user, self.instance, tenant_ids=tenant_ids, **fields)


@admin.register(Rental)
class RentalAdmin(ScopedAdmin):
    form = RentalForm
    change_permission = "people.change_house"
    list_display = ("house", "landlord_name", "start", "end", "region_code")
    raw_id_fields = ("house", "landlord", "tenants")


# --- Read-only --------------------------------------------------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("name", "gender", "birth_date", "id_number_masked", "phone_masked", "region_code")
    search_fields = ("name",)
    exclude = ("id_number_enc", "id_number_hash", "phone_enc", "phone_hash")

    def get_queryset(self, request):
        return Person.objects.restrict(request.user, "view")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "kind", "person", "field", "reason", "rows")
    list_filter = ("kind",)

    def get_queryset(self, request):
        return AccessLog.objects.restrict(request.user, "view")


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "kind", "filename", "rows", "created", "updated", "accepted")
