"""Every console route over plain HTTP (Flask's test client): bad input is answered with a
page that says what is wrong, never a 500; changes go through the core like the API's."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.cli import parser
from emulator.core.ec2.images import block_public_access as bpa
from emulator.core.ec2.images import catalog
from emulator.core.ec2.images.launch_permissions import Grant
from emulator.core.world import World
from emulator.scenario_files import load_demo_into
from emulator.web import create_app
from tests.unit.ec2.ec2_world import recorded

AMI = "ami-0abcdef1234567890"
BASE = "/_emulator/console"
ORG_ARN = "arn:aws:organizations::123456789012:organization/o-123example"
OU_ARN = "arn:aws:organizations::123456789012:ou/o-123example/ou-1234-5example"
DEV = "111122223333"
GET_ROUTES = ["/", "/amis", f"/amis/{AMI}/permissions", "/organization", "/iam"]
ODD_VALUES = [
    "",
    " ",
    "x" * 5000,
    "ami-",
    "ami-zzzz",
    "ami-0123456789abcdef0",
    "../../etc",
    "o-123example",
    "%00",
    "\u2603\u0000",
    "<script>alert(1)</script>",
    "123456789012",
    "-1",
    "None",
]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# The client fixture is one app per test; every example may share it.
FIXTURE_OK = [HealthCheck.function_scoped_fixture]


@pytest.fixture
def world() -> World:
    world = World()
    load_demo_into(world)
    return world


@pytest.fixture
def client(world: World) -> FlaskClient:
    return create_app(world).test_client()


def page(client: FlaskClient, path: str, **query: Any) -> tuple[int, str]:
    answer = client.get(BASE + path, query_string=query)
    return answer.status_code, answer.get_data(as_text=True)


def launch_permissions(world: World) -> list[tuple[str, str]]:
    image = world.ec2.regions["us-east-1"].images[AMI]
    return [(g.kind, g.value) for g in image.launch_permissions.entries]


@pytest.mark.parametrize("path", GET_ROUTES)
@pytest.mark.parametrize(
    "name",
    ["account", "region", "image", "tab", "scope", "q", "org", "notice", "action", "refresh"],
)
def test_odd_query_values_never_fail_the_server(client: FlaskClient, path: str, name: str) -> None:
    for value in ODD_VALUES:
        status, body = page(client, path, **{name: value})
        assert status < 500, value
        assert "<script>alert(1)</script>" not in body
        assert "Traceback" not in body


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURE_OK)
@given(
    path=st.sampled_from([*GET_ROUTES, "/amis/%s/permissions"]),
    query=st.dictionaries(
        st.sampled_from(["account", "region", "image", "tab", "scope", "q", "org", "action"]),
        st.text(max_size=40),
    ),
    image=st.text(min_size=1, max_size=30).filter(lambda s: s.strip(".")),
)
def test_any_query_is_answered_without_a_server_error(
    client: FlaskClient, path: str, query: dict[str, str], image: str
) -> None:
    status, _ = page(client, path.replace("%s", quote(image, safe="")), **query)
    assert status < 500


def test_unknown_images_show_the_apis_errors(client: FlaskClient) -> None:
    status, body = page(client, "/amis", image="ami-0123456789abcdef0")
    assert status == 400
    assert (
        "InvalidAMIID.NotFound: The image id &#39;[ami-0123456789abcdef0]&#39; does not exist"
        in body
    )
    status, body = page(client, "/amis/not-an-ami/permissions")
    assert status == 400 and "InvalidAMIID.Malformed" in body
    status, body = page(client, "/organization", image="ami-0123456789abcdef0")
    assert status == 400 and "InvalidAMIID.NotFound" in body


def test_an_image_another_account_cannot_see_is_not_found_for_it(client: FlaskClient) -> None:
    status, body = page(client, f"/amis/{AMI}/permissions", account=DEV)
    assert status == 400 and f"InvalidAMIID.NotFound: The image id &#39;[{AMI}]&#39;" in body


def test_ignored_choices_are_said_in_words(client: FlaskClient) -> None:
    status, body = page(client, "/amis", account="12345", region="Mars", scope="everything")
    assert status == 200
    assert "Ignored account &#39;12345&#39;: an account id must be 12 digits." in body
    assert "Ignored region &#39;Mars&#39;" in body
    assert "Unknown image list" in body
    assert 'id="acting-as">123456789012<' in body


def test_the_acting_account_is_remembered_in_a_cookie(client: FlaskClient) -> None:
    page(client, "/amis", account=DEV, region="eu-west-1")
    _, body = page(client, "/organization")
    assert f'id="acting-as">{DEV}<' in body and "<strong>eu-west-1</strong>" in body


def post(client: FlaskClient, path: str, data: dict[str, Any], **query: str) -> tuple[int, str]:
    """Submit a form as a browser does: with the CSRF token of the session's pages."""
    token = CSRF.search(page(client, "/amis", **query)[1])[1]
    answer = client.post(BASE + path, data={**data, "csrf_token": token}, query_string=query)
    return answer.status_code, answer.get_data(as_text=True)


