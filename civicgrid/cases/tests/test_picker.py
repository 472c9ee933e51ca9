"""The category picker: optgroups by major with the most used first, and the keyword matcher that
pre-selects the likely category from the typed description (cases.picker)."""

import json
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from civicgrid.cases import picker
from civicgrid.cases.forms.resident import ReportForm
from civicgrid.cases.models import Category
from civicgrid.cases.tests.conftest import report


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


def _groups():
    minors = Category.objects.selectable().filter(resident_selectable=True).select_related("parent")
    return picker.grouped(list(minors))


def _suggest(text):
    found = picker.suggest(text, _groups())
    return (found.major.name if found.major else None, found.minor.name if found.minor else None)


@pytest.mark.parametrize(
    ("text", "major", "minor"),
    [
        ("路灯不亮", "公用设施", "路灯"),
        ("3号楼门口路灯坏了，晚上很黑", "公用设施", "路灯"),
        ("楼上装修噪音很大", "邻里纠纷", "噪音扰民"),
        ("电梯又困人了", "物业服务", "电梯故障"),
    ],
)
def test_keywords_suggest_major_and_sure_minor(world, text, major, minor):
    assert _suggest(text) == (major, minor)


def test_a_term_shared_by_many_minors_suggests_the_major_only(world):
    # 井盖 names six minors of 公用设施 equally: the major is clear, the minor is not.
    assert _suggest("井盖不见了") == ("公用设施", None)


@pytest.mark.parametrize("text", ["", "   ", "你好，请问一下"])
def test_nothing_matched_suggests_nothing(world, text):
    assert _suggest(text) == (None, None)


def test_optgroups_put_the_most_used_majors_and_minors_first(client, world):
    lamp, drain_cover = world.cats["01008"], world.cats["01003"]
    for code in ["01008", "01008", "01003", "S02001"]:
        report(world, code=code)
    # Another community's cases do not reorder this resident's list.
    for _ in range(5):
        report(world, code="S07001", where="S1C2G1M1")
    client.force_login(world.people.resident)
    html = client.get(reverse("cases:report")).content.decode()
    select = html[html.index('name="category"') : html.index("</select>")]
    groups = re.findall(r'<optgroup label="([^"]+)">', select)
    assert groups[:2] == ["公用设施", "邻里纠纷"]
    assert groups.index("政策咨询") > groups.index("物业服务")  # unused: table order, community first
    first_options = re.findall(r'<option value="(\d+)"', select[select.index("公用设施") :])[:2]
    assert first_options == [str(lamp.pk), str(drain_cover.pk)]


def test_the_page_carries_the_picker_table(client, world):
    client.force_login(world.people.resident)
    html = client.get(reverse("cases:report")).content.decode()
    data = json.loads(
        re.search(r'<script id="category-picker-data" type="application/json">(.*?)</script>', html).group(1)
    )
    names = [major["name"] for major in data["majors"]]
    assert "公用设施" in names and "施工管理" in names
    lamp = next(m for major in data["majors"] for m in major["minors"] if m["name"] == "路灯")
    assert lamp["terms"] == ["路灯", "不亮", "损坏"]
    assert all(major["summary"] for major in data["majors"])
    assert data["suggested"] is None
    assert "civicgrid/category-picker.js" in html


def test_a_form_back_without_category_suggests_from_the_description(world):
    form = ReportForm({"description": "路灯不亮"})
    assert not form.is_valid()
    assert form.category_picker["suggested"] == {
        "major": world.cats["01008"].parent_id,
        "minor": world.cats["01008"].pk,
    }


def test_quick_report_groups_every_selectable_category(client, world):
    client.force_login(world.people.grid)
    html = client.get(reverse("cases:quick_report")).content.decode()
    assert "<optgroup" in html and 'id="category-picker-data"' in html
    assert "私搭乱建（已建拆除）" in html  # staff-only classes are offered to grid workers


def test_hotline_form_groups_categories_with_codes_and_refuses_a_major(client, world):
    client.force_login(world.people.operator)
    html = client.get(reverse("cases:staff_hotline")).content.decode()
    assert '<optgroup label="01 公用设施">' in html and ">01008 路灯</option>" in html
    assert 'id="category-picker-data"' in html and "civicgrid/category-picker.js" in html
    data = {"caller_phone": "13700002222", "category": world.cats["01008"].parent_id, "description": "路灯不亮"}
    response = client.post(reverse("cases:staff_hotline"), {**data, "address": "大学路 1 号"})
    assert response.status_code == 400 and "category" in response.context["form"].errors
