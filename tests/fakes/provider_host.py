"""Drive a dynamic provider the way the Pulumi engine does: through the SDK's own provider host.

`python -u -m pulumi.dynamic` runs in a subprocess and prints its gRPC port; calls go over gRPC
(Configure, Check, Diff, Create, Read, Update, Delete) with properties serialized by the SDK's rpc
module, and the `__provider` property carrying the pickled provider, as in real state.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import grpc
from google.protobuf import struct_pb2
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from tests import REPO

__all__ = ["ProviderHost", "running_provider_host"]

PROVIDER_KEY = "__provider"


def _struct(props: dict[str, Any]) -> struct_pb2.Struct:
    return asyncio.run(rpc.serialize_properties(props, {}))  # type: ignore[no-any-return]


def _plain(struct: struct_pb2.Struct) -> dict[str, Any]:
    props = rpc.deserialize_properties(struct)
    return {k: v for k, v in props.items() if k != PROVIDER_KEY}


class ProviderHost:
    def __init__(self, channel: grpc.Channel, provider: ResourceProvider, type_token: str) -> None:
        self.stub = provider_pb2_grpc.ResourceProviderStub(channel)
        self.serialized = serialize_provider(provider)
        self.type_token = type_token

    def urn(self, name: str) -> str:
        return f"urn:pulumi:test::picletter::{self.type_token}::{name}"

    def _with_provider(self, props: dict[str, Any]) -> struct_pb2.Struct:
        return _struct({**props, PROVIDER_KEY: self.serialized})

    def configure(self, config: dict[str, str]) -> provider_pb2.ConfigureResponse:
        return self.stub.Configure(provider_pb2.ConfigureRequest(args=_struct(config), variables=config))

    def check(self, name: str, olds: dict[str, Any], news: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        response = self.stub.Check(
            provider_pb2.CheckRequest(
                urn=self.urn(name), olds=self._with_provider(olds), news=self._with_provider(news)
            )
        )
        return _plain(response.inputs), [f"{f.property}: {f.reason}" for f in response.failures]

    def diff(self, name: str, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> provider_pb2.DiffResponse:
        return self.stub.Diff(
            provider_pb2.DiffRequest(
                id=id_, urn=self.urn(name), olds=self._with_provider(olds), news=self._with_provider(news)
            )
        )

    def create(self, name: str, props: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        response = self.stub.Create(
            provider_pb2.CreateRequest(urn=self.urn(name), properties=self._with_provider(props))
        )
        return response.id, _plain(response.properties)

    def read(self, name: str, id_: str, props: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        response = self.stub.Read(
            provider_pb2.ReadRequest(id=id_, urn=self.urn(name), properties=self._with_provider(props))
        )
        return response.id, _plain(response.properties)

    def update(self, name: str, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        response = self.stub.Update(
            provider_pb2.UpdateRequest(
                id=id_, urn=self.urn(name), olds=self._with_provider(olds), news=self._with_provider(news)
            )
        )
        return _plain(response.properties)

    def delete(self, name: str, id_: str, props: dict[str, Any]) -> None:
        self.stub.Delete(provider_pb2.DeleteRequest(id=id_, urn=self.urn(name), properties=self._with_provider(props)))


@contextmanager
def running_provider_host(
    provider: ResourceProvider, type_token: str, env: dict[str, str]
) -> Iterator[tuple[ProviderHost, subprocess.Popen[bytes]]]:
    """Start the SDK's provider host with the repo importable (as `pulumi up` does from the project dir)."""
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.dynamic"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "PULUMI_PROJECT": "picletter", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline().strip())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            grpc.channel_ready_future(channel).result(timeout=30)
            yield ProviderHost(channel, provider, type_token), process
    finally:
        process.terminate()
        process.wait(timeout=10)
