"""Typed errors of the Azure side: what failed, and what to do; never a token or a signed URL.

error_for_status has the shape of infra.heroku.errors' but is not the same fact: each maps statuses
to its own service's classes and hints, which change apart (ARM's 403 is a missing role, Heroku's a
missing collaborator), and HTTP's meaning of 401, 403, 404 and 429 is all they share.
"""

from __future__ import annotations

from infra.errors import PicletterError

__all__ = [
    "AzureApiError",
    "AzureAuthError",
    "AzureConnectionError",
    "AzureError",
    "AzureLoginError",
    "AzureNotFound",
    "AzureSettingsError",
    "AzureThrottled",
    "error_for_status",
]

LOGIN_HINT = (
    "run `az login` (and `az account set --subscription ID`), or set AZURE_CLIENT_ID, AZURE_TENANT_ID and "
    "AZURE_CLIENT_SECRET (or a federated token in CI) for a service principal"
)
# ARM's answers by status, and what to do (Microsoft, "Troubleshoot common Azure deployment errors"
# and "Throttling Resource Manager requests").
_HINTS = {
    401: "the Azure login has expired or belongs to another tenant: " + LOGIN_HINT,
    403: (
        "the Azure account lacks a role here: Reader on the resource group shows history; running a trigger or "
        "cancelling a run needs Logic App Contributor or Contributor (Logic App Operator may only read, enable "
        "and disable: Microsoft's built-in roles); see docs/how-to/run-history.md"
    ),
    404: "check the workflow id (jobs.<name>.workflowId in `pulumi stack output --json`) and the subscription",
    429: "Azure Resource Manager throttled the requests after every retry; wait a minute and run again",
}


class AzureError(PicletterError):
    """The Azure side (infra.errors draws the hierarchy)."""


class AzureSettingsError(AzureError):
    """PICLETTER_ARM_URL, a workflow id or the stack outputs cannot be used."""


class AzureLoginError(AzureError):
    """No Azure credential could give a token (not logged in, or the login expired)."""

    def __init__(self, detail: str) -> None:
        # DETAIL is the credential's first line: azure-identity's messages name the sources tried,
        # never a token.
        super().__init__(f"no Azure login ({detail}): {LOGIN_HINT}")


class AzureApiError(AzureError):
    """ARM answered METHOD WHAT with an error status, its error code and message."""

    def __init__(self, method: str, what: str, status: int, code: str, message: str) -> None:
        self.method, self.what, self.status, self.code, self.message = method, what, status, code, message
        text = f"Azure {method} {what} failed: {status} {code}: {message}"
        hint = _HINTS.get(status)
        super().__init__(f"{text}; {hint}" if hint else text)


class AzureAuthError(AzureApiError):
    """401 or 403."""


class AzureNotFound(AzureApiError):
    """404: no such workflow, run or trigger (or the account cannot see it)."""


class AzureThrottled(AzureApiError):
    """429 after every retry."""


class AzureConnectionError(AzureApiError):
    """No answer after every retry."""

    def __init__(self, method: str, what: str, cause: Exception) -> None:
        super().__init__(method, what, 0, "connection_error", type(cause).__name__)


def error_for_status(method: str, what: str, status: int, code: str, message: str) -> AzureApiError:
    cls: type[AzureApiError] = AzureApiError
    if status in (401, 403):
        cls = AzureAuthError
    elif status == 404:
        cls = AzureNotFound
    elif status == 429:
        cls = AzureThrottled
    return cls(method, what, status, code, message)
