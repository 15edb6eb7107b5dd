"""Launch permission entries: validation (with AWS's messages), adds then removes, quota."""

from __future__ import annotations

import pytest

from emulator.api.ec2.errors import EC2_ERRORS
from emulator.core.ec2.images import catalog
from emulator.core.ec2.images.launch_permissions import (
    GROUP,
    ORG,
    OU,
    USER,
    Grant,
    LaunchPermissions,
    change,
    validate,
)
from emulator.core.errors import CoreError, InvalidValue, LimitExceeded
from tests.unit.ec2.ec2_world import OWNER, Harness, org_grant, ou_grant, user

GOOD_ORG = "arn:aws:organizations::123456789012:organization/o-abc1234567"
GOOD_OU = "arn:aws:organizations::123456789012:ou/o-abc1234567/ou-ab12-12345678"


def aws(err: CoreError) -> tuple[str, str]:
    out = EC2_ERRORS.to_aws(err)
    return out.code, out.message


@pytest.mark.parametrize(
    "grant",
    [
        Grant(GROUP, "all"),
        Grant(USER, "123456789012"),
        Grant(ORG, GOOD_ORG),
        Grant(ORG, "arn:aws-us-gov:organizations::123456789012:organization/o-abc1234567"),
        Grant(OU, GOOD_OU),
        Grant(OU, "arn:aws-cn:organizations::123456789012:ou/o-abc1234567/ou-ab12-12345678"),
    ],
)
def test_well_formed_entries_pass(grant: Grant) -> None:
    validate(grant)


@pytest.mark.parametrize(
    ("grant", "message"),
    [
        (Grant(USER, " "), 'Invalid attribute item value " " for userId item type.'),
        (
            Grant(USER, "12345678901"),
            'Invalid attribute item value "12345678901" for userId item type.',
        ),
        (
            Grant(USER, "12345678901a"),
            'Invalid attribute item value "12345678901a" for userId item type.',
        ),
        (
            Grant(GROUP, "TestingGroup, SolArch "),
            'Invalid attribute item value "TestingGroup, SolArch " for UserGroup item type.',
        ),
        (Grant(GROUP, "ALL"), 'Invalid attribute item value "ALL" for UserGroup item type.'),
        (
            Grant(ORG, "o-123example"),
            'Invalid attribute item value "o-123example" for OrganizationArn item type.',
        ),
        (
            Grant(ORG, "arn:aws:organizations::ACCOUNT_ID:account/o-ORG_ID"),
            'Invalid attribute item value "arn:aws:organizations::ACCOUNT_ID:account/o-ORG_ID"'
            " for OrganizationArn item type.",
        ),
        (
            Grant(ORG, "arn:aws:organizations::12345:organization/o-abc1234567"),
            'Invalid attribute item value "arn:aws:organizations::12345:organization/o-abc1234567"'
            " for OrganizationArn item type.",
        ),
        (
            Grant(ORG, GOOD_OU),
            f'Invalid attribute item value "{GOOD_OU}" for OrganizationArn item type.',
        ),
        (
            Grant(OU, "ou-1234-5example"),
            'Invalid attribute item value "ou-1234-5example" for OrganizationalUnitArn item type.',
        ),
        (
            Grant(OU, GOOD_ORG),
            f'Invalid attribute item value "{GOOD_ORG}" for OrganizationalUnitArn item type.',
        ),
    ],
)
def test_malformed_entries_give_aws_message(grant: Grant, message: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        validate(grant)
    assert aws(caught.value) == ("InvalidAMIAttributeItemValue", message)


def test_adds_apply_before_removes_and_repeats_are_no_ops() -> None:
    a, b = user("222222222222"), user("333333333333")
    start = LaunchPermissions([a])
    assert change(start, [a, b, b], [], None).entries == [a, b]
    assert change(start, [b], [b], None).entries == [a]
    assert change(start, [], [user("444444444444")], None).entries == [a]


def test_one_bad_entry_changes_nothing() -> None:
    h = Harness()
    image = h.image()
    h.share(image, user("222222222222"))
    with pytest.raises(InvalidValue):
        catalog.modify_launch_permissions(
            h.env,
            h.at(image.region),
            OWNER,
            image.image_id,
            [user("333333333333"), Grant(OU, "ou-1234-5example")],
            [user("222222222222")],
        )
    assert image.launch_permissions.entries == [user("222222222222")]


def test_quota_counts_accounts_orgs_and_ous_not_public() -> None:
    h = Harness()
    h.config.max_launch_permissions = 2
    image = h.image()
    h.share(image, user("222222222222"), org_grant(), Grant(GROUP, "all"))
    with pytest.raises(LimitExceeded) as caught:
        h.share(image, ou_grant("ou-aaaa-00000001"))
    assert aws(caught.value)[0] == "ResourceLimitExceeded"
    # Swapping one entry for another in one request stays within the quota.
    catalog.modify_launch_permissions(
        h.env,
        h.at(image.region),
        OWNER,
        image.image_id,
        [user("333333333333")],
        [user("222222222222")],
    )
    assert image.launch_permissions.shared_entity_count() == 2


def test_no_quota_by_default() -> None:
    h = Harness()
    image = h.image()
    h.share(image, *(user(f"{n:012d}") for n in range(1, 1500)))
    assert image.launch_permissions.shared_entity_count() == 1499
