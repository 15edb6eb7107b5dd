"""The reference text's console procedures, performed by clicking in a real Chromium, then
checked through boto3; the organization diagram's colours; a consumer's read-only view."""

from __future__ import annotations

import html
import http.server
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

pytest.importorskip("selenium", reason="selenium is not installed (pip install -e '.[test]')")

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from tests.console.conftest import DESKTOP
from tests.reference_policies import REFERENCE_ACTIONS

AMI = "ami-0abcdef1234567890"
MANAGEMENT, DEV, NESTED, SANDBOX, FINANCE, SECURITY = (
    "123456789012",
    "111122223333",
    "222233334444",
    "444455556666",
    "555566667777",
    "666677778888",
)

pytestmark = [pytest.mark.browser, pytest.mark.ami_scenario("demo")]


def click(driver: Any, css: str, *, loads: bool = True) -> None:
    """Click; when ``loads``, wait for the page the click leads to. A page that was still
    being replaced (a form post, an auto-refresh) when the element was found is looked up
    again, as a person would click again on the new page."""
    for attempt in range(3):
        try:
            old = driver.find_element(By.TAG_NAME, "html")
            driver.find_element(By.CSS_SELECTOR, css).click()
            break
        except WebDriverException as exc:
            if attempt == 2 or not replaced(exc):
                raise
    if loads:
        loaded(driver, old)


def gone(element: Any) -> Callable[[Any], bool]:
    """Like selenium's ``staleness_of``, also knowing Chromium's other word for a node of a
    document that was replaced ("does not belong to the document")."""

    def check(_: Any) -> bool:
        try:
            element.is_enabled()
        except WebDriverException as exc:
            if replaced(exc):
                return True
            raise
        return False

    return check


def replaced(exc: WebDriverException) -> bool:
    """Whether ``exc`` says the element's document was replaced by a newer page."""
    return isinstance(exc, StaleElementReferenceException) or (
        "does not belong to the document" in str(exc)
    )


def loaded(driver: Any, old: Any) -> None:
    """Wait until the page ``old`` belonged to is gone and the next one has fully loaded."""
    wait = WebDriverWait(driver, 5, poll_frequency=0.02)
    wait.until(gone(old))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")


def press(driver: Any, element_id: str, *keys: str) -> None:
    """Type ``keys`` into an element, then wait for the page they lead to."""
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, element_id).send_keys(*keys)
    loaded(driver, old)


def text(driver: Any, css: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, css).text


def launch_permissions(ami_client: Any) -> list[dict[str, str]]:
    answer = ami_client("ec2").describe_image_attribute(ImageId=AMI, Attribute="launchPermission")
    return answer["LaunchPermissions"]


def api_words(call: Any) -> str:
    """What the API answers for a refused call, as the console words it."""
    with pytest.raises(ClientError) as err:
        call()
    error = err.value.response["Error"]
    return f"{error['Code']}: {error['Message']}"


def choose_edit(driver: Any) -> None:
    """AMIs → select the AMI in the list → Actions → Edit AMI permissions."""
    if not driver.find_element(By.ID, f"select-{AMI}").is_selected():
        click(driver, f"#select-{AMI}")
    click(driver, "#actions summary", loads=False)
    click(driver, "#action-edit-permissions")


def open_editor(driver: Any) -> None:
    choose_edit(driver)
    assert driver.find_element(By.TAG_NAME, "h1").text == "Edit AMI permissions"


def share_with(driver: Any, arn: str) -> None:
    """Private → Add organization/OU ARN → the ARN → Share AMI."""
    click(driver, "#availability-private", loads=False)
    click(driver, "#add-arn")
    driver.find_element(By.ID, "new-arn").send_keys(arn)
    click(driver, "#share-arn")


def test_share_with_an_organization(page: Any, ami_client: Any, ami_ids: Any) -> None:
    driver = page("/amis")
    open_editor(driver)
    share_with(driver, ami_ids.org_arn)
    assert ami_ids.org_arn in text(driver, "#draft-arns")
    assert launch_permissions(ami_client) == []  # nothing changes before Save changes
    click(driver, "#save-changes")
    assert "Saved" in text(driver, "#notice")
    assert launch_permissions(ami_client) == [{"OrganizationArn": ami_ids.org_arn}]
    shared = ami_client("ec2", SANDBOX).describe_images(ExecutableUsers=["self"])["Images"]
    assert [i["ImageId"] for i in shared] == [AMI]


