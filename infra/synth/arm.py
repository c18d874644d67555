"""An ARM template deploying the same Logic Apps as the Pulumi program (`az deployment group create`)."""

from __future__ import annotations

from typing import Any

from infra.tree import DESCEND, rewrite
from infra.workflow import TOKEN_PARAMETER, all_actions
from infra.workflow.notify import READ_RUNS, READER_ROLE

__all__ = ["arm_literal", "arm_template"]

TEMPLATE_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


def arm_literal(value: Any) -> Any:
    """VALUE with the strings ARM would read as expressions escaped.

    ARM evaluates a string as an expression only when it starts with `[` and ends with `]`, and
    reads `[[` at the start of such a string as a literal `[`. Any other string, `[ -f x ] && run`
    among them, is already a literal and must stay as it is.
    """
    return rewrite(value, _escape_expression)


def _escape_expression(node: Any, _path: str) -> Any:
    if isinstance(node, str):
        return "[" + node if node.startswith("[") and node.endswith("]") else node
    return DESCEND


def _reads_runs(definition: dict[str, Any]) -> bool:
    return any(name.startswith(READ_RUNS) for name, _ in all_actions(definition.get("actions", {})))


def _runs_reader(name: str) -> dict[str, Any]:
    """Reader on the workflow for its identity (infra.workflow.notify: recovery reads the runs), an
    extension resource scoped to the workflow (ARM, "Set scope for extension resources")."""
    workflow = f"resourceId('Microsoft.Logic/workflows', '{name}')"
    return {
        "type": "Microsoft.Authorization/roleAssignments",
        "apiVersion": "2022-04-01",
        "name": f"[guid({workflow}, '{READER_ROLE}')]",
        "scope": f"Microsoft.Logic/workflows/{name}",
        "dependsOn": [f"[{workflow}]"],
        "properties": {
            "roleDefinitionId": f"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{READER_ROLE}')]",
            "principalId": f"[reference({workflow}, '2019-05-01', 'Full').identity.principalId]",
            "principalType": "ServicePrincipal",
        },
    }


def arm_template(workflows: list[dict[str, Any]]) -> dict[str, Any]:
    """WORKFLOWS: `name`, `definition`, `state`, `tags` of each Logic App; the token and the notify
    receivers' URLs (`notifyUrlN`, picletter:notify) are securestring template parameters."""
    secure = sorted({p for w in workflows for p in w["definition"].get("parameters", {}) if p != TOKEN_PARAMETER})
    resources: list[dict[str, Any]] = []
    for workflow in workflows:
        own = [TOKEN_PARAMETER, *(p for p in secure if p in workflow["definition"].get("parameters", {}))]
        resource: dict[str, Any] = {
            "type": "Microsoft.Logic/workflows",
            "apiVersion": "2019-05-01",
            "name": workflow["name"],
            "location": "[parameters('location')]",
            "tags": arm_literal(workflow["tags"]),
            "properties": {
                "state": workflow["state"],
                "definition": arm_literal(workflow["definition"]),
                "parameters": {p: {"value": f"[parameters('{p}')]"} for p in own},
            },
        }
        resources.append(resource)
        if _reads_runs(workflow["definition"]):
            resource["identity"] = {"type": "SystemAssigned"}
            resources.append(_runs_reader(workflow["name"]))
    receivers = {
        p: {"type": "securestring", "metadata": {"description": "a picletter:notify receiver's URL"}} for p in secure
    }
    return {
        "$schema": TEMPLATE_SCHEMA,
        "contentVersion": "1.0.0.0",
        "parameters": {
            TOKEN_PARAMETER: {
                "type": "securestring",
                "metadata": {"description": "Heroku token that lists and creates dynos (picletter:herokuRunToken)"},
            },
            **receivers,
            "location": {"type": "string", "defaultValue": "[resourceGroup().location]"},
        },
        "resources": resources,
        # One object output, not one output per workflow: ARM allows at most 64 outputs per template.
        "outputs": {
            "workflowIds": {
                "type": "object",
                "value": {
                    workflow["name"]: f"[resourceId('Microsoft.Logic/workflows', '{workflow['name']}')]"
                    for workflow in workflows
                },
            }
        },
    }
