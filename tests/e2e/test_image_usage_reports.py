"""Image usage reports end to end: the owner of a shared image learns which accounts use it
and with how many instances, with boto3 and the AWS CLI; AWS's errors for bad input."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import ClientFactory
from tests.e2e.worlds import (
    Client,
    OrgWorld,
    aws_error,
    launch,
    not_found,
    register_image,
    share,
)

INSTANCES = [{"ResourceType": "ec2:Instance"}]
TEMPLATES = {
    "ResourceType": "ec2:LaunchTemplate",
    "ResourceTypeOptions": [{"OptionName": "version-depth", "OptionValues": ["100"]}],
}
REPORT_ID = re.compile(r"amiur-[0-9a-f]{17}")
MISSING = "amiur-0123456789abcdef0"


@pytest.fixture
def shared_image(aws: ClientFactory, owner: Client, world: OrgWorld) -> str:
    """An image shared with the organization: two instances in the shared account, one in the
    nested account, one terminated in the sibling account, one in the owner's own."""
    image_id = register_image(owner, name="golden")
    share(owner, image_id, {"OrganizationArn": world.org_arn})
    launch(aws("ec2", account=world.shared_account), image_id, count=2)
    launch(aws("ec2", account=world.nested_account), image_id)
    sibling = aws("ec2", account=world.sibling_account)
    sibling.terminate_instances(InstanceIds=launch(sibling, image_id))
    launch(owner, image_id)
    return image_id


def create(ec2: Client, image_id: str, **params: Any) -> str:
    return ec2.create_image_usage_report(
        ImageId=image_id, ResourceTypes=params.pop("ResourceTypes", INSTANCES), **params
    )["ReportId"]


def entries(ec2: Client, **params: Any) -> list[tuple[str, str, int]]:
    found = ec2.describe_image_usage_report_entries(**params)["ImageUsageReportEntries"]
    return [(e["AccountId"], e["ResourceType"], e["UsageCount"]) for e in found]


def reports(ec2: Client, **params: Any) -> list[dict[str, Any]]:
    return ec2.describe_image_usage_reports(**params)["ImageUsageReports"]


def test_the_owner_learns_which_accounts_use_its_image_and_how_much(
    owner: Client, shared_image: str, world: OrgWorld
) -> None:
    report_id = create(owner, shared_image, ResourceTypes=[*INSTANCES, TEMPLATES])
    assert REPORT_ID.fullmatch(report_id)
    (report,) = reports(owner, ReportIds=[report_id])
    assert report["ImageId"] == shared_image
    assert report["State"] == "available"
    assert report["ResourceTypes"] == [*INSTANCES, TEMPLATES]
    assert (report["ExpirationTime"] - report["CreationTime"]).days == 30
    # Other accounts only, terminated instances not counted; no launch templates exist.
    assert entries(owner, ReportIds=[report_id]) == sorted(
        [(world.nested_account, "ec2:Instance", 1), (world.shared_account, "ec2:Instance", 2)]
    )
    (entry, _) = owner.describe_image_usage_report_entries(ImageIds=[shared_image])[
        "ImageUsageReportEntries"
    ]
    assert entry["ReportId"] == report_id
    assert entry["ImageId"] == shared_image
    assert entry["ReportCreationTime"] == report["CreationTime"]


def test_account_ids_narrow_the_report_and_may_name_the_owner(
    owner: Client, shared_image: str, world: OrgWorld
) -> None:
    report_id = create(owner, shared_image, AccountIds=[world.owner, world.shared_account])
    (report,) = reports(owner, ReportIds=[report_id])
    assert report["AccountIds"] == [world.owner, world.shared_account]
    assert entries(owner, ReportIds=[report_id]) == sorted(
        [(world.owner, "ec2:Instance", 1), (world.shared_account, "ec2:Instance", 2)]
    )


def test_a_report_is_what_was_in_use_when_it_was_made(
    aws: ClientFactory, owner: Client, shared_image: str, world: OrgWorld
) -> None:
    first = create(owner, shared_image)
    launch(aws("ec2", account=world.sibling_account), shared_image)
    second = create(owner, shared_image)
    assert (world.sibling_account, "ec2:Instance", 1) not in entries(owner, ReportIds=[first])
    assert (world.sibling_account, "ec2:Instance", 1) in entries(owner, ReportIds=[second])
    assert [r["ReportId"] for r in reports(owner, ImageIds=[shared_image])] == [first, second]


