"""The reference files the project carries are the ones in shared/reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.schedule.timezones import ZONES_FILE

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "reference"
COPIES = {
    "heroku-platform-api-schema.json": REPO / "tests" / "reference" / "heroku-platform-api-schema.json",
    "Microsoft.Logic.json": REPO / "tests" / "reference" / "Microsoft.Logic.json",
    "windows-timezones.logicappsux.tsv": ZONES_FILE,
}


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared/reference is not checked out beside the repo (e.g. GitHub CI)")
@pytest.mark.parametrize("name", sorted(COPIES))
def test_copy_is_identical_to_the_shared_reference(name: str) -> None:
    assert COPIES[name].read_bytes() == (SHARED / name).read_bytes()
