"""The scope table's rows for the organisation tree and membership (civicgrid/site/tests/scope_table.py).

On each side the street account is secretary of the street's 党工委, the community account secretary
of the community's organisation, the resident a member of its grid branch (civicgrid.party.testing).
The tree and posts: the posts' holders and the system admin (its region scope). Membership: party-
affairs posts only — never the admin. A member's own page: the resident."""

from civicgrid.site.tests.scope_table import E, View

EVERYONE = E("200")
TREE_LIST = E("404", community="200", street="200", admin="200")
TREE = E("404 404", community="200 404", street="200 404", admin="200 404")
KEEPERS = E("404 404", street="200 404", admin="200 404")
KEEPERS_POST = E("404 404", street="302 404", admin="302 404")
PARENTS_POST = E("404 404", community="302 404", street="302 404", admin="302 404")
AFFAIRS = E("404 404", community="200 404", street="200 404")
AFFAIRS_POST = E("404 404", community="302 404", street="302 404")


def party(attr, query=None):
    def target(w, side, role):
        obj = getattr(w.sides[side].party, attr)
        if query:
            return {}, f"{query}={obj.pk}"
        return {"pk": obj.pk}, ""

    return target


def org_data(w, side, role=None):
    p = w.sides[side].party
    return {
        "parent": p.community_org.pk,
        "name": f"{side} 新建支部",
        "kind": "branch",
        "field": "community",
        "region": p.nodes.C.pk,
        "is_active": "on",
    }


def org_edit_data(w, side, role=None):
    data = org_data(w, side)
    data.update(name=f"{side} 社区党委（改）", kind="general_branch")
    data.pop("parent")
    return data


URLS = {
    "party:home": View(get=EVERYONE),
    "party:organisations": View(get=TREE_LIST),
    "party:organisation": View(party("community_org"), get=TREE),
    "party:organisation_new": View(
        party("community_org", query="parent"),
        get=E("404 404", community="200 404", street="200 404", admin="200 404"),
        post=PARENTS_POST,
        data=org_data,
    ),
    "party:organisation_edit": View(party("community_org"), get=KEEPERS, post=KEEPERS_POST, data=org_edit_data),
    "party:post_appoint": View(
        party("community_org"),
        post=KEEPERS_POST,
        data=lambda w, s, r: {"account": w.sides[s].party.resident.username, "kind": "affairs"},
    ),
    "party:post_end": View(party("post"), post=PARENTS_POST),
    "party:members": View(
        party("branch"),
        get=AFFAIRS,
        post=AFFAIRS_POST,
        data=lambda w, s, r: {
            "id_number": w.sides[s].party.candidate_id_number,
            "status": "full",
            "joined_on": "2020-07-01",
        },
    ),
    "party:member": View(party("member"), get=AFFAIRS),
    "party:member_move": View(
        party("member"), post=AFFAIRS_POST, data=lambda w, s, r: {"organisation": w.sides[s].party.branch2.pk}
    ),
    "party:member_out": View(party("member"), post=AFFAIRS_POST, data=lambda w, s, r: {"outside": "外省某党支部"}),
    "party:member_full": View(party("probationary"), post=AFFAIRS_POST, data=lambda w, s, r: {"on": "2026-07-01"}),
    "party:me": View(
        get=E("404", resident="200"),
        post=E("404", resident="302"),
        data=lambda w, s, r: {"community": w.sides["B"].nodes.C.pk},
    ),
    "party:registration_end": View(party("registration"), post=E("404 404", resident="302 404")),
    "party:registrations": View(get=E("404", community="200", street="200")),
}
