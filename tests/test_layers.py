"""Imports point down the layers the package docstrings draw, never back up, with no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import REPO

# Module prefix -> what it may import of the project's (besides itself). From infra/__init__.py.
ALLOWED = {
    "infra.errors": set(),
    "infra.tree": set(),
    "infra.schedule": {"infra.errors"},
    "infra.heroku.facts": set(),
    "infra.names": set(),
    "infra.azure_regions": set(),
    "infra.job_command": set(),
    "infra.run_rules": {"infra.schedule", "infra.job_command"},
    "infra.settings": {
        "infra.errors",
        "infra.schedule",
        "infra.heroku.facts",
        "infra.names",
        "infra.azure_regions",
        "infra.run_rules",
        "infra.job_command",
        "picletter.settings",  # the job's own parser judges the job's settings the stack sets
    },
    "infra.workflow": {"infra.settings", "infra.heroku.facts", "infra.job_command", "infra.run_rules"},
    "infra.heroku": {
        "infra.errors",
        "infra.tree",
        "infra.heroku",
        "infra.names",
        "infra.job_command",
        "picletter.http",
        "picletter.render",
    },
    "infra.azure": {"infra.errors", "infra.workflow", "picletter.http"},
    "infra.stack_config": {"infra.settings"},
    "infra.imports": {"infra.errors", "infra.heroku.facts", "infra.schedule", "infra.settings", "infra.imports"},
    "infra.gc_tuning": set(),
    "infra.components": {"infra.settings", "infra.workflow", "infra.schedule", "infra.heroku"},
    "infra.synth": {"infra"},
    "infra.cli": {"infra", "picletter"},  # the demo runs the job
    "infra.__main__": {"infra.cli"},
    "infra": set(),  # the package's own __init__
    "picletter": {"picletter"},
}


def project_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found |= {name for name in names if name.split(".")[0] in ("infra", "picletter")}
    return found


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def rule_for(module: str) -> tuple[str, set[str]]:
    prefix = max((p for p in ALLOWED if module == p or module.startswith(p + ".")), key=len)
    return prefix, ALLOWED[prefix]


def test_every_import_points_down_a_layer() -> None:
    wrong = []
    for path in [*(REPO / "infra").rglob("*.py"), *(REPO / "picletter").rglob("*.py")]:
        module = module_name(path)
        prefix, allowed = rule_for(module)
        for imported in project_imports(path):
            ok = imported.startswith(prefix) or any(imported == a or imported.startswith(a + ".") for a in allowed)
            if not ok:
                wrong.append(f"{module} imports {imported}")
    assert wrong == []


def test_the_job_never_imports_infra() -> None:
    for path in (REPO / "picletter").rglob("*.py"):
        assert not [i for i in project_imports(path) if i.startswith("infra")], path
