"""Heroku API requests per first `up`, no-op `up` and one-key change, counted through the SDK's
provider host against the local fake API (what the engine calls: Check, Diff, Create/Update), and
the job tarball's size against the files it packs.

    ./dev py bench/heroku_requests.py
"""

from __future__ import annotations

import gzip

from _measure import REPO
from pulumi.runtime.proto import provider_pb2

from infra.dynamic.heroku_build import HerokuBuildProvider, HerokuCodeCheckProvider
from infra.dynamic.heroku_config_vars import HerokuConfigVarsProvider
from infra.heroku.source_bundle import bundle_files, make_bundle
from tests.fakes.heroku_api import TOKEN, FakeHeroku, running_fake_heroku
from tests.fakes.provider_host import ProviderHost, running_provider_host
from tests.helpers import BUILD_TYPE, CODE_CHECK_TYPE, CONFIG_VARS_TYPE

APP = "picletter-bench"
VARS = {f"KEY_{i}": f"value-{i}" for i in range(10)}


def engine_step(host: ProviderHost, name: str, id_: str | None, olds: dict, news: dict) -> tuple[str, dict]:  # type: ignore[type-arg]
    """What the engine does for one resource in one `up`."""
    inputs, failures = host.check(name, olds, news)
    assert not failures, failures
    if id_ is None:
        return host.create(name, inputs)
    if host.diff(name, id_, olds, inputs).changes == provider_pb2.DiffResponse.DIFF_SOME:
        return id_, host.update(name, id_, olds, inputs)
    return id_, olds


def count(fake: FakeHeroku, since: int) -> tuple[int, int]:
    new = fake.requests[since:]
    return len(new), len([r for r in new if r.method != "GET"])


def main() -> None:
    with running_fake_heroku() as fake:
        fake.add_app(APP)
        env = {"HEROKU_API_URL": fake.url}
        build_news = {"app": APP, "sourceDir": str(REPO), "checksum": make_bundle(REPO).sha256}
        provider = HerokuBuildProvider()
        provider.poll_interval = 0.01
        results = {}
        with (
            running_provider_host(HerokuConfigVarsProvider(), CONFIG_VARS_TYPE, env) as (
                cv,
                _,
            ),
            running_provider_host(provider, BUILD_TYPE, env) as (build, _),
            running_provider_host(HerokuCodeCheckProvider(), CODE_CHECK_TYPE, env) as (gate, _),
        ):
            gate.configure({"picletter:herokuApiToken": TOKEN})
            cv.configure({"picletter:herokuApiToken": TOKEN})
            build.configure({"picletter:herokuApiToken": TOKEN})
            start = len(fake.requests)
            gate_id, gate_outs = engine_step(gate, "job-code-check", None, {}, build_news)
            cv_id, cv_outs = engine_step(cv, "config-vars", None, {}, {"app": APP, "vars": VARS})
            build_id, build_outs = engine_step(build, "job-code", None, {}, build_news)
            results["first up"] = count(fake, start)
            start = len(fake.requests)
            engine_step(gate, "job-code-check", gate_id, gate_outs, build_news)
            engine_step(cv, "config-vars", cv_id, cv_outs, {"app": APP, "vars": VARS})
            engine_step(build, "job-code", build_id, build_outs, build_news)
            results["no-op up"] = count(fake, start)
            start = len(fake.requests)
            engine_step(gate, "job-code-check", gate_id, gate_outs, build_news)
            engine_step(cv, "config-vars", cv_id, cv_outs, {"app": APP, "vars": {**VARS, "KEY_0": "changed"}})
            engine_step(build, "job-code", build_id, build_outs, build_news)
            results["one-key change"] = count(fake, start)
    print(f"Heroku API requests (config vars with {len(VARS)} keys + job code):")
    for label, (total, writes) in results.items():
        print(f"  {label:<15} {total:3d} requests, {writes} writes")
    first = results["first up"][0]
    noop, one_key = results["no-op up"][0], results["one-key change"][0]
    print(f"  ratio no-op/first: {noop / first:.2f}, one-key/first: {one_key / first:.2f}")
    bundle = make_bundle(REPO)
    raw = sum(len(content) for content in bundle_files(REPO).values())
    tar_bytes = len(gzip.decompress(bundle.data))
    print(f"job tarball: {len(bundle.files)} files, {raw} bytes of content, {tar_bytes} bytes as tar,", end=" ")
    print(f"{bundle.size} bytes gzipped")
    print(f"  ratio gzipped/content: {bundle.size / raw:.2f}")


if __name__ == "__main__":
    main()
