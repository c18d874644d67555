"""What the README and docs/ name exists: every `./dev` and `python -m infra` command, every
repository path and file name, every relative link and the heading each `#fragment` points at.

Docs drift silently when code moves; this is the check that makes them fail instead."""

from __future__ import annotations

import contextlib
import io
import re
from functools import cache
from pathlib import Path

import pytest

from infra.cli import main as infra_main
from infra.settings import JOB_FIELDS, STACK_FIELDS
from tests.helpers import REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
INFRA_COMMAND = re.compile(r"(?:python|py) -m infra ([a-z][\w-]*)")
DEV_COMMAND = re.compile(r"\./dev ([a-z][\w-]*)")
# A path inside the repository: starts at one of its top-level folders, not in the middle of a
# longer path or URL (`<org>/picletter/prod`, `/app/Procfile` are not repository paths).
REPO_PATH = re.compile(r"(?<![\w./<>-])((?:infra|picletter|tests|bench|bin|docs|esc|\.github|\.ci)/[\w./-]*)")
# A bare file name in backticks (`Pulumi.example.yaml`, `uv.lock`): a file at the repository's root.
ROOT_FILE = re.compile(r"`([\w-]+(?:\.[\w-]+)*\.(?:py|yaml|yml|toml|lock|md|json|txt))`")
# File names the docs mention that are not in the repository: what `synth` writes into build/synth,
# a stack file the reader creates, and a file in the Heroku CLI's source that a fake cites.
NOT_IN_REPO = {
    "Pulumi.dev.yaml",
    "resources.txt",
    "resources.json",
    "azuredeploy.json",
    "heroku-config-vars.json",
    "schedules.json",
    "cost.md",
    "cost.json",
}


@cache
def dev_commands() -> frozenset[str]:
    """The `case` arms of the `dev` script: the commands `./dev` accepts."""
    return frozenset(re.findall(r"^\s+([a-z]+)\)", (REPO / "dev").read_text(), re.MULTILINE))


@cache
def is_infra_command(name: str) -> bool:
    """Whether `python -m infra NAME --help` is accepted by the real parser (argparse exits 0)."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            infra_main([name, "--help"])
        except SystemExit as exit_:
            return exit_.code == 0
    return False


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces become dashes."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(markdown: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", markdown.read_text(), flags=re.DOTALL)
    return {slug(h) for h in re.findall(r"^#+ (.+)$", text, re.MULTILINE)}


def dangling(text: str, where: Path, repo: Path = REPO) -> list[str]:
    """Every name in TEXT (a Markdown file at WHERE) that does not exist, one line each."""
    found: list[str] = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):  # https:, mailto:
            continue
        file_part, _, fragment = target.partition("#")
        linked = (where.parent / file_part).resolve() if file_part else where
        if not linked.exists():
            found.append(f"link {target}: {linked} does not exist")
        elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
            found.append(f"link {target}: no heading #{fragment} in {linked.name}")
    for name in INFRA_COMMAND.findall(text):
        if not is_infra_command(name):
            found.append(f"command python -m infra {name}: not a subcommand of infra.cli")
    for name in DEV_COMMAND.findall(text):
        if name not in dev_commands():
            found.append(f"command ./dev {name}: not one of {sorted(dev_commands())}")
    for path in REPO_PATH.findall(text):
        if not (repo / path.rstrip(".")).exists():
            found.append(f"path {path}: not in the repository")
    for name in ROOT_FILE.findall(text):
        if name not in NOT_IN_REPO and not (repo / name).exists():
            found.append(f"file {name}: not at the repository's root")
    return found


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_name_in_the_docs_exists(doc: Path) -> None:
    assert dangling(doc.read_text(), doc) == []


# Code, config and CI files that point readers at the docs; this file names made-up ones on purpose.
POINTING_AT_DOCS = [
    p
    for folder in ("infra", "picletter", "bin", "bench", "tests", ".github")
    for p in sorted((REPO / folder).rglob("*"))
    if p.is_file() and p.suffix in {"", ".py", ".yml", ".yaml"} and p != Path(__file__).resolve()
] + sorted(REPO.glob("Pulumi*.yaml"))


def test_every_docs_page_the_code_points_at_exists() -> None:
    named = {
        (str(p.relative_to(REPO)), page)
        for p in POINTING_AT_DOCS
        for page in re.findall(r"(?<![\w/])docs/[\w./-]*\.md", p.read_text(errors="replace"))
    }
    assert named, "the code points readers at docs/ pages"
    assert sorted((where, page) for where, page in named if not (REPO / page).exists()) == []


def test_docs_index_links_every_docs_page() -> None:
    index = REPO / "docs" / "index.md"
    linked = {(index.parent / t.partition("#")[0]).resolve() for t in LINK.findall(index.read_text())}
    assert [str(p.relative_to(REPO)) for p in DOCS[1:] if p.resolve() not in linked and p != index] == []


def table_keys(markdown: str, heading: str) -> set[str]:
    """The names in the first column of the table under HEADING (each cell's backticked names)."""
    section = markdown.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| ([^|]+) \|", section, re.MULTILINE)
    return {name for row in rows for name in re.findall(r"`([^`]+)`", row)}


def test_configuration_reference_lists_every_key_the_settings_parse() -> None:
    # One parser per key in infra/settings.py: a key added there without its row (or a row left
    # behind by a removed key) fails here, both ways.
    text = (REPO / "docs" / "reference" / "configuration.md").read_text()
    stack_keys = {"azure-native:location" if key == "location" else f"picletter:{key}" for key in STACK_FIELDS}
    assert table_keys(text, "Stack keys") == stack_keys
    assert table_keys(text, "Job fields") == set(JOB_FIELDS)


def test_readme_stays_short() -> None:
    # Issue 25: the README is an entry point of about 8 KB; details live in docs/.
    assert len((REPO / "README.md").read_bytes()) <= 8 * 1024


def test_each_kind_of_dangling_name_is_reported(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "here.md").write_text("# Real heading\n")
    page = tmp_path / "docs" / "page.md"
    text = (
        "[ok](here.md#real-heading) [gone](missing.md) [bad anchor](here.md#nope) [web](https://example.com)\n"
        "`python -m infra synth` `./dev py -m infra nosuch` `./dev deploy` `./dev test`\n"
        "`docs/here.md` `docs/nothere.md` `Pulumi.yaml` `nothere.toml` `cost.md`\n"
    )
    (tmp_path / "Pulumi.yaml").write_text("")
    assert dangling(text, page, repo=tmp_path) == [
        f"link missing.md: {tmp_path / 'docs' / 'missing.md'} does not exist",
        "link here.md#nope: no heading #nope in here.md",
        "command python -m infra nosuch: not a subcommand of infra.cli",
        "command ./dev deploy: not one of ['engine', 'py', 'run', 'test']",
        "path docs/nothere.md: not in the repository",
        "file nothere.toml: not at the repository's root",
    ]


def test_anchors_follow_githubs_rule() -> None:
    assert slug("Environment of the operator tools and the program (`HEROKU_*`)") == (
        "environment-of-the-operator-tools-and-the-program-heroku_"
    )
    assert slug("Following a dyno's logs") == "following-a-dynos-logs"
