"""The write path for base data: one `@transaction.atomic` function per action, by record:

- `buildings`: buildings (their units and the grid they move to) and houses;
- `persons`: persons, their households and tags;
- `places`: compounds, property companies, merchants and enterprises, rentals, the tag list, and
  deleting any of them (the admin);
- `visits`: door-knocking verification;
- `privacy`: unmasking, the access log, anonymisation.

Callers pass records they loaded through `restrict(user, "change")` (views and the admin do, so a
record outside the user's scope is a 404 before anything runs). Each action validates (the rules
shared with the importers are in rules.py), changes the rows, and appends an ObjectChange with the
before/after snapshot (never plaintext ID numbers or phones: their masked form). A refused action
raises ValidationError or PermissionDenied before writing, and the transaction undoes anything else.

Every public name is importable from here: `from civicgrid.people import actions; actions.save_house(…)`.
"""

from civicgrid.people.actions.buildings import (
    LOWEST_FLOOR,
    building_shape_errors,
    generate_houses,
    reshape_building,
    save_building,
    save_house,
)
from civicgrid.people.actions.common import (
    BUILDING_FIELDS,
    COMPOUND_FIELDS,
    ENTERPRISE_FIELDS,
    HOUSE_FIELDS,
    HOUSEHOLD_FIELDS,
    PERSON_EDITABLE,
    PERSON_FIELDS,
    PROPERTY_COMPANY_FIELDS,
    RENTAL_FIELDS,
)
from civicgrid.people.actions.persons import (
    clean_identity,
    create_household,
    move_in,
    move_out,
    register_person,
    set_tags,
    update_person,
)
from civicgrid.people.actions.places import (
    TAG_FIELDS,
    delete_record,
    record_compound_star,
    register_rental,
    save_compound,
    save_enterprise,
    save_property_company,
    save_tag,
    update_rental,
)
from civicgrid.people.actions.privacy import ANONYMOUS_NAME, UNMASK_FIELDS, anonymise_moved_out, log_access, unmask
from civicgrid.people.actions.visits import verify_house

__all__ = [
    "ANONYMOUS_NAME",
    "BUILDING_FIELDS",
    "COMPOUND_FIELDS",
    "ENTERPRISE_FIELDS",
    "HOUSEHOLD_FIELDS",
    "HOUSE_FIELDS",
    "LOWEST_FLOOR",
    "PERSON_EDITABLE",
    "PERSON_FIELDS",
    "PROPERTY_COMPANY_FIELDS",
    "RENTAL_FIELDS",
    "TAG_FIELDS",
    "UNMASK_FIELDS",
    "anonymise_moved_out",
    "building_shape_errors",
    "clean_identity",
    "create_household",
    "delete_record",
    "generate_houses",
    "log_access",
    "move_in",
    "move_out",
    "register_person",
    "register_rental",
    "reshape_building",
    "save_building",
    "record_compound_star",
    "save_compound",
    "save_enterprise",
    "save_house",
    "save_property_company",
    "save_tag",
    "set_tags",
    "unmask",
    "update_person",
    "update_rental",
    "verify_house",
]
