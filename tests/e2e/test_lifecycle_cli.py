"""The lifecycle operations through the real AWS CLI, as pipelines script them."""

from __future__ import annotations

import pytest

from emulator.testing.pytest_plugin import AmiClock
from tests.conftest import CliError
from tests.e2e.worlds import OrgWorld, register_image_from_snapshot, share


def test_deprecate_disable_and_protect_with_the_cli(
    cli, world: OrgWorld, owner, ami_clock: AmiClock
) -> None:
    image_id = register_image_from_snapshot(owner, "golden")
    share(owner, image_id, {"OrganizationalUnitArn": world.shared_ou.arn})
    as_owner = {"account": world.owner}
    as_nested = {"account": world.nested_account}
    ami_clock.set("2031-01-01T00:00:00Z", frozen=True)

    out = cli(
        "ec2",
        "enable-image-deprecation",
        "--image-id",
        image_id,
        "--deprecate-at",
        "2031-01-01T00:10:31Z",
        **as_owner,
    )
    assert out["Return"] is True
    ami_clock.advance(hours=1)
    listed = cli("ec2", "describe-images", "--executable-users", "self", **as_nested)
    assert image_id not in {i["ImageId"] for i in listed["Images"]}
    listed = cli(
        "ec2", "describe-images", "--executable-users", "self", "--include-deprecated", **as_nested
    )
    (found,) = [i for i in listed["Images"] if i["ImageId"] == image_id]
    assert found["DeprecationTime"] == "2031-01-01T00:11:00.000Z"
    launched = cli("ec2", "run-instances", "--image-id", image_id, "--count", "1", **as_nested)
    assert launched["Instances"][0]["ImageId"] == image_id
    refs = cli(
        "ec2",
        "describe-image-references",
        "--image-ids",
        image_id,
        "--include-all-resource-types",
        **as_nested,
    )
    assert [r["ResourceType"] for r in refs["ImageReferences"]] == ["ec2:Instance"]
    cli("ec2", "disable-image-deprecation", "--image-id", image_id, **as_owner)

    out = cli(
        "ec2",
        "enable-image-deregistration-protection",
        "--image-id",
        image_id,
        "--with-cooldown",
        **as_owner,
    )
    assert out["Return"] == "enabled-with-cooldown"
    out = cli("ec2", "disable-image-deregistration-protection", "--image-id", image_id, **as_owner)
    assert out["Return"] == "disabled-until 2031-01-02T01:00:00.000Z"
    with pytest.raises(CliError) as caught:
        cli("ec2", "deregister-image", "--image-id", image_id, **as_owner)
    assert "(OperationNotPermitted)" in caught.value.stderr

    assert cli("ec2", "disable-image", "--image-id", image_id, **as_owner)["Return"] is True
    with pytest.raises(CliError) as caught:
        cli("ec2", "run-instances", "--image-id", image_id, "--count", "1", **as_nested)
    assert "(AuthFailure)" in caught.value.stderr
    shown = cli(
        "ec2",
        "describe-images",
        "--owners",
        "self",
        "--include-disabled",
        "--query",
        "Images[].State",
        **as_owner,
    )
    assert shown == ["disabled"]
    assert cli("ec2", "enable-image", "--image-id", image_id, **as_owner)["Return"] is True
    perms = cli(
        "ec2",
        "describe-image-attribute",
        "--image-id",
        image_id,
        "--attribute",
        "launchPermission",
        **as_owner,
    )
    assert perms["LaunchPermissions"] == []
    ami_clock.advance(hours=25)
    assert cli("ec2", "deregister-image", "--image-id", image_id, **as_owner)["Return"] is True


def test_cancel_a_share_and_trace_ancestry_with_the_cli(cli, world: OrgWorld, owner) -> None:
    image_id = register_image_from_snapshot(owner, "base")
    share(owner, image_id, {"UserId": world.outsider})
    out = cli(
        "ec2", "cancel-image-launch-permission", "--image-id", image_id, account=world.outsider
    )
    assert out["Return"] is True
    with pytest.raises(CliError) as caught:
        cli("ec2", "cancel-image-launch-permission", "--image-id", image_id, account=world.owner)
    assert "(OperationNotPermitted)" in caught.value.stderr

    copy = owner.copy_image(SourceImageId=image_id, SourceRegion="us-east-1", Name="copy")
    chain = cli("ec2", "get-image-ancestry", "--image-id", copy["ImageId"], account=world.owner)[
        "ImageAncestryEntries"
    ]
    assert [e["ImageId"] for e in chain] == [copy["ImageId"], image_id]