def test_the_editor_adds_and_removes_in_the_form_until_save(
    client: FlaskClient, world: World
) -> None:
    path = f"/amis/{AMI}/permissions"
    status, body = post(
        client, path, {"op": "add-arn", "new_arn": OU_ARN, "availability": "private"}
    )
    assert status == 200 and f'name="arns" value="{OU_ARN}"' in body
    assert launch_permissions(world) == []
    status, body = post(
        client,
        path,
        {"op": "add-account", "new_account": DEV, "availability": "private", "arns": OU_ARN},
    )
    assert f'name="accounts" value="{DEV}"' in body and OU_ARN in body
    status, _ = post(
        client, path, {"op": "save", "availability": "private", "arns": OU_ARN, "accounts": DEV}
    )
    assert status == 303
    assert launch_permissions(world) == [("user", DEV), ("ou", OU_ARN)]


def test_save_applies_only_this_pages_changes(client: FlaskClient, world: World) -> None:
    """A grant added through the API while the page was open survives its save."""
    catalog.add_grants(
        world.ec2.env, recorded(world.ec2, "us-east-1"), AMI, [Grant("org", ORG_ARN)]
    )
    status, _ = post(
        client,
        f"/amis/{AMI}/permissions",
        {"op": "save", "availability": "private", "arns": OU_ARN},
    )
    assert status == 303
    assert launch_permissions(world) == [("org", ORG_ARN), ("ou", OU_ARN)]


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        (
            {"op": "add-arn", "new_arn": "o-123example"},
            "InvalidAMIAttributeItemValue: Invalid attribute item value &#34;o-123example&#34; for"
            " OrganizationArn item type.",
        ),
        ({"op": "add-arn", "new_arn": "ou-1234-5example"}, "for OrganizationalUnitArn item type."),
        ({"op": "add-account", "new_account": "12"}, "for userId item type."),
        ({"op": "enter", "new_arn": "bad"}, "InvalidAMIAttributeItemValue"),
        ({"op": "save", "accounts": "not-an-account"}, "InvalidAMIAttributeItemValue"),
        ({"op": "save", "arns": "arn:aws:organizations::1:ou/x"}, "InvalidAMIAttributeItemValue"),
    ],
)
def test_bad_entries_show_the_apis_error_and_change_nothing(
    client: FlaskClient, world: World, form: dict[str, str], expected: str
) -> None:
    status, body = post(client, f"/amis/{AMI}/permissions", {"availability": "private", **form})
    assert status == 400 and expected in body
    assert launch_permissions(world) == []


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURE_OK)
@given(
    form=st.dictionaries(
        st.sampled_from(
            [
                "op",
                "availability",
                "accounts",
                "arns",
                "base",
                "new_account",
                "new_arn",
                "selected_accounts",
                "selected_arns",
            ]
        ),
        st.one_of(
            st.text(max_size=60),
            st.sampled_from(
                [
                    "save",
                    "add-arn",
                    "add-account",
                    "remove-arns",
                    "enter",
                    "open-arn",
                    "public",
                    "user:123",
                    "org:" + ORG_ARN,
                    "group:all",
                    OU_ARN,
                    DEV,
                ]
            ),
        ),
    )
)
def test_any_form_is_answered_without_a_server_error(
    client: FlaskClient, form: dict[str, str]
) -> None:
    status, _ = post(client, f"/amis/{AMI}/permissions", form)
    assert status < 500


