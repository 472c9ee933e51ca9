"""Admin: reference data (tags, property companies, compounds, merchants, rentals) can be edited here
(staff use the people pages, which write the change log);
persons are read-only and masked (their writes go through actions.py with the change log), and the
access log and imports are read-only."""

from django.contrib import admin

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


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "sensitivity", "order")
    list_filter = ("sensitivity",)


# Contact phones are sealed: the admin shows the masked form only and never the ciphertext or hash
# (they are set through the staff pages, actions.save_property_company / save_enterprise).
SEALED_PHONE = ("phone_enc", "phone_hash")

# The forms list their fields: the ones the abstract bases bring (region_code, the sealed phone) would
# otherwise come first.


@admin.register(PropertyCompany)
class PropertyCompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "contact", "phone_masked", "region_code")
    search_fields = ("name", "credit_code")
    fields = ("name", "credit_code", "contact", "region", "region_code", "phone_masked")
    exclude = SEALED_PHONE
    readonly_fields = ("phone_masked",)


@admin.register(Compound)
class CompoundAdmin(admin.ModelAdmin):
    list_display = ("name", "region_code", "star", "property_company")
    search_fields = ("name",)
    list_filter = ("star",)
    raw_id_fields = ("community", "property_company")
    fields = ("name", "community", "region_code", "address", "star", "property_company")


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region_code", "industry", "contact", "phone_masked", "employees")
    list_filter = ("kind",)
    search_fields = ("name", "credit_code")
    raw_id_fields = ("grid", "building")
    fields = (
        "name",
        "kind",
        "credit_code",
        "grid",
        "region_code",
        "building",
        "address",
        "industry",
        "contact",
        "employees",
        "phone_masked",
    )
    exclude = SEALED_PHONE
    readonly_fields = ("phone_masked",)


@admin.register(Rental)
class RentalAdmin(admin.ModelAdmin):
    list_display = ("house", "landlord_name", "start", "end", "region_code")
    raw_id_fields = ("house", "landlord", "tenants")
    fields = ("house", "region_code", "landlord", "landlord_name", "tenants", "start", "end", "note")


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


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "kind", "person", "field", "reason", "rows")
    list_filter = ("kind",)


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "kind", "filename", "rows", "created", "updated", "accepted")
