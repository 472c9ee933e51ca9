"""Training is deterministic, versions are stored as arrays, swapped and restored; without a model the
keyword rules answer."""

import threading

import numpy as np
import pytest
from django.conf import settings
from django.db import connection

from civicgrid.cases.models import Case, Category, Status
from civicgrid.core.models import ObjectChange
from civicgrid.suggest import actions, classifier, engine, selectors
from civicgrid.suggest.models import ModelVersion

from .conftest import report

pytestmark = pytest.mark.django_db


def top(text):
    return selectors.suggest(text).suggestions[0].code


def test_training_is_deterministic(world):
    first = actions.train_model(activate=False)
    second = actions.train_model(activate=False)
    a, b = classifier.Model.from_bytes(first.weights), classifier.Model.from_bytes(second.weights)
    assert a.classes == b.classes and a.vocabulary == b.vocabulary
    assert np.array_equal(a.weights, b.weights) and np.array_equal(a.intercept, b.intercept)
    assert first.trained_on["corpus"] == 48 and first.trained_on["cases"] == 0


def test_the_model_reads_words_it_never_saw_together(trained):
    answer = selectors.suggest("晚上这条路黑漆漆的灯坏了")
    assert not answer.fallback and answer.model_version == trained.label
    assert answer.suggestions[0].code == "01008" and answer.suggestions[0].major_code == "01"
    assert len(answer.suggestions) == 5
    scores = [s.score for s in answer.suggestions]
    assert scores == sorted(scores, reverse=True) and 0 < scores[0] <= 1
    assert top("小区门口好多车乱停，堵死了") == "09004"
    assert top("楼道里一股煤气味") == "10003"


def test_weights_are_arrays_not_pickles(trained):
    data = bytes(ModelVersion.objects.get().weights)
    with np.load(__import__("io").BytesIO(data), allow_pickle=False) as arrays:
        assert set(arrays.files) == {"meta", "idf", "weights", "intercept"}
    with pytest.raises(ValueError):
        classifier.Model.from_bytes(b"not a model")


def test_without_a_model_the_keyword_rules_answer(world):
    answer = selectors.suggest("路灯不亮")
    assert answer.fallback and answer.model_version == "keywords"
    assert answer.suggestions[0].code == "01008"
    assert selectors.suggest("今天天气不错").suggestions == ()


def test_a_new_version_is_swapped_in_and_the_old_one_restored(trained, settings):
    settings.SUGGEST_RELOAD_SECONDS = 3600  # the process holds its model until the check is due
    assert engine.current().label == trained.label
    newer = actions.train_model(activate=False)
    assert ModelVersion.objects.filter(is_active=True).get() == trained
    actions.activate_version(newer)
    assert engine.current().label == newer.label  # on_commit: this process checks again at once
    assert ModelVersion.objects.filter(is_active=True).get() == newer
    # Another process notices within SUGGEST_RELOAD_SECONDS: a row changed behind the cache.
    ModelVersion.objects.update(is_active=False)
    ModelVersion.objects.filter(pk=trained.pk).update(is_active=True)
    assert engine.current().label == newer.label
    settings.SUGGEST_RELOAD_SECONDS = 0
    assert engine.current().label == trained.label
    # Restore = activate an older version, with its change rows.
    actions.activate_version(newer)
    actions.activate_version(trained, note="restore")
    assert selectors.suggest("路灯不亮").model_version == trained.label
    assert ObjectChange.objects.filter(object_id=str(trained.pk), note="restore").exists()
    actions.deactivate_all()
    assert selectors.suggest("路灯不亮").fallback


def test_a_retrain_on_corrected_cases_changes_the_answer(world, trained):
    text = "井边那个铁疙瘩又响又晃"
    before = top(text)
    assert before != "01006"
    for n in range(12):
        case = report(world, code="01006", description=f"{text}，第{n}次")
        Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    assert actions.retrain_if_changed().startswith("trained")
    assert top(text) == "01006"
    assert actions.retrain_if_changed().endswith("up to date")


def test_a_correction_that_changes_no_count_still_retrains(world, trained):
    """A dispatcher moving a closed case to another category changes no count, only the labels."""
    case = report(world, code="01008", description="路口那盏灯晚上不亮")
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    assert actions.retrain_if_changed().startswith("trained")
    assert actions.retrain_if_changed().endswith("up to date")
    Case.objects.filter(pk=case.pk).update(category=Category.objects.get(code="S06001"))
    assert actions.retrain_if_changed().startswith("trained")


def test_the_operators_page_says_when_keywords_answer(world, client, django_user_model):
    admin_user = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(admin_user)
    page = client.get("/admin/suggest/modelversion/")
    assert page.status_code == 200 and "关键词规则" in page.content.decode()
    version = actions.train_model()
    page = client.get("/admin/suggest/modelversion/")
    assert version.label in page.content.decode() and "关键词规则" not in page.content.decode()
    actions.train_model()
    response = client.post(
        "/admin/suggest/modelversion/", {"action": "activate", "_selected_action": [version.pk]}, follow=True
    )
    assert response.status_code == 200
    assert ModelVersion.objects.get(is_active=True) == version


def test_the_retraining_job_is_registered(world):
    from civicgrid.core import jobs

    assert jobs.run("retrain_category_model").startswith("trained")
    assert jobs.run("retrain_category_model").endswith("up to date")


@pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="needs PostgreSQL row locks")
def test_two_activations_at_once_leave_one_active(transactional_db, world):
    first = actions.train_model()
    a, b = actions.train_model(activate=False), actions.train_model(activate=False)
    actions.activate_version(first)
    barrier = threading.Barrier(2)
    errors = []

    def run(version):
        try:
            barrier.wait(timeout=10)
            actions.activate_version(version)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(v,)) for v in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert ModelVersion.objects.filter(is_active=True).count() == 1
    assert ModelVersion.objects.get(is_active=True) in (a, b)
