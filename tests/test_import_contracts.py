"""The import contracts in pyproject.toml ([tool.importlinter], run by `./dev test`) hold for the tree,
and break on each kind of wrong import: one that points up a layer, a cycle inside a package, the
job importing infra, infra.heroku.facts importing the project, and a new module placed in no layer.

The test they replace compared module prefixes without a trailing dot and never looked for cycles:
an import of infra.cli from infra.synth and a cycle between infra.heroku.paths and .client both
passed it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120
    )


def test_the_tree_keeps_every_contract() -> None:
    done = lint_imports(REPO)
    assert done.returncode == 0, done.stdout + done.stderr


# (module file, the line added to it, what lint-imports must say)
WRONG_IMPORTS = {
    "upward": ("infra/synth/render.py", "import infra.cli.demo", "infra.synth is not allowed to import infra.cli"),
    "cycle": ("infra/heroku/paths.py", "import infra.heroku.client", "No cycles are allowed in infra.heroku."),
    "job imports infra": ("picletter/picture.py", "import infra.errors", "picletter is not allowed to import infra"),
    "facts not pure": (
        "infra/heroku/facts.py",
        "import infra.errors",
        "infra.heroku.facts is not allowed to import infra.errors",
    ),
    "unplaced module": ("infra/newcomer.py", "", "The following modules are not listed as layers"),
}


@pytest.mark.parametrize("case", WRONG_IMPORTS)
def test_each_kind_of_wrong_import_breaks_a_contract(tmp_path: Path, case: str) -> None:
    for name in ("infra", "picletter", "netkit"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    module, line, message = WRONG_IMPORTS[case]
    # Inside a function, so the module still imports at run time: only the contracts can see it.
    with (tmp_path / module).open("a") as source:
        source.write(f"\n\ndef _wrong() -> None:\n    {line or 'pass'}\n")
    done = lint_imports(tmp_path)
    assert done.returncode == 1, done.stdout
    assert message in done.stdout
