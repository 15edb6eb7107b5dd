"""An OU-shared AMI through its lifecycle, over boto3 and the emulator's clock.

Deprecated: a consumer stops finding it in listings but still launches it by id. Disabled:
every grant is gone, nobody else launches it, and enabling it again leaves it private.
Protected with a cooldown: deregistration is refused until 24 hours of emulator time pass.
"""

from __future__ import annotations

import json
import urllib.request
from datetime import timedelta

from emulator.testing.pytest_plugin import AmiClock
from tests.e2e.worlds import (
    Client,
    ClientFactory,
    OrgWorld,
    assert_cannot_use,
    aws_error,
    executable_ids,
    image,
    launch,
    launch_permissions,
    not_authorized_to_launch,
    register_image_from_snapshot,
    share,
)


def shared_with_ou(owner: Client, world: OrgWorld) -> str:
    image_id = register_image_from_snapshot(owner, "golden")
    share(owner, image_id, {"OrganizationalUnitArn": world.shared_ou.arn})
    return image_id


def explain(server, image_id: str, account: str) -> dict:
    url = f"{server.url}/_emulator/explain?image={image_id}&account={account}"
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.loads(answer.read())


def test_a_deprecated_ou_image_leaves_listings_but_still_launches(
    aws: ClientFactory, world: OrgWorld, owner: Client, ami_clock: AmiClock, server
) -> None:
    image_id = shared_with_ou(owner, world)
    nested = aws("ec2", account=world.nested_account)
    at = ami_clock.now() + timedelta(hours=1)
    owner.enable_image_deprecation(ImageId=image_id, DeprecateAt=at)
    # Scheduled, not yet deprecated: the consumer still finds it.
    assert image_id in executable_ids(nested)
    ami_clock.advance(hours=2)

    assert image_id not in executable_ids(nested)
    assert image_id not in {i["ImageId"] for i in nested.describe_images()["Images"]}
    listed = nested.describe_images(ExecutableUsers=["self"], IncludeDeprecated=True)
    assert image_id in {i["ImageId"] for i in listed["Images"]}
    assert image(nested, image_id)["DeprecationTime"].endswith(":00.000Z")
    assert launch(nested, image_id)
    # The owner keeps seeing it, with or without the flag.
    assert image_id in {i["ImageId"] for i in owner.describe_images(Owners=["self"])["Images"]}
    answer = explain(server, image_id, world.nested_account)
    assert answer["allowed"] is True
    assert "deprecated since" in answer["reason"]
    assert answer["lifecycle"]["deprecation_time"] == image(owner, image_id)["DeprecationTime"]

    owner.disable_image_deprecation(ImageId=image_id)
    assert image_id in executable_ids(nested)
    assert "DeprecationTime" not in image(owner, image_id)


def test_disabling_removes_every_grant_and_enabling_leaves_it_private(
    aws: ClientFactory, world: OrgWorld, owner: Client, server
) -> None:
    image_id = shared_with_ou(owner, world)
    share(
        owner,
        image_id,
        {"Group": "all"},
        {"UserId": world.outsider},
        {"OrganizationArn": world.org_arn},
    )
    nested = aws("ec2", account=world.nested_account)
    assert launch(nested, image_id)

    assert owner.disable_image(ImageId=image_id)["Return"] is True
    assert launch_permissions(owner, image_id) == []
    for account in (world.nested_account, world.outsider, world.sibling_account):
        consumer = aws("ec2", account=account)
        assert_cannot_use(consumer, image_id)
        with aws_error(*not_authorized_to_launch(image_id)):
            launch(consumer, image_id)
    # The owner: left out of listings unless IncludeDisabled, and cannot launch it either.
    assert owner.describe_images(Owners=["self"])["Images"] == []
    (mine,) = owner.describe_images(Owners=["self"], IncludeDisabled=True)["Images"]
    assert (mine["ImageId"], mine["State"], mine["Public"]) == (image_id, "disabled", False)
    with aws_error(
        "InvalidAMIID.Unavailable",
        f"The image id '[{image_id}]' is disabled. Enable it with EnableImage to launch it.",
    ):
        launch(owner, image_id)
    with aws_error(
        "OperationNotPermitted", f"The image '{image_id}' is disabled and cannot be shared."
    ):
        share(owner, image_id, {"UserId": world.outsider})
    answer = explain(server, image_id, world.owner)
    assert answer["allowed"] is False
    assert answer["lifecycle"]["state"] == "disabled"

    assert owner.enable_image(ImageId=image_id)["Return"] is True
    assert image(owner, image_id)["State"] == "available"
    assert launch_permissions(owner, image_id) == []
    assert_cannot_use(nested, image_id)
    assert launch(owner, image_id)
    share(owner, image_id, {"OrganizationalUnitArn": world.shared_ou.arn})
    assert launch(nested, image_id)


