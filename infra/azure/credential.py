"""Where the operator's Azure token and endpoint come from.

    PICLETTER_ARM_URL   another management endpoint (the local fake in tests); https, or http on this machine

The credential is azure-identity's DefaultAzureCredential: environment variables of a service
principal, workload identity (OIDC in CI), a managed identity, then `az login` (AzureCliCredential),
Azure PowerShell and azd, the first that answers. Imported only when a command needs it: the rest
of infra, and the job, never load azure-identity.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from infra.azure.client import MANAGEMENT_URL, TokenCredentialLike, check_endpoint

__all__ = ["ARM_URL_ENV", "azure_credential", "management_url"]

ARM_URL_ENV = "PICLETTER_ARM_URL"


def management_url(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    url = (env.get(ARM_URL_ENV) or MANAGEMENT_URL).rstrip("/")
    check_endpoint(url, f"{ARM_URL_ENV}={url!r}")
    return url


def azure_credential() -> TokenCredentialLike:
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential()
