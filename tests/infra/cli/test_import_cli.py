"""python -m infra import FILE: the jobs on stdout, a summary on stderr, exit 1 when some were refused."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml

from infra.cli import main

MANIFEST = """\
jobs:
  - nickname: Daily
    schedule: '0 9 * * *'
    command: rake daily
"""


def test_a_manifest_converts_to_a_fragment_on_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "manifest.yml"
    path.write_text(MANIFEST)
    assert main(["import", str(path)]) == 0
    out, err = capsys.readouterr()
    assert yaml.safe_load(out)["config"]["picletter:jobs"][0]["name"] == "daily"
    assert err.strip() == "import: 1 job(s) converted from Cron To Go manifest, 0 not converted"


def test_some_refused_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "scheduler.json"
    path.write_text(json.dumps({"data": [{"type": "jobs", "attributes": {"every": 5, "command": "x"}}]}))
    assert main(["import", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "# NOT CONVERTED (1)" in out
    assert "1 not converted (listed at the top of the output)" in err


def test_standard_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(MANIFEST))
    assert main(["import", "-"]) == 0
    assert "converted from standard input" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("jobs: [unclosed", "is neither YAML nor JSON at line 1"),
        ("just: text", "is not a Cron To Go manifest"),
        (b"\xff\xfe\x00binary", "cannot read"),
    ],
)
def test_a_bad_file_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | bytes | None, message: str
) -> None:
    path = tmp_path / "jobs.yml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    assert main(["import", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
