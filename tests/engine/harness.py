"""One scenario's world for the real Pulumi CLI: a copy of the project, its own state and PULUMI_HOME,
the Heroku fake and the azure-native stand-in, all on this machine and offline.

The CLI is found as `./dev engine` leaves it (scripts/pulumi-cli --find) or on PATH. Where there is
none, the engine tests skip with one line, unless PICLETTER_REQUIRE_ENGINE is set (.ci/run sets it
after building the CLI), which makes that a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.azure_native import FakeAzure, running_azure_native
from tests.fakes.heroku_api import TOKEN, FakeHeroku, running_fake_heroku

__all__ = ["REPO", "Engine", "cli_bin", "engine_world", "export_commit", "project_files"]

REPO = Path(__file__).resolve().parents[2]
STACK = "test"
PASSPHRASE = "engine-tests-passphrase"
# Secret values the state, previews and logs must never show in plaintext (scenario 5).
SENDGRID_CANARY = "SG.canary-sendgrid-4f1e2d"
ADOPTED_CANARY = "adopted-canary-secret-77a1"
CANARIES = (TOKEN, SENDGRID_CANARY, ADOPTED_CANARY)


def cli_bin() -> Path | None:
    """The directory holding `pulumi` and the Python language host, or None."""
    found = subprocess.run([REPO / "scripts" / "pulumi-cli", "--find"], capture_output=True, text=True, check=False)
    if found.returncode == 0:
        return Path(found.stdout.strip())
    on_path = shutil.which("pulumi")
    if on_path and shutil.which("pulumi-language-python"):
        return Path(on_path).parent
    return None


def require_cli() -> Path:
    found = cli_bin()
    if found is None:
        message = "no Pulumi CLI: `./dev engine` builds one from Go modules (docs/how-to/engine-tests.md)"
        if os.environ.get("PICLETTER_REQUIRE_ENGINE"):
            pytest.fail(message + "; PICLETTER_REQUIRE_ENGINE is set, so this fails", pytrace=False)
        pytest.skip(message)
    return found


def project_files(root: Path = REPO) -> list[str]:
    """The files of the program as git tracks them (the tests, bench and docs left out); every file
    when ROOT is an exported tree, not a checkout."""
    if root == REPO:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout.decode()
        names = [name for name in listed.split("\0") if name]
    else:
        names = [path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()]
    skip = ("tests/", "bench/", "docs/", ".github/", ".ci/", "scripts/")
    return [name for name in names if not name.startswith(skip) and (root / name).is_file()]


@dataclass
class Engine:
    """Runs the real CLI in one project copy with its own state."""

    project: Path
    env: dict[str, str]
    heroku: FakeHeroku
    azure: FakeAzure
    log: list[str] = field(default_factory=list)

    def pulumi(self, *args: str, check: bool = True, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            ["pulumi", *args],
            cwd=cwd or self.project,
            env=self.env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=300,
            check=False,
        )
        self.log.append(f"$ pulumi {' '.join(args)}\n{done.stdout}\n{done.stderr}")
        if check and done.returncode != 0:
            raise AssertionError(f"pulumi {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
        return done

    def config(self, *args: str) -> None:
        self.pulumi("config", "set", *args)

    def configure_like_the_readme(self, app: str = "picletter-test") -> None:
        """README "Quick start": location, app, the secret token, config vars with --path and --secret."""
        self.config("azure-native:location", "westeurope")
        self.config("picletter:herokuApp", app)
        self.config("--secret", "picletter:herokuApiToken", TOKEN)
        self.config("--path", "picletter:configVars.PICLETTER_FROM", "Picletter <pics@example.com>")
        self.config("--path", "picletter:configVars.PICLETTER_TO", "me@example.com")
        self.config("--secret", "--path", "picletter:configVars.SENDGRID_API_KEY", SENDGRID_CANARY)

    def set_object(self, key: str, value: Any) -> None:
        """KEY set to a list or map in one `pulumi config set-all --path`, its leaves as strings."""
        self.pulumi("config", "rm", "--path", key, check=False)
        leaves: list[str] = []

        def flatten(path: str, item: Any) -> None:
            if isinstance(item, dict):
                for name, inner in item.items():
                    flatten(f"{path}.{name}", inner)
            elif isinstance(item, list):
                for index, inner in enumerate(item):
                    flatten(f"{path}[{index}]", inner)
            else:
                leaves.extend(["--plaintext", f"{path}={item}"])

        flatten(key, value)
        self.pulumi("config", "set-all", "--path", *leaves)

    def set_jobs(self, jobs: list[dict[str, Any]]) -> None:
        self.set_object("picletter:jobs", jobs)

    def up(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.pulumi("up", "--yes", "--skip-preview", *args)

    def outputs(self) -> dict[str, Any]:
        return json.loads(self.pulumi("stack", "output", "--json", "--show-secrets").stdout)  # type: ignore[no-any-return]

    def export(self) -> dict[str, Any]:
        return json.loads(self.pulumi("stack", "export").stdout)  # type: ignore[no-any-return]

    def resources(self) -> dict[str, dict[str, Any]]:
        """The state's resources by URN name (type::name)."""
        deployment = self.export()["deployment"]
        return {r["urn"].split("::", 2)[2]: r for r in deployment.get("resources", [])}

    def resources_in_state(self) -> list[str]:
        """The URNs left in the state, the stack itself left out."""
        return [urn for urn, r in self.resources().items() if r["type"] != "pulumi:pulumi:Stack"]

    def replace_program(self) -> None:
        """The project directory holds the current program from now on, as after a `git pull`; the
        stack file and the .venv link stay."""
        for child in self.project.iterdir():
            if child.name not in (".venv", "Pulumi.test.yaml"):
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        _copy_project(self.project)

    def preview_steps(self) -> list[tuple[str, str]]:
        """(op, type::name) of each step `pulumi preview --json` plans, `same` ones left out."""
        plan = json.loads(self.pulumi("preview", "--json").stdout)
        return sorted(
            (step["op"], step["urn"].split("::", 2)[2]) for step in plan.get("steps", []) if step["op"] != "same"
        )


