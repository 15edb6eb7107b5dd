"""The console's lifecycle actions and badges (Flask's test client): Deprecate, Disable,
Enable, Manage deregistration protection, each one API call as the owner, refusals in the
API's words, and the emulator's time on every page."""

from __future__ import annotations

from datetime import UTC, datetime

from flask.testing import FlaskClient

from emulator.core.world import World
from tests.console.test_console_http import AMI, BASE, DEV, client, page, post, world

__all__ = ["client", "world"]  # the fixtures, shared with test_console_http
PATH = f"/amis/{AMI}/lifecycle"


def image(world: World):
    return world.ec2.regions["us-east-1"].images[AMI]


def test_the_owner_deprecates_and_the_list_shows_the_badge(
    client: FlaskClient, world: World
) -> None:
    world.clock.move_to(datetime(2031, 1, 1, tzinfo=UTC), frozen=True)
    _, body = page(client, "/amis", image=AMI)
    assert 'id="emulator-time" datetime="2031-01-01T00:00:00.000Z"' in body
    assert 'id="action-deprecate"' in body
    status, _ = post(client, PATH, {"op": "deprecate", "deprecate_at": "2031-01-01T00:00:40Z"})
    assert status == 303
    assert image(world).deprecation_time == "2031-01-01T00:01:00.000Z"
    world.clock.move_to(datetime(2031, 1, 1, 0, 2, tzinfo=UTC))
    _, body = page(client, "/amis")
    assert 'data-badge="deprecated"' in body
    assert post(client, PATH, {"op": "cancel-deprecation"})[0] == 303
    assert image(world).deprecation_time is None


def test_disable_and_enable(client: FlaskClient, world: World) -> None:
    assert post(client, PATH, {"op": "disable"})[0] == 303
    assert image(world).state == "disabled"
    _, body = page(client, "/amis")
    assert AMI not in body
    _, body = page(client, "/amis", scope="disabled")
    assert 'data-badge="disabled"' in body
    _, body = page(client, "/amis", image=AMI)
    assert 'id="action-enable"' in body
    assert post(client, PATH, {"op": "enable"})[0] == 303
    assert image(world).state == "available"


def test_manage_deregistration_protection(client: FlaskClient, world: World) -> None:
    assert post(client, PATH, {"op": "protect", "with_cooldown": "on"})[0] == 303
    assert image(world).deregistration_protection == "enabled-with-cooldown"
    _, body = page(client, "/amis", image=AMI)
    assert 'data-badge="protected"' in body
    assert 'id="deregistration-protection">enabled-with-cooldown<' in body
    assert post(client, PATH, {"op": "unprotect"})[0] == 303
    _, body = page(client, "/amis", image=AMI)
    assert 'id="deregistration-protection">disabled-until ' in body
    assert 'data-badge="protected"' in body


def test_refusals_are_the_api_s_words(client: FlaskClient, world: World) -> None:
    status, body = post(client, PATH, {"op": "deprecate", "deprecate_at": "2001-01-01T00:00:00Z"})
    assert status == 400 and "InvalidParameterValue: Value (2001-01-01T00:00:00.000Z)" in body
    status, body = post(client, PATH, {"op": "deprecate", "deprecate_at": "soon"})
    assert status == 400 and "Value (soon) for parameter DeprecateAt is invalid." in body
    status, body = post(client, PATH, {"op": "explode"})
    assert status == 400 and "Unknown action" in body
    status, body = post(client, PATH, {"op": "disable"}, account=DEV)
    assert status == 400 and "InvalidAMIID.NotFound" in body
    assert image(world).state == "available"


def test_a_post_without_the_token_changes_nothing(client: FlaskClient, world: World) -> None:
    answer = client.post(BASE + PATH, data={"op": "disable"})
    assert answer.status_code == 403
    assert image(world).state == "available"
