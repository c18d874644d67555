"""Every test here runs the definitions under each reading of what Microsoft leaves open
(tests/fakes/wdl.py, "Readings"): the definitions must hold under all of them."""

from __future__ import annotations

import pytest

from tests.fakes import wdl


@pytest.fixture(autouse=True, params=wdl.ALL_READINGS, ids=lambda readings: readings.name)
def readings(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> wdl.Readings:
    chosen: wdl.Readings = request.param
    monkeypatch.setattr(wdl, "READINGS", chosen)
    return chosen
