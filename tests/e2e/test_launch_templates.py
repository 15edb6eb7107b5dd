"""Launch templates end to end: versions, defaults, errors, and launching from them, including
from an AMI shared with the account."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.worlds import (
    Client,
    ClientFactory,
    OrgWorld,
    aws_error,
    not_authorized_to_launch,
    register_image_from_snapshot,
    share,
)


@pytest.fixture
def image_id(owner: Client) -> str:
    return register_image_from_snapshot(owner)


def create(ec2: Client, name: str, **data: Any) -> dict[str, Any]:
    return ec2.create_launch_template(LaunchTemplateName=name, LaunchTemplateData=data)[
        "LaunchTemplate"
    ]


def versions(ec2: Client, **kwargs: Any) -> list[int]:
    reply = ec2.describe_launch_template_versions(**kwargs)["LaunchTemplateVersions"]
    return [v["VersionNumber"] for v in reply]


def test_create_and_describe(world: OrgWorld, owner: Client, image_id: str) -> None:
    made = owner.create_launch_template(
        LaunchTemplateName="builder",
        VersionDescription="first",
        LaunchTemplateData={"ImageId": image_id, "InstanceType": "t3.small"},
        TagSpecifications=[
            {"ResourceType": "launch-template", "Tags": [{"Key": "Team", "Value": "ci"}]}
        ],
    )["LaunchTemplate"]
    template_id = made["LaunchTemplateId"]
    assert template_id.startswith("lt-") and len(template_id) == 20
    assert (made["DefaultVersionNumber"], made["LatestVersionNumber"]) == (1, 1)
    assert made["CreatedBy"] == f"arn:aws:iam::{world.owner}:root"
    assert made["Tags"] == [{"Key": "Team", "Value": "ci"}]
    (by_id,) = owner.describe_launch_templates(LaunchTemplateIds=[template_id])["LaunchTemplates"]
    (by_name,) = owner.describe_launch_templates(LaunchTemplateNames=["builder"])["LaunchTemplates"]
    assert by_id == by_name
    assert by_id["LaunchTemplateName"] == "builder"
    (version,) = owner.describe_launch_template_versions(LaunchTemplateId=template_id)[
        "LaunchTemplateVersions"
    ]
    assert version["VersionNumber"] == 1
    assert version["VersionDescription"] == "first"
    assert version["DefaultVersion"] is True
    assert version["LaunchTemplateData"] == {"ImageId": image_id, "InstanceType": "t3.small"}
    # Tags on the template: DescribeTags and filters see them.
    tags = owner.describe_tags(Filters=[{"Name": "resource-id", "Values": [template_id]}])
    assert [t["ResourceType"] for t in tags["Tags"]] == ["launch-template"]
    found = owner.describe_launch_templates(Filters=[{"Name": "tag:Team", "Values": ["ci"]}])
    assert [t["LaunchTemplateId"] for t in found["LaunchTemplates"]] == [template_id]


def test_versions_defaults_and_deletion(owner: Client, image_id: str) -> None:
    template_id = create(owner, "versions", ImageId=image_id, InstanceType="t3.small")[
        "LaunchTemplateId"
    ]
    two = owner.create_launch_template_version(
        LaunchTemplateId=template_id,
        SourceVersion="1",
        VersionDescription="bigger",
        LaunchTemplateData={"InstanceType": "m5.large"},
    )["LaunchTemplateVersion"]
    assert two["VersionNumber"] == 2 and two["DefaultVersion"] is False
    # SourceVersion: version 1's data, the members given replacing its own.
    assert two["LaunchTemplateData"] == {"ImageId": image_id, "InstanceType": "m5.large"}
    three = owner.create_launch_template_version(
        LaunchTemplateName="versions", LaunchTemplateData={"EbsOptimized": True}
    )["LaunchTemplateVersion"]
    assert three["LaunchTemplateData"] == {"EbsOptimized": True}

    assert versions(owner, LaunchTemplateId=template_id) == [1, 2, 3]
    assert versions(owner, LaunchTemplateId=template_id, Versions=["$Latest"]) == [3]
    assert versions(owner, LaunchTemplateId=template_id, Versions=["$Default", "2"]) == [1, 2]
    assert versions(owner, LaunchTemplateId=template_id, MinVersion="2") == [2, 3]
    assert versions(owner, LaunchTemplateId=template_id, MaxVersion="2") == [1, 2]
    filtered = versions(
        owner,
        LaunchTemplateId=template_id,
        Filters=[{"Name": "instance-type", "Values": ["m5.*"]}],
    )
    assert filtered == [2]
    assert versions(
        owner,
        LaunchTemplateId=template_id,
        Filters=[{"Name": "is-default-version", "Values": ["true"]}],
    ) == [1]
    assert versions(
        owner,
        LaunchTemplateId=template_id,
        Filters=[{"Name": "image-id", "Values": [image_id]}],
    ) == [1, 2]

    modified = owner.modify_launch_template(LaunchTemplateId=template_id, DefaultVersion="2")
    assert modified["LaunchTemplate"]["DefaultVersionNumber"] == 2
    assert versions(owner, LaunchTemplateName="versions", Versions=["$Default"]) == [2]
    with aws_error(
        "InvalidLaunchTemplateId.VersionNotFound",
        f"Could not find the specified version 9 for the launch template with ID {template_id}.",
    ):
        owner.modify_launch_template(LaunchTemplateId=template_id, DefaultVersion="9")

    reply = owner.delete_launch_template_versions(
        LaunchTemplateId=template_id, Versions=["2", "3", "7"]
    )
    assert [v["VersionNumber"] for v in reply["SuccessfullyDeletedLaunchTemplateVersions"]] == [3]
    failed = {
        v["VersionNumber"]: v["ResponseError"]["Code"]
        for v in reply["UnsuccessfullyDeletedLaunchTemplateVersions"]
    }
    assert failed == {2: "unexpectedError", 7: "launchTemplateVersionDoesNotExist"}
    (left,) = owner.describe_launch_templates(LaunchTemplateIds=[template_id])["LaunchTemplates"]
    assert (left["DefaultVersionNumber"], left["LatestVersionNumber"]) == (2, 2)

    gone = owner.delete_launch_template(LaunchTemplateName="versions")["LaunchTemplate"]
    assert gone["LaunchTemplateId"] == template_id
    with aws_error(
        "InvalidLaunchTemplateId.NotFound",
        f"The specified launch template, with template ID {template_id}, does not exist.",
    ):
        owner.describe_launch_template_versions(LaunchTemplateId=template_id)
    # The name is free again once the template is gone.
    create(owner, "versions", ImageId=image_id)


def test_errors(aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str) -> None:
    template_id = create(owner, "taken", ImageId=image_id)["LaunchTemplateId"]
    with aws_error(
        "InvalidLaunchTemplateName.AlreadyExistsException", "Launch template name already in use."
    ):
        create(owner, "taken", ImageId=image_id)
    with aws_error(
        "InvalidLaunchTemplateName.MalformedException",
        "A launch template name must be between 3 and 128 characters, and may contain letters,"
        " numbers, and the following characters: - ( ) . / _.",
    ):
        create(owner, "no spaces!", ImageId=image_id)
    with aws_error(
        "InvalidLaunchTemplateName.NotFoundException",
        "The specified launch template, with template name missing, does not exist.",
    ):
        owner.describe_launch_templates(LaunchTemplateNames=["missing"])
    with aws_error("InvalidLaunchTemplateId.Malformed"):
        owner.describe_launch_templates(LaunchTemplateIds=["template-1"])
    with aws_error(
        "MissingParameter",
        "The request must contain the parameter launchTemplateName or launchTemplateId",
    ):
        owner.delete_launch_template()
    with aws_error("InvalidParameterCombination"):
        owner.delete_launch_template(LaunchTemplateId=template_id, LaunchTemplateName="taken")
    with aws_error("MissingParameter"):
        owner.describe_launch_template_versions(Versions=["1"])
    # Another account sees nothing of it, and may use the same name.
    other = aws("ec2", account=world.sibling_account)
    assert other.describe_launch_templates()["LaunchTemplates"] == []
    with aws_error("InvalidLaunchTemplateId.NotFound"):
        other.describe_launch_templates(LaunchTemplateIds=[template_id])
    with aws_error("InvalidLaunchTemplateId.NotFound"):
        other.run_instances(
            MinCount=1, MaxCount=1, LaunchTemplate={"LaunchTemplateId": template_id}
        )
    create(other, "taken", ImageId=image_id)
    # Another Region is another place.
    west = aws("ec2", account=world.owner, region="us-west-2")
    assert west.describe_launch_templates()["LaunchTemplates"] == []


def test_paging_and_latest_of_every_template(owner: Client, image_id: str) -> None:
    ids = [create(owner, f"page-{i}", ImageId=image_id)["LaunchTemplateId"] for i in range(3)]
    pages = owner.get_paginator("describe_launch_templates").paginate(
        PaginationConfig={"PageSize": 2}
    )
    seen = [[t["LaunchTemplateId"] for t in page["LaunchTemplates"]] for page in pages]
    assert [len(p) for p in seen] == [2, 1]
    assert sorted(i for page in seen for i in page) == sorted(ids)
    latest = owner.describe_launch_template_versions(Versions=["$Latest"])
    assert sorted(v["LaunchTemplateId"] for v in latest["LaunchTemplateVersions"]) == sorted(ids)
    named = owner.describe_launch_templates(
        Filters=[{"Name": "launch-template-name", "Values": ["page-1"]}]
    )
    assert [t["LaunchTemplateId"] for t in named["LaunchTemplates"]] == [ids[1]]
    with aws_error("InvalidParameterValue", "The filter 'colour' is invalid"):
        owner.describe_launch_templates(Filters=[{"Name": "colour", "Values": ["x"]}])


def test_run_instances_from_a_template(owner: Client, image_id: str) -> None:
    template_id = create(
        owner,
        "web",
        ImageId=image_id,
        InstanceType="t3.small",
        UserData="ZWNobyBoaQ==",
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}]}],
        BlockDeviceMappings=[{"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 5}}],
    )["LaunchTemplateId"]
    owner.create_launch_template_version(
        LaunchTemplateId=template_id,
        SourceVersion="1",
        LaunchTemplateData={"InstanceType": "c5.large"},
    )

    def run(**kwargs: Any) -> dict[str, Any]:
        (instance,) = owner.run_instances(MinCount=1, MaxCount=1, **kwargs)["Instances"]
        return instance

    default = run(LaunchTemplate={"LaunchTemplateId": template_id})
    assert default["ImageId"] == image_id
    assert default["InstanceType"] == "t3.small"
    tags = {t["Key"]: t["Value"] for t in default["Tags"]}
    assert tags == {
        "Name": "web",
        "aws:ec2launchtemplate:id": template_id,
        "aws:ec2launchtemplate:version": "1",
    }
    assert sorted(m["DeviceName"] for m in default["BlockDeviceMappings"]) == [
        "/dev/sdf",
        "/dev/xvda",
    ]
    user_data = owner.describe_instance_attribute(
        InstanceId=default["InstanceId"], Attribute="userData"
    )
    assert user_data["UserData"] == {"Value": "ZWNobyBoaQ=="}

    latest = run(LaunchTemplate={"LaunchTemplateName": "web", "Version": "$Latest"})
    assert latest["InstanceType"] == "c5.large"
    numbered = run(LaunchTemplate={"LaunchTemplateId": template_id, "Version": "1"})
    assert numbered["InstanceType"] == "t3.small"
    # The request's parameters win over the template's; tags merge, the request's winning.
    overridden = run(
        LaunchTemplate={"LaunchTemplateId": template_id},
        InstanceType="m5.xlarge",
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "override"}]}
        ],
    )
    assert overridden["InstanceType"] == "m5.xlarge"
    assert {t["Key"]: t["Value"] for t in overridden["Tags"]}["Name"] == "override"
    with aws_error(
        "InvalidLaunchTemplateId.VersionNotFound",
        f"Could not find the specified version 5 for the launch template with ID {template_id}.",
    ):
        run(LaunchTemplate={"LaunchTemplateId": template_id, "Version": "5"})
    with aws_error("InvalidLaunchTemplateName.NotFoundException"):
        run(LaunchTemplate={"LaunchTemplateName": "absent"})
    bare = create(owner, "no-image", InstanceType="t3.nano")["LaunchTemplateId"]
    with aws_error("MissingParameter", "The request must contain the parameter ImageId"):
        run(LaunchTemplate={"LaunchTemplateId": bare})


def test_a_template_may_name_a_shared_image(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    """Launching from a template follows the launch rule of the image it names."""
    share(owner, image_id, {"OrganizationalUnitArn": world.shared_ou.arn})
    consumer = aws("ec2", account=world.nested_account)
    stranger = aws("ec2", account=world.sibling_account)
    for ec2 in (consumer, stranger):
        create(ec2, "from-shared", ImageId=image_id)
    spec = {"LaunchTemplateName": "from-shared", "Version": "$Default"}
    (instance,) = consumer.run_instances(MinCount=1, MaxCount=1, LaunchTemplate=spec)["Instances"]
    assert instance["ImageId"] == image_id
    with aws_error(*not_authorized_to_launch(image_id)):
        stranger.run_instances(MinCount=1, MaxCount=1, LaunchTemplate=spec)
    assert stranger.describe_instances()["Reservations"] == []


@pytest.mark.cli
def test_cli_creates_and_launches_from_a_template(cli: Any, aws: ClientFactory) -> None:
    account = "444455556666"
    image_id = register_image_from_snapshot(aws("ec2", account=account))
    made = cli(
        "ec2",
        "create-launch-template",
        "--launch-template-name",
        "cli-template",
        "--launch-template-data",
        f'{{"ImageId": "{image_id}", "InstanceType": "t3.micro"}}',
        account=account,
    )["LaunchTemplate"]
    run = cli(
        "ec2",
        "run-instances",
        "--launch-template",
        f"LaunchTemplateId={made['LaunchTemplateId']},Version=$Latest",
        account=account,
    )
    assert run["Instances"][0]["InstanceType"] == "t3.micro"
    shown = cli(
        "ec2",
        "describe-launch-template-versions",
        "--launch-template-name",
        "cli-template",
        "--versions",
        "$Default",
        account=account,
    )
    assert shown["LaunchTemplateVersions"][0]["LaunchTemplateData"]["ImageId"] == image_id


def test_templates_are_image_references_and_count_in_usage_reports(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    """DescribeImageReferences lists the caller's templates whose recent versions name the
    image (``version-depth``, 20 by default); an owner's usage report counts other accounts'
    templates per account."""
    owner.modify_image_attribute(
        ImageId=image_id, LaunchPermission={"Add": [{"UserId": world.shared_account}]}
    )
    consumer = aws("ec2", account=world.shared_account)
    template = create(consumer, "uses-shared", ImageId=image_id)
    consumer.create_launch_template_version(
        LaunchTemplateId=template["LaunchTemplateId"],
        LaunchTemplateData={"ImageId": "ami-12345678"},
    )
    by_type = [{"ResourceType": "ec2:LaunchTemplate"}]
    refs = consumer.describe_image_references(ImageIds=[image_id], ResourceTypes=by_type)
    lt_id = template["LaunchTemplateId"]
    arn = f"arn:aws:ec2:us-east-1:{world.shared_account}:launch-template/{lt_id}"
    assert [(r["ImageId"], r["ResourceType"], r["Arn"]) for r in refs["ImageReferences"]] == [
        (image_id, "ec2:LaunchTemplate", arn)
    ]
    # Only the latest version is looked at with a depth of 1, and it names another image.
    shallow = [
        {
            "ResourceType": "ec2:LaunchTemplate",
            "ResourceTypeOptions": [{"OptionName": "version-depth", "OptionValues": ["1"]}],
        }
    ]
    refs = consumer.describe_image_references(ImageIds=[image_id], ResourceTypes=shallow)
    assert refs["ImageReferences"] == []

    report = owner.create_image_usage_report(ImageId=image_id, ResourceTypes=by_type)["ReportId"]
    owner.describe_image_usage_reports(ReportIds=[report])  # the clock moves on: available
    entries = owner.describe_image_usage_report_entries(ReportIds=[report])
    assert [
        (e["ResourceType"], e["AccountId"], e["UsageCount"])
        for e in entries["ImageUsageReportEntries"]
    ] == [("ec2:LaunchTemplate", world.shared_account, 1)]
