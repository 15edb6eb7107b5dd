"""Allowed AMIs end to end: the settings, the criteria, and an OU-shared image filtered by a
member account's criteria (enabled: hidden and not launchable; audit mode: visible with
ImageAllowed false and launchable), with boto3 and the AWS CLI."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from tests.conftest import ClientFactory
from tests.e2e.worlds import (
    Client,
    OrgWorld,
    aws_error,
    image,
    launch,
    not_authorized_to_launch,
    not_found,
    register_image,
    share,
)

BAD = "InvalidParameterValue"
EVERY_CRITERION = [
    {"MarketplaceProductCodes": ["abcdefg1234567890"]},
    {
        "ImageProviders": ["123456789012", "123456789013"],
        "CreationDateCondition": {"MaximumDaysSinceCreated": 300},
    },
    {"ImageProviders": ["123456789014"], "ImageNames": ["golden-ami-*"]},
    {"ImageProviders": ["amazon"], "DeprecationTimeCondition": {"MaximumDaysSinceDeprecated": 0}},
    {
        "ImageWatermarks": [
            {
                "WatermarkKey": "123456789012:golden*",
                "SourceImageRegion": "us-*",
                "MaximumDaysSinceSourceImageCreated": 90,
                "MaximumDaysSinceWatermarkCreated": 30,
            }
        ]
    },
    {
        "ScanResultCondition": {
            "MaxDaysSinceLastFindingScan": 7,
            "MaximumSeverityLabel": "medium",
            "MaxDaysSinceHighFixAvailable": 14,
            "MaxDaysSinceCriticalFixAvailable": 1,
        }
    },
]


@pytest.fixture
def consumer(aws: ClientFactory, world: OrgWorld) -> Client:
    """The member account under the nested OU, whose criteria decide."""
    return aws("ec2", account=world.nested_account)


@pytest.fixture
def ou_image(owner: Client, world: OrgWorld) -> str:
    """An image the owner shares with the shared OU, which reaches the nested account."""
    image_id = register_image(owner, name="golden-web")
    share(owner, image_id, {"OrganizationalUnitArn": world.shared_ou.arn})
    return image_id


def settings(ec2: Client) -> dict[str, Any]:
    answer = ec2.get_allowed_images_settings()
    answer.pop("ResponseMetadata")
    return answer


def listed(ec2: Client, **params: Any) -> dict[str, Any]:
    """image id -> ImageAllowed (None when left out) of the images DescribeImages answers."""
    return {i["ImageId"]: i.get("ImageAllowed") for i in ec2.describe_images(**params)["Images"]}


def only_from(ec2: Client, account: str, state: str) -> None:
    ec2.replace_image_criteria_in_allowed_images_settings(
        ImageCriteria=[{"ImageProviders": [account]}]
    )
    ec2.enable_allowed_images_settings(AllowedImagesSettingsState=state)


def explain(server: Any, image_id: str, account: str) -> dict[str, Any]:
    url = f"{server.url}/_emulator/explain?image={image_id}&account={account}"
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.loads(answer.read())


# --- the settings ---------------------------------------------------------------------------


def test_a_new_account_has_allowed_amis_disabled_and_managed_by_itself(consumer: Client) -> None:
    assert settings(consumer) == {"State": "disabled", "ManagedBy": "account"}


def test_enable_audit_disable_answer_their_state_and_keep_the_criteria(consumer: Client) -> None:
    criteria = [{"ImageProviders": ["111122223333"]}]
    assert consumer.replace_image_criteria_in_allowed_images_settings(ImageCriteria=criteria)[
        "ReturnValue"
    ]
    reply = consumer.enable_allowed_images_settings(AllowedImagesSettingsState="audit-mode")
    assert reply["AllowedImagesSettingsState"] == "audit-mode"
    assert settings(consumer)["State"] == "audit-mode"
    reply = consumer.enable_allowed_images_settings(AllowedImagesSettingsState="enabled")
    assert reply["AllowedImagesSettingsState"] == "enabled"
    assert consumer.disable_allowed_images_settings()["AllowedImagesSettingsState"] == "disabled"
    assert settings(consumer) == {
        "State": "disabled",
        "ImageCriteria": criteria,
        "ManagedBy": "account",
    }


def test_every_criterion_of_the_model_round_trips(consumer: Client) -> None:
    consumer.replace_image_criteria_in_allowed_images_settings(ImageCriteria=EVERY_CRITERION)
    assert settings(consumer)["ImageCriteria"] == EVERY_CRITERION
    consumer.replace_image_criteria_in_allowed_images_settings(ImageCriteria=[])
    assert "ImageCriteria" not in settings(consumer)


def test_settings_are_per_account_and_region(aws: ClientFactory, world: OrgWorld) -> None:
    here = aws("ec2", account=world.nested_account)
    only_from(here, "111122223333", "enabled")
    assert settings(aws("ec2", account=world.nested_account, region="eu-west-1"))["State"] == (
        "disabled"
    )
    assert settings(aws("ec2", account=world.sibling_account))["State"] == "disabled"


# --- the interplay with an OU grant ---------------------------------------------------------


def test_enabled_hides_an_ou_shared_image_the_criteria_refuse_and_refuses_its_launch(
    consumer: Client, ou_image: str, world: OrgWorld, server: Any
) -> None:
    launch(consumer, ou_image)  # reachable through the OU before the criteria apply
    only_from(consumer, "111122223333", "enabled")
    assert ou_image not in listed(consumer)
    assert ou_image not in listed(consumer, ExecutableUsers=["self"])
    assert ou_image not in listed(consumer, Owners=[world.owner])
    with aws_error(*not_found(ou_image)):
        consumer.describe_images(ImageIds=[ou_image])
    with aws_error(*not_authorized_to_launch(ou_image)):
        launch(consumer, ou_image)
    answer = explain(server, ou_image, world.nested_account)
    assert answer["allowed"] is False
    assert answer["via"] == "ou"
    assert f"shared with OU {world.shared_ou.id}" in answer["reason"]
    assert (
        f"But it is not allowed by {world.nested_account}'s Allowed AMIs criteria: "
        f"provider {world.owner} not listed." in answer["reason"]
    )
    assert answer["allowed_images"]["state"] == "enabled"


def test_audit_mode_shows_the_image_with_image_allowed_false_and_launches_it(
    consumer: Client, ou_image: str, world: OrgWorld, server: Any
) -> None:
    only_from(consumer, "111122223333", "audit-mode")
    assert listed(consumer)[ou_image] is False
    assert image(consumer, ou_image)["ImageAllowed"] is False
    assert launch(consumer, ou_image)
    not_allowed = [{"Name": "image-allowed", "Values": ["false"]}]
    assert ou_image in listed(consumer, Filters=not_allowed)
    assert ou_image not in listed(consumer, Filters=[{"Name": "image-allowed", "Values": ["true"]}])
    answer = explain(server, ou_image, world.nested_account)
    assert answer["allowed"] is True
    assert "Audit mode: nothing is blocked" in answer["reason"]
    assert answer["allowed_images"]["image_allowed"] is False


def test_criteria_naming_the_owner_and_the_name_allow_the_image(
    consumer: Client, ou_image: str, world: OrgWorld
) -> None:
    consumer.replace_image_criteria_in_allowed_images_settings(
        ImageCriteria=[
            {"ImageProviders": ["amazon"]},
            {"ImageProviders": [world.owner], "ImageNames": ["golden-*"]},
        ]
    )
    consumer.enable_allowed_images_settings(AllowedImagesSettingsState="enabled")
    assert listed(consumer)[ou_image] is True
    assert launch(consumer, ou_image)
    # Within a criterion every parameter must match: the name no longer does.
    consumer.replace_image_criteria_in_allowed_images_settings(
        ImageCriteria=[{"ImageProviders": [world.owner], "ImageNames": ["base-?mage"]}]
    )
    assert ou_image not in listed(consumer)


def test_the_creation_date_condition_counts_days_since_creation(
    consumer: Client, ou_image: str, world: OrgWorld
) -> None:
    def with_age(days: int) -> dict[str, Any]:
        consumer.replace_image_criteria_in_allowed_images_settings(
            ImageCriteria=[
                {
                    "ImageProviders": [world.owner],
                    "CreationDateCondition": {"MaximumDaysSinceCreated": days},
                }
            ]
        )
        return listed(consumer)

    consumer.enable_allowed_images_settings(AllowedImagesSettingsState="audit-mode")
    assert with_age(30)[ou_image] is True
    assert with_age(0)[ou_image] is False


def test_image_allowed_is_left_out_while_disabled(consumer: Client, ou_image: str) -> None:
    assert listed(consumer)[ou_image] is None
    only_from(consumer, "111122223333", "audit-mode")
    consumer.disable_allowed_images_settings()
    assert listed(consumer)[ou_image] is None
    assert launch(consumer, ou_image)


def test_the_accounts_own_images_are_never_restricted(consumer: Client) -> None:
    mine = register_image(consumer, name="my-own")
    consumer.replace_image_criteria_in_allowed_images_settings(
        ImageCriteria=[{"ImageProviders": ["none"]}]
    )
    consumer.enable_allowed_images_settings(AllowedImagesSettingsState="enabled")
    assert listed(consumer, Owners=["self"]) == {mine: True}
    assert launch(consumer, mine)


def test_no_criteria_while_enabled_allow_only_the_accounts_own_images(
    consumer: Client, ou_image: str
) -> None:
    consumer.enable_allowed_images_settings(AllowedImagesSettingsState="enabled")
    assert ou_image not in listed(consumer)


def test_another_accounts_criteria_change_nothing_for_the_owner(
    owner: Client, consumer: Client, ou_image: str
) -> None:
    only_from(consumer, "111122223333", "enabled")
    assert listed(owner, Owners=["self"]) == {ou_image: None}


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["on", "disabled", "Enabled", "audit"])
def test_enable_refuses_a_state_that_is_not_enabled_or_audit_mode(
    consumer: Client, state: str
) -> None:
    message = (
        f"Value ({state}) for parameter allowedImagesSettingsState is invalid."
        " Expected: 'enabled', 'audit-mode'."
    )
    with aws_error(BAD, message):
        consumer.enable_allowed_images_settings(AllowedImagesSettingsState=state)
    assert settings(consumer)["State"] == "disabled"


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        (
            [{"ImageProviders": ["amazon"]}] * 11,
            "The number of image criteria (11) exceeds the maximum of 10.",
        ),
        (
            [{"ImageProviders": [f"{n:012d}" for n in range(201)]}],
            "The number of ImageProviders values (201) in an image criterion exceeds the maximum"
            " of 200.",
        ),
        (
            [{"ImageNames": [f"name-{n}" for n in range(51)]}],
            "The number of ImageNames values (51) in an image criterion exceeds the maximum of 50.",
        ),
        (
            [{"MarketplaceProductCodes": [f"code{n}" for n in range(51)]}],
            "The number of MarketplaceProductCodes values (51) in an image criterion exceeds the"
            " maximum of 50.",
        ),
        (
            [{"ImageWatermarks": [{"WatermarkKey": f"k{n}"} for n in range(51)]}],
            "The number of ImageWatermarks values (51) in an image criterion exceeds the maximum"
            " of 50.",
        ),
        (
            [{"ImageProviders": ["amazn"]}],
            "Invalid image provider 'amazn'. Valid values are amazon, aws-marketplace,"
            " aws-backup-vault, none, or a 12-digit AWS account ID.",
        ),
        (
            [{"ImageProviders": ["12345"]}],
            "Invalid image provider '12345'. Valid values are amazon, aws-marketplace,"
            " aws-backup-vault, none, or a 12-digit AWS account ID.",
        ),
        (
            [{"ImageProviders": ["none", "amazon"]}],
            "When the image provider 'none' is specified, no other image providers can be"
            " specified.",
        ),
        (
            [{"ImageNames": ["a?"]}],
            "Invalid image name 'a?'. Image names must be 1-128 characters (at least 3 with '?')"
            " of letters, numbers, spaces and ( ) [ ] . / - ' @ _ * ?",
        ),
        (
            [{"ImageNames": ["web#1"]}],
            "Invalid image name 'web#1'. Image names must be 1-128 characters (at least 3 with"
            " '?') of letters, numbers, spaces and ( ) [ ] . / - ' @ _ * ?",
        ),
        (
            [{"MarketplaceProductCodes": ["not-a-code"]}],
            "Invalid Marketplace product code 'not-a-code'. Product codes must be 1-25 letters"
            " and numbers.",
        ),
        (
            [{"ScanResultCondition": {"MaximumSeverityLabel": "severe"}}],
            "Value (severe) for parameter MaximumSeverityLabel is invalid.",
        ),
    ],
)
def test_replace_refuses_criteria_outside_awss_rules(
    consumer: Client, criteria: list[dict[str, Any]], message: str
) -> None:
    consumer.replace_image_criteria_in_allowed_images_settings(
        ImageCriteria=[{"ImageProviders": ["amazon"]}]
    )
    with aws_error(BAD, message):
        consumer.replace_image_criteria_in_allowed_images_settings(ImageCriteria=criteria)
    assert settings(consumer)["ImageCriteria"] == [{"ImageProviders": ["amazon"]}]


def test_dry_run_of_each_operation_changes_nothing(consumer: Client) -> None:
    for call, params in (
        (consumer.enable_allowed_images_settings, {"AllowedImagesSettingsState": "enabled"}),
        (consumer.disable_allowed_images_settings, {}),
        (consumer.get_allowed_images_settings, {}),
        (
            consumer.replace_image_criteria_in_allowed_images_settings,
            {"ImageCriteria": [{"ImageProviders": ["amazon"]}]},
        ),
    ):
        with aws_error("DryRunOperation", status=412):
            call(DryRun=True, **params)
    assert settings(consumer) == {"State": "disabled", "ManagedBy": "account"}


# --- the AWS CLI ----------------------------------------------------------------------------


def test_the_cli_sets_criteria_from_json_and_reads_image_allowed(
    cli: Any, tmp_path: Any, world: OrgWorld, ou_image: str
) -> None:
    account = world.nested_account
    config = tmp_path / "criteria.json"
    config.write_text(json.dumps({"ImageCriteria": [{"ImageProviders": ["111122223333"]}]}))
    cli(
        "ec2",
        "replace-image-criteria-in-allowed-images-settings",
        "--cli-input-json",
        f"file://{config}",
        account=account,
    )
    answer = cli(
        "ec2",
        "enable-allowed-images-settings",
        "--allowed-images-settings-state",
        "audit-mode",
        account=account,
    )
    assert answer == {"AllowedImagesSettingsState": "audit-mode"}
    got = cli("ec2", "get-allowed-images-settings", account=account)
    assert got == {
        "State": "audit-mode",
        "ImageCriteria": [{"ImageProviders": ["111122223333"]}],
        "ManagedBy": "account",
    }
    allowed = cli(
        "ec2",
        "describe-images",
        "--image-ids",
        ou_image,
        "--query",
        "Images[].ImageAllowed",
        account=account,
    )
    assert allowed == [False]
    cli(
        "ec2",
        "enable-allowed-images-settings",
        "--allowed-images-settings-state",
        "enabled",
        account=account,
    )
    found = cli("ec2", "describe-images", "--query", "Images[].ImageId", account=account)
    assert ou_image not in found
    assert cli("ec2", "disable-allowed-images-settings", account=account) == {
        "AllowedImagesSettingsState": "disabled"
    }
