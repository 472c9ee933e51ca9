"""The cases tests' world (a region tree, the shipped categories, two departments, one user per role)
for smart intake's tests."""

from civicgrid.cases.tests.conftest import _fast_and_unlimited, world  # noqa: F401
