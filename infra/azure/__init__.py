"""The Azure side of the operator's commands: a job's Logic App runs through Azure Resource Manager.

workflow_ref (which workflow: an ARM id, the stack's outputs) -> client (the Logic Apps API over
httpx: tokens, throttling, paging, content links, typed errors in infra.azure.errors) ->
history (pure: a run and its actions as one history line). credential: azure-identity's chain.
Imports point down: errors, infra.workflow (action names), netkit.retries (retries).
"""