def test_share_with_an_ou_then_view_the_permissions(
    page: Any, ami_client: Any, ami_ids: Any, screenshots: Path
) -> None:
    driver = page("/amis")
    open_editor(driver)
    arn = ami_ids.ou_arn("Engineering")
    share_with(driver, arn)
    assert "Organizational unit" in text(driver, "#draft-arns")
    driver.find_element(By.ID, "content").screenshot(str(screenshots / "console-permissions.png"))
    click(driver, "#save-changes")
    assert launch_permissions(ami_client) == [{"OrganizationalUnitArn": arn}]
    # View: select the AMI in the list, choose the Permissions tab.
    driver = page("/amis")
    click(driver, f"#select-{AMI}")
    click(driver, "#tab-permissions")
    assert arn in text(driver, "#shared-orgs")
    assert text(driver, "#availability") == "Private"


def test_a_bare_id_shows_the_apis_error(page: Any, ami_client: Any) -> None:
    expected = api_words(
        lambda: ami_client("ec2").modify_image_attribute(
            ImageId=AMI, LaunchPermission={"Add": [{"OrganizationArn": "o-123example"}]}
        )
    )
    driver = page(f"/amis/{AMI}/permissions")
    share_with(driver, "o-123example")
    assert text(driver, "#error") == expected
    assert expected.startswith("InvalidAMIAttributeItemValue: ")
    assert driver.find_element(By.ID, "new-arn").get_attribute("value") == "o-123example"
    assert launch_permissions(ami_client) == []


def test_stop_sharing(page: Any, ami_client: Any, ami_ids: Any) -> None:
    org, ou = ami_ids.org_arn, ami_ids.ou_arn("Finance")
    ami_client("ec2").modify_image_attribute(
        ImageId=AMI,
        LaunchPermission={"Add": [{"OrganizationArn": org}, {"OrganizationalUnitArn": ou}]},
    )
    driver = page("/amis")
    open_editor(driver)
    click(driver, f'input[name="selected_arns"][value="{org}"]', loads=False)
    click(driver, "#remove-arns")
    assert org not in text(driver, "#draft-arns")
    click(driver, "#save-changes")
    assert launch_permissions(ami_client) == [{"OrganizationalUnitArn": ou}]
    # Confirm on the Permissions tab.
    assert org not in text(driver, "#shared-orgs") and ou in text(driver, "#shared-orgs")


def test_make_public_under_block_public_access(page: Any, ami_client: Any) -> None:
    ec2 = ami_client("ec2")
    ec2.enable_image_block_public_access(ImageBlockPublicAccessState="block-new-sharing")
    expected = api_words(
        lambda: ec2.modify_image_attribute(
            ImageId=AMI, LaunchPermission={"Add": [{"Group": "all"}]}
        )
    )
    driver = page(f"/amis/{AMI}/permissions")
    assert "Block public access for AMIs is on" in text(driver, "#bpa-note")
    click(driver, "#availability-public", loads=False)
    click(driver, "#save-changes")
    assert text(driver, "#error") == expected
    assert "DisableImageBlockPublicAccess" in expected
    assert not ec2.describe_images(ImageIds=[AMI])["Images"][0]["Public"]
    # Turn block public access off from the AMIs page, then make it public.
    driver = page("/amis")
    click(driver, "#bpa-toggle")
    assert ec2.get_image_block_public_access_state()["ImageBlockPublicAccessState"] == "unblocked"
    driver = page("/amis")
    open_editor(driver)
    click(driver, "#availability-public", loads=False)
    click(driver, "#save-changes")
    assert ec2.describe_images(ImageIds=[AMI])["Images"][0]["Public"]


def account_access(driver: Any) -> dict[str, str]:
    nodes = driver.find_elements(By.CSS_SELECTOR, "#org-tree g[data-account]")
    return {n.get_attribute("data-account"): n.get_attribute("data-access") for n in nodes}


def fill(driver: Any, account: str) -> str:
    rect = driver.find_element(By.CSS_SELECTOR, f'#org-tree g[data-account="{account}"] rect')
    return rect.value_of_css_property("fill")


