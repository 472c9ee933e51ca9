"""Deterministic demo region trees: 二七区 (Zhengzhou Erqi) at three sizes, with polygons that tile.

`seed_regions(scale, seed)` writes the district → street → community → grid → micro-grid tree;
`build_tree(scale, seed)` makes the same tree in memory (benchmarks and tests use it without the
database writes). The same scale and seed always give the same codes, names and polygons.

How the polygons are made, and why:

1. A lattice of quadrilateral cells, each corner jittered, is clipped to an irregular blob around
   Erqi's real centre. Neighbouring cells share their corner points, so they share edges exactly:
   no gaps, no overlaps. Exactly as many cells as micro-grids are kept (the rim slivers go).
2. The cells are split top-down by recursive bisection along the longer axis, each side getting as
   many cells as its subtrees have micro-grids. Bisection keeps every group compact, and its
   west-before-east, north-before-south order numbers siblings the way grid numbering (CJ/T 213) asks. (A few
   groups, about 1 in 200 nodes, touch only at a corner and become MultiPolygons, as real
   boundaries sometimes are.)
3. Each parent's polygon is the union of its children's (shapely.union_all on a 1e-7° grid), so
   children lie exactly inside their parents and siblings never overlap.
"""

import math
import random
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.regions import locator
from civicgrid.regions.boundaries import COORDINATE_DECIMALS, METRES_PER_DEGREE, label_point, to_geojson
from civicgrid.regions.codes import child_code
from civicgrid.regions.models import Department, DepartmentKind, Level, Region

DISTRICT_CODE = "410103"  # GB/T 2260: 河南省郑州市二七区
DISTRICT_NAME = "二七区"
CENTRE = (113.64, 34.72)  # lon, lat of Erqi
# Side of one micro-grid cell: Erqi's ~156 km² over its 5,657 micro-grids.
CELL_METRES = 166
# Every generated coordinate lies on this grid (≈ 1 cm), so shared vertices are bit-identical
# in children and parents, before and after a JSON round trip.
GRID_DEGREES = 10.0**-COORDINATE_DECIMALS


@dataclass(frozen=True)
class Scale:
    streets: int
    communities: int
    grids: int
    microgrids: int
    # How much the number of children varies between siblings (0: as even as possible).
    spread: float


SCALES = {
    # 2 streets × 2 communities × 3 grids, each grid 2–3 micro-grids: loads in a blink for `make run`.
    "small": Scale(streets=2, communities=4, grids=12, microgrids=30, spread=0.0),
    # About Yanji (延吉): 6 streets, 78 communities.
    "district": Scale(streets=6, communities=78, grids=600, microgrids=3000, spread=0.35),
    # Erqi's own figures from the seed article: 17 / 175 / 846 / 5,657.
    "erqi": Scale(streets=17, communities=175, grids=846, microgrids=5657, spread=0.35),
}


def scale_counts(scale):
    """{Level: number of nodes} that `seed_regions(scale)` creates, for every level."""
    spec = SCALES[scale]
    return {
        Level.DISTRICT: 1,
        Level.STREET: spec.streets,
        Level.COMMUNITY: spec.communities,
        Level.GRID: spec.grids,
        Level.MICROGRID: spec.microgrids,
    }


# Erqi's townships in the statistical code's ranges: 001–099 街道, 100–199 镇, 200–399 乡.
STREETS = [
    ("建中街街道", 1),
    ("德化街街道", 2),
    ("福华街街道", 3),
    ("解放路街道", 4),
    ("铭功路街道", 5),
    ("一马路街道", 6),
    ("蜜蜂张街道", 7),
    ("五里堡街道", 8),
    ("大学路街道", 9),
    ("淮河路街道", 10),
    ("人和路街道", 11),
    ("京广路街道", 12),
    ("长江路街道", 13),
    ("嵩山路街道", 14),
    ("侯寨乡", 200),
    ("马寨镇", 100),
    ("齐礼阎街道", 15),
]
COMMUNITY_STEMS = [
    "建设", "幸福", "和平", "光明", "文化", "新华", "兴华", "长江", "碧云", "嵩山", "陇海", "大学", "航海", "铁路", "民主",
    "工人", "春晖", "桃园", "绿源", "佛岗", "保全", "秦岭", "政通", "汝河", "淮南", "华山", "福寿", "京广", "祥和", "同乐",
    "连云", "永安", "兴荣", "庆丰", "钱塘", "正商", "升龙", "锦艺", "帝湖", "康桥", "碧水", "朝阳", "铭功", "德化", "解放",
    "福华", "政和", "中原", "豫新", "振兴", "金岱", "齐礼", "樱桃", "南岗", "芝麻", "郑密", "百花", "荣华", "翠竹", "兰亭",
]  # fmt: skip
COMMUNITY_SUFFIXES = ["", "", "路", "街", "里", "苑", "园", "东", "西", "南", "北"]
# Single characters: common surnames, which name most villages (王庄村, 刘寨村).
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟"
VILLAGE_SUFFIXES = ["庄", "寨", "湾", "岗", "沟", "营", "洼", "坡", "店", "楼", "河", "冢"]
VILLAGE_PREFIXES = ["", "", "", "小", "大", "东", "西", "南", "北"]


