"""The scope table's rows for the star ratings (civicgrid/site/tests/scope_table.py).

On each side (civicgrid.party.testing.ratings.scope_objects) the street and community accounts hold
posts above the side's branches, so they see and review their ratings (score, return, close a
quarter: the community account closes the community field (branch), the street the rural one
(branch2, where the community account holds a post itself, so never reviews it)); the system
admin sees them in its region scope but reviews nothing; only the branches' own secretary (not a
walked role) writes evidence. Indicator sets are one platform-wide configuration: every staff reader
sees every set (both sides), system admins and committee secretaries (the street account) keep them.
The stars board is public to every signed-in user (organisations' names and stars only)."""

from civicgrid.party.actions.ratings import current_quarter
from civicgrid.site.tests.scope_table import E, View

READERS_LIST = E("404", community="200", street="200", admin="200")
READERS = E("404 404", community="200 404", street="200 404", admin="200 404")
REVIEWERS_POST = E("404 404", community="302 404", street="302 404")
NOBODY_POST = E("404 404")


def rating(attr, via="pk"):
    def target(w, side, role):
        obj = getattr(w.sides[side].party, attr)
        return {"pk": getattr(obj, via)}, ""

    return target


def first_item(w, side):
    return w.sides[side].party.rating.items.order_by("indicator__order").first()


def quarter_back(n):
    year, quarter = current_quarter()
    for _step in range(n):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return year, quarter


def open_data(w, side, role):
    # Each reviewer opens a different earlier quarter, so each POST makes a new rating.
    year, quarter = quarter_back(2 if role == "street" else 3)
    return {"organisation": w.sides[side].party.branch.pk, "year": year, "quarter": quarter}


def evidence_data(w, side, role):
    return {f"evidence_{first_item(w, side).pk}": "新的佐证说明", "step": "save"}


def score_data(w, side, role):
    return {f"score_{first_item(w, side).pk}": "11" if role == "street" else "12", "step": "save"}


def close_data(w, side, role):
    year, quarter = quarter_back(1)
    return {"field": "rural" if role == "street" else "community", "year": year, "quarter": quarter}


def set_data(w, side, role):
    rows = [("组织生活规范", "40", "positive"), ("三会一课", "40", "positive"), ("为民服务", "20", "positive")]
    return {
        "field": "community",
        "name": f"{side} {role} 指标体系",
        "valid_from": "2024-01-01",
        "is_active": "on",
        "up_at": "90",
        "down_below": "60",
        "select_top": "50",
        "ind_title": [r[0] for r in rows],
        "ind_points": [r[1] for r in rows],
        "ind_kind": [r[2] for r in rows],
        "ind_evidence": ["1", "1", "0"],
        "ind_hint": ["", "", ""],
    }


def set_edit_data(w, side, role):
    """A new name; the indicators as they are (ratings use the set, so they cannot change)."""
    from civicgrid.party.testing.ratings import indicator_rows

    rows = indicator_rows()
    return dict(
        set_data(w, side, role),
        ind_title=[r["title"] for r in rows],
        ind_points=[r["points"] for r in rows],
        ind_kind=[r["kind"] for r in rows],
        ind_evidence=["1" if r["evidence_required"] else "0" for r in rows],
        ind_hint=[r["hint"] for r in rows],
    )


URLS = {
    "party:ratings": View(lambda w, s, r: ({}, ""), get=READERS_LIST, post=REVIEWERS_POST, data=open_data),
    "party:rating": View(rating("rating"), get=READERS, post=NOBODY_POST, data=evidence_data),
    "party:rating_review": View(rating("rating"), post=REVIEWERS_POST, data=score_data),
    "party:rating_file": View(rating("rating_file"), get=READERS),
    "party:rating_history": View(rating("branch"), get=READERS),
    "party:rating_close": View(
        lambda w, s, r: ({}, ""), get=READERS_LIST, post=E("404", street="302", community="302"), data=close_data
    ),
    "party:indicator_sets": View(
        lambda w, s, r: ({}, ""), get=READERS_LIST, post=E("404", street="302", admin="302"), data=set_data
    ),
    # Platform-wide configuration: B's set is the same kind of row as A's (no place of its own).
    "party:indicator_set": View(
        rating("rating_set"),
        get=E("404 404", community="200 200", street="200 200", admin="200 200"),
        post=E("404 404", street="302 302", admin="302 302"),
        data=set_edit_data,
    ),
    "party:stars_board": View(get=E("200")),
}
