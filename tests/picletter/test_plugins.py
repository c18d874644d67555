"""Sources and mailers: one declaration of their names, each loadable, loaded only when used."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from picletter.plugins import MAILERS, SOURCES, load
from tests.helpers import REPO


@pytest.mark.parametrize("spec", [*SOURCES.values(), *MAILERS.values()])
def test_every_declared_plugin_loads(spec: str) -> None:
    assert callable(load(spec))


def test_a_run_imports_only_the_source_and_mailer_it_uses(tmp_path: Path) -> None:
    probe = (
        "import json, ssl, sys\n"
        "loaded = []\n"
        "original = ssl.SSLContext.load_verify_locations\n"
        "def recording(self, *args, **kwargs):\n"
        "    loaded.append(1)\n"
        "    return original(self, *args, **kwargs)\n"
        "ssl.SSLContext.load_verify_locations = recording\n"
        "from picletter.__main__ import main\n"
        "code = main([])\n"
        "print(json.dumps([code, len(loaded), sorted(m for m in sys.modules if m.startswith('picletter.') or m in "
        "('smtplib', 'asyncio'))]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO,
        env={"PICLETTER_SOURCE": "sample", "PICLETTER_OUTBOX": str(tmp_path), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    code, certificate_loads, modules = json.loads(done.stdout.splitlines()[-1])
    assert code == 0, done.stdout + done.stderr
    assert "picletter.sources.sample" in modules and "picletter.mailers.outbox" in modules
    assert not {"picletter.mailers.smtp", "picletter.mailers.sendgrid", "picletter.sources.wikimedia"} & set(modules)
    assert not {"smtplib", "asyncio"} & set(modules)
    assert certificate_loads == 0  # no https URL in this run: no CA bundle is read