def test_filters_and_paging(owner: Client, shared_image: str, world: OrgWorld) -> None:
    ids = [create(owner, shared_image) for _ in range(3)]
    other = create(owner, register_image(owner, name="unused"))
    assert [r["ReportId"] for r in reports(owner)] == [*ids, other]
    assert [r["ReportId"] for r in reports(owner, ImageIds=[shared_image])] == ids
    by_state = reports(owner, Filters=[{"Name": "state", "Values": ["available"]}])
    assert len(by_state) == 4
    assert reports(owner, Filters=[{"Name": "state", "Values": ["pending"]}]) == []
    day = reports(owner)[0]["CreationTime"].strftime("%Y-%m-%dT*")
    assert len(reports(owner, Filters=[{"Name": "creation-time", "Values": [day]}])) == 4
    page = owner.describe_image_usage_reports(MaxResults=2)
    assert len(page["ImageUsageReports"]) == 2
    rest = owner.describe_image_usage_reports(MaxResults=2, NextToken=page["NextToken"])
    assert [r["ReportId"] for r in rest["ImageUsageReports"]] == [ids[2], other]
    assert "NextToken" not in rest
    mine = [{"Name": "account-id", "Values": [world.shared_account]}]
    assert {e[0] for e in entries(owner, Filters=mine)} == {world.shared_account}
    kinds = [{"Name": "resource-type", "Values": ["ec2:LaunchTemplate"]}]
    assert entries(owner, Filters=kinds) == []
    first = owner.describe_image_usage_report_entries(MaxResults=1)
    assert len(first["ImageUsageReportEntries"]) == 1 and first["NextToken"]


def test_tags_on_creation_and_afterwards(owner: Client, shared_image: str) -> None:
    spec = [{"ResourceType": "image-usage-report", "Tags": [{"Key": "team", "Value": "web"}]}]
    report_id = create(owner, shared_image, TagSpecifications=spec)
    owner.create_tags(Resources=[report_id], Tags=[{"Key": "stage", "Value": "prod"}])
    (report,) = reports(owner, Filters=[{"Name": "tag:team", "Values": ["web"]}])
    assert {t["Key"]: t["Value"] for t in report["Tags"]} == {"team": "web", "stage": "prod"}
    tags = owner.describe_tags(Filters=[{"Name": "resource-id", "Values": [report_id]}])["Tags"]
    assert {t["ResourceType"] for t in tags} == {"image-usage-report"}


def test_delete_removes_the_report_and_its_entries(owner: Client, shared_image: str) -> None:
    report_id = create(owner, shared_image)
    assert owner.delete_image_usage_report(ReportId=report_id)["Return"] is True
    assert reports(owner) == []
    assert entries(owner) == []
    with aws_error(
        "InvalidImageUsageReportId.NotFound",
        f"The image usage report ID '{report_id}' does not exist",
    ):
        owner.delete_image_usage_report(ReportId=report_id)


def test_a_report_is_its_creators_alone(
    aws: ClientFactory, owner: Client, shared_image: str, world: OrgWorld
) -> None:
    report_id = create(owner, shared_image)
    other = aws("ec2", account=world.shared_account)
    assert reports(other) == []
    assert entries(other) == []
    with aws_error(
        "InvalidImageUsageReportId.NotFound",
        f"The image usage report ID '{report_id}' does not exist",
    ):
        other.describe_image_usage_reports(ReportIds=[report_id])
    with aws_error("InvalidImageUsageReportId.NotFound"):
        other.delete_image_usage_report(ReportId=report_id)
    assert reports(aws("ec2", account=world.owner, region="eu-west-1")) == []


# --- bad input ------------------------------------------------------------------------------


def test_only_the_owner_may_report_on_an_image(
    aws: ClientFactory, shared_image: str, world: OrgWorld
) -> None:
    consumer = aws("ec2", account=world.shared_account)
    with aws_error("AuthFailure", f"Not authorized for image:{shared_image}"):
        create(consumer, shared_image)
    outsider = aws("ec2", account=world.outsider)
    with aws_error(*not_found(shared_image)):
        create(outsider, shared_image)


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        (
            {"ImageId": "ami-12345678"},
            "InvalidAMIID.NotFound",
            "The image id '[ami-12345678]' does not exist",
        ),
        (
            {"ImageId": "img-123"},
            "InvalidAMIID.Malformed",
            'Invalid id: "img-123" (expecting "ami-...")',
        ),
        (
            {"ResourceTypes": [{"ResourceType": "ec2:Volume"}]},
            "InvalidParameterValue",
            "Value (ec2:Volume) for parameter ResourceType is invalid.",
        ),
        (
            {"ResourceTypes": [*INSTANCES, *INSTANCES]},
            "InvalidParameterValue",
            "The resource type ec2:Instance is specified more than once.",
        ),
        (
            {
                "ResourceTypes": [
                    {
                        "ResourceType": "ec2:Instance",
                        "ResourceTypeOptions": [
                            {"OptionName": "version-depth", "OptionValues": ["5"]}
                        ],
                    }
                ]
            },
            "InvalidParameterCombination",
            "ResourceTypeOptions are valid only for the resource type ec2:LaunchTemplate, not"
            " ec2:Instance.",
        ),
        (
            {
                "ResourceTypes": [
                    {
                        "ResourceType": "ec2:LaunchTemplate",
                        "ResourceTypeOptions": [{"OptionName": "depth", "OptionValues": ["5"]}],
                    }
                ]
            },
            "InvalidParameterValue",
            "Value (depth) for parameter OptionName is invalid.",
        ),
        (
            {
                "ResourceTypes": [
                    {
                        "ResourceType": "ec2:LaunchTemplate",
                        "ResourceTypeOptions": [
                            {"OptionName": "version-depth", "OptionValues": ["10001"]}
                        ],
                    }
                ]
            },
            "InvalidParameterValue",
            "Value (10001) for parameter OptionValues is invalid.",
        ),
        (
            {"AccountIds": ["12345"]},
            "InvalidParameterValue",
            "Value (12345) for parameter AccountId is invalid.",
        ),
        (
            {
                "TagSpecifications": [
                    {"ResourceType": "image", "Tags": [{"Key": "a", "Value": "b"}]}
                ]
            },
            "InvalidParameterValue",
            "'image' is not a valid taggable resource type for this operation.",
        ),
    ],
)
def test_create_refuses_bad_input(
    owner: Client, shared_image: str, params: dict[str, Any], code: str, message: str
) -> None:
    with aws_error(code, message):
        owner.create_image_usage_report(
            **{"ImageId": shared_image, "ResourceTypes": INSTANCES, **params}
        )
    assert reports(owner) == []


