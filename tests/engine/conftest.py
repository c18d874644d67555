"""The engine tests' fixture: one isolated world (project copy, state, fakes) per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.engine.harness import Engine, engine_world


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    with engine_world(tmp_path, apps={"picletter-test": {"DATABASE_URL": "postgres://unmanaged"}}) as world:
        yield world
