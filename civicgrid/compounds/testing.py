"""Builders for tests elsewhere (the scope walk): one side's compound governance and renovation,
made through the actions by the side's community staff."""

from types import SimpleNamespace

from civicgrid.cases.tests.media_files import jpeg
from civicgrid.compounds import actions
from civicgrid.compounds.demo import seed_criteria
from civicgrid.compounds.models import StarCriterion
from civicgrid.people.models import Household
from civicgrid.people.testing import make_building


def scope_objects(staff, compound, grid, side):
    """For `compound` (in `grid`'s community): a building of it with a household, a party, a requested
    class rise, an open rectification item, a renovation project (no poll yet) with a milestone,
    a plan document and a household's pledge."""
    seed_criteria()
    building = make_building(grid, code=f"CMP{side}", floors=1, per_floor=1)
    building.compound = compound
    building.save(update_fields=["compound"])
    house = building.houses.get()
    Household.objects.create(house=house, region_code=house.region_code, number=f"H{side}")
    party = actions.add_party(staff, compound, kind="owners", name=f"{side} 业主委员会", phone="13900001111")
    criteria = list(StarCriterion.objects.filter(level=1).values_list("pk", flat=True))
    # A rise is requested on an empty ledger; the open item comes after (the walk refuses the rise).
    rise = actions.request_rise(staff, compound, criteria_met=criteria)
    item = actions.add_item(
        staff, compound, problem=f"{side} 楼道堆物", measure="清理", owner="物业", due_date="2030-01-01"
    )
    project = actions.create_project(
        staff, compound, title=f"{side} 改造项目", contractor="施工单位", fund_target="1000"
    )
    milestone = actions.add_milestone(staff, project.pk, title=f"{side} 节点", due_date="2030-01-01")
    file = actions.add_files(staff, project.pk, [jpeg()], title=f"{side} 图纸")[0]
    household = Household.objects.get(house=house)
    pledge = actions.set_pledge(staff, project.pk, household_id=household.pk, pledged="500")
    return SimpleNamespace(
        compound=compound,
        party=party,
        item=item,
        rise=rise,
        project=project,
        milestone=milestone,
        file=file,
        pledge=pledge,
        criteria=criteria,
    )
