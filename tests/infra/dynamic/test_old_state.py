"""States written before the dynamic resources moved to infra.dynamic still load their providers
(docs/adr/0011-dynamic-resources-package.md). The pickles are the `__provider` inputs of real states
written by earlier commits (old_state_providers.json says how), loaded as the provider host loads
them (pulumi/dynamic/__main__.py, get_provider: base64, then dill.loads)."""

from __future__ import annotations

import base64
import json
import pickletools
import re
from pathlib import Path

import dill
import pytest
from pulumi.dynamic import ResourceProvider

from infra.dynamic.catch_up_start import CatchUpStartProvider
from infra.dynamic.heroku_app import HerokuAppProvider
from infra.dynamic.heroku_build import HerokuBuildProvider
from infra.dynamic.heroku_config_vars import HerokuConfigVarsProvider
from tests import REPO

FIXTURE = Path(__file__).with_name("old_state_providers.json")
STATES: dict[str, dict[str, str]] = json.loads(FIXTURE.read_text())["states"]
PROVIDERS: dict[str, type[ResourceProvider]] = {
    "pulumi-python:dynamic/heroku:App": HerokuAppProvider,
    "pulumi-python:dynamic/heroku:Build": HerokuBuildProvider,
    "pulumi-python:dynamic/heroku:ConfigVars": HerokuConfigVarsProvider,
    "pulumi-python:dynamic/picletter:CatchUpStart": CatchUpStartProvider,
}
OLD_PATHS = ("infra.heroku.app", "infra.heroku.build", "infra.heroku.config_vars", "infra.components.catch_up_start")


def _modules_named(pickled: bytes) -> set[str]:
    """The modules a pickle imports (its STACK_GLOBAL's module strings)."""
    return {str(arg) for _, arg, _ in pickletools.genops(pickled) if isinstance(arg, str) and arg.startswith("infra.")}


@pytest.mark.parametrize(
    ("commit", "resource_type"), [(commit, kind) for commit, found in STATES.items() for kind in found]
)
def test_a_provider_pickled_by_an_earlier_program_loads_as_todays_class(commit: str, resource_type: str) -> None:
    pickled = base64.b64decode(STATES[commit][resource_type])
    assert _modules_named(pickled) <= set(OLD_PATHS), "the fixture holds pickles by the old paths"

    provider = dill.loads(pickled)

    assert type(provider) is PROVIDERS[resource_type]


def test_the_fixture_covers_every_dynamic_resource() -> None:
    assert set(STATES["7ddd538"]) == set(PROVIDERS)


def test_todays_providers_pickle_by_the_package_path() -> None:
    """What the next `up` writes into the state: after it, the aliases are no longer read."""
    from pulumi.dynamic.dynamic import serialize_provider

    for provider_class in PROVIDERS.values():
        pickled = base64.b64decode(serialize_provider(provider_class()))
        assert _modules_named(pickled) == {provider_class.__module__}
        assert provider_class.__module__.startswith("infra.dynamic.")


def test_nothing_imports_the_old_paths() -> None:
    """The aliases serve old states alone: code uses infra.dynamic."""
    pattern = re.compile(rf"^\s*(from|import) ({'|'.join(re.escape(path) for path in OLD_PATHS)})\b", re.MULTILINE)
    sources = [REPO / "__main__.py"]
    for folder in ("infra", "tests", "bench", "picletter"):
        sources += (REPO / folder).rglob("*.py")
    importing = [path.relative_to(REPO).as_posix() for path in sources if pattern.search(path.read_text())]
    assert importing == []
