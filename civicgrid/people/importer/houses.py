"""Houses by (building, unit, number), with the house page's placement rule (rules.house_place_errors):
a floor between the lowest and the building's top floor (no floor 0), a unit the building has."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from civicgrid.core.changelog import change_row
from civicgrid.core.models import ObjectChange
from civicgrid.people import rules
from civicgrid.people.importer.base import BATCH, BaseImport, choices_table, int_in, json_safe
from civicgrid.people.models import Building, House, ImportKind, Unit, Usage


class HouseImport(BaseImport):
    kind = ImportKind.HOUSES

    def validate(self, rows):
        self.absent = {key for key, value in rows[0][1].items() if value is None}
        rows = self.blank_absent(rows)
        buildings = {
            b.code: b for b in self.scoped(Building.objects.filter(code__in={row["building"] for _n, row in rows}))
        }
        usages = choices_table(Usage)
        self.units = {(u.building_id, u.number): u for u in Unit.objects.filter(building__in=buildings.values())}
        unit_numbers = {}
        for building_id, unit_number in self.units:
            unit_numbers.setdefault(building_id, set()).add(unit_number)
        self.houses = {
            (h.building_id, h.unit.number if h.unit_id else "", h.number): h
            for h in House.objects.filter(building__in=buildings.values()).select_related("unit")
        }
        plan, seen = [], set()
        for number, row in self.counted(rows):
            if not self.required(number, row):
                continue
            building = buildings.get(row["building"])
            if building is None:
                self.error(number, "楼栋编码", _("楼栋不存在或不在您的辖区。"))
                continue
            floor = int_in(row["floor"], -1000, 1000)
            if floor is None:
                self.error(number, "楼层", _("楼层应为整数。"))
            else:
                place = rules.house_place_errors(building, floor, row["unit"], unit_numbers.get(building.pk, ()))
                if (building.pk, row["unit"], row["number"][:20]) in self.houses:
                    place.pop("unit", None)  # a house recorded without its unit keeps being found so
                self.rule_errors(number, place)
            usage = usages.get(row["usage"] or Usage.SELF)
            if usage is None:
                self.error(number, "用途", _("未知的房屋用途。"))
            area = None
            if row["area"]:
                try:
                    area = Decimal(row["area"]).quantize(Decimal("0.01"))
                    if not 0 < area < 100000:
                        raise InvalidOperation
                except InvalidOperation:
                    self.error(number, "面积", _("面积应为正数。"))
            key = (building.pk, row["unit"], row["number"][:20])
            if key in seen:
                self.error(number, "房号", _("文件中房屋重复。"))
                continue
            seen.add(key)
            plan.append({"key": key, "building": building, "floor": floor, "usage": usage, "area": area})
        return plan

    def apply(self, plan):
        new, changed, changes = [], [], []
        kept = {"area", "usage"} & self.absent
        for item in plan:
            building_id, unit_number, house_number = item["key"]
            unit = self.units.get((building_id, unit_number)) if unit_number else None
            house = self.houses.get(item["key"])
            if house is None:
                new.append(
                    House(
                        building=item["building"],
                        unit=unit,
                        region_code=item["building"].region_code,
                        floor=item["floor"],
                        number=house_number,
                        area=item["area"],
                        usage=item["usage"],
                    )
                )
                continue
            before = {"floor": house.floor, "area": house.area, "usage": house.usage}
            after = {"floor": item["floor"], "area": item["area"], "usage": item["usage"]}
            after.update({k: before[k] for k in kept})
            if before != after:
                house.floor, house.area, house.usage = after["floor"], after["area"], after["usage"]
                changed.append(house)
                changes.append(
                    change_row(self.user, house, ObjectChange.Action.IMPORT, json_safe(before), json_safe(after))
                )
        House.objects.bulk_create(new, batch_size=BATCH)
        if changed:
            House.objects.bulk_update(changed, ["floor", "area", "usage"], batch_size=BATCH)
        for house in new:
            changes.append(
                change_row(
                    self.user,
                    house,
                    ObjectChange.Action.IMPORT,
                    None,
                    json_safe({"floor": house.floor, "number": house.number, "area": house.area, "usage": house.usage}),
                )
            )
        self.changes(changes)
        return len(new), len(changed)
