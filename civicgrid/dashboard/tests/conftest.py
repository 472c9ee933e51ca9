"""The dashboard's tests reuse the case tests' small world (tree, categories, one user per role)."""

from civicgrid.cases.tests.conftest import _fast_and_unlimited, world  # noqa: F401
from civicgrid.cases.tests.test_stats import cases  # noqa: F401
