"""Azure's public regions, to tell a typo in `azure-native:location` from a region. Pure.

Source: Microsoft's "Azure regions list" (learn.microsoft.com/azure/reliability/regions-list,
MicrosoftDocs/azure-docs articles/reliability/regions-list.md, ms.date 03/21/2025), the Region
column, including regions marked restricted or coming soon. ARM's programmatic name is the display
name in lower case without spaces (West Europe -> westeurope), as `az account list-locations` shows.
Azure opens regions faster than any list is updated: a name close to a listed one is refused as a
typo; a name close to none is only warned about, as it may be newer than this list.
"""

from __future__ import annotations

import difflib

__all__ = ["REGIONS", "REGION_DISPLAY_NAMES", "location_problem"]

REGION_DISPLAY_NAMES = (
    "Australia Central", "Australia Central 2", "Australia East", "Australia Southeast", "Austria East",
    "Brazil South", "Brazil Southeast", "Canada Central", "Canada East", "Central India", "Central US",
    "East Asia", "East US", "East US 2", "France Central", "France South", "Germany North",
    "Germany West Central", "Indonesia Central", "Israel Central", "Italy North", "Japan East", "Japan West",
    "Korea Central", "Korea South", "Mexico Central", "New Zealand North", "North Central US", "North Europe",
    "Norway East", "Norway West", "Poland Central", "Qatar Central", "South Africa North", "South Africa West",
    "South Central US", "South India", "Southeast Asia", "Spain Central", "Sweden Central", "Sweden South",
    "Switzerland North", "Switzerland West", "UAE Central", "UAE North", "UK South", "UK West",
    "West Central US", "West Europe", "West India", "West US", "West US 2", "West US 3",
)  # fmt: skip
REGIONS = tuple(name.lower().replace(" ", "") for name in REGION_DISPLAY_NAMES)


def location_problem(location: str) -> tuple[str, bool] | None:
    """None for a listed region; else (what to say, whether it is surely wrong rather than unlisted)."""
    if location in REGIONS:
        return None
    squeezed = location.lower().replace(" ", "").replace("-", "").replace("_", "")
    if squeezed in REGIONS:
        return f"{location!r} is not how Azure Resource Manager names the region: write {squeezed}", True
    close = difflib.get_close_matches(squeezed, REGIONS, n=3, cutoff=0.75)
    if close:
        return f"{location!r} is not an Azure region; did you mean {' or '.join(close)}?", True
    return (
        f"{location!r} is not in Microsoft's list of Azure regions (March 2025); if it is newer, ignore this, "
        "else see `az account list-locations -o table`",
        False,
    )
