"""Importing GeoJSON boundaries: all or nothing, every error reported with its feature.

Through the action, the management command and the admin upload page.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from civicgrid.regions import locator
from civicgrid.regions.actions import create_region, import_boundaries
from civicgrid.regions.boundaries import metres_to_degrees
from civicgrid.regions.models import Level, Region
from civicgrid.testing import DISTRICT_BOX, make_user, rectangle

pytestmark = pytest.mark.django_db

X0, Y0, X1, Y1 = DISTRICT_BOX
XM, YM = (X0 + X1) / 2, (Y0 + Y1) / 2
WEST_HALF = (X0, Y0, XM, Y1)
EAST_HALF = (XM, Y0, X1, Y1)
NORTH_WEST = (X0, YM, XM, Y1)


@pytest.fixture(autouse=True)
def fresh_index(settings):
    settings.LOCATE_REFRESH_SECONDS = 3600
    locator.invalidate()
    yield
    locator.invalidate()


@pytest.fixture
def district():
    return create_region(code="410103", name="二七区", boundary=rectangle(DISTRICT_BOX))


def feature(code, name, box=None, geometry=None, **properties):
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, **properties},
        "geometry": geometry if geometry is not None else rectangle(box),
    }


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def a_street_community_and_grid():
    # Deliberately children first: the import orders parents before children itself.
    return collection(
        feature("410103001001001", "建中社区第1网格", NORTH_WEST),
        feature("410103001001", "建中社区", WEST_HALF),
        feature("410103001", "建中街街道", WEST_HALF),
    )


def snapshot():
    return sorted(Region.objects.values_list("code", "name", "boundary", "boundary_updated_at"))


def import_errors(data, **options):
    before = snapshot()
    report = import_boundaries(data, **options)
    assert not report.ok
    assert snapshot() == before, "a failed import must write nothing"
    return report.errors


def test_import_creates_parents_before_children(district):
    report = import_boundaries(json.dumps(a_street_community_and_grid(), ensure_ascii=False))
    assert report.ok and (report.created, report.updated) == (3, 0)
    grid = Region.objects.get(code="410103001001001")
    assert grid.level == Level.GRID
    assert grid.parent.code == "410103001001"
    assert grid.parent.parent.code == "410103001"
    assert grid.parent.parent.parent == district
    assert grid.boundary_updated_at is not None
    assert (grid.centroid_lon, grid.centroid_lat) == pytest.approx(((X0 + XM) / 2, (YM + Y1) / 2))


def test_control_characters_in_names_are_dropped_silently(district):
    data = collection(feature("410103001", "建中\x0b街\x01街道", WEST_HALF))
    report = import_boundaries(json.dumps(data))
    assert report.ok, report.errors
    assert Region.objects.get(code="410103001").name == "建中街街道"


def test_reimport_updates_rather_than_duplicates(district):
    import_boundaries(a_street_community_and_grid())
    count = Region.objects.count()
    changed = a_street_community_and_grid()
    changed["features"][0]["properties"]["name"] = "建中社区第一网格"
    report = import_boundaries(changed)
    assert report.ok and (report.created, report.updated) == (0, 3)
    assert Region.objects.count() == count
    assert Region.objects.get(code="410103001001001").name == "建中社区第一网格"


def test_level_and_parent_code_may_be_given(district):
    report = import_boundaries(collection(feature("410103002", "德化街街道", EAST_HALF, level=1, parent_code="410103")))
    assert report.ok
    assert Region.objects.get(code="410103002").level == Level.STREET


def test_codes_exported_as_numbers_are_accepted(district):
    assert import_boundaries(collection(feature(410103002, "德化街街道", EAST_HALF))).ok


def test_dry_run_counts_but_writes_nothing(district):
    before = snapshot()
    report = import_boundaries(a_street_community_and_grid(), dry_run=True)
    assert report.ok and report.dry_run and report.created == 3
    assert snapshot() == before


def test_the_locator_sees_imported_boundaries_after_commit(district, django_capture_on_commit_callbacks):
    point = ((X0 + XM) / 2, (YM + Y1) / 2)
    assert locator.locate(*point) == district
    with django_capture_on_commit_callbacks(execute=True):
        import_boundaries(a_street_community_and_grid())
    assert locator.locate(*point).code == "410103001001001"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ('{"type": "FeatureCollection", "features": [', "不是有效的 JSON：第 1 行"),
        ("\xff\xfe".encode("latin-1") + b"{}", "UTF-8"),
        ({"type": "Feature", "geometry": None}, "FeatureCollection"),
        ({"type": "FeatureCollection", "features": []}, "没有任何要素"),
        (
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
                "features": [feature("410103002", "德化街街道", EAST_HALF)],
            },
            "不支持坐标系",
        ),
    ],
)
def test_file_level_errors(district, data, expected):
    errors = import_errors(data)
    assert len(errors) == 1 and errors[0].index is None
    assert expected in errors[0].message


def test_wgs84_and_cgcs2000_crs_are_accepted(district):
    for name in ["urn:ogc:def:crs:OGC:1.3:CRS84", "EPSG:4490"]:
        data = collection(feature("410103002", "德化街街道", EAST_HALF))
        data["crs"] = {"type": "name", "properties": {"name": name}}
        assert import_boundaries(data).ok, name


def overshooting_east(box, metres):
    x0, y0, x1, y1 = box
    return (x0, y0, x1 + metres_to_degrees(metres, (y0 + y1) / 2)[0], y1)


def test_every_error_kind_is_reported_per_feature_and_nothing_is_written(district):
    bow_tie = {"type": "Polygon", "coordinates": [[[X0, Y0], [XM, YM], [XM, Y0], [X0, YM], [X0, Y0]]]}
    open_ring = {"type": "Polygon", "coordinates": [rectangle(WEST_HALF)["coordinates"][0][:-1] + [[X0, Y0 + 0.001]]]}
    data = collection(
        feature("410103001", "建中街街道", WEST_HALF),  # fine on its own
        feature("410103001", "重复的街道", WEST_HALF),  # duplicate code
        feature("410103009001", "无主社区", WEST_HALF),  # parent 410103009 exists nowhere
        feature("410103002", "越界街道", overshooting_east(EAST_HALF, 50)),  # outside the district
        feature("410103003", "自相交街道", geometry=bow_tie),
        feature("410103004", "未闭合街道", geometry=open_ring),
        feature("41010300", "位数不对", WEST_HALF),
        feature("410103500", "序号越界", WEST_HALF),
        feature("410103005", "层级不符", WEST_HALF, level=2),
        feature("410103006", "上级不符", WEST_HALF, parent_code="410104"),
        feature("", "没有编码", WEST_HALF),
        {"type": "Feature", "properties": None, "geometry": rectangle(WEST_HALF)},
        {"type": "Point"},
    )
    errors = import_errors(data)
    by_index = {}
    for error in errors:
        by_index.setdefault(error.index, []).append(error.message)
    assert 0 not in by_index
    assert "重复" in by_index[1][0] and "第 1 个要素" in by_index[1][0]
    assert "上级 410103009 不存在" in by_index[2][0]
    assert "超出上级「二七区（410103）」" in by_index[3][0] and "约 50" in by_index[3][0]
    assert "自相交" in by_index[4][0]
    assert "不是闭合的" in by_index[5][0]
    assert "位数（8）与任何层级都不符" in by_index[6][0]
    assert "001–399" in " ".join(by_index[7])
    assert "社区编码应为 12 位" in by_index[8][0]
    assert "410104" in by_index[9][0]
    assert "缺少编码" in by_index[10][0]
    assert "properties" in by_index[11][0]
    assert "Feature" in by_index[12][0]
    # Errors print with their place in the file.
    assert str(errors[0]).startswith("第 2 个要素（编码 410103001）：")


def test_a_child_of_a_failed_parent_gets_no_second_error(district):
    bad_parent = collection(
        feature("410103001", "坏街道", geometry={"type": "Polygon", "coordinates": []}),
        feature("410103001001", "好社区", WEST_HALF),
    )
    errors = import_errors(bad_parent)
    assert [error.index for error in errors] == [0]


def test_tolerance_accepts_small_overshoot_and_rejects_more(district, settings):
    data = collection(feature("410103002", "德化街街道", overshooting_east(EAST_HALF, 3)))
    settings.BOUNDARY_TOLERANCE_METRES = 5
    assert import_boundaries(data, dry_run=True).ok
    settings.BOUNDARY_TOLERANCE_METRES = 2
    (error,) = import_errors(data)
    assert "允许误差 2 米" in error.message


def test_a_child_in_the_same_file_is_checked_against_its_parents_new_boundary(district):
    data = collection(
        feature("410103001", "建中街街道", WEST_HALF),
        feature("410103001001", "跨到东边的社区", (X0, Y0, X1, Y1)),
    )
    (error,) = import_errors(data)
    assert error.code == "410103001001" and "建中街街道" in error.message


def test_shrinking_a_parent_below_an_existing_child_is_refused(district):
    import_boundaries(a_street_community_and_grid())
    shrunk = collection(feature("410103001", "建中街街道", (X0, Y0, XM, YM)))  # the grid lies in the north
    (error,) = import_errors(shrunk)
    assert error.index == 0
    assert "建中社区（410103001001）" in error.message


def test_without_create_missing_unknown_codes_are_errors(district):
    (error,) = import_errors(collection(feature("410103002", "德化街街道", EAST_HALF)), create_missing=False)
    assert "不允许新建" in error.message
    assert import_boundaries(collection(feature("410103", "二七区", DISTRICT_BOX)), create_missing=False).ok


def test_level_mismatch_with_the_stored_node(district):
    import_boundaries(a_street_community_and_grid())
    # Same code as the stored street, but the file claims it is a community by its level.
    (error,) = import_errors(collection(feature("410103001", "建中街街道", WEST_HALF, level=2)))
    assert "社区编码应为 12 位" in error.message


# --- Management command ----------------------------------------------------------------------


@pytest.fixture
def geojson_file(tmp_path):
    def write(data):
        path = tmp_path / "boundaries.geojson"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return str(path)

    return write


def test_command_imports_and_prints_counts(district, geojson_file, capsys):
    call_command("import_boundaries", geojson_file(a_street_community_and_grid()))
    assert "新建 3 个、更新 0 个" in capsys.readouterr().out
    assert Region.objects.filter(code__startswith="410103001").count() == 3


def test_command_dry_run(district, geojson_file, capsys):
    call_command("import_boundaries", geojson_file(a_street_community_and_grid()), "--dry-run")
    assert "未写入" in capsys.readouterr().out
    assert not Region.objects.filter(code="410103001").exists()


def test_command_reports_every_error_and_fails(district, geojson_file, capsys):
    data = collection(
        feature("410103009001", "无主社区", WEST_HALF),
        feature("410103002", "越界街道", overshooting_east(EAST_HALF, 50)),
    )
    with pytest.raises(CommandError, match="共 2 个错误"):
        call_command("import_boundaries", geojson_file(data))
    err = capsys.readouterr().err
    assert "第 1 个要素（编码 410103009001）" in err
    assert "第 2 个要素（编码 410103002）" in err
    assert not Region.objects.filter(code="410103002").exists()


def test_command_missing_file(tmp_path):
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("import_boundaries", str(tmp_path / "missing.geojson"))


# --- Admin ---------------------------------------------------------------------------------------

IMPORT_URL = reverse("admin:regions_region_import_boundaries")


@pytest.fixture
def admin_client(client):
    user = make_user("root")
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    return client


def upload(data, name="boundaries.geojson"):
    content = data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()
    return SimpleUploadedFile(name, content, content_type="application/geo+json")


def test_change_list_links_to_the_import_page(admin_client, district):
    page = admin_client.get(reverse("admin:regions_region_changelist")).content.decode()
    assert IMPORT_URL in page and "导入边界（GeoJSON）" in page


def test_admin_upload_imports_and_reports_counts(admin_client, district):
    assert admin_client.get(IMPORT_URL).status_code == 200
    response = admin_client.post(
        IMPORT_URL, {"file": upload(a_street_community_and_grid()), "create_missing": "on"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("admin:regions_region_changelist")
    assert "导入成功：新建 3 个、更新 0 个区划边界。" in response.content.decode()
    assert Region.objects.filter(code__startswith="410103001").count() == 3


def test_admin_upload_shows_errors_per_feature_and_writes_nothing(admin_client, district):
    before = snapshot()
    data = collection(
        feature("410103001", "建中街街道", WEST_HALF),
        feature("410103002", "越界街道", overshooting_east(EAST_HALF, 50)),
    )
    response = admin_client.post(IMPORT_URL, {"file": upload(data), "create_missing": "on"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "导入失败：共 1 个错误" in page
    assert 'id="import-errors"' in page and "410103002" in page and "超出上级" in page
    assert snapshot() == before


def test_admin_upload_malformed_file(admin_client, district):
    response = admin_client.post(IMPORT_URL, {"file": upload(b"not json at all"), "create_missing": "on"})
    assert "不是有效的 JSON" in response.content.decode()


def test_admin_upload_is_size_limited(admin_client, district, settings):
    settings.BOUNDARY_IMPORT_MAX_BYTES = 100
    response = admin_client.post(IMPORT_URL, {"file": upload(a_street_community_and_grid())})
    assert "文件太大" in response.content.decode()
    assert not Region.objects.filter(code="410103001").exists()


def test_admin_dry_run(admin_client, district):
    response = admin_client.post(
        IMPORT_URL, {"file": upload(a_street_community_and_grid()), "create_missing": "on", "dry_run": "on"}
    )
    assert "检查通过（未写入）：将新建 3 个" in response.content.decode()
    assert not Region.objects.filter(code="410103001").exists()


def test_import_page_needs_change_permission(client, district):
    assert client.get(IMPORT_URL).status_code == 302  # to the admin login
    staff = make_user("staff")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get(IMPORT_URL).status_code == 403
    response = client.post(IMPORT_URL, {"file": upload(a_street_community_and_grid()), "create_missing": "on"})
    assert response.status_code == 403
    assert not Region.objects.filter(code="410103001").exists()


def change_form(admin_client, region, **changes):
    data = {
        "parent": region.parent_id or "",
        "level": region.level,
        "code": region.code,
        "name": region.name,
        "boundary": json.dumps(region.boundary),
        "is_active": "on",
        **changes,
    }
    return admin_client.post(reverse("admin:regions_region_change", args=[region.pk]), data)


def test_admin_edit_validates_the_boundary(admin_client, district):
    import_boundaries(a_street_community_and_grid())
    street = Region.objects.get(code="410103001")
    before = snapshot()
    beyond_district = rectangle(overshooting_east(DISTRICT_BOX, 200))
    response = change_form(admin_client, street, boundary=json.dumps(beyond_district))
    assert response.status_code == 200 and "超出上级" in response.content.decode()
    response = change_form(admin_client, street, boundary='{"type": "Polygon", "coordinates": [[[1, 2]]]}')
    assert "1 个坐标点" in response.content.decode()
    assert snapshot() == before


def test_admin_edit_saves_a_valid_boundary_through_the_action(admin_client, district):
    import_boundaries(a_street_community_and_grid())
    street = Region.objects.get(code="410103001")
    response = change_form(admin_client, street, boundary=json.dumps(rectangle((X0, Y0, XM + 0.01, Y1))))
    assert response.status_code == 302
    street.refresh_from_db()
    assert street.centroid_lon == pytest.approx((X0 + XM + 0.01) / 2)


def test_admin_rename_does_not_revalidate_an_untouched_boundary(admin_client, district):
    import_boundaries(a_street_community_and_grid())
    street = Region.objects.get(code="410103001")
    # A legacy boundary that would no longer pass (sticks out of the district by 200 m).
    Region.objects.filter(pk=street.pk).update(boundary=rectangle(overshooting_east(DISTRICT_BOX, 200)))
    street.refresh_from_db()
    assert change_form(admin_client, street, name="建中街道").status_code == 302
