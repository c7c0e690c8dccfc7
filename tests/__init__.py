"""The test suite (a package, so tests can import shared constants from tests.conftest)."""
