"""The AWS CLI commands of the reference text, run verbatim against the emulator.

The reference's ids (ami-0abcdef1234567890, o-123example, ou-1234-5example) do not exist in a
fresh world, so each command gets the ids the world builder created instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import CliError
from tests.e2e.worlds import (
    ClientFactory,
    OrgWorld,
    assert_can_use,
    assert_cannot_use,
    register_image,
)

pytestmark = pytest.mark.cli

Cli = Callable[..., Any]


@pytest.fixture
def image_id(aws: ClientFactory, world: OrgWorld) -> str:
    return register_image(aws("ec2", account=world.owner))


def test_get_the_arns(cli: Cli, world: OrgWorld) -> None:
    arn = cli(
        "organizations",
        "describe-organization",
        "--query",
        "Organization.Arn",
        account=world.management,
    )
    assert arn == world.org_arn
    assert arn == f"arn:aws:organizations::{world.management}:organization/{world.org_id}"
    ou_arn = cli(
        "organizations",
        "describe-organizational-unit",
        "--organizational-unit-id",
        world.shared_ou.id,
        "--query",
        "OrganizationalUnit.Arn",
        account=world.management,
    )
    assert ou_arn == world.shared_ou.arn
    assert ou_arn == (
        f"arn:aws:organizations::{world.management}:ou/{world.org_id}/{world.shared_ou.id}"
    )
    # Any member may describe its organization.
    member_view = cli(
        "organizations",
        "describe-organization",
        "--query",
        "Organization.Arn",
        account=world.nested_account,
    )
    assert member_view == world.org_arn


def test_share_with_an_organization_then_stop(
    aws: ClientFactory, cli: Cli, world: OrgWorld, image_id: str
) -> None:
    out = cli(
        "ec2",
        "modify-image-attribute",
        "--image-id",
        image_id,
        "--launch-permission",
        f"Add=[{{OrganizationArn={world.org_arn}}}]",
        account=world.owner,
    )
    assert out is None
    shared = cli(
        "ec2",
        "describe-images",
        "--executable-users",
        "self",
        "--query",
        "Images[].ImageId",
        account=world.sibling_account,
    )
    assert shared == [image_id]
    assert_can_use(aws("ec2", account=world.root_account), image_id)

    cli(
        "ec2",
        "modify-image-attribute",
        "--image-id",
        image_id,
        "--launch-permission",
        f"Remove=[{{OrganizationArn={world.org_arn}}}]",
        account=world.owner,
    )
    assert_cannot_use(aws("ec2", account=world.root_account), image_id)


def test_share_with_an_ou_and_view_it(
    aws: ClientFactory, cli: Cli, world: OrgWorld, image_id: str
) -> None:
    cli(
        "ec2",
        "modify-image-attribute",
        "--image-id",
        image_id,
        "--launch-permission",
        f"Add=[{{OrganizationalUnitArn={world.shared_ou.arn}}}]",
        account=world.owner,
    )
    described = cli(
        "ec2",
        "describe-image-attribute",
        "--image-id",
        image_id,
        "--attribute",
        "launchPermission",
        account=world.owner,
    )
    assert described == {
        "ImageId": image_id,
        "LaunchPermissions": [{"OrganizationalUnitArn": world.shared_ou.arn}],
    }
    assert_can_use(aws("ec2", account=world.nested_account), image_id)
    assert_cannot_use(aws("ec2", account=world.sibling_account), image_id)

    cli(
        "ec2",
        "reset-image-attribute",
        "--image-id",
        image_id,
        "--attribute",
        "launchPermission",
        account=world.owner,
    )
    described = cli(
        "ec2",
        "describe-image-attribute",
        "--image-id",
        image_id,
        "--attribute",
        "launchPermission",
        account=world.owner,
    )
    assert described == {"ImageId": image_id, "LaunchPermissions": []}
    assert_cannot_use(aws("ec2", account=world.nested_account), image_id)


def test_bare_organization_id_is_an_error(cli: Cli, world: OrgWorld, image_id: str) -> None:
    with pytest.raises(CliError) as caught:
        cli(
            "ec2",
            "modify-image-attribute",
            "--image-id",
            image_id,
            "--launch-permission",
            f"Add=[{{OrganizationArn={world.org_id}}}]",
            account=world.owner,
        )
    assert "(InvalidAMIAttributeItemValue)" in caught.value.stderr
    assert (
        f'Invalid attribute item value "{world.org_id}" for OrganizationArn item type.'
        in caught.value.stderr
    )
