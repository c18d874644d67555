"""Fixtures of the job's tests; shared helpers live in tests/picletter/helpers.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.web import FakeWeb, running_fake_web


@pytest.fixture
def web() -> Iterator[FakeWeb]:
    with running_fake_web() as fake:
        yield fake


@pytest.fixture
def env(web: FakeWeb, tmp_path: Path) -> dict[str, str]:
    return {
        "PICLETTER_FROM": "Picletter <picletter@example.com>",
        "PICLETTER_TO": "a@example.com, B <b@example.com>",
        "PICLETTER_OUTBOX": str(tmp_path / "outbox"),
        "WIKIMEDIA_API_URL": f"{web.url}/wikimedia",
        "NASA_API_URL": f"{web.url}/nasa",
        "UNSPLASH_API_URL": f"{web.url}/unsplash",
        "SENDGRID_API_URL": f"{web.url}/sendgrid",
    }