def test_a_consumer_gets_the_read_only_page_and_cannot_post(
    client: FlaskClient, world: World
) -> None:
    catalog.add_grants(world.ec2.env, recorded(world.ec2, "us-east-1"), AMI, [Grant("ou", OU_ARN)])
    status, body = page(client, f"/amis/{AMI}/permissions", account=DEV)
    assert status == 200 and 'id="read-only-reason"' in body
    assert f"AuthFailure: Not authorized for image:{AMI}" in body
    status, body = post(
        client, f"/amis/{AMI}/permissions", {"op": "save", "availability": "public"}, account=DEV
    )
    assert status == 200 and 'id="read-only-reason"' in body
    assert launch_permissions(world) == [("ou", OU_ARN)]


def test_block_public_access_settings(client: FlaskClient, world: World) -> None:
    path = "/settings/block-public-access"
    status, body = post(client, path, {"state": "everything"})
    assert status == 400
    assert "InvalidParameterValue: Value (everything) for parameter" in body
    assert post(client, path, {"state": "block-new-sharing"})[0] == 303
    assert (
        bpa.state(world.ec2.env, world.ec2.read("us-east-1"), "123456789012") == "block-new-sharing"
    )
    status, body = post(
        client, f"/amis/{AMI}/permissions", {"op": "save", "availability": "public"}
    )
    assert status == 400 and "OperationNotPermitted" in body
    assert launch_permissions(world) == []
    assert post(client, path, {"state": "unblocked"})[0] == 303
    assert (
        post(client, f"/amis/{AMI}/permissions", {"op": "save", "availability": "public"})[0] == 303
    )
    assert launch_permissions(world) == [("group", "all")]


def test_get_on_post_routes_is_refused_politely(client: FlaskClient) -> None:
    assert client.get(BASE + "/settings/block-public-access").status_code == 405


def test_an_empty_world_has_pages_too() -> None:
    client = create_app(World()).test_client()
    for path in ("/", "/amis", "/organization"):
        assert page(client, path)[0] == 200
    assert "no organization yet" in page(client, "/organization")[1]
    assert page(client, f"/amis/{AMI}/permissions")[0] == 400


def test_no_console_without_the_console() -> None:
    app = create_app(World(), console=False)
    assert not [r for r in app.url_map.iter_rules() if r.rule.startswith(BASE)]
    assert app.test_client().get(BASE + "/").status_code == 404


def test_templates_and_static_files_are_package_data() -> None:
    root = Path(__file__).resolve().parents[2]
    data = tomllib.loads((root / "pyproject.toml").read_text())
    patterns = data["tool"]["setuptools"]["package-data"]["emulator.web"]
    web = root / "emulator" / "web"
    shipped = {p for pattern in patterns for p in web.glob(pattern)}
    needed = {
        p
        for folder in ("templates/console", "static/console")
        for p in (web / folder).iterdir()
        if p.is_file()
    }
    assert needed and needed <= shipped


def test_the_command_line_turns_the_console_off() -> None:
    assert parser().parse_args(["serve", "--no-console"]).no_console
    assert not parser().parse_args(["serve"]).no_console


def test_the_iam_page_lists_the_acting_accounts_users_and_roles(
    client: FlaskClient, world: World
) -> None:
    with world.lock:
        world.iam.create_user(DEV, "alice")
        world.iam.create_access_key(DEV, "alice")
        world.iam.put_inline_policy(
            DEV,
            "user",
            "alice",
            "read",
            '{"Statement": {"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}}',
        )
    status, body = page(client, "/iam", account=DEV)
    assert status == 200
    assert 'id="user-alice"' in body and f"arn:aws:iam::{DEV}:user/alice" in body
    assert "<td>read</td>" in body and "<td>1</td>" in body
    # The demo world's members were made by Organizations: each has the org role.
    assert 'id="role-OrganizationAccountAccessRole"' in body
    assert "arn:aws:iam::123456789012:root" in body
    assert "arn:aws:iam::aws:policy/AdministratorAccess" in body
    status, body = page(client, "/iam", account="123456789012")
    assert 'id="no-users"' in body and 'id="no-roles"' in body
