"""Change rows in human words, whatever keys an action logged (a reverse relation's count too)."""

import pytest

from civicgrid.core.changelog import change_row
from civicgrid.core.changewords import readable_changes
from civicgrid.core.models import ObjectChange
from civicgrid.testing import make_user

pytestmark = pytest.mark.django_db


def test_a_reverse_relation_key_reads_as_words_not_a_crash():
    user = make_user("someone")
    row = change_row(None, user, ObjectChange.Action.UPDATE, {"role_assignments": 1}, {"role_assignments": 2})
    row.save()
    ((label, before, after),) = readable_changes(row)
    assert (before, after) == ("1", "2") and label != "role_assignments"
