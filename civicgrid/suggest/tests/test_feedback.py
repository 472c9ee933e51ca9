"""Issue 16, item 5: the suggestion shown at report time, every dispatcher's correction recorded
against it, and the weekly accuracy page with its drift hint."""

from datetime import timedelta

import pytest
from django.utils import timezone

from civicgrid.cases import actions
from civicgrid.cases.models import Status
from civicgrid.cases.tests.conftest import make_case, report
from civicgrid.suggest import accuracy, feedback
from civicgrid.suggest.models import CategoryCorrection, SuggestionRecord


@pytest.fixture
def predictor():
    """A fixed classifier answer, restored to the keyword rules afterwards."""
    feedback.set_predictor(lambda text: feedback.Prediction("S05002", 0.81, "test-1"))
    yield
    feedback.set_predictor(None)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what follows the commit (the suggestion record is written after it: feedback.after_report)."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def test_the_top_suggestion_is_recorded_when_the_case_is_reported(world, predictor, committed):
    case = committed(report, world, description="小区门口路面塌了个大坑")
    record = SuggestionRecord.objects.get(case=case)
    assert (record.suggested_code, record.score, record.model_version) == ("S05002", 0.81, "test-1")
    assert record.reported_code == record.final_code == "S05001"
    assert record.urgent and record.region_code == case.region_code and not record.hit


def test_the_suggestion_is_recorded_after_the_commit_only(world, predictor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case = report(world, description="路灯不亮，晚上这条路黑漆漆的")
    assert callbacks and not SuggestionRecord.objects.filter(case=case).exists()
    for callback in callbacks:
        callback()
    assert SuggestionRecord.objects.get(case=case).suggested_code == "S05002"


def test_without_a_classifier_the_keyword_rules_suggest(world, committed):
    case = committed(report, world, description="路灯不亮，晚上这条路黑漆漆的")
    record = SuggestionRecord.objects.get(case=case)
    assert record.model_version in ("keywords", "")
    assert record.suggested_code == "" or world.cats[record.suggested_code].parent_id is not None


def test_a_dispatchers_correction_is_recorded_against_the_suggestion(world, predictor, committed):
    case = committed(make_case, world, Status.REGISTERED)
    case = actions.correct_category(case, world.people.community, version=case.version, category=world.cats["S05002"])
    row = CategoryCorrection.objects.get()
    assert (row.from_code, row.to_code, row.suggested_code) == ("S05001", "S05002", "S05002")
    assert row.corrected_by == world.people.community and row.region_code == case.region_code
    record = SuggestionRecord.objects.get(case=case)
    assert record.final_code == "S05002" and record.corrections == 1 and record.hit


def test_a_refused_correction_records_nothing(world, predictor, committed):
    case = committed(make_case, world, Status.REGISTERED)
    with pytest.raises(Exception):  # noqa: B017 - the action refuses a stranger (not found)
        actions.correct_category(
            case, world.people.community_neighbour, version=case.version, category=world.cats["S05002"]
        )
    assert not CategoryCorrection.objects.exists()
    assert SuggestionRecord.objects.get(case=case).final_code == "S05001"


@pytest.fixture
def history(world):
    """Four weeks of suggestions for S05001 in A's community: 10/10 right, then 3/10 this week."""
    template = report(world)
    SuggestionRecord.objects.all().delete()
    now = timezone.now()
    n = 0
    for back, hits in ((3, 10), (2, 10), (1, 10), (0, 3)):
        for i in range(10):
            case = template if n == 0 else report(world)
            SuggestionRecord.objects.filter(case=case).delete()
            SuggestionRecord.objects.create(
                case=case,
                region_code=case.region_code,
                suggested_code="S05001" if i < hits else "S05002",
                reported_code="S05001",
                final_code="S05001",
                reported_at=now - timedelta(weeks=back),
            )
            n += 1
    return now


def test_the_weekly_accuracy_drops_and_the_page_says_the_model_drifts(world, history, client):
    report_ = accuracy.weekly_accuracy(world.people.operator)
    last = report_.weeks[-1]
    assert (last.suggested, last.hits, last.accuracy) == (10, 3, 30.0)
    assert report_.weeks[-2].accuracy == 100.0
    assert "漂移" in report_.drift
    row = next(c for c in report_.categories if c.code == "S05001")
    assert row.total == 40 and row.hits == 33 and "漂移" in row.drift
    client.force_login(world.people.operator)
    page = client.get("/intake/accuracy/").content.decode()
    assert 'id="drift-overall"' in page and 'data-category="S05001"' in page and "30.0%" in page


@pytest.mark.parametrize("who", ["resident", "grid", "community", "street", "dept"])
def test_the_accuracy_page_is_for_operators_and_admins_only(world, client, who):
    client.force_login(getattr(world.people, who))
    assert client.get("/intake/accuracy/").status_code == 404


def test_an_operator_of_another_district_sees_nothing_of_this_one(world, history, client):
    from civicgrid.accounts.models import Role
    from civicgrid.regions.models import Level, Region
    from civicgrid.testing import make_user

    other = Region.objects.create(code="410104", name="别区", level=Level.DISTRICT)
    stranger = make_user("stranger", Role.COMMAND_OPERATOR, other)
    assert accuracy.weekly_accuracy(stranger).categories == []
    client.force_login(stranger)
    assert 'data-category="S05001"' not in client.get("/intake/accuracy/").content.decode()


def test_the_accuracy_page_tells_operators_which_model_answers(world, client):
    """Without a trained model the keyword rules answer, and the operators' page says so."""
    from civicgrid.suggest import actions

    client.force_login(world.people.operator)
    page = client.get("/intake/accuracy/").content.decode()
    assert 'id="model-status"' in page and "关键词规则" in page
    version = actions.train_model()
    page = client.get("/intake/accuracy/").content.decode()
    assert version.label in page and "关键词规则" not in page
