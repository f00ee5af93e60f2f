"""The demo store of the page tests, shared with the ui tests that read data."""

from tests.pages.conftest import demo_store  # noqa: F401  (a fixture)
