"""Fixtures for the whole suite, and the suite-wide hypothesis profile; shared helpers live in
tests/helpers.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests.fakes.heroku_api import FakeHeroku, running_fake_heroku
from tests.fakes.logic_api import FakeLogicApps, running_fake_logic_apps
from tests.fakes.logic_rest_spec import SPEC_DIR, spec_available

# The suite is deterministic: property tests draw the same examples on every run and every machine,
# so a red CI always means the change, never the draw. Cases they found are kept as @example.
settings.register_profile("deterministic", derandomize=True, print_blob=True)
settings.load_profile("deterministic")


@pytest.fixture
def fake_heroku() -> Iterator[FakeHeroku]:
    with running_fake_heroku() as fake:
        fake.add_app("picletter-test", {"DATABASE_URL": "postgres://unmanaged", "LEGACY": "keep me"})
        yield fake
    assert fake.violations == [], "requests the Heroku schema does not allow"


@pytest.fixture
def fake_logic() -> Iterator[FakeLogicApps]:
    """The fake ARM Logic Apps API; every request and answer checked against Microsoft's spec, read
    from shared/reference (where it is not beside the repo, as on GitHub CI, these tests skip)."""
    if not spec_available():
        pytest.skip(f"{SPEC_DIR} is not there")
    with running_fake_logic_apps() as fake:
        yield fake
    assert fake.violations == [], "requests or answers Microsoft's Logic Apps REST spec does not allow"
