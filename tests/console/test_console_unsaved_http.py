"""Without JavaScript too, the editor marks what Save changes would change."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.console.test_console_http import AMI, DEV, OU_ARN, client, page, post, world

__all__ = ["client", "world"]  # the fixtures of the console's HTTP tests
PATH = f"/amis/{AMI}/permissions"
NOTE = re.compile(r'<p class="alert warn" id="unsaved-note" role="status"( hidden)?>')


def test_a_fresh_editor_has_nothing_unsaved(client: FlaskClient) -> None:
    status, body = page(client, PATH)
    assert status == 200
    assert NOTE.search(body)[1] == " hidden"
    assert 'data-unsaved="false"' in body and "Not saved" not in body


def test_added_rows_and_public_availability_are_marked(client: FlaskClient) -> None:
    _, body = post(
        client, PATH, {"op": "add-account", "new_account": DEV, "availability": "public"}
    )
    assert NOTE.search(body)[1] is None  # shown
    assert 'data-unsaved="true"' in body
    assert f"To add: {DEV}, public availability." in body
    assert body.count('<span class="badge unsaved">Not saved</span>') == 1


def test_a_removed_grant_is_listed(client: FlaskClient) -> None:
    """The form carries the grants editing began with (``base``); removing one is a change."""
    _, body = post(
        client,
        PATH,
        {
            "op": "remove-arns",
            "availability": "private",
            "arns": OU_ARN,
            "base": f"ou:{OU_ARN}",
            "selected_arns": OU_ARN,
        },
    )
    assert f"To remove: {OU_ARN}." in body
    assert "Not saved</span>" not in body  # nothing added