def test_report_ids_are_checked(owner: Client) -> None:
    malformed = 'Invalid id: "report-1" (expecting "amiur-...")'
    for call in (
        lambda: owner.describe_image_usage_reports(ReportIds=["report-1"]),
        lambda: owner.describe_image_usage_report_entries(ReportIds=["report-1"]),
        lambda: owner.delete_image_usage_report(ReportId="report-1"),
    ):
        with aws_error("InvalidImageUsageReportId.Malformed", malformed):
            call()
    with aws_error(
        "InvalidImageUsageReportId.NotFound",
        f"The image usage report ID '{MISSING}' does not exist",
    ):
        owner.describe_image_usage_report_entries(ReportIds=[MISSING])
    with aws_error("InvalidAMIID.Malformed"):
        owner.describe_image_usage_reports(ImageIds=["img-1"])


def test_the_ids_and_accounts_limits(owner: Client, shared_image: str) -> None:
    accounts = [f"{n:012d}" for n in range(201)]
    with aws_error(
        "InvalidParameterValue", "The number of account IDs (201) exceeds the maximum of 200."
    ):
        create(owner, shared_image, AccountIds=accounts)


def test_the_cli_creates_lists_and_deletes_reports(
    cli: Any, shared_image: str, world: OrgWorld
) -> None:
    created = cli(
        "ec2",
        "create-image-usage-report",
        "--image-id",
        shared_image,
        "--resource-types",
        "ResourceType=ec2:Instance",
        "ResourceType=ec2:LaunchTemplate,ResourceTypeOptions=[{OptionName=version-depth,OptionValues=100}]",
        account=world.owner,
    )
    report_id = created["ReportId"]
    listed = cli(
        "ec2", "describe-image-usage-reports", "--report-ids", report_id, account=world.owner
    )
    assert listed["ImageUsageReports"][0]["State"] == "available"
    found = cli(
        "ec2",
        "describe-image-usage-report-entries",
        "--image-ids",
        shared_image,
        "--query",
        "ImageUsageReportEntries[].[AccountId,UsageCount]",
        account=world.owner,
    )
    assert found == sorted([[world.nested_account, 1], [world.shared_account, 2]])
    assert cli(
        "ec2", "delete-image-usage-report", "--report-id", report_id, account=world.owner
    ) == {"Return": True}


def test_paging_and_id_lists_keep_to_their_bounds(owner: Client, shared_image: str) -> None:
    for call in (owner.describe_image_usage_reports, owner.describe_image_usage_report_entries):
        with aws_error(
            "InvalidParameterValue",
            "Value ( 1001 ) for parameter maxResults is invalid. Expecting a value between 1"
            " and 1000.",
        ):
            call(MaxResults=1001)
        with aws_error("InvalidParameterValue", "The token 'nonsense' is invalid"):
            call(NextToken="nonsense")
        with aws_error(
            "InvalidParameterValue", "The parameter ImageId accepts at most 200 values."
        ):
            call(ImageIds=[f"ami-{n:08x}" for n in range(201)])
        with aws_error(
            "InvalidParameterValue", "The parameter ReportId accepts at most 200 values."
        ):
            call(ReportIds=[f"amiur-{n:08x}" for n in range(201)])


def test_dry_run_checks_and_changes_nothing(owner: Client, shared_image: str) -> None:
    with aws_error("DryRunOperation", status=412):
        owner.create_image_usage_report(ImageId=shared_image, ResourceTypes=INSTANCES, DryRun=True)
    assert reports(owner) == []
    report_id = create(owner, shared_image)
    with aws_error("DryRunOperation", status=412):
        owner.delete_image_usage_report(ReportId=report_id, DryRun=True)
    assert [r["ReportId"] for r in reports(owner)] == [report_id]
