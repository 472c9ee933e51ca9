"""The policy table is assembled from what each app registers (its permissions.py), and the system
check accounts.E001/E002 keeps the code and the table in agreement."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from civicgrid.accounts import checks, roledoc, roles
from civicgrid.accounts.models import Role
from civicgrid.accounts.roles import Permissions

DOC = Path(__file__).resolve().parents[3] / "docs" / "roles.md"

PEOPLE_VIEW = {
    "people.view_building",
    "people.view_compound",
    "people.view_enterprise",
    "people.view_house",
    "people.view_household",
    "people.view_person",
    "people.view_propertycompany",
    "people.view_rental",
}
VIEW_TREE = {"regions.view_region", "regions.view_department"}
CASE_WORK = {"cases.add_case", "cases.view_case"}
SCREEN = {"dashboard.view_screen", "dashboard.acknowledge_warning"}
# Organising community activities (civicgrid/activities/permissions.py): street and community staff.
ACTIVITIES = {
    "activities.view_activity",
    "activities.add_activity",
    "activities.change_activity",
    "activities.view_enrolment",
    "activities.change_enrolment",
    "activities.view_photo",
    "activities.add_photo",
}
NOTICES_READ = {"notices.view_notice", "notices.view_noticeread"}
NOTICES_WRITE = NOTICES_READ | {"notices.add_notice", "notices.change_notice", "notices.approve_notice"}
CONSULT = {"consult.view_poll", "consult.add_poll", "consult.change_poll"} | {
    "consult.view_meeting",
    "consult.add_meeting",
    "consult.change_meeting",
}
# --- volunteers --- managing volunteers, teams, projects and wishes: street and community staff.
VOLUNTEERS = {
    "volunteers.view_volunteer",
    "volunteers.change_volunteer",
    "volunteers.view_team",
    "volunteers.add_team",
    "volunteers.change_team",
    "volunteers.view_project",
    "volunteers.add_project",
    "volunteers.change_project",
    "volunteers.view_wish",
    "volunteers.change_wish",
    "volunteers.view_feedback",
}
SERVICES_READ = {"services.view_servicelink"}
SERVICES_KEEP = SERVICES_READ | {"services.view_craftsman", "services.change_craftsman", "services.view_craftsmanorder"}
# --- compounds --- 小区治理 (civicgrid/compounds/permissions.py): street staff and admins review rises.
COMPOUNDS_REVIEW = {
    "compounds.view_compoundclass",
    "compounds.change_rectificationitem",
    "compounds.add_starrise",
    "compounds.change_party",
    "compounds.change_renovationproject",
    "compounds.change_starrise",
    "compounds.change_streettarget",
}
# --- points --- (civicgrid/points/permissions.py): street and community staff manage the mall and awards.
POINTS = {
    "points.view_merchant",
    "points.add_merchant",
    "points.change_merchant",
    "points.view_item",
    "points.change_item",
    "points.view_account",
    "points.view_entry",
    "points.view_award",
    "points.add_award",
    "points.change_award",
}
# --- scoring --- (civicgrid/scoring/permissions.py): staff read scores of their subtree; street staff
# and system admins edit the rules; departments read the departments' ranking.
SCORES_READ = {"scoring.view_monthlyscore", "scoring.view_scoreentry", "scoring.view_department_ranking"}
SCORE_RULES = {"scoring.view_scorerule", "scoring.change_scorerule", "scoring.change_medalrule"}
# --- property --- (civicgrid/property/permissions.py): street staff rate the property companies.
PROPERTY_RATE = {"property.view_repair", "property.view_bill"} | {
    "property.view_ratingperiod",
    "property.add_ratingperiod",
    "property.change_ratingperiod",
}
# --- gridwork --- Grid work (civicgrid/gridwork/permissions.py): grid workers patrol, visit and fill
# task forms; community and street staff supervise, keep key places and plans, and run tasks.
GRIDWORK_WORKER = {
    "gridwork.view_patrol",
    "gridwork.add_patrol",
    "gridwork.view_keyplace",
    "gridwork.view_visit",
    "gridwork.add_visit",
    "gridwork.view_visitplan",
    "gridwork.view_task",
    "gridwork.view_target",
    "gridwork.change_target",
}
GRIDWORK_SUPERVISOR = {
    "gridwork.view_patrol",
    "gridwork.view_keyplace",
    "gridwork.add_keyplace",
    "gridwork.change_keyplace",
    "gridwork.view_visit",
    "gridwork.view_visitplan",
    "gridwork.add_visitplan",
    "gridwork.change_visitplan",
    "gridwork.view_task",
    "gridwork.add_task",
    "gridwork.change_task",
    "gridwork.view_target",
}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            Role.RESIDENT,
            {"cases.add_case", "regions.view_region", "consult.view_poll"}
            | SERVICES_READ
            | {"services.view_craftsman", "services.add_craftsmanorder"},
        ),
        (
            Role.GRID_WORKER,
            VIEW_TREE
            | CASE_WORK
            | SCREEN
            | PEOPLE_VIEW
            | {"people.change_house", "people.change_household", "people.change_person", "people.view_sensitive_tag"}
            | NOTICES_WRITE
            | SERVICES_READ
            | GRIDWORK_WORKER,
        ),
        (
            Role.STREET_STAFF,
            VIEW_TREE
            | CASE_WORK
            | SCREEN
            | PEOPLE_VIEW
            | ACTIVITIES
            | {"people.export_person", "people.view_accesslog"}
            | NOTICES_WRITE
            | CONSULT
            | SERVICES_KEEP
            | {"services.change_servicelink"}
            | VOLUNTEERS
            | COMPOUNDS_REVIEW
            | POINTS
            | SCORES_READ
            | SCORE_RULES
            | PROPERTY_RATE
            | GRIDWORK_SUPERVISOR,
        ),
        (Role.DEPARTMENT_STAFF, VIEW_TREE | CASE_WORK | SERVICES_READ | {"scoring.view_department_ranking"}),
        # --- property --- a company's staff: their company's repairs (cases' department rule) only.
        (Role.PROPERTY_STAFF, {"cases.view_case"}),
        (
            Role.SYSTEM_ADMIN,
            VIEW_TREE
            | CASE_WORK
            | {"regions.change_region", "regions.change_department", "accounts.change_user", "cases.change_category"}
            | {"suggest.view_suggestionrecord", "suggest.view_categorycorrection"}
            | CONSULT
            | COMPOUNDS_REVIEW
            | SCORES_READ
            | SCORE_RULES,
        ),
        (Role.INTEGRATION, {"regions.view_region", "cases.view_case", "cases.add_case"}),
        (Role.HOTLINE_INTEGRATION, VIEW_TREE | CASE_WORK),
    ],
)
def test_each_role_lists_the_permissions_the_apps_grant_it(role, expected):
    assert roles.permissions_of(role) == expected
    assert roles.role_permissions()[role] == expected


def test_community_staff_hold_every_base_data_permission_and_clearance():
    held = roles.permissions_of(Role.COMMUNITY_STAFF)
    assert roles.clearances() <= held
    assert {"people.import_person", "people.change_building", "people.change_compound"} <= held
    assert held >= ACTIVITIES
    assert held >= VOLUNTEERS


def test_clearances_are_never_implied_by_the_system_admin_role():
    assert roles.clearances() == {
        "people.view_sensitive_tag",
        "people.view_restricted_tag",
        "people.unmask_person",
        "people.export_person",
    }
    assert not any(roles.role_has_permission(Role.SYSTEM_ADMIN, clearance) for clearance in roles.clearances())
    assert roles.role_has_permission(Role.SYSTEM_ADMIN, "people.change_person")


def test_each_app_registers_its_part_of_the_table():
    assert [entry.app for entry in roles.REGISTRY] == [
        "accounts",
        "cases",
        "people",
        "dashboard",
        "suggest",
        "activities",
        "consult",
        "notices",
        "services",
        "compounds",
        "gridwork",
        "property",  # --- property ---
        "volunteers",
        "points",
        "scoring",  # --- scoring --- (order 90)
        "party",  # --- party --- (order 95: no account role is granted anything; posts are its roles)
    ]


def test_an_app_registers_one_entry_and_declares_only_its_own_permissions():
    with pytest.raises(ImproperlyConfigured):
        roles.REGISTRY.register(Permissions("people", grants={Role.RESIDENT: {"people.view_person"}}))
    with pytest.raises(ImproperlyConfigured):
        Permissions("cases", declares={"people.fly_person": "fly"})
    assert not roles.role_has_permission(Role.RESIDENT, "people.view_person")


def test_the_project_passes_the_permission_check():
    assert checks.check_permissions() == []


def test_the_check_sees_the_permissions_the_code_uses():
    used = {permission for permission, _where in checks.permission_uses(checks.project_sources())}
    # Literal arguments of the permission helpers, PERMISSION constants and Model.objects.restrict().
    assert {"people.change_building", "dashboard.view_screen", "people.view_sensitive_tag"} <= used
    assert {"people.change_person", "people.view_accesslog", "regions.view_department", "cases.view_case"} <= used


FLYING = """
from civicgrid.core.navigation import NavItem
from civicgrid.people.models import Person
from civicgrid.people.policy import allowed

