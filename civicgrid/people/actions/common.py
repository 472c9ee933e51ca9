"""What every action module shares: the fields each record's change-log snapshot holds and the
permission check."""

from django.core.exceptions import PermissionDenied

from civicgrid.core.models import ObjectChange
from civicgrid.people.policy import allowed

BUILDING_FIELDS = (
    "code",
    "name",
    "grid",
    "compound",
    "address",
    "building_type",
    "floors",
    "units",
    "lon",
    "lat",
)
HOUSE_FIELDS = ("building", "unit", "floor", "number", "area", "usage", "last_verified_at", "last_verified_by")
COMPOUND_FIELDS = ("name", "community", "address", "star", "property_company")
PROPERTY_COMPANY_FIELDS = ("name", "credit_code", "contact", "phone_masked", "region")
ENTERPRISE_FIELDS = (
    "name",
    "kind",
    "credit_code",
    "grid",
    "building",
    "address",
    "industry",
    "contact",
    "phone_masked",
    "employees",
)
RENTAL_FIELDS = ("house", "landlord", "landlord_name", "start", "end", "note")
HOUSEHOLD_FIELDS = ("house", "number", "head", "is_active", "last_verified_at", "last_verified_by")
PERSON_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "id_number_masked",
    "phone_masked",
    "ethnicity",
    "residence_type",
    "relation",
    "political_status",
    "notes",
    "house",
    "household",
    "moved_out_at",
)
PERSON_EDITABLE = ("name", "ethnicity", "residence_type", "relation", "political_status", "notes")
Action = ObjectChange.Action


def require(user, permission, region_code):
    if not allowed(user, permission, region_code):
        raise PermissionDenied


def actor_id(user):
    return getattr(user, "pk", None)
