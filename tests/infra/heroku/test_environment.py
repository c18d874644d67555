"""The HEROKU_* environment variables have one reader, infra/heroku/environment.py: every other module
takes what it read (a second reader would be a second rule for the same variable: its default, its
checks, the order of its fallbacks)."""

from __future__ import annotations

import ast

import pytest

from tests.helpers import REPO

READER = REPO / "infra" / "heroku" / "environment.py"
# The program and the operator's tools; the job (picletter/) reads none of them.
SCANNED = sorted([*(REPO / "infra").rglob("*.py"), REPO / "__main__.py"])


def _heroku_name(node: ast.AST) -> str | None:
    """The variable's name when NODE is a "HEROKU_..." string or an f-string beginning so."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("HEROKU_"):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values and _heroku_name(node.values[0]):
        return ast.unparse(node)
    return None


def heroku_reads(source: str) -> list[str]:
    """`line: name` of each read of a HEROKU_* variable from a mapping or the environment in SOURCE:
    `x.get("HEROKU_...")`, `os.getenv("HEROKU_...")`, `x["HEROKU_..."]`, `"HEROKU_..." in x`.
    Names written into a mapping (`{"HEROKU_API_URL": url}`) and named in messages are not reads."""
    found = []
    for node in ast.walk(ast.parse(source)):
        name = None
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) in ("get", "getenv", "pop")
            and node.args
        ):
            name = _heroku_name(node.args[0])
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            name = _heroku_name(node.slice)
        elif isinstance(node, ast.Compare) and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops):
            name = _heroku_name(node.left)
        if name:
            found.append(f"{node.lineno}: {name}")
    return found


def test_only_the_heroku_environment_module_reads_heroku_variables() -> None:
    assert heroku_reads(READER.read_text()), "the reader itself reads none: the scan is blind"
    elsewhere = {
        str(path.relative_to(REPO)): reads
        for path in SCANNED
        if path != READER and (reads := heroku_reads(path.read_text()))
    }
    assert elsewhere == {}, "read HEROKU_* through infra.heroku.environment.heroku_environment() instead"


@pytest.mark.parametrize(
    "line",
    [
        'os.environ.get("HEROKU_API_KEY")',
        'env.get("HEROKU_API_KEY", "")',
        'os.getenv("HEROKU_APP")',
        'os.environ["HEROKU_API_URL"]',
        '"HEROKU_API_KEY" in os.environ',
        'env.get(f"HEROKU_{suffix}")',
        'os.environ.pop("HEROKU_API_KEY", None)',
    ],
)
def test_each_way_of_reading_a_variable_is_seen(line: str) -> None:
    (read,) = heroku_reads(f"import os\n{line}\n")
    assert read.removeprefix("2: ").lstrip("f'").startswith("HEROKU_")


@pytest.mark.parametrize(
    "line",
    [
        'env = {**os.environ, "HEROKU_API_KEY": placeholder}',
        'raise UserError("HEROKU_API_KEY is not set")',
        'RESERVED_PREFIXES = ("__", "HEROKU_")',
        'env["HEROKU_API_URL"] = url',
    ],
)
def test_writing_or_naming_a_variable_is_no_read(line: str) -> None:
    assert heroku_reads(line + "\n") == []
