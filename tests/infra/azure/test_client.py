"""The ARM client against the fake Logic Apps API: paging, throttling, what is retried, where the
token goes, and errors as one line."""

from __future__ import annotations

import httpx
import pytest
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import CredentialUnavailableError

from infra.azure.client import SCOPE, LogicAppsClient
from infra.azure.errors import AzureAuthError, AzureLoginError, AzureNotFound, AzureSettingsError, AzureThrottled
from infra.azure.workflow_ref import WorkflowRef, parse_workflow_id
from infra.errors import UserError
from netkit.retries import RetrySettings
from tests.fakes.logic_api import ARM_TOKEN, ArmCredential, FakeLogicApps, workflow_id
from tests.helpers import stack_settings

JOB = stack_settings(herokuApp="picletter-test", herokuApiToken="t", location="x").jobs[0]
REF = parse_workflow_id(workflow_id("wf-job"))


def client(
    fake: FakeLogicApps, credential: object = None, sleeps: list[float] | None = None, **kwargs: object
) -> LogicAppsClient:
    waits = sleeps if sleeps is not None else []
    return LogicAppsClient(credential or ArmCredential(), base_url=fake.url, sleep=waits.append, **kwargs)  # type: ignore[arg-type]


def test_lists_follow_next_link_to_the_end(fake_logic: FakeLogicApps) -> None:
    fake_logic.page_size = 2
    workflow = fake_logic.add_workflow("wf-job", JOB)
    made = [fake_logic.add_run(workflow, "succeeded").name for _ in range(5)]
    with client(fake_logic) as arm:
        assert [r["name"] for r in arm.runs(REF)] == made[::-1]
    pages = [r for r in fake_logic.requests if r.path.endswith("/runs")]
    assert [r.query.get("$skiptoken") for r in pages] == [None, ["2"], ["4"]]
    assert all(r.query["api-version"] == ["2019-05-01"] for r in pages)


def test_a_next_link_to_another_host_is_not_followed_with_the_token() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url.host))
        return httpx.Response(200, json={"value": [{"name": "a"}], "nextLink": "https://evil.example/runs?x=1"})

    arm = LogicAppsClient(ArmCredential(), transport=httpx.MockTransport(answer))
    with pytest.raises(AzureSettingsError, match="another host"):
        list(arm.runs(REF))
    assert seen == ["management.azure.com"]


@pytest.mark.parametrize("url", ["http://management.azure.com", "http://10.0.0.5:8080", "ftp://x"])
def test_the_token_never_travels_in_clear_text(url: str) -> None:
    with pytest.raises(AzureSettingsError, match="neither https"):
        LogicAppsClient(ArmCredential(), base_url=url)


def test_content_links_are_read_without_the_token_and_never_shown(fake_logic: FakeLogicApps) -> None:
    workflow = fake_logic.add_workflow("wf-job", JOB)
    run = fake_logic.add_run(workflow, "succeeded")
    with client(fake_logic) as arm:
        actions = arm.run_actions(REF, run.name)
        (start,) = [a for a in actions if a["name"] == "Start_dyno"]
        link = start["properties"]["outputsLink"]
        assert arm.content(link, "Start_dyno")["body"]["exitStatus"] == 0
        broken = {**link, "uri": link["uri"].replace("sig=", "sig=x")}
        with pytest.raises(Exception) as caught:
            arm.content(broken, "action Start_dyno")
        assert "sig" not in str(caught.value) and "action Start_dyno" in str(caught.value)
        with pytest.raises(AzureSettingsError):
            arm.content({"uri": "http://prod-00.westeurope.logic.azure.com/x?sig=s"}, "action Start_dyno")
    content = [r for r in fake_logic.requests if r.path.startswith("/content/")]
    assert content and all(r.authorization is None for r in content)
    assert all(r.authorization == f"Bearer {ARM_TOKEN}" for r in fake_logic.requests if r not in content)


def test_throttling_waits_as_long_as_retry_after_says(fake_logic: FakeLogicApps) -> None:
    fake_logic.add_run(fake_logic.add_workflow("wf-job", JOB), "succeeded")
    fake_logic.fail("GET", r"/runs$", headers=(("Retry-After", "7"),), times=2)
    sleeps: list[float] = []
    with client(fake_logic, sleeps=sleeps) as arm:
        assert len(list(arm.runs(REF))) == 1
    assert sleeps == [7.0, 7.0]


