"""The scope table's rows for party building's orders (civicgrid/site/tests/scope_table.py).

A's orders are on A's community (posted by A's community account). Who sees one: the area's staff
(community, street, operator, admin), and the department staff of A's department (an open order it
may take, or one it took), and A's resident, registered (双报到) with A's community (an open order).
Posting: community staff only. Taking: department staff (the others who
see it are refused on the page: "302="). Reporting: the taker only. Auditing: street staff only."""

from civicgrid.cases.tests.media_files import jpeg
from civicgrid.site.tests.scope_table import E, View


def _order(attr):
    def target(w, side, role):
        return {"pk": getattr(w.sides[side].party, attr).pk}, ""

    return target


def _photo(w, side, role):
    o = w.sides[side].party
    return {"pk": o.order_reported.pk, "photo_pk": o.order_photo.pk}, ""


def _new_order(w, side, role):
    from datetime import timedelta

    from django.utils import timezone

    return {
        "community": w.sides[side].nodes.C.pk,
        "kind": "co_build",
        "title": "共驻共建 助老餐桌",
        "need": "每周三中午为老人送餐",
        "deadline": (timezone.localdate() + timedelta(days=5)).isoformat(),
        "points_offered": "5",
    }


AREA = {"community": "200 404", "street": "200 404", "dept": "200 404", "operator": "200 404", "admin": "200 404"}
# An open order: the area, the department that may take it and A's resident, registered (双报到) with C.
SEES_OPEN = E("404 404", resident="200 404", **AREA)
# A reported order: the area and the taking department.
SEES_TAKEN = E("404 404", **AREA)
RANKING = E("404", community="200", street="200", dept="200", operator="200", admin="200")

URLS = {
    "party:orders": View(get=E("200")),
    "party:order_new": View(
        lambda w, s, r: ({}, ""), get=E("404", community="200"), post=E("404 -", community="302 400"), data=_new_order
    ),
    "party:order": View(_order("order_open"), get=SEES_OPEN),
    # The department and A's resident (a registered member) take it; the area's staff are refused on the page.
    "party:order_take": View(
        _order("order_take"),
        post=E(
            "404 404",
            resident="302 404",
            dept="302 404",
            community="302= 404",
            street="302= 404",
            operator="302= 404",
            admin="302= 404",
        ),
    ),
    "party:order_cancel": View(_order("order_cancel"), post=E("404 404", community="302 404")),
    "party:order_report": View(
        _order("order_taken"),
        get=E("404 404", dept="200 404"),
        post=E("404 404", dept="302 404"),
        data=lambda w, s, r: {"report": "已完成清理", "photos": jpeg()},
    ),
    "party:order_audit": View(
        _order("order_reported"),
        get=E("404 404", street="200 404"),
        post=E("404 404", street="302 404"),
        data=lambda w, s, r: {"decision": "approve", "points": "5"},
    ),
    "party:order_photo": View(_photo, get=SEES_TAKEN),
    "party:order_ranking": View(get=RANKING),
    "party:order_ranking_export": View(get=RANKING),
}
