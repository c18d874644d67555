"""A stand-in for the azure-native resource provider, served to the real Pulumi engine over gRPC.

azure-native's plugin cannot be built here (its main package embeds generated files), so the engine
tests attach this one instead (`PULUMI_DEBUG_PROVIDERS=azure-native:PORT`, the engine's attach mode:
sdk/go/common/resource/plugin/provider_plugin.go, GetProviderAttachPort). It implements
`pulumirpc.ResourceProvider` with the stubs of the `pulumi` wheel, for exactly the resource types
the program registers, and keeps a small "cloud" in memory:

- what ARM would hold: resources by their ARM id, with the properties a GET would show;
- every call the engine made (`calls`), to assert on what an `up` changed and in which order;
- drift (`drift`, `delete_out_of_band`): what someone changed in the portal, for refresh tests.

Each behaviour is a claim about azure-native or ARM and says where it comes from. What it does not
claim: ARM's asynchronous operations, throttling, and any property beyond the program's.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterator
from concurrent import futures
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import plugin_pb2, provider_pb2, provider_pb2_grpc

from tests.fakes.logic_schema import logic_validator
from tests.fakes.wdl import Definition

__all__ = ["RESOURCE_TYPES", "SUBSCRIPTION", "Call", "FakeAzure", "azure_native_version", "running_azure_native"]

REPO = Path(__file__).resolve().parents[2]
SUBSCRIPTION = "00000000-0000-4000-8000-000000000000"
# Pulumi's wire markers (sdk/go/common/resource/properties.go, sdk/python/lib/pulumi/runtime/rpc.py).
SIG = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


@dataclass(frozen=True)
class _Kind:
    name_input: str  # the input azure-native auto-names when unset
    provider_path: str  # ARM id after the resource group ("" for a resource group itself)
    api_version: str
    # Inputs whose change makes ARM refuse an update, so azure-native replaces (its schema marks them
    # forceNew: the name, the resource group, the location; provider/pkg/provider/diff.go).
    replace_on: tuple[str, ...]


# The types the program registers (__main__.py, infra/components), with the api versions
# pulumi-azure-native 3.x uses by default for them (its sdk's `azureApiVersion` outputs).
RESOURCE_TYPES: dict[str, _Kind] = {
    "azure-native:resources:ResourceGroup": _Kind(
        "resourceGroupName", "", "2024-03-01", ("resourceGroupName", "location")
    ),
    "azure-native:logic:Workflow": _Kind(
        "workflowName", "Microsoft.Logic/workflows", "2019-05-01", ("workflowName", "resourceGroupName", "location")
    ),
    "azure-native:monitor:ActionGroup": _Kind(
        "actionGroupName", "Microsoft.Insights/actionGroups", "2023-01-01", ("actionGroupName", "resourceGroupName")
    ),
    "azure-native:monitor:MetricAlert": _Kind(
        "ruleName", "Microsoft.Insights/metricAlerts", "2018-03-01", ("ruleName", "resourceGroupName")
    ),
}


def azure_native_version() -> str:
    """The pulumi-azure-native version uv.lock pins: the one this stand-in answers GetPluginInfo with."""
    text = (REPO / "uv.lock").read_text()
    match = re.search(r'^name = "pulumi-azure-native"\nversion = "([^"]+)"', text, re.MULTILINE)
    assert match, "uv.lock pins no pulumi-azure-native"
    return match.group(1)


def reveal(value: Any) -> Any:
    """VALUE with Pulumi's secret wrappers taken off (what ARM receives)."""
    if isinstance(value, dict):
        if value.get(SIG) == SECRET_SIG:
            return reveal(value.get("value"))
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v) for v in value]
    return value


def has_unknowns(value: Any) -> bool:
    if isinstance(value, dict):
        return any(has_unknowns(v) for v in value.values())
    if isinstance(value, list):
        return any(has_unknowns(v) for v in value)
    return value == UNKNOWN


def _plain(struct: struct_pb2.Struct) -> dict[str, Any]:
    return json_format.MessageToDict(struct)  # type: ignore[no-any-return]