def test_a_protected_image_is_deregistered_only_after_the_cooldown(
    owner: Client, world: OrgWorld, ami_clock: AmiClock
) -> None:
    image_id = shared_with_ou(owner, world)
    refused = (
        "OperationNotPermitted",
        f"The image '{image_id}' cannot be deregistered because it has deregistration"
        " protection enabled.",
    )
    answer = owner.enable_image_deregistration_protection(ImageId=image_id, WithCooldown=True)
    assert answer["Return"] == "enabled-with-cooldown"
    assert image(owner, image_id)["DeregistrationProtection"] == "enabled-with-cooldown"
    with aws_error(*refused):
        owner.deregister_image(ImageId=image_id)

    lifted = owner.disable_image_deregistration_protection(ImageId=image_id)["Return"]
    assert lifted.startswith("disabled-until ")
    attribute = owner.describe_image_attribute(
        ImageId=image_id, Attribute="deregistrationProtection"
    )
    assert attribute["DeregistrationProtection"] == {"Value": lifted}
    ami_clock.advance(hours=23, minutes=59)
    with aws_error(*refused):
        owner.deregister_image(ImageId=image_id)
    ami_clock.advance(minutes=2)
    assert image(owner, image_id)["DeregistrationProtection"] == "disabled"
    assert owner.deregister_image(ImageId=image_id)["Return"] is True


def test_protection_without_cooldown_lifts_at_once(owner: Client, world: OrgWorld) -> None:
    image_id = shared_with_ou(owner, world)
    answer = owner.enable_image_deregistration_protection(ImageId=image_id)
    assert answer["Return"] == "enabled-without-cooldown"
    with aws_error("OperationNotPermitted"):
        owner.deregister_image(ImageId=image_id)
    assert owner.disable_image_deregistration_protection(ImageId=image_id)["Return"] == "disabled"
    assert owner.deregister_image(ImageId=image_id)["Return"] is True


def test_a_disabled_protected_image_stays_protected(owner: Client, world: OrgWorld) -> None:
    image_id = shared_with_ou(owner, world)
    owner.enable_image_deregistration_protection(ImageId=image_id)
    owner.disable_image(ImageId=image_id)
    with aws_error("OperationNotPermitted"):
        owner.deregister_image(ImageId=image_id)
    owner.disable_image_deregistration_protection(ImageId=image_id)
    assert owner.deregister_image(ImageId=image_id)["Return"] is True
    assert owner.describe_images(ImageIds=[image_id], IncludeDisabled=True)["Images"] == []


def test_block_public_access_and_a_disabled_public_image(
    aws: ClientFactory, world: OrgWorld, owner: Client
) -> None:
    image_id = register_image_from_snapshot(owner, "public-golden")
    share(owner, image_id, {"Group": "all"})
    owner.enable_image_block_public_access(ImageBlockPublicAccessState="block-new-sharing")
    # Disabling makes it private whatever block public access says; enabling leaves it so,
    # and block public access now refuses making it public again.
    owner.disable_image(ImageId=image_id)
    owner.enable_image(ImageId=image_id)
    assert image(owner, image_id)["Public"] is False
    assert_cannot_use(aws("ec2", account=world.outsider), image_id)
    with aws_error("OperationNotPermitted"):
        share(owner, image_id, {"Group": "all"})
    owner.disable_image_block_public_access()
    share(owner, image_id, {"Group": "all"})
    assert image(aws("ec2", account=world.outsider), image_id)["Public"] is True
