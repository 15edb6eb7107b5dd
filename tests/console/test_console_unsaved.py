"""Changes not saved yet are marked, as the EC2 console marks them: a draft's rows and a
changed field show a marker, and leaving the page asks first; "Act as" stays on one line."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("selenium", reason="selenium is not installed (pip install -e '.[test]')")

from selenium.webdriver.common.by import By

from tests.console.conftest import DESKTOP
from tests.console.test_console_browser import (
    AMI,
    click,
    launch_permissions,
    open_editor,
    share_with,
    text,
)

pytestmark = [pytest.mark.browser, pytest.mark.ami_scenario("demo")]


def _note_shown(driver: Any) -> bool:
    return driver.find_element(By.ID, "unsaved-note").is_displayed()


def _leaving_asks(driver: Any) -> bool:
    """Would leaving now ask first? What the page's beforeunload handler decides (headless
    Chromium shows no dialog for a real navigation, so the handler is asked directly)."""
    return driver.execute_script(
        "var e = new Event('beforeunload', {cancelable: true});"
        "window.dispatchEvent(e); return e.defaultPrevented;"
    )


def test_a_draft_not_saved_is_marked_until_saved(page: Any, ami_client: Any, ami_ids: Any) -> None:
    driver = page("/amis")
    open_editor(driver)
    assert not _note_shown(driver)
    assert not _leaving_asks(driver)

    arn = ami_ids.ou_arn("Engineering")
    share_with(driver, arn)
    assert _note_shown(driver)
    assert f"To add: {arn}." in text(driver, "#unsaved-summary")
    row = driver.find_element(By.CSS_SELECTOR, "#draft-arns tbody tr")
    assert "Not saved" in row.text
    assert _leaving_asks(driver)
    assert launch_permissions(ami_client) == []

    click(driver, "#save-changes")  # the form's own button: leaves without asking
    assert "Saved" in text(driver, "#notice")
    open_editor(driver)
    assert not _note_shown(driver)
    assert "Not saved" not in text(driver, "#draft-arns")


def test_a_removal_not_saved_is_listed(page: Any, ami_client: Any, ami_ids: Any) -> None:
    ami_client("ec2").modify_image_attribute(
        ImageId=AMI, LaunchPermission={"Add": [{"OrganizationArn": ami_ids.org_arn}]}
    )
    driver = page("/amis")
    open_editor(driver)
    click(driver, "#select-arn-1", loads=False)
    assert not _note_shown(driver)  # ticking a row only selects it
    click(driver, "#remove-arns")
    assert f"To remove: {ami_ids.org_arn}." in text(driver, "#unsaved-summary")


def test_a_changed_field_is_marked_and_leaving_asks(page: Any) -> None:
    driver = page("/amis")
    open_editor(driver)
    click(driver, "#availability-public", loads=False)  # changed, not submitted
    assert _note_shown(driver)
    assert "A field was changed." in text(driver, "#unsaved-summary")
    assert _leaving_asks(driver)

    click(driver, "#cancel-edit")  # Cancel discards: no question
    assert driver.find_element(By.ID, "images")


def test_act_as_links_stay_on_one_line(page: Any, browser: Any) -> None:
    for width, height in (DESKTOP, (390, 844), (320, 700)):
        browser.set_window_size(width, height)
        driver = page("/organization", image=AMI)
        lines = driver.execute_script(
            "return Array.from(document.querySelectorAll('td.act-as a'))"
            ".map(a => a.getClientRects().length)"
        )
        assert lines and set(lines) == {1}, (width, lines)