PERMISSION = "people.fly_person"


def fly(user, person):
    allowed(user, "people.view_person", person.region_code)  # exists: fine
    if not allowed(user, "people.fly_person", person.region_code):
        raise PermissionError
    user.has_perm("people.fly_person")
    Person.objects.restrict(user, "fly").filter(pk=person.pk)
    Person.objects.restrict(user, action="change")  # exists: fine
    NavItem("fly", "people:fly", None, permission="people.fly_person")
    return "people.fly_person"  # not a permission use: a plain string
"""


def test_a_use_of_a_permission_no_role_can_be_granted_is_an_error(tmp_path):
    module = tmp_path / "flying.py"
    module.write_text(FLYING, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_flying.py").write_text(FLYING, encoding="utf-8")  # tests are not read

    errors = checks.permission_errors([tmp_path])

    assert {error.id for error in errors} == {"accounts.E001"}
    assert [error.obj for error in errors] == [f"{module}:{line}" for line in (6, 11, 13, 14, 16)]
    assert all("'people.fly_person'" in error.msg for error in errors[:3] + errors[4:])
    assert "'people.fly_person'" in errors[0].msg and "it does not exist" in errors[0].msg
    assert "'people.fly_person'" in errors[3].msg  # Person.objects.restrict(user, "fly")


def test_a_clearance_no_role_lists_cannot_be_used(tmp_path):
    (tmp_path / "tags.py").write_text('scope_codes(user, "people.view_restricted_tag")\n', encoding="utf-8")
    entries = [Permissions("people", clearances={"people.view_restricted_tag"})]

    errors = checks.permission_errors([tmp_path], entries=entries)

    assert [error.id for error in errors] == ["accounts.E001"]
    assert "no role lists it" in errors[0].msg
    assert checks.permission_errors([tmp_path]) == []  # community staff hold it


def test_a_grant_of_a_permission_that_does_not_exist_is_an_error():
    entries = [
        *roles.REGISTRY,
        Permissions("flying", grants={Role.GRID_WORKER: {"people.fly_person", "people.view_person"}}),
        Permissions("typos", grants={Role.RESIDENT: {"cases.add_cases"}}, clearances={"people.unmask_persons"}),
    ]

    errors = checks.permission_errors([], entries=entries)

    assert [error.id for error in errors] == ["accounts.E002"] * 3
    assert "grid_worker" in errors[0].msg and "'people.fly_person'" in errors[0].msg
    assert "'cases.add_cases'" in errors[1].msg
    assert "'people.unmask_persons'" in errors[2].msg


def test_docs_roles_md_shows_the_table_as_the_apps_register_it():
    assert DOC.read_text(encoding="utf-8") == roledoc.render(), (
        "docs/roles.md drifted from the code: python manage.py roles_doc > docs/roles.md"
    )
