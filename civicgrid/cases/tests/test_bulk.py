"""The bulk generator behind the benchmarks: rows the product itself would accept as its own."""

from collections import Counter

import pytest
from django.utils import timezone

from bench.bulk_cases import _Generator, generate_cases
from civicgrid.cases import selectors
from civicgrid.cases.integrity import verify_chain
from civicgrid.cases.models import OPEN_STATUSES, Case, CaseEvent, Evaluation, Status

from .conftest import report


@pytest.mark.parametrize("history", ["full", "report"])
def test_generated_cases_have_valid_chains_and_a_realistic_mix(world, history):
    written = generate_cases(400, district=world.tree["D"], seed=7, batch_size=150, history=history)

    assert written == Case.objects.count() == 400
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert statuses[Status.CLOSED] > 300
    assert len(statuses) >= 5
    assert all(verify_chain(case) is None for case in Case.objects.all())
    assert Evaluation.objects.count() == statuses[Status.CLOSED]
    events_per_case = CaseEvent.objects.count() / 400
    assert events_per_case > 6 if history == "full" else events_per_case == 1
    # Open cases run a clock; finished ones don't.
    assert not Case.objects.filter(status__in=OPEN_STATUSES - {Status.SUSPENDED}, step_due_at__isnull=True).exists()
    assert not Case.objects.filter(status=Status.CLOSED, step_due_at__isnull=False).exists()
    # Every case sits under its micro-grid, grid, community and street.
    for case in Case.objects.select_related("grid", "community", "street")[:50]:
        assert case.region_code.startswith(case.grid.code)
        assert case.grid.code.startswith(case.community.code)
        assert case.community.code.startswith(case.street.code)


def test_generation_is_deterministic(world):
    now = timezone.now()

    def draw(seed):
        generator = _Generator(world.tree["D"], seed, 365, now, "full")
        return [
            (c.number, c.status, c.region_code, c.category.code, c.reported_at, c.step_due_at)
            for c in (generator.case() for _ in range(50))
        ]

    assert draw(5) == draw(5)
    assert draw(5) != draw(6)


def test_numbering_and_ids_continue_after_generation(world):
    generate_cases(120, district=world.tree["D"], seed=3)
    numbers = set(Case.objects.values_list("number", flat=True))
    assert len(numbers) == 120

    # A case reported through the actions afterwards gets the next id and number, not a clash.
    case = report(world)
    assert case.pk > max(Case.objects.exclude(pk=case.pk).values_list("pk", flat=True))
    assert case.number not in numbers


def test_street_staff_queue_sees_generated_open_cases(world):
    generate_cases(300, district=world.tree["D"], seed=11)
    street = world.people.street
    in_street = Case.objects.filter(region_code__startswith=world.tree["S1"].code, status__in=OPEN_STATUSES)
    assert selectors.queue(street).count() == in_street.count() > 0
