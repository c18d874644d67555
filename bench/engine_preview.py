"""`pulumi preview` of the example stack under the real CLI, against `pulumi preview` of a bare
one-resource Python program, in the same run and the same world (medians; goal: at most x1.5).
Then a no-op `pulumi up` of the example stack: it must make zero Heroku writes and zero azure-native
creates, updates or deletes.

    ./dev engine && ./dev py bench/engine_preview.py [--runs N]

The Heroku API is the project's fake and azure-native the stand-in (tests/engine/harness.py), so
the times are the CLI's, the engine's, the language host's and the program's, not the clouds'.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from _measure import REPO

from tests.engine.harness import Engine, cli_bin, engine_world

BARE_PROGRAM = """
import pulumi
from pulumi_azure_native import resources

group = resources.ResourceGroup("bare", location="westeurope")
pulumi.export("name", group.name)
"""


def configure_example(engine: Engine) -> None:
    """Pulumi.example.yaml's settings through `pulumi config set` (its ciphertexts are placeholders)."""
    config: dict[str, Any] = yaml.safe_load((REPO / "Pulumi.example.yaml").read_text())["config"]
    for key, value in config.items():
        if key == "picletter:configVars":
            for name, var in value.items():
                secret = isinstance(var, dict) and "secure" in var
                engine.config(*(["--secret"] if secret else []), "--path", f"{key}.{name}", "bench" if secret else var)
        elif isinstance(value, dict) and "secure" in value:
            engine.config("--secret", key, "fake-heroku-token-0123456789")
        elif isinstance(value, list | dict):
            engine.set_object(key, value)
        else:
            engine.config(key, str(value).lower() if isinstance(value, bool) else str(value))


def seconds(engine: Engine, cwd: Path | None = None) -> float:
    started = time.perf_counter()
    engine.pulumi("preview", cwd=cwd)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if cli_bin() is None:
        raise SystemExit("no Pulumi CLI: run `./dev engine` first (docs/how-to/engine-tests.md)")
    with tempfile.TemporaryDirectory() as tmp, engine_world(Path(tmp), apps={}) as engine:
        configure_example(engine)
        bare = Path(tmp) / "bare"
        bare.mkdir()
        (bare / "Pulumi.yaml").write_text("name: bare\nruntime: python\n")
        (bare / "__main__.py").write_text(BARE_PROGRAM)
        (bare / ".venv").symlink_to(REPO / ".venv")
        engine.pulumi("stack", "init", "test", cwd=bare)

        # Interleaved, so that a machine busy for a while slows both alike.
        examples, baselines = [], []
        for _ in range(args.runs):
            examples.append(seconds(engine))
            baselines.append(seconds(engine, cwd=bare))
        example, baseline = statistics.median(examples), statistics.median(baselines)
        print(f"pulumi preview, example stack:  {example:6.2f} s (median of {args.runs})")
        print(f"pulumi preview, bare program:   {baseline:6.2f} s")
        print(f"ratio: x{example / baseline:.2f} (goal: at most x1.5)")

        engine.up()
        heroku_before, azure_before = len(engine.heroku.writes()), len(engine.azure.writes())
        engine.up()
        heroku_writes = len(engine.heroku.writes()) - heroku_before
        azure_writes = len(engine.azure.writes()) - azure_before
        print(f"no-op pulumi up: {heroku_writes} Heroku writes, {azure_writes} azure-native creates/updates/deletes")
        if heroku_writes or azure_writes:
            raise SystemExit("a no-op up changed something")


if __name__ == "__main__":
    main()