@dataclass(eq=False)
class DemoNode:
    level: int
    code: str
    name: str
    parent: "DemoNode | None" = None
    children: list = field(default_factory=list)
    shape: shapely.Geometry | None = None  # lon/lat polygon
    is_village: bool = False


def build_tree(scale="small", seed=1):
    """The demo tree in memory: DemoNodes, parents before children, each with its shapely polygon."""
    spec = SCALES[scale]
    rng = random.Random(seed)
    names = _Names(rng)
    communities = _spread(spec.communities, spec.streets, spec.spread, rng)
    grids = iter(_spread(spec.grids, spec.communities, spec.spread, rng))
    microgrids = iter(_spread(spec.microgrids, spec.grids, spec.spread, rng))

    # The shape of the tree first: how many children, and so how many cells, each node has.
    district = DemoNode(Level.DISTRICT, DISTRICT_CODE, DISTRICT_NAME)
    for (street_name, street_sequence), community_count in zip(STREETS, communities, strict=False):
        street = _child(district, street_sequence, street_name)
        # A 乡 has villages only, a 镇 residents' communities and villages, a 街道 communities only.
        if street_name.endswith("乡"):
            villages = community_count
        elif street_name.endswith("镇"):
            villages = community_count * 3 // 5
        else:
            villages = 0
        residential = community_count - villages
        for i in range(community_count):
            # Codes 001–199 are 居委会 (communities), 200–399 村委会 (villages) (统计用区划代码).
            if i < residential:
                community = _child(street, i + 1, names.community())
            else:
                community = _child(street, 200 + i - residential, names.village())
                community.is_village = True
            building = 0
            for g in range(1, next(grids) + 1):
                grid = _child(community, g, f"{community.name}第{g}网格")
                for m in range(1, next(microgrids) + 1):
                    # Micro-grids are numbered through the community, as its buildings and village groups are.
                    building += 1
                    name = f"第{building}村民小组微网格" if community.is_village else f"{building}号楼院微网格"
                    _child(grid, m, name)

    # Then the polygons: cells for the leaves, split top-down, unioned bottom-up.
    cells, places = _cells(spec.microgrids, seed)
    _assign(district, np.arange(len(cells)), cells, places)
    nodes = _walk(district)
    for node in reversed(nodes):  # children before parents
        if node.children:
            node.shape = shapely.union_all([child.shape for child in node.children], grid_size=GRID_DEGREES)
    return nodes


@transaction.atomic
def seed_regions(scale="small", seed=1):
    """Write the demo tree of `scale` ("small", "district" or "erqi") and return the district Region.

    Deterministic: the same scale and seed give the same codes, names and polygons. Creates regions
    only (no users, departments or other data). Raises ValueError if the district exists already.
    """
    if Region.objects.filter(code=DISTRICT_CODE).exists():
        raise ValueError(_("区划 %(code)s 已存在，不能再次生成演示数据。") % {"code": DISTRICT_CODE})
    nodes = build_tree(scale, seed)
    now = timezone.now()
    regions = {}
    for level in Level.values:
        batch = []
        for node in nodes:
            if node.level != level:
                continue
            lon, lat = label_point(node.shape)
            region = Region(
                parent=regions[node.parent.code] if node.parent else None,
                level=node.level,
                code=node.code,
                name=node.name,
                boundary=to_geojson(node.shape),
                centroid_lon=round(lon, COORDINATE_DECIMALS),
                centroid_lat=round(lat, COORDINATE_DECIMALS),
                boundary_updated_at=now,
            )
            regions[node.code] = region
            batch.append(region)
        # One level at a time, so every parent has its primary key before its children are inserted.
        Region.objects.bulk_create(batch, batch_size=500)
    transaction.on_commit(locator.invalidate)
    return regions[DISTRICT_CODE]