def test_throttled_past_every_retry_is_one_clear_error(fake_logic: FakeLogicApps) -> None:
    fake_logic.add_workflow("wf-job", JOB)
    fake_logic.fail("GET", r"/runs$", headers=(("Retry-After", "1"),), times=10)
    retry = RetrySettings(attempts=3, backoff_factor=0.0, max_backoff_wait=1.0, total_sleep=10.0)
    with client(fake_logic, retry=retry) as arm, pytest.raises(AzureThrottled, match="throttled"):
        list(arm.runs(REF))


def test_running_a_trigger_is_retried_on_429_but_never_on_a_5xx(fake_logic: FakeLogicApps) -> None:
    """A 5xx may come after the trigger fired: a retry would start the job twice."""
    workflow = fake_logic.add_workflow("wf-job", JOB)
    fake_logic.fail("POST", r"/run$", status=429)
    with client(fake_logic) as arm:
        arm.run_trigger(REF, "Recurrence")
        assert len(workflow.runs) == 1
        fake_logic.fail("POST", r"/run$", status=503, code="ServiceUnavailable")
        with pytest.raises(Exception, match="503"):
            arm.run_trigger(REF, "Recurrence")
    assert len([r for r in fake_logic.requests if r.path.endswith("/run")]) == 3


@pytest.mark.parametrize(
    "error",
    [
        CredentialUnavailableError("AzureCliCredential: Please run 'az login' to set up an account"),
        ClientAuthenticationError("AADSTS70043: The refresh token has expired due to inactivity."),
    ],
    ids=["not-logged-in", "expired"],
)
def test_no_login_is_one_line_saying_how_to_log_in(fake_logic: FakeLogicApps, error: Exception) -> None:
    class NoLogin:
        def get_token(self, *scopes: str) -> object:
            raise error

    fake_logic.add_workflow("wf-job", JOB)
    with client(fake_logic, credential=NoLogin()) as arm, pytest.raises(AzureLoginError) as caught:
        arm.workflow(REF)
    assert "az login" in str(caught.value) and "\n" not in str(caught.value)
    assert fake_logic.requests == []


def test_a_token_arm_refuses_is_an_auth_error_naming_the_login(fake_logic: FakeLogicApps) -> None:
    fake_logic.add_workflow("wf-job", JOB)
    with client(fake_logic, credential=ArmCredential(token="stale")) as arm, pytest.raises(AzureAuthError) as caught:
        arm.workflow(REF)
    assert "az login" in str(caught.value) and "stale" not in str(caught.value)


def test_the_token_is_asked_for_once_and_again_before_it_expires(fake_logic: FakeLogicApps) -> None:
    fake_logic.add_workflow("wf-job", JOB)
    lasting, expiring = ArmCredential(), ArmCredential(expires_in=60)
    with client(fake_logic, credential=lasting) as arm:
        arm.workflow(REF)
        arm.workflow(REF)
    with client(fake_logic, credential=expiring) as arm:
        arm.workflow(REF)
        arm.workflow(REF)
    assert lasting.scopes == [(SCOPE,)]
    assert expiring.scopes == [(SCOPE,), (SCOPE,)]
    assert SCOPE == "https://management.azure.com/.default"


def test_a_workflow_azure_does_not_know_is_not_found(fake_logic: FakeLogicApps) -> None:
    with client(fake_logic) as arm, pytest.raises(AzureNotFound, match="workflowId"):
        arm.workflow(WorkflowRef("34adfa4f-cedf-4dc0-ba29-b6d1a69ab345", "picletter-rg", "nope"))


@pytest.mark.parametrize(
    "text",
    [
        "wf-job",
        "/subscriptions/not-a-guid/resourceGroups/g/providers/Microsoft.Logic/workflows/w",
        "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/g/providers/Microsoft.Web/sites/w",
        "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/g/providers/Microsoft.Logic/workflows/a/b",
    ],
)
def test_a_bad_workflow_id_is_refused_before_any_request(text: str) -> None:
    with pytest.raises(UserError, match="resource id"):
        parse_workflow_id(text)


def test_workflow_ids_are_read_ignoring_case_as_arm_does() -> None:
    ref = parse_workflow_id(workflow_id("wf-job").lower().replace("microsoft.logic", "MICROSOFT.LOGIC"))
    assert (ref.resource_group, ref.name) == ("picletter-rg", "wf-job")


def test_a_sovereign_clouds_endpoint_is_its_own_token_scope() -> None:
    credential = ArmCredential()
    answer = httpx.MockTransport(lambda request: httpx.Response(200, json={"properties": {"state": "Enabled"}}))
    with LogicAppsClient(credential, base_url="https://management.chinacloudapi.cn", transport=answer) as arm:
        arm.workflow(REF)
    assert credential.scopes == [("https://management.chinacloudapi.cn/.default",)]
