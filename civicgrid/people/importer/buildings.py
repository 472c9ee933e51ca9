"""Buildings by their code: created, or updated (also moved to another grid) with the same rules as
the building page (actions.building_shape_errors before, actions.reshape_building after)."""

from django.utils.translation import gettext as _

from civicgrid.core.changelog import change_row
from civicgrid.core.models import ObjectChange
from civicgrid.people import actions, validators
from civicgrid.people.importer.base import BaseImport, choices_table, int_in, json_safe
from civicgrid.people.models import Building, BuildingType, Compound, ImportKind
from civicgrid.regions.models import Level, Region

VALUE_KEYS = ("name", "address", "building_type", "floors", "units", "lon", "lat")


class BuildingImport(BaseImport):
    kind = ImportKind.BUILDINGS

    def validate(self, rows):
        self.absent = {key for key, value in rows[0][1].items() if value is None}
        rows = self.blank_absent(rows)
        grids = {
            r.code: r
            for r in Region.objects.filter(
                code__in={row["grid"] for _n, row in rows}, level__in=[Level.GRID, Level.MICROGRID]
            )
        }
        existing = {b.code: b for b in Building.objects.filter(code__in={row["code"][:40] for _n, row in rows})}
        types = choices_table(BuildingType)
        seen = set()
        plan = []
        for number, row in self.counted(rows):
            if not self.required(number, row):
                continue
            grid = grids.get(row["grid"])
            if grid is None or not self.in_scope(grid.code):
                self.error(number, "网格编码", _("网格不存在或不在您的辖区。"))
                continue
            code = row["code"][:40]
            if code in seen:
                self.error(number, "楼栋编码", _("文件中楼栋编码重复。"))
                continue
            seen.add(code)
            found = existing.get(code)
            if found is not None and not self.in_scope(found.region_code):
                self.error(number, "楼栋编码", _("该楼栋编码已被其他辖区使用。"))
                continue
            floors = int_in(row["floors"], 1, 200)
            if floors is None:
                self.error(number, "地上层数", _("层数应为 1 至 200 的整数。"))
            if "units" in self.absent and found is not None:
                units = found.units
            else:
                units = int_in(row["units"] or "1", 1, 50)
                if units is None:
                    self.error(number, "单元数", _("单元数应为 1 至 50 的整数。"))
            building_type = types.get(row["building_type"] or BuildingType.RESIDENTIAL)
            if building_type is None:
                self.error(number, "类型", _("未知的楼栋类型。"))
            lon = lat = None
            try:
                lon = float(row["lon"]) if row["lon"] else None
                lat = float(row["lat"]) if row["lat"] else None
            except ValueError:
                self.error(number, "经度", _("经纬度应为数字。"))
            else:
                try:
                    validators.check_coordinates(lon, lat)
                except ValueError as exc:
                    self.error(number, "经度", str(exc))
            if (
                "compound" in self.absent
                and found is not None
                and found.compound_id
                and not grid.code.startswith(found.compound.region_code)
            ):
                self.error(number, "网格编码", _("所选小区不在该网格所属的社区。"))
            if found is not None and floors is not None and units is not None:
                self.rule_errors(number, actions.building_shape_errors(found, units, floors))
            plan.append(
                {
                    "code": code,
                    "name": row["name"][:100],
                    "grid": grid,
                    "compound": row["compound"][:100],
                    "address": row["address"][:200],
                    "building_type": building_type,
                    "floors": floors,
                    "units": units,
                    "lon": lon,
                    "lat": lat,
                    "row": number,
                }
            )
        self.existing = existing
        return plan

    def _compound(self, grid, name, cache):
        """The compound of that name in the grid's community, created through the action (logged)."""
        community = grid
        while community.level > Level.COMMUNITY:
            community = community.parent
        key = (community.pk, name)
        if key not in cache:
            cache[key] = Compound.objects.filter(community=community, name=name).first() or actions.save_compound(
                self.user, Compound(), community=community, name=name, star=0
            )
        return cache[key]

    def apply(self, plan):
        compounds = {}
        created = updated = 0
        changes = []
        absent = self.absent
        for item in plan:
            grid = item["grid"]
            building = self.existing.get(item["code"])
            keep_compound = "compound" in absent and building is not None
            compound = None
            if keep_compound:
                compound = building.compound
            elif item["compound"]:
                compound = self._compound(grid, item["compound"], compounds)
            values = {k: item[k] for k in VALUE_KEYS if building is None or k not in absent}
            if building is None:
                building = Building.objects.create(
                    code=item["code"], grid=grid, region_code=grid.code, compound=compound, **values
                )
                actions.reshape_building(building, creating=True)
                changes.append(
                    change_row(self.user, building, ObjectChange.Action.IMPORT, None, values | {"code": building.code})
                )
                created += 1
                continue
            before = {k: getattr(building, k) for k in values} | {
                "grid": building.grid_id,
                "compound": building.compound_id,
            }
            after = values | {"grid": grid.pk, "compound": compound.pk if compound else None}
            if before == after:
                continue
            old_code, old_units = building.region_code, building.units
            for k, v in values.items():
                setattr(building, k, v)
            building.grid, building.region_code, building.compound = grid, grid.code, compound
            building.save()
            actions.reshape_building(building, old_code=old_code, old_units=old_units)
            changes.append(
                change_row(self.user, building, ObjectChange.Action.IMPORT, json_safe(before), json_safe(after))
            )
            updated += 1
        self.changes(changes)
        return created, updated
