"""The official documents the fakes and tests are checked against, read where they are kept, never copied.

PICLETTER_REFERENCE_DIR names the folder; without it, ../shared/reference beside the repository.
The GitHub workflows download the documents from their publishers into a folder, print their
sha256, and name it here, so a change on the publisher's side shows up as a changed hash or a
failing test.

    heroku-platform-api-schema.json     https://api.heroku.com/schema (Accept: application/vnd.heroku+json; version=3)
    Microsoft.Logic.json                Azure/azure-resource-manager-schemas, schemas/2019-05-01/Microsoft.Logic.json
    windows-timezones.logicappsux.tsv   the Logic Apps designer's zone list (Azure/LogicAppsUX recurrence.ts)
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["REFERENCE_DIR", "reference"]

REFERENCE_DIR = Path(
    os.environ.get("PICLETTER_REFERENCE_DIR") or Path(__file__).resolve().parents[1].parent / "shared" / "reference"
)


def reference(name: str) -> Path:
    """The path of reference document NAME; a missing one fails the test that asks, saying where to put it."""
    path = REFERENCE_DIR / name
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: set PICLETTER_REFERENCE_DIR to a folder holding {name} "
            "(the GitHub workflows download it; see tests/reference.py)"
        )
    return path