# Erqi reports 25 departments that take dispatched cases; the first ones serve the `small` demo.
DEMO_DEPARTMENTS = [
    ("城市管理局", DepartmentKind.URBAN_MANAGEMENT),
    ("园林绿化中心", DepartmentKind.LANDSCAPING),
    ("住房和城乡建设局", DepartmentKind.HOUSING),
    ("自来水公司", DepartmentKind.WATER),
    ("交通运输局", DepartmentKind.TRANSPORT),
    ("生态环境分局", DepartmentKind.ENVIRONMENT),
    ("市场监督管理局", DepartmentKind.MARKET),
    ("公安分局", DepartmentKind.PUBLIC_SECURITY),
    ("民政局", DepartmentKind.CIVIL_AFFAIRS),
    ("卫生健康委员会", DepartmentKind.HEALTH),
    ("应急管理局", DepartmentKind.EMERGENCY),
    ("供电公司", DepartmentKind.UTILITY),
    ("燃气公司", DepartmentKind.UTILITY),
    ("市政工程管理处", DepartmentKind.URBAN_MANAGEMENT),
    ("环境卫生管理处", DepartmentKind.URBAN_MANAGEMENT),
    ("城市管理执法大队", DepartmentKind.URBAN_MANAGEMENT),
    ("交警大队", DepartmentKind.PUBLIC_SECURITY),
    ("自然资源和规划分局", DepartmentKind.HOUSING),
    ("房屋征收管理办公室", DepartmentKind.HOUSING),
    ("水利局", DepartmentKind.WATER),
    ("教育局", DepartmentKind.OTHER),
    ("人力资源和社会保障局", DepartmentKind.CIVIL_AFFAIRS),
    ("退役军人事务局", DepartmentKind.CIVIL_AFFAIRS),
    ("文化广电和旅游局", DepartmentKind.OTHER),
    ("通信管理办公室", DepartmentKind.UTILITY),
]
DEPARTMENTS_PER_SCALE = {"small": 8, "district": 25, "erqi": 25}


def seed_departments(district, scale="small"):
    """Create the demo district's departments (职能部门), all serving the whole district."""
    count = DEPARTMENTS_PER_SCALE[scale]
    Department.objects.bulk_create(
        [
            Department(
                name=f"{DISTRICT_NAME}{name}",
                code=f"{district.code}-{i:02d}",
                kind=kind,
                region=district,
                phone=f"0371-6{i:03d}{i:04d}",
            )
            for i, (name, kind) in enumerate(DEMO_DEPARTMENTS[:count], start=1)
        ]
    )
    return count


# --- Tree shape --------------------------------------------------------------------------------


def _child(parent, sequence, name):
    node = DemoNode(parent.level + 1, child_code(parent.code, parent.level, sequence), name, parent)
    parent.children.append(node)
    return node


def _walk(root):
    nodes, stack = [], [root]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(reversed(node.children))
    return nodes


def _spread(total, parts, spread, rng):
    """`total` split into `parts` positive counts, each within ±`spread` of the mean (as near as whole
    numbers allow); with spread 0 the counts differ by at most one."""
    mean = total / parts
    low = max(1, math.floor(mean * (1 - spread)))
    high = max(low, math.ceil(mean * (1 + spread)))
    counts = [low] * parts
    growable = list(range(parts))
    for _unit in range(total - low * parts):
        i = rng.randrange(len(growable))
        counts[growable[i]] += 1
        if counts[growable[i]] == high:
            growable[i] = growable[-1]
            growable.pop()
    return counts


def _leaf_count(node):
    return 1 if not node.children else sum(_leaf_count(child) for child in node.children)


def _assign(node, indices, cells, places):
    """Give `node` the cells `indices`, split among its children by recursive bisection."""
    if not node.children:
        (index,) = indices
        node.shape = cells[index]
        return
    groups = _bisect(indices, [_leaf_count(child) for child in node.children], places)
    for child, group in zip(node.children, groups, strict=True):
        _assign(child, group, cells, places)


def _bisect(indices, sizes, places):
    """Split `indices` into consecutive groups of `sizes` cells: halve the list of sizes, cut the
    cells across their longer axis in that proportion, recurse. West and north groups come first."""
    if len(sizes) == 1:
        return [indices]
    half = len(sizes) // 2
    column, row = places[indices, 0], places[indices, 1]
    if np.ptp(column) >= np.ptp(row):
        ordered = _serpentine(indices, column, row, start=math.inf)  # west to east, starting north
    else:
        ordered = _serpentine(indices, -row, column, start=-math.inf)  # north to south, starting west
    cut = sum(sizes[:half])
    return _bisect(ordered[:cut], sizes[:half], places) + _bisect(ordered[cut:], sizes[half:], places)


def _serpentine(indices, lane, position, start):
    """Cells lane by lane (lanes in ascending order), each lane run in the direction that begins
    nearest where the previous lane ended. Consecutive cells are then neighbours, so every slice
    of the order, however small, is one connected piece rather than a scatter of corners."""
    ordered, last = [], start
    for value in np.unique(lane):
        in_lane = lane == value
        cells, positions = indices[in_lane], position[in_lane]
        by_position = np.argsort(positions, kind="stable")
        cells, positions = cells[by_position], positions[by_position]
        if abs(positions[-1] - last) < abs(positions[0] - last):
            cells, positions = cells[::-1], positions[::-1]
        ordered.extend(cells)
        last = positions[-1]
    return np.array(ordered)