def test_tree_colours_follow_the_access_rule(
    page: Any, ami_client: Any, ami_ids: Any, screenshots: Path
) -> None:
    ec2 = ami_client("ec2")
    ec2.modify_image_attribute(
        ImageId=AMI,
        LaunchPermission={"Add": [{"OrganizationalUnitArn": ami_ids.ou_arn("Engineering")}]},
    )
    driver = page("/organization", image=AMI)
    assert account_access(driver) == {
        MANAGEMENT: "allowed",  # the owner
        DEV: "allowed",  # in the shared OU
        NESTED: "allowed",  # nested below it: inside the dotted line
        SANDBOX: "denied",  # directly under the root
        FINANCE: "denied",  # sibling OUs
        SECURITY: "denied",
    }
    assert (
        fill(driver, DEV) == fill(driver, NESTED) != fill(driver, FINANCE) == fill(driver, SANDBOX)
    )
    assert "via OU ou-1234-5example" in text(driver, f"#acct-{NESTED}")
    outline = driver.find_element(By.CSS_SELECTOR, "#org-tree .shared-region")
    assert outline.get_attribute("data-shared") == ami_ids.ou("Engineering")
    driver.set_window_size(DESKTOP[0], 1600)  # element screenshots stop at the window's edge
    driver.find_element(By.CSS_SELECTOR, ".org-layout").screenshot(
        str(screenshots / "console-tree.png")
    )
    # A change made through the API shows on refresh.
    ec2.reset_image_attribute(ImageId=AMI, Attribute="launchPermission")
    ec2.modify_image_attribute(ImageId=AMI, LaunchPermission={"Add": [{"UserId": FINANCE}]})
    driver.refresh()
    access = account_access(driver)
    assert (access[FINANCE], access[DEV], access[SANDBOX]) == ("allowed", "denied", "denied")
    assert "shared with this account" in text(driver, f"#acct-{FINANCE}")


def test_a_consumer_sees_the_permissions_read_only(
    page: Any, ami_client: Any, ami_ids: Any
) -> None:
    ami_client("ec2").modify_image_attribute(
        ImageId=AMI,
        LaunchPermission={"Add": [{"OrganizationalUnitArn": ami_ids.ou_arn("Engineering")}]},
    )
    refusal = api_words(
        lambda: ami_client("ec2", NESTED).describe_image_attribute(
            ImageId=AMI, Attribute="launchPermission"
        )
    )
    driver = page("/amis", account=NESTED, image=AMI, tab="permissions")
    assert text(driver, "#acting-as") == NESTED
    assert refusal in text(driver, "#permissions-refusal")
    assert "via OU" in text(driver, f'#images tr[data-image="{AMI}"]')
    choose_edit(driver)
    reason = text(driver, "#read-only-reason")
    assert f"only the owner, {MANAGEMENT}" in reason and "AuthFailure" in reason
    assert not driver.find_elements(By.ID, "save-changes")
    assert "ou-1234-5example" in text(driver, "#your-access")
    # Sandbox, outside the OU, does not see the AMI at all.
    driver = page("/amis", account=SANDBOX)
    assert not driver.find_elements(By.CSS_SELECTOR, f'#images tr[data-image="{AMI}"]')


def test_the_account_selector_switches_who_acts(page: Any) -> None:
    driver = page("/amis")
    field = driver.find_element(By.ID, "acting-account")
    field.clear()
    field.send_keys(DEV)
    click(driver, "#acting-switch")
    assert text(driver, "#acting-as") == DEV
    driver.get(driver.current_url.split("?")[0])  # remembered without the query string
    assert text(driver, "#acting-as") == DEV


def test_sharing_works_without_javascript_and_by_keyboard(
    page: Any, browser: Any, ami_client: Any, ami_ids: Any
) -> None:
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    driver = page("/amis")
    driver.find_element(By.ID, f"select-{AMI}").send_keys(Keys.SPACE)  # no script: stays
    driver.find_element(By.CSS_SELECTOR, "#actions summary").send_keys(Keys.ENTER)
    press(driver, "action-edit-permissions", Keys.ENTER)
    press(driver, "add-arn", Keys.ENTER)
    arn = ami_ids.ou_arn("Security")
    press(driver, "new-arn", arn, Keys.ENTER)  # Enter in the field adds it
    assert arn in text(driver, "#draft-arns")
    press(driver, "save-changes", Keys.ENTER)
    assert launch_permissions(ami_client) == [{"OrganizationalUnitArn": arn}]


@pytest.mark.parametrize("path", ["/amis", f"/amis/{AMI}/permissions", "/organization"])
def test_pages_fit_a_phone(page: Any, browser: Any, path: str) -> None:
    browser.set_window_size(390, 844)
    driver = page(path, image=AMI)
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_a_kms_key_policy_that_would_terminate_the_launch_is_shown(
    page: Any, ami_client: Any, ami_ids: Any
) -> None:
    kms, ec2 = ami_client("kms"), ami_client("ec2")
    key = kms.create_key()["KeyMetadata"]
    image = ec2.register_image(
        Name="encrypted-image",
        RootDeviceName="/dev/xvda",
        BlockDeviceMappings=[
            {
                "DeviceName": "/dev/xvda",
                "Ebs": {"VolumeSize": 8, "Encrypted": True, "KmsKeyId": key["Arn"]},
            }
        ],
    )["ImageId"]
    ec2.modify_image_attribute(
        ImageId=image,
        LaunchPermission={"Add": [{"OrganizationalUnitArn": ami_ids.ou_arn("Engineering")}]},
    )
    driver = page("/organization", image=image)
    access = account_access(driver)
    assert (access[MANAGEMENT], access[DEV], access[NESTED], access[FINANCE]) == (
        "allowed",
        "kms-blocked",
        "kms-blocked",
        "denied",
    )
    assert "terminated" in text(driver, f"#acct-{DEV}")
    # The reference text's statement lets the organization use the key.
    kms.put_key_policy(
        KeyId=key["KeyId"],
        PolicyName="default",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "Owner",
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{MANAGEMENT}:root"},
                        "Action": "kms:*",
                        "Resource": "*",
                    },
                    {
                        "Sid": "Allow access for Org Admin",
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": REFERENCE_ACTIONS,
                        "Resource": "*",
                        "Condition": {"StringEquals": {"aws:PrincipalOrgID": ami_ids.org_id}},
                    },
                ],
            }
        ),
    )
    driver.refresh()
    access = account_access(driver)
    assert (access[DEV], access[NESTED], access[FINANCE]) == ("allowed", "allowed", "denied")


