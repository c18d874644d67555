"""An ARM template deploying the same Logic Apps as the Pulumi program (`az deployment group create`)."""

from __future__ import annotations

from typing import Any

from infra.tree import DESCEND, rewrite
from infra.workflow import TOKEN_PARAMETER

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


def arm_template(workflows: list[dict[str, Any]]) -> dict[str, Any]:
    """WORKFLOWS: `name`, `definition`, `state`, `tags` of each Logic App; the token is a template parameter."""
    resources = [
        {
            "type": "Microsoft.Logic/workflows",
            "apiVersion": "2019-05-01",
            "name": workflow["name"],
            "location": "[parameters('location')]",
            "tags": arm_literal(workflow["tags"]),
            "properties": {
                "state": workflow["state"],
                "definition": arm_literal(workflow["definition"]),
                "parameters": {TOKEN_PARAMETER: {"value": f"[parameters('{TOKEN_PARAMETER}')]"}},
            },
        }
        for workflow in workflows
    ]
    return {
        "$schema": TEMPLATE_SCHEMA,
        "contentVersion": "1.0.0.0",
        "parameters": {
            TOKEN_PARAMETER: {
                "type": "securestring",
                "metadata": {"description": "Heroku token that lists and creates dynos (picletter:herokuRunToken)"},
            },
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