# --- Cells -----------------------------------------------------------------------------------------


def _cells(count, seed):
    """`count` lon/lat cell polygons tiling an irregular blob around CENTRE, and their lattice places."""
    rng = random.Random(f"cells-{seed}")
    # A blob: a circle whose radius wobbles with a few low harmonics, like a real district outline.
    harmonics = [(k, rng.uniform(0.03, 0.09), rng.uniform(0, 2 * math.pi)) for k in range(2, 6)]
    radius = CELL_METRES * math.sqrt(count / math.pi)
    while True:
        blob = _blob(radius, harmonics)
        reach = radius * (1 + sum(amplitude for _k, amplitude, _phase in harmonics))
        quads, places = _lattice(math.ceil(reach / CELL_METRES) + 1, np.random.default_rng(seed))
        clipped = shapely.intersection(quads, _to_degrees(blob), grid_size=GRID_DEGREES)
        covered = shapely.area(clipped) / shapely.area(quads)
        # Cells less than a third inside are slivers, not micro-grids.
        candidates = np.flatnonzero(covered >= 1 / 3)
        if len(candidates) >= count:
            break
        radius *= math.sqrt(count / len(candidates)) * 1.01
    # Drop the least covered rim cells until exactly `count` remain; whole cells are never dropped,
    # so the district has no holes. A stable sort keeps the result reproducible.
    keep = np.sort(candidates[np.argsort(-covered[candidates], kind="stable")[:count]])
    return [_largest_part(cell) for cell in clipped[keep]], places[keep]


def _blob(radius, harmonics, vertices=120):
    angles = np.linspace(0, 2 * math.pi, vertices, endpoint=False)
    wobble = 1 + sum(amplitude * np.cos(k * angles + phase) for k, amplitude, phase in harmonics)
    return shapely.Polygon(np.column_stack([radius * wobble * np.cos(angles), radius * wobble * np.sin(angles)]))


def _lattice(half_width, rng):
    """Quadrilateral cells on a (2·half_width)² lattice whose corners are jittered by up to 22 %
    of a cell (enough to look hand-drawn, too little to fold a cell); returns (lon/lat cells, places)."""
    steps = np.arange(-half_width, half_width + 1) * float(CELL_METRES)
    corners = np.stack(np.meshgrid(steps, steps, indexing="ij"), axis=-1)
    corners += rng.uniform(-0.22, 0.22, size=corners.shape) * CELL_METRES
    # Convert the corners once, so neighbouring cells share bit-identical vertices.
    corners = np.round(_to_degrees_array(corners), COORDINATE_DECIMALS)
    a, b = corners[:-1, :-1], corners[1:, :-1]
    c, d = corners[1:, 1:], corners[:-1, 1:]
    rings = np.stack([a, b, c, d, a], axis=2).reshape(-1, 5, 2)
    quads = shapely.polygons(rings)
    # Each cell's place in the lattice (column west→east, row south→north): cutting on whole
    # columns and rows keeps every group of cells edge-connected, which jittered centres would not.
    places = np.stack(np.indices((len(steps) - 1, len(steps) - 1)), axis=-1).reshape(-1, 2)
    return quads, places


def _metres_per_degree():
    return np.array([METRES_PER_DEGREE * math.cos(math.radians(CENTRE[1])), METRES_PER_DEGREE])


def _to_degrees_array(xy):
    return np.asarray(CENTRE) + xy / _metres_per_degree()


def _to_degrees(shape):
    return shapely.transform(shape, _to_degrees_array)


def _largest_part(shape):
    # Clipping a cell with a concave bit of the outline can leave two pieces; keep the real one.
    if shape.geom_type == "Polygon":
        return shape
    return max(shapely.get_parts(shape), key=lambda part: part.area)


class _Names:
    """Plausible, unique community (社区) and village (村) names."""

    def __init__(self, rng):
        self.rng = rng
        self.used = set()

    def _unique(self, make):
        while True:
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name

    def community(self):
        return self._unique(lambda: f"{self.rng.choice(COMMUNITY_STEMS)}{self.rng.choice(COMMUNITY_SUFFIXES)}社区")

    def village(self):
        return self._unique(
            lambda: (
                f"{self.rng.choice(VILLAGE_PREFIXES)}{self.rng.choice(SURNAMES)}{self.rng.choice(VILLAGE_SUFFIXES)}村"
            )
        )


def seed_demo(run):
    """Seeder (civicgrid.core.demo): the district's tree and its departments."""
    district = seed_regions(run.scale, run.seed)
    run.made["district"] = district
    departments = seed_departments(district, run.scale)
    return f"regions: {Region.objects.subtree(district).count()} regions, {departments} departments"