def test_auto_refresh_shows_changes_made_through_the_api(
    page: Any, ami_client: Any, ami_ids: Any
) -> None:
    driver = page("/organization", image=AMI, refresh="1")
    assert account_access(driver)[SANDBOX] == "denied"
    click(driver, "#autorefresh", loads=False)
    ami_client("ec2").modify_image_attribute(
        ImageId=AMI, LaunchPermission={"Add": [{"OrganizationArn": ami_ids.org_arn}]}
    )
    WebDriverWait(
        driver, 5, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,)
    ).until(lambda d: account_access(d).get(SANDBOX) == "allowed")
    click(driver, "#autorefresh", loads=False)  # off again for the next tests


def test_the_pages_keep_to_their_content_security_policy(page: Any, browser: Any) -> None:
    """Nothing on the pages breaks the policy (auto-refresh included), and the policy is in
    force: a script put into the page is not run."""
    watcher = browser.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument",
        {
            "source": "window.violations = [];"
            "document.addEventListener('securitypolicyviolation', function (e) {"
            "  window.violations.push(e.violatedDirective + ' ' + e.blockedURI); });"
        },
    )
    try:
        for path in ("/amis", f"/amis/{AMI}/permissions", "/organization"):
            driver = page(path, image=AMI, refresh="1")
            if path == "/organization":
                click(driver, "#autorefresh", loads=False)
                WebDriverWait(driver, 5).until(
                    lambda d: d.execute_script(
                        "return performance.getEntriesByType('resource')"
                        ".filter(function (r) { return r.initiatorType === 'fetch'; }).length"
                    )
                )
                click(driver, "#autorefresh", loads=False)
            assert driver.execute_script("return window.violations") == [], path
        injected = driver.execute_script(
            "var s = document.createElement('script'); s.textContent = 'window.ran = 1';"
            "document.body.appendChild(s); return window.ran === undefined;"
        )
        assert injected
        assert driver.execute_script("return window.violations")[0].startswith("script-src")
    finally:
        browser.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": watcher["identifier"]}
        )


class _AnotherSite:
    """A page on another origin (``localhost`` is another site than ``127.0.0.1``) whose form
    posts itself to the emulator as soon as it loads."""

    def __init__(self, target: str, fields: dict[str, str]) -> None:
        inputs = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in fields.items()
        )
        body = (
            f'<form id="f" method="post" action="{html.escape(target)}">{inputs}</form>'
            "<script>document.getElementById('f').submit()</script>"
        ).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://localhost:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        (
            "/",
            {
                "Action": "ModifyImageAttribute",
                "Version": "2016-11-15",
                "ImageId": AMI,
                "LaunchPermission.Add.1.Group": "all",
            },
        ),
        ("/_emulator/reset", {}),
        ("/_emulator/console/settings/block-public-access", {"state": "block-new-sharing"}),
    ],
)
def test_a_page_of_another_site_changes_nothing(
    page: Any, browser: Any, ami_server: Any, ami_client: Any, path: str, fields: dict[str, str]
) -> None:
    ec2 = ami_client("ec2")
    ec2.modify_image_attribute(ImageId=AMI, LaunchPermission={"Add": [{"UserId": DEV}]})
    page("/amis")  # the console is open in this browser: its session cookie is there
    site = _AnotherSite(ami_server.url + path, fields)
    try:
        browser.get(site.url)
        WebDriverWait(browser, 5).until(lambda d: d.current_url.startswith(ami_server.url))
        assert "refused" in browser.find_element(By.TAG_NAME, "body").text
    finally:
        site.close()
    assert launch_permissions(ami_client) == [{"UserId": DEV}]
    state = ec2.get_image_block_public_access_state()["ImageBlockPublicAccessState"]
    assert state == "unblocked"
