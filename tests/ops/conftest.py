# The cases app's test world (regions, people, categories) and its settings, for the ops tests.
from civicgrid.cases.tests.conftest import _fast_and_unlimited, world  # noqa: F401
