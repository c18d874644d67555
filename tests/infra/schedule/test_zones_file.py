"""The Logic Apps zone list the program ships (infra/schedule/logicapps-timezones.tsv) is the
reference's, byte for byte: the program needs it on a user's machine, where no reference exists."""

from __future__ import annotations

import os

import pytest

from infra.schedule.timezones import ZONES_FILE
from tests.reference import REFERENCE_DIR, reference

NAME = "windows-timezones.logicappsux.tsv"


# The GitHub workflows download only what is published as a file (the two schemas); this list is
# read out of the designer's source, so there the test is skipped, visibly (pytest -ra).
@pytest.mark.skipif(
    bool(os.environ.get("PICLETTER_REFERENCE_DIR")) and not (REFERENCE_DIR / NAME).is_file(),
    reason=f"{NAME} is not in PICLETTER_REFERENCE_DIR",
)
def test_the_shipped_zone_list_is_the_reference() -> None:
    assert ZONES_FILE.read_bytes() == reference(NAME).read_bytes()