def _struct(props: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(props)
    return struct


@dataclass
class Call:
    method: str
    type: str
    name: str
    id: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class FakeAzure:
    """What ARM holds, and what the engine asked of the provider."""

    resources: dict[str, dict[str, Any]] = field(default_factory=dict)  # ARM id -> {"type", "inputs"}
    calls: list[Call] = field(default_factory=list)
    config: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)

    def writes(self) -> list[Call]:
        return [c for c in self.calls if c.method in ("Create", "Update", "Delete")]

    def of_type(self, type_: str) -> dict[str, dict[str, Any]]:
        return {id_: r for id_, r in self.resources.items() if r["type"] == type_}

    def drift(self, id_: str, **inputs: Any) -> None:
        """Someone changed the resource outside Pulumi (the portal, the CLI)."""
        self.resources[id_]["inputs"].update(inputs)

    def delete_out_of_band(self, id_: str) -> None:
        del self.resources[id_]


def _token(urn: str) -> tuple[str, str]:
    # urn:pulumi:<stack>::<project>::<qualified type>::<name>; the type's last segment is the resource's.
    parts = urn.split("::")
    return parts[2].split("$")[-1], parts[3]


class _Provider(provider_pb2_grpc.ResourceProviderServicer):
    def __init__(self, azure: FakeAzure) -> None:
        self.azure = azure

    # --- plugin ---------------------------------------------------------------------------------
    def GetPluginInfo(self, request: Any, context: Any) -> plugin_pb2.PluginInfo:
        return plugin_pb2.PluginInfo(version=azure_native_version())

    def Handshake(self, request: Any, context: Any) -> provider_pb2.ProviderHandshakeResponse:
        # azure-native accepts secrets and resource references (provider.go, Configure).
        return provider_pb2.ProviderHandshakeResponse(accept_secrets=True, accept_resources=True, accept_outputs=False)

    def Attach(self, request: Any, context: Any) -> empty_pb2.Empty:
        # Attach mode (PULUMI_DEBUG_PROVIDERS): the engine hands over its address instead of starting us.
        return empty_pb2.Empty()

    def GetSchema(self, request: Any, context: Any) -> provider_pb2.GetSchemaResponse:
        return provider_pb2.GetSchemaResponse(schema="{}")

    def CheckConfig(self, request: Any, context: Any) -> provider_pb2.CheckResponse:
        return provider_pb2.CheckResponse(inputs=request.news)

    def DiffConfig(self, request: Any, context: Any) -> provider_pb2.DiffResponse:
        return provider_pb2.DiffResponse(changes=provider_pb2.DiffResponse.DIFF_NONE)

    def Configure(self, request: Any, context: Any) -> provider_pb2.ConfigureResponse:
        # Config keys arrive as `azure-native:config:<key>` in `variables` (the engine's config map).
        self.azure.config = {key.rsplit(":", 1)[-1]: value for key, value in request.variables.items()}
        self.azure.record(Call("Configure", "pulumi:providers:azure-native", "", detail=dict(self.azure.config)))
        return provider_pb2.ConfigureResponse(acceptSecrets=True, supportsPreview=True, acceptResources=True)

    def Cancel(self, request: Any, context: Any) -> empty_pb2.Empty:
        return empty_pb2.Empty()

    # --- resources ------------------------------------------------------------------------------
    def Check(self, request: Any, context: Any) -> provider_pb2.CheckResponse:
        type_, name = _token(request.urn)
        kind = self._kind(type_, context)
        olds, news = _plain(request.olds), _plain(request.news)
        self.azure.record(Call("Check", type_, name))
        failures = []
        # Auto-naming (Pulumi docs, "Resource names: auto-naming"): the logical name and a random
        # suffix, kept from the old inputs so a resource is not renamed on every update. The engine's
        # random seed makes previews agree with the update.
        if kind.name_input not in news:
            news[kind.name_input] = (
                olds.get(kind.name_input) or name + hashlib.sha256(request.randomSeed).hexdigest()[:8]
            )
        # azure-native takes `location` from the provider config when a resource does not set it
        # (provider.go, applying the `location` default); a resource group without one is refused.
        if "location" not in news and type_ != "azure-native:monitor:MetricAlert" and self.azure.config.get("location"):
            news["location"] = self.azure.config["location"]
        if type_ == "azure-native:resources:ResourceGroup" and "location" not in news:
            failures.append(
                provider_pb2.CheckFailure(property="location", reason="missing required property 'location'")
            )
        if type_ != "azure-native:resources:ResourceGroup" and "resourceGroupName" not in news:
            failures.append(provider_pb2.CheckFailure(property="resourceGroupName", reason="missing required property"))
        if type_ == "azure-native:monitor:ActionGroup" and len(str(news.get("groupShortName", ""))) > 12:
            # Microsoft.Insights actionGroups: groupShortName maxLength 12 (Azure REST spec).
            failures.append(provider_pb2.CheckFailure(property="groupShortName", reason="longer than 12 characters"))
        return provider_pb2.CheckResponse(inputs=_struct(news), failures=failures)

    def Diff(self, request: Any, context: Any) -> provider_pb2.DiffResponse:
        type_, name = _token(request.urn)
        kind = self._kind(type_, context)
        # azure-native diffs the new inputs against the old inputs (old_inputs; older engines sent
        # only the old outputs), property by property (provider/pkg/provider/diff.go).
        olds = _plain(request.old_inputs) if request.HasField("old_inputs") else _plain(request.olds)
        news = _plain(request.news)
        keys = sorted(k for k in set(olds) | set(news) if reveal(olds.get(k)) != reveal(news.get(k)))
        replaces = [k for k in keys if k in kind.replace_on]
        self.azure.record(Call("Diff", type_, name, request.id, {"changed": keys}))
        detailed = {
            k: provider_pb2.PropertyDiff(
                kind=provider_pb2.PropertyDiff.UPDATE_REPLACE if k in replaces else provider_pb2.PropertyDiff.UPDATE,
                inputDiff=True,
            )
            for k in keys
        }
        return provider_pb2.DiffResponse(
            changes=provider_pb2.DiffResponse.DIFF_SOME if keys else provider_pb2.DiffResponse.DIFF_NONE,
            diffs=keys,
            replaces=replaces,
            detailedDiff=detailed,
            hasDetailedDiff=True,
        )

    def Create(self, request: Any, context: Any) -> provider_pb2.CreateResponse:
        type_, name = _token(request.urn)
        kind = self._kind(type_, context)
        inputs = _plain(request.properties)
        if request.preview:
            return provider_pb2.CreateResponse(id="", properties=_struct({**inputs, **self._preview_outputs()}))
        id_ = self._arm_id(kind, inputs)
        self._put(type_, id_, inputs, context)
        self.azure.record(Call("Create", type_, name, id_, reveal(inputs)))
        return provider_pb2.CreateResponse(id=id_, properties=_struct(self._outputs(kind, id_, inputs)))

    def Update(self, request: Any, context: Any) -> provider_pb2.UpdateResponse:
        type_, name = _token(request.urn)
        kind = self._kind(type_, context)
        inputs = _plain(request.news)
        if request.preview:
            return provider_pb2.UpdateResponse(properties=_struct({**inputs, **self._preview_outputs()}))
        self._put(type_, request.id, inputs, context)
        self.azure.record(Call("Update", type_, name, request.id, reveal(inputs)))
        return provider_pb2.UpdateResponse(properties=_struct(self._outputs(kind, request.id, inputs)))

    def Read(self, request: Any, context: Any) -> provider_pb2.ReadResponse:
        type_, name = _token(request.urn)
        kind = self._kind(type_, context)
        self.azure.record(Call("Read", type_, name, request.id))
        held = self.azure.resources.get(request.id)
        if held is None:
            # A GET answering 404: azure-native returns an empty id, and the engine drops the
            # resource from the state (the provider's Read contract, provider.proto).
            return provider_pb2.ReadResponse(id="")
        old_inputs = _plain(request.inputs)
        # What ARM shows, as inputs: secure parameter values are never returned by a GET (Azure
        # Logic Apps, "Secure access and data": securestring parameters are not shown after
        # deployment), so azure-native keeps the old input value for them.
        inputs = {**held["inputs"]}
        if "parameters" in old_inputs and "parameters" in inputs:
            inputs["parameters"] = old_inputs["parameters"]
        return provider_pb2.ReadResponse(
            id=request.id, properties=_struct(self._outputs(kind, request.id, inputs)), inputs=_struct(inputs)
        )

    def Delete(self, request: Any, context: Any) -> empty_pb2.Empty:
        type_, name = _token(request.urn)
        self.azure.record(Call("Delete", type_, name, request.id))
        with self.azure.lock:
            # Deleting a resource group deletes what is in it (ARM, "Azure Resource Manager resource
            # group deletion"); deleting what is already gone is a 404 azure-native treats as done.
            doomed = [i for i in self.azure.resources if i == request.id or i.startswith(request.id + "/")]
            for id_ in doomed:
                del self.azure.resources[id_]
        return empty_pb2.Empty()

    # --- ARM ------------------------------------------------------------------------------------
    def _kind(self, type_: str, context: Any) -> _Kind:
        kind = RESOURCE_TYPES.get(type_)
        if kind is None:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"the azure-native stand-in does not model {type_}")
        assert kind is not None
        return kind

    def _arm_id(self, kind: _Kind, inputs: dict[str, Any]) -> str:
        group = inputs.get("resourceGroupName") or inputs[kind.name_input]
        base = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{group}"
        return base if not kind.provider_path else f"{base}/providers/{kind.provider_path}/{inputs[kind.name_input]}"

    def _put(self, type_: str, id_: str, inputs: dict[str, Any], context: Any) -> None:
        plain = reveal(inputs)
        group = plain.get("resourceGroupName")
        if (
            type_ != "azure-native:resources:ResourceGroup"
            and f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{group}" not in self.azure.resources
        ):
            # ARM answers 404 ResourceGroupNotFound for a resource in a group that does not exist.
            context.abort(
                grpc.StatusCode.NOT_FOUND, f"ResourceGroupNotFound: Resource group '{group}' could not be found."
            )
        if type_ == "azure-native:logic:Workflow":
            self._validate_workflow(plain, context)
        with self.azure.lock:
            self.azure.resources[id_] = {"type": type_, "inputs": inputs}

    def _validate_workflow(self, plain: dict[str, Any], context: Any) -> None:
        """Refuse what ARM and Logic Apps refuse on save: the resource against the ARM schema
        (shared/reference Microsoft.Logic.json) and the definition's expressions (tests/fakes/wdl)."""
        resource = {
            "name": plain["workflowName"],
            "type": "Microsoft.Logic/workflows",
            "apiVersion": "2019-05-01",
            "location": plain.get("location", ""),
            "properties": {k: plain[k] for k in ("definition", "parameters", "state") if k in plain},
            **({"tags": plain["tags"]} if "tags" in plain else {}),
        }
        errors = [e.message for e in logic_validator("resourceDefinitions/workflows").iter_errors(resource)]
        errors += Definition(plain.get("definition", {})).problems()
        # A value for a parameter the definition does not declare: ARM answers 400 InvalidTemplate,
        # "The template validation failed: 'The workflow parameters '...' are not v[alid]..."
        # (hashicorp/terraform-provider-azurerm#4731, the service's answer quoted in the issue).
        if undeclared := sorted(
            set(plain.get("parameters", {})) - set(plain.get("definition", {}).get("parameters", {}))
        ):
            errors.append(f"The workflow parameters '{', '.join(undeclared)}' are not declared in the definition")
        if errors:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "InvalidTemplate: " + "; ".join(errors[:5]))

    def _outputs(self, kind: _Kind, id_: str, inputs: dict[str, Any]) -> dict[str, Any]:
        outputs = {k: v for k, v in inputs.items() if k not in (kind.name_input, "resourceGroupName")}
        if "parameters" in outputs:
            # A GET never shows a securestring parameter's value (see Read).
            outputs["parameters"] = {
                k: {key: val for key, val in reveal(p).items() if key != "value"}
                for k, p in reveal(outputs["parameters"]).items()
            }
        return {
            **outputs,
            "id": id_,
            "name": inputs[kind.name_input],
            "type": kind.provider_path or "Microsoft.Resources/resourceGroups",
            "azureApiVersion": kind.api_version,
            **({"provisioningState": "Succeeded"} if kind.provider_path.startswith("Microsoft.Logic") else {}),
        }

    @staticmethod
    def _preview_outputs() -> dict[str, Any]:
        return {"id": UNKNOWN, "name": UNKNOWN, "azureApiVersion": UNKNOWN}


@contextmanager
def running_azure_native(azure: FakeAzure | None = None) -> Iterator[tuple[FakeAzure, int]]:
    """Serve the stand-in on 127.0.0.1; yields the fake cloud and the port for PULUMI_DEBUG_PROVIDERS."""
    azure = azure or FakeAzure()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(_Provider(azure), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield azure, port
    finally:
        server.stop(grace=None)


def dump(azure: FakeAzure) -> str:
    """The fake cloud as JSON, for failure messages."""
    return json.dumps({"resources": azure.resources, "calls": [c.__dict__ for c in azure.calls]}, indent=1, default=str)