def export_commit(commit: str, destination: Path) -> None:
    """The tree of COMMIT (an earlier program) in DESTINATION."""
    archive = subprocess.run(["git", "archive", commit], cwd=REPO, capture_output=True, check=False)
    if archive.returncode != 0:
        pytest.fail(f"git archive {commit} failed (a shallow clone?): {archive.stderr.decode().strip()}")
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(destination, filter="data")


def _copy_project(destination: Path, root: Path = REPO) -> None:
    for name in project_files(root):
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)


def engine_environment(bin_dir: Path, home: Path, backend: Path, heroku_url: str, port: int) -> dict[str, str]:
    """Offline and isolated: never the user's ~/.pulumi, a cloud backend, the update check, a plugin
    download, a real Heroku or Azure, or a uv that rewrites uv.lock."""
    wheels = sorted((bin_dir.parent / "lib").glob("pip-*.whl"))
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PULUMI_", "HEROKU_", "AZURE_", "ARM_", "PYTHON", "VIRTUAL_ENV", "UV_"))
    }
    env.update(
        {
            "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
            "PULUMI_HOME": str(home),
            "PULUMI_BACKEND_URL": f"file://{backend}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_DEBUG_PROVIDERS": f"azure-native:{port}",
            # The language host runs this python (scripts/pulumi-cli says why), with pip for its
            # plugin discovery; the program and its dynamic providers import from .venv.
            "PULUMI_PYTHON_CMD": str(REPO / ".venv" / "bin" / "python"),
            "PYTHONPATH": os.pathsep.join(str(w) for w in wheels),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "UV_FROZEN": "1",
            "UV_OFFLINE": "1",
            "HEROKU_API_URL": heroku_url,
            "HEROKU_API_BACKOFF": "0.01",
        }
    )
    return env


@contextmanager
def engine_world(
    tmp_path: Path, *, root: Path = REPO, apps: dict[str, dict[str, str]] | None = None
) -> Iterator[Engine]:
    """A project copy of ROOT in TMP_PATH with stack `test` initialised, the fakes running."""
    bin_dir = require_cli()
    project, home, backend = tmp_path / "project", tmp_path / "pulumi-home", tmp_path / "state"
    for directory in (project, home, backend):
        directory.mkdir(parents=True)
    _copy_project(project, root)
    (project / ".venv").symlink_to(REPO / ".venv")
    with ExitStack() as stack:
        heroku = stack.enter_context(running_fake_heroku())
        for name, config_vars in (apps if apps is not None else {"picletter-test": {}}).items():
            heroku.add_app(name, config_vars)
        azure, port = stack.enter_context(running_azure_native())
        env = engine_environment(bin_dir, home, backend, heroku.url, port)
        engine = Engine(project, env, heroku, azure)
        engine.pulumi("stack", "init", STACK)
        try:
            yield engine
        except BaseException:
            print("\n".join(engine.log[-6:]))
            raise
        assert heroku.violations == [], "requests the Heroku schema does not allow"
