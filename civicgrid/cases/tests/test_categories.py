"""The shipped category table and its loader."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from civicgrid.cases.categories import load_categories, read_table
from civicgrid.cases.models import Category, CategoryKind, HandlingLevel, Step
from civicgrid.regions.models import DepartmentKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def cats():
    load_categories()
    return {c.code: c for c in Category.objects.select_related("parent")}


def test_the_table_has_the_standard_examples_with_their_limits(cats):
    assert cats["01001"].name == "供水井盖" and cats["01001"].kind == CategoryKind.COMPONENT
    assert cats["06010"].name == "暴露垃圾" and cats["06010"].limit(Step.HANDLE) == (Decimal(4), "h")
    assert cats["06001"].name == "道路保洁" and cats["06001"].limit(Step.HANDLE) == (Decimal(2), "h")
    assert cats["04002"].name == "绿地养护" and cats["04002"].limit(Step.HANDLE) == (Decimal(5), "d")
    assert cats["09006"].name == "占道经营" and cats["09006"].kind == CategoryKind.EVENT
    assert cats["08005"].limit(Step.HANDLE) == (Decimal(4), "h")  # 私搭乱建: stop in 4 h
    assert cats["08006"].limit(Step.HANDLE) == (Decimal(20), "d")  # … demolish in 20 days


def test_the_major_classes_of_the_standards_and_the_community_matters_are_present(cats):
    majors = {(c.kind, c.name) for c in cats.values() if c.parent_id is None}
    for name in ("公用设施", "道路交通", "园林绿化", "房屋土地", "其他设施"):
        assert (CategoryKind.COMPONENT, name) in majors
    for name in ("市容环境", "宣传广告", "施工管理", "突发事件", "街面秩序", "其他事件"):
        assert (CategoryKind.EVENT, name) in majors
    community = {name for kind, name in majors if kind == CategoryKind.COMMUNITY}
    assert community == {"物业服务", "邻里纠纷", "求助帮扶", "安全隐患", "环境卫生", "设施报修", "政策咨询", "建议"}


def test_every_row_is_well_formed(cats):
    for category in cats.values():
        category.full_clean()
        assert category.edition
        if category.parent_id:
            assert category.code.startswith(category.parent.code) and category.kind == category.parent.kind
            assert len(category.code) == len(category.parent.code) + 3
        assert category.effective_level in HandlingLevel.values
        assert category.effective_department_kind in DepartmentKind.values
        for step in Step:
            value, unit = category.limit(step)
            assert value > 0 and unit in ("h", "d")
        assert category.children.exists() or category.parent_id, f"major {category.code} has no minor class"


def test_a_minor_class_falls_back_to_its_major_class_and_then_to_the_defaults(cats, settings):
    other = cats["11001"]  # 其他事件: only the major class sets a handling limit
    assert other.own_limit(Step.HANDLE) is None
    assert other.limit(Step.HANDLE) == (Decimal(3), "d")
    assert other.limit(Step.INTAKE) == (Decimal(1), "h")  # settings.CASES_DEFAULT_LIMITS
    settings.CASES_DEFAULT_LIMITS = "intake=2h,dispatch=1h,handle=3d,verify=4h"
    assert other.limit(Step.INTAKE) == (Decimal(2), "h")
    assert other.effective_level == HandlingLevel.STREET


def test_loading_is_idempotent_and_keeps_local_edits(cats):
    count = Category.objects.count()
    assert count == sum(1 + len(minors) for *_, minors in read_table())
    edited = cats["06010"]
    edited.handle_limit = Decimal(6)
    edited.save()
    report = load_categories()
    assert (report.created, report.updated) == (0, 0) and Category.objects.count() == count
    assert Category.objects.get(pk=edited.pk).handle_limit == 6
    report = load_categories(update=True)
    assert report.updated == 1
    assert Category.objects.get(pk=edited.pk).handle_limit == 4


def test_the_command_reports_what_it_did(cats, capsys):
    Category.objects.filter(code="S08002").delete()
    call_command("load_categories")
    assert "1 created" in capsys.readouterr().out


def test_two_levels_only_with_consistent_kind_and_code(cats):
    minor = cats["06010"]
    with pytest.raises(ValidationError):
        Category(parent=minor, kind=minor.kind, code="06010001", name="x", edition="t").full_clean()
    with pytest.raises(ValidationError):
        Category(parent=cats["06"], kind=CategoryKind.COMPONENT, code="06099", name="x", edition="t").full_clean()
    with pytest.raises(ValidationError):
        Category(parent=cats["06"], kind=CategoryKind.EVENT, code="07099", name="x", edition="t").full_clean()


def test_selectable_categories_are_active_minor_classes(cats):
    cats["S08"].is_active = False
    cats["S08"].save()
    selectable = set(Category.objects.selectable().values_list("code", flat=True))
    assert "06010" in selectable and "06" not in selectable and "S08001" not in selectable


def test_misconfigured_settings_are_reported_at_startup(settings):
    from civicgrid.cases.checks import check_case_settings

    assert check_case_settings(None) == []
    settings.WORK_HOURS = "17:30-09:00"
    settings.CASES_DEFAULT_LIMITS = "intake=1h,dispatch=soon"
    settings.CASES_LIGHT_YELLOW_PERCENT = 120
    settings.CASES_REOPEN_WINDOW_DAYS = -1
    assert [e.id for e in check_case_settings(None)] == ["cases.E001", "cases.E002", "cases.E003", "cases.E004"]
