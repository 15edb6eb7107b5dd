"""The AWS guide's CLI commands, verbatim, against the built-in demo world."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.conftest import CliError

AMI = "ami-0abcdef1234567890"
ORG_ARN = "arn:aws:organizations::123456789012:organization/o-123example"
OU_ARN = "arn:aws:organizations::123456789012:ou/o-123example/ou-1234-5example"
DEV, NESTED, SANDBOX, FINANCE, OUTSIDER = (
    "111122223333",
    "222233334444",
    "444455556666",
    "555566667777",
    "999988887777",
)

pytestmark = [pytest.mark.ami_scenario("demo"), pytest.mark.cli]


def launchable(aws, account: str) -> bool:
    ids = [
        i["ImageId"]
        for i in aws("ec2", account).describe_images(ExecutableUsers=["self"])["Images"]
    ]
    return AMI in ids


def modify_image_attribute(cli, launch_permission: str) -> None:
    """`aws ec2 modify-image-attribute --image-id <AMI> --launch-permission <value>`."""
    cli(
        "ec2", "modify-image-attribute", "--image-id", AMI, "--launch-permission", launch_permission
    )


def test_get_the_arns(cli) -> None:
    assert cli("organizations", "describe-organization", "--query", "Organization.Arn") == ORG_ARN
    assert (
        cli(
            "organizations",
            "describe-organizational-unit",
            "--organizational-unit-id",
            "ou-1234-5example",
            "--query",
            "OrganizationalUnit.Arn",
        )
        == OU_ARN
    )


def test_share_with_the_organization_then_stop(cli, aws) -> None:
    modify_image_attribute(cli, f"Add=[{{OrganizationArn={ORG_ARN}}}]")
    assert all(launchable(aws, a) for a in (DEV, NESTED, SANDBOX, FINANCE))
    assert not launchable(aws, OUTSIDER)
    modify_image_attribute(cli, f"Remove=[{{OrganizationArn={ORG_ARN}}}]")
    assert not any(launchable(aws, a) for a in (DEV, NESTED, SANDBOX, FINANCE))


def test_share_with_an_ou_reaches_the_dotted_line_only(cli, aws) -> None:
    modify_image_attribute(cli, f"Add=[{{OrganizationalUnitArn={OU_ARN}}}]")
    assert launchable(aws, DEV) and launchable(aws, NESTED)
    assert not any(launchable(aws, a) for a in (SANDBOX, FINANCE, OUTSIDER))
    aws("ec2", NESTED).run_instances(ImageId=AMI, MinCount=1, MaxCount=1)
    with pytest.raises(ClientError) as err:
        aws("ec2", FINANCE).run_instances(ImageId=AMI, MinCount=1, MaxCount=1)
    assert err.value.response["Error"]["Message"] == f"Not authorized for images: [{AMI}]"
    described = cli(
        "ec2", "describe-image-attribute", "--image-id", AMI, "--attribute", "launchPermission"
    )
    assert described == {"ImageId": AMI, "LaunchPermissions": [{"OrganizationalUnitArn": OU_ARN}]}


def test_reset_stops_all_sharing_but_the_owner_still_launches(cli, aws) -> None:
    modify_image_attribute(cli, f"Add=[{{OrganizationArn={ORG_ARN}}},{{UserId={OUTSIDER}}}]")
    cli("ec2", "reset-image-attribute", "--image-id", AMI, "--attribute", "launchPermission")
    described = cli(
        "ec2", "describe-image-attribute", "--image-id", AMI, "--attribute", "launchPermission"
    )
    assert described["LaunchPermissions"] == []
    assert not any(launchable(aws, a) for a in (DEV, OUTSIDER))
    aws("ec2").run_instances(ImageId=AMI, MinCount=1, MaxCount=1)


def test_bare_ids_are_refused(cli) -> None:
    with pytest.raises(CliError) as err:
        modify_image_attribute(cli, "Add=[{OrganizationalUnitArn=ou-1234-5example}]")
    assert "InvalidAMIAttributeItemValue" in err.value.stderr
    assert (
        'Invalid attribute item value "ou-1234-5example" for OrganizationalUnitArn item type.'
    ) in err.value.stderr
