"""Objects for the site's scope walk (civicgrid/site/tests/scope_world.py): on one side, the
side's compound served by its property company (linked to a repair department), the side's
resident living in the compound with a repair reported, a bill of their house, and an open rating
period of the street (with the survey open)."""

from types import SimpleNamespace

from civicgrid.accounts.models import User
from civicgrid.people.testing import add_person
from civicgrid.property import actions


def scope_objects(side, *, admin, community, street, resident, compound, company, building, street_node):
    phone = f"1350000{'1' if side == 'A' else '2'}777"
    User.objects.filter(pk=resident.pk).update(phone=phone)
    resident.phone = phone
    compound.property_company = company
    compound.save(update_fields=["property_company"])
    building.compound = compound
    building.save(update_fields=["compound"])
    actions.ensure_repair_categories()
    actions.link_company(admin, company)
    house = building.houses.order_by("-pk").first()
    add_person(community, house, name=f"{side}业主", phone=phone)
    repair = actions.report_repair(resident, category=actions.repair_categories()[0].pk, description=f"{side} 水管漏水")
    bill = actions.save_bill(community, house=house, kind="property", period="2026", amount="1200")
    period = actions.create_period(street, street=street_node, name=f"{side} 2026 年度")
    return SimpleNamespace(repair=repair, bill=bill, period=period)
