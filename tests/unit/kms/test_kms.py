"""The KMS key store: keys, policies, aliases, states, the aws/ebs key, and the launch check."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from emulator.core.errors import CoreError, InvalidValue, Malformed, NotAuthorized, NotFound
from emulator.core.ids import IdSource
from emulator.core.kms.grants import new_grant_token
from emulator.core.kms.keys import Kms
from emulator.core.organizations.membership import Membership

OWNER, MEMBER, OUTSIDER = "111111111111", "222222222222", "333333333333"
REGION = "us-east-1"
ORG = "o-123example"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2024, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def memberships() -> dict[str, Membership]:
    return {
        OWNER: Membership(ORG, "r-ab12", (), OWNER),
        MEMBER: Membership(ORG, "r-ab12", ("ou-ab12-33333333",), OWNER),
    }


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def kms(memberships: dict[str, Membership], clock: Clock) -> Kms:
    return Kms(ids=IdSource(seed=7), clock=clock, membership=memberships.get)


def org_policy(owner: str = OWNER, actions: Any = ("kms:Decrypt", "kms:DescribeKey")) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Enable IAM User Permissions",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{owner}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "Org",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": list(actions),
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG}},
                },
            ],
        }
    )


def reason(exc: pytest.ExceptionInfo[CoreError]) -> str:
    return exc.value.reason


# ---------------------------------------------------------------- keys


def test_create_key_with_the_default_policy(kms: Kms, clock: Clock) -> None:
    key = kms.create_key(OWNER, REGION, description="disk key")
    assert key.arn == f"arn:aws:kms:{REGION}:{OWNER}:key/{key.key_id}"
    assert (key.state, key.manager, key.description, key.created) == (
        "Enabled",
        "CUSTOMER",
        "disk key",
        clock.now,
    )
    assert json.loads(kms.get_key_policy(OWNER, REGION, key.key_id, None)) == {
        "Version": "2012-10-17",
        "Id": "key-default-1",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{OWNER}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
    assert kms.list_key_policies(OWNER, REGION, key.key_id) == ["default"]


def test_a_key_is_found_by_id_arn_alias_and_alias_arn(kms: Kms) -> None:
    key = kms.create_key(OWNER, REGION)
    kms.create_alias(OWNER, REGION, "alias/disks", key.key_id)
    for ref in (key.key_id, key.arn, "alias/disks", f"arn:aws:kms:{REGION}:{OWNER}:alias/disks"):
        assert kms.describe_key(OWNER, REGION, ref) is key


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("1234abcd-12ab-34cd-56ef-1234567890ab", "key_not_found"),
        ("alias/none", "alias_not_found"),
        ("not-a-key", "invalid_key_id"),
        ("arn:aws:kms:us-east-1:111111111111:thing/x", "invalid_key_id"),
        ("arn:aws:s3:::bucket", "invalid_key_id"),
    ],
)
def test_unknown_keys(kms: Kms, ref: str, expected: str) -> None:
    with pytest.raises(NotFound) as err:
        kms.describe_key(OWNER, REGION, ref)
    assert reason(err) == expected


def test_not_found_names_the_arn_in_the_callers_account(kms: Kms) -> None:
    key = kms.create_key(OWNER, REGION)
    with pytest.raises(NotFound) as err:
        kms.describe_key(MEMBER, REGION, key.key_id)  # bare id from another account
    assert err.value.details["arn"] == f"arn:aws:kms:{REGION}:{MEMBER}:key/{key.key_id}"


def test_keys_are_per_region(kms: Kms) -> None:
    key = kms.create_key(OWNER, REGION)
    with pytest.raises(NotFound):
        kms.describe_key(OWNER, "eu-west-1", key.arn)
    assert kms.list_keys(OWNER, "eu-west-1", None, None) == ([], None)


def test_list_keys_pages(kms: Kms) -> None:
    keys = {kms.create_key(OWNER, REGION).key_id for _ in range(5)}
    kms.create_key(MEMBER, REGION)
    first, marker = kms.list_keys(OWNER, REGION, 2, None)
    seen = [k.key_id for k in first]
    while marker:
        more, marker = kms.list_keys(OWNER, REGION, 2, marker)
        seen += [k.key_id for k in more]
    assert sorted(seen) == sorted(keys)
    with pytest.raises(InvalidValue):
        kms.list_keys(OWNER, REGION, 1001, None)


# ---------------------------------------------------------------- policies


def test_put_key_policy_validates_the_grammar(kms: Kms) -> None:
    key = kms.create_key(OWNER, REGION)
    with pytest.raises(Malformed) as err:
        kms.put_key_policy(OWNER, REGION, key.key_id, '{"Statement": [{"Effect": "Maybe"}]}')
    assert reason(err) == "malformed_policy"
    kms.put_key_policy(OWNER, REGION, key.key_id, org_policy())
    assert kms.get_key_policy(OWNER, REGION, key.key_id, "default") == org_policy()


def test_policy_lockout_safety_check(kms: Kms) -> None:
    others_only = org_policy(owner=MEMBER, actions=["kms:Decrypt"])
    with pytest.raises(Malformed) as err:
        kms.create_key(OWNER, REGION, policy=others_only)
    assert reason(err) == "policy_lockout"
    key = kms.create_key(OWNER, REGION, policy=others_only, bypass_lockout_check=True)
    # Locked out for good: even the owner may no longer read or change it.
    with pytest.raises(NotAuthorized) as denied:
        kms.put_key_policy(OWNER, REGION, key.key_id, org_policy())
    assert reason(denied) == "access_denied"


def test_only_the_default_policy_name_exists(kms: Kms) -> None:
    key = kms.create_key(OWNER, REGION)
    with pytest.raises(NotFound) as err:
        kms.get_key_policy(OWNER, REGION, key.key_id, "other")
    assert reason(err) == "policy_not_found"


def test_unsupported_key_kinds_are_refused(kms: Kms) -> None:
    with pytest.raises(InvalidValue) as err:
        kms.create_key(OWNER, REGION, key_spec="RSA_2048")
    assert err.value.details == {"name": "KeySpec", "value": "RSA_2048"}
    with pytest.raises(InvalidValue):
        kms.create_key(OWNER, REGION, multi_region=True)


# ---------------------------------------------------------------- cross-account


def test_another_account_describes_by_arn_when_the_policy_allows(kms: Kms) -> None:
    key = kms.create_key(OWNER, REGION, policy=org_policy())
    assert kms.describe_key(MEMBER, REGION, key.arn) is key
    with pytest.raises(NotAuthorized) as err:
        kms.describe_key(OUTSIDER, REGION, key.arn)
    assert reason(err) == "access_denied"
    assert err.value.details == {
        "principal": f"arn:aws:iam::{OUTSIDER}:root",
        "action": "kms:DescribeKey",
        "resource": key.arn,
    }


def test_another_account_uses_an_alias_only_by_alias_arn(kms: Kms) -> None:
    key = kms.create_key(OWNER, REGION, policy=org_policy())
    kms.create_alias(OWNER, REGION, "alias/shared", key.key_id)
    assert kms.describe_key(MEMBER, REGION, f"arn:aws:kms:{REGION}:{OWNER}:alias/shared") is key
    with pytest.raises(NotFound):
        kms.describe_key(MEMBER, REGION, "alias/shared")


@pytest.mark.parametrize(
    "call",
    [
        lambda kms, arn: kms.get_key_policy(MEMBER, REGION, arn, None),
        lambda kms, arn: kms.put_key_policy(MEMBER, REGION, arn, org_policy()),
        lambda kms, arn: kms.disable_key(MEMBER, REGION, arn),
        lambda kms, arn: kms.enable_key(MEMBER, REGION, arn),
        lambda kms, arn: kms.schedule_key_deletion(MEMBER, REGION, arn, 7),
        lambda kms, arn: kms.cancel_key_deletion(MEMBER, REGION, arn),
        lambda kms, arn: kms.list_key_policies(MEMBER, REGION, arn),
        lambda kms, arn: kms.create_alias(MEMBER, REGION, "alias/mine", arn),
        lambda kms, arn: kms.list_aliases(MEMBER, REGION, arn, None, None),
    ],
)
def test_management_from_another_account_is_refused_even_if_the_policy_allows(
    kms: Kms, call: Any
) -> None:
    key = kms.create_key(OWNER, REGION, policy=org_policy(actions=["kms:*"]))
    with pytest.raises(NotAuthorized) as err:
        call(kms, key.arn)
    assert reason(err) == "cross_account_not_supported"


def test_explicit_deny_is_reported(kms: Kms) -> None:
    policy = json.loads(org_policy())
    policy["Statement"].append(
        {"Effect": "Deny", "Principal": {"AWS": MEMBER}, "Action": "kms:*", "Resource": "*"}
    )
    key = kms.create_key(OWNER, REGION, policy=json.dumps(policy))
    with pytest.raises(NotAuthorized) as err:
        kms.describe_key(MEMBER, REGION, key.arn)
    assert reason(err) == "access_denied_explicit"


# ---------------------------------------------------------------- states


def test_disable_and_enable(kms: Kms) -> None:
    key = kms.create_key(OWNER, REGION)
    kms.disable_key(OWNER, REGION, key.key_id)
    assert (key.state, key.enabled) == ("Disabled", False)
    kms.enable_key(OWNER, REGION, key.arn)
    assert key.state == "Enabled"


def test_schedule_and_cancel_deletion(kms: Kms, clock: Clock) -> None:
    key = kms.create_key(OWNER, REGION)
    kms.schedule_key_deletion(OWNER, REGION, key.key_id, None)
    assert key.state == "PendingDeletion"
    assert key.deletion_date == clock.now + timedelta(days=30)
    for call in (kms.enable_key, kms.disable_key):
        with pytest.raises(InvalidValue) as err:
            call(OWNER, REGION, key.key_id)
        assert reason(err) == "key_pending_deletion"
    with pytest.raises(InvalidValue) as again:
        kms.schedule_key_deletion(OWNER, REGION, key.key_id, 7)
    assert reason(again) == "key_pending_deletion"
    kms.cancel_key_deletion(OWNER, REGION, key.key_id)
    assert (key.state, key.deletion_date, key.pending_window_days) == ("Disabled", None, None)
    with pytest.raises(InvalidValue) as not_pending:
        kms.cancel_key_deletion(OWNER, REGION, key.key_id)
    assert reason(not_pending) == "key_not_pending_deletion"


@pytest.mark.parametrize(
    ("days", "expected"),
    [(0, "value_below_minimum"), (6, "value_below_minimum"), (31, "value_above_maximum")],
)
def test_pending_window_is_7_to_30_days(kms: Kms, days: int, expected: str) -> None:
    key = kms.create_key(OWNER, REGION)
    with pytest.raises(InvalidValue) as err:
        kms.schedule_key_deletion(OWNER, REGION, key.key_id, days)
    assert reason(err) == expected


def test_a_key_is_gone_after_its_waiting_period(kms: Kms, clock: Clock) -> None:
    key = kms.create_key(OWNER, REGION)
    kms.create_alias(OWNER, REGION, "alias/old", key.key_id)
    kms.schedule_key_deletion(OWNER, REGION, key.key_id, 7)
    clock.now += timedelta(days=7)
    with pytest.raises(NotFound):
        kms.describe_key(OWNER, REGION, key.key_id)
    assert kms.list_aliases(OWNER, REGION, None, None, None) == ([], None)


# ---------------------------------------------------------------- aliases


def test_alias_lifecycle(kms: Kms) -> None:
    key = kms.create_key(OWNER, REGION)
    kms.create_alias(OWNER, REGION, "alias/b", key.key_id)
    kms.create_alias(OWNER, REGION, "alias/a", key.arn)
    other = kms.create_key(OWNER, REGION)
    kms.create_alias(OWNER, REGION, "alias/c", other.key_id)
    names = [a.name for a in kms.list_aliases(OWNER, REGION, None, None, None)[0]]
    assert names == ["alias/a", "alias/b", "alias/c"]
    only = kms.list_aliases(OWNER, REGION, other.arn, None, None)[0]
    assert [a.name for a in only] == ["alias/c"]
    with pytest.raises(InvalidValue) as exists:
        kms.create_alias(OWNER, REGION, "alias/a", other.key_id)
    assert reason(exists) == "alias_exists"
    kms.delete_alias(OWNER, REGION, "alias/a")
    with pytest.raises(NotFound) as gone:
        kms.delete_alias(OWNER, REGION, "alias/a")
    assert reason(gone) == "alias_not_found"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("disks", "alias_prefix"),
        ("alias/aws/mine", "alias_reserved"),
        ("alias/aws/ebs", "alias_reserved"),
        ("alias/with space", "alias_name_pattern"),
        ("alias/a:b", "alias_name_colon"),
        ("alias/", "alias_name_empty"),
        ("alias/" + "x" * 251, "too_long"),
    ],
)
def test_alias_names(kms: Kms, name: str, expected: str) -> None:
    key = kms.create_key(OWNER, REGION)
    with pytest.raises(InvalidValue) as err:
        kms.create_alias(OWNER, REGION, name, key.key_id)
    assert reason(err) == expected


def test_alias_target_must_be_a_key_not_pending_deletion(kms: Kms) -> None:
    key = kms.create_key(OWNER, REGION)
    kms.create_alias(OWNER, REGION, "alias/a", key.key_id)
    with pytest.raises(NotFound):
        kms.create_alias(OWNER, REGION, "alias/b", "alias/a")
    kms.schedule_key_deletion(OWNER, REGION, key.key_id, 7)
    with pytest.raises(InvalidValue) as err:
        kms.create_alias(OWNER, REGION, "alias/b", key.key_id)
    assert reason(err) == "key_pending_deletion"


# ---------------------------------------------------------------- the AWS managed key


def test_aws_ebs_key_is_created_once_on_first_use(kms: Kms) -> None:
    assert kms.list_aliases(OWNER, REGION, None, None, None) == ([], None)
    arn = kms.aws_ebs_key(OWNER, REGION)
    assert kms.aws_ebs_key(OWNER, REGION) == arn
    assert kms.is_aws_managed(arn)
    assert kms.aws_ebs_key(OWNER, "eu-west-1") != arn
    assert kms.aws_ebs_key(MEMBER, REGION) != arn
    aliases = kms.list_aliases(OWNER, REGION, None, None, None)[0]
    assert [(a.name, a.target_key_id) for a in aliases] == [("alias/aws/ebs", arn.split("/")[-1])]
    assert [k.arn for k in kms.list_keys(OWNER, REGION, None, None)[0]] == [arn]


def test_describe_key_on_aws_ebs_alias_creates_the_key(kms: Kms) -> None:
    key = kms.describe_key(OWNER, REGION, "alias/aws/ebs")
    assert key.manager == "AWS"
    assert key.arn == kms.aws_ebs_key(OWNER, REGION)
    assert not kms.is_aws_managed(kms.create_key(OWNER, REGION).arn)
    with pytest.raises(NotFound):
        kms.describe_key(MEMBER, REGION, f"arn:aws:kms:{REGION}:{OWNER}:alias/aws/sqs")


@pytest.mark.parametrize(
    "call",
    [
        lambda kms, arn: kms.put_key_policy(OWNER, REGION, arn, org_policy()),
        lambda kms, arn: kms.disable_key(OWNER, REGION, arn),
        lambda kms, arn: kms.schedule_key_deletion(OWNER, REGION, arn, 7),
        lambda kms, arn: kms.create_alias(OWNER, REGION, "alias/mine", arn),
    ],
)
def test_the_customer_cannot_manage_the_aws_managed_key(kms: Kms, call: Any) -> None:
    arn = kms.aws_ebs_key(OWNER, REGION)
    with pytest.raises(NotAuthorized) as err:
        call(kms, arn)
    assert reason(err) == "access_denied"
    assert kms.get_key_policy(OWNER, REGION, arn, None)  # reading is allowed


def test_aws_ebs_alias_cannot_be_deleted(kms: Kms) -> None:
    kms.aws_ebs_key(OWNER, REGION)
    with pytest.raises(InvalidValue) as err:
        kms.delete_alias(OWNER, REGION, "alias/aws/ebs")
    assert reason(err) == "alias_reserved"


# ---------------------------------------------------------------- the launch check


def test_launch_check_follows_the_key_policy(kms: Kms, memberships: dict[str, Membership]) -> None:
    key = kms.create_key(OWNER, REGION, policy=org_policy())
    owner = kms.can_use_for_launch(key.arn, OWNER, REGION, memberships[OWNER])
    assert (owner.allowed, owner.statement) == (True, "Enable IAM User Permissions")
    member = kms.can_use_for_launch(key.arn, MEMBER, REGION, memberships[MEMBER])
    assert (member.allowed, member.statement) == (True, "Org")
    outsider = kms.can_use_for_launch(key.arn, OUTSIDER, REGION, None)
    assert not outsider.allowed
    assert "kms:Decrypt" in outsider.reason
    # The same account, once out of the organization, loses access at once.
    assert not kms.can_use_for_launch(key.arn, MEMBER, REGION, None).allowed


@pytest.mark.parametrize("missing", ["kms:Decrypt", "kms:DescribeKey"])
def test_launch_needs_both_decrypt_and_describe_key(
    kms: Kms, memberships: dict[str, Membership], missing: str
) -> None:
    actions = {"kms:Decrypt", "kms:DescribeKey"} - {missing}
    key = kms.create_key(OWNER, REGION, policy=org_policy(actions=sorted(actions)))
    decision = kms.can_use_for_launch(key.arn, MEMBER, REGION, memberships[MEMBER])
    assert not decision.allowed
    assert missing in decision.reason


def test_launch_fails_for_everyone_on_disabled_or_deleting_keys(
    kms: Kms, memberships: dict[str, Membership]
) -> None:
    key = kms.create_key(OWNER, REGION, policy=org_policy())
    kms.disable_key(OWNER, REGION, key.key_id)
    for account in (OWNER, MEMBER):
        decision = kms.can_use_for_launch(key.arn, account, REGION, memberships[account])
        assert (decision.allowed, decision.reason) == (False, f"{key.arn} is disabled")
    kms.schedule_key_deletion(OWNER, REGION, key.key_id, 7)
    decision = kms.can_use_for_launch(key.arn, OWNER, REGION, memberships[OWNER])
    assert decision.reason == f"{key.arn} is pending deletion"


def test_launch_check_on_unknown_keys_and_the_aws_managed_key(
    kms: Kms, memberships: dict[str, Membership]
) -> None:
    missing = f"arn:aws:kms:{REGION}:{OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    assert not kms.can_use_for_launch(missing, OWNER, REGION, None).allowed
    ebs = kms.aws_ebs_key(OWNER, REGION)
    assert kms.can_use_for_launch(ebs, OWNER, REGION, memberships[OWNER]).allowed
    assert not kms.can_use_for_launch(ebs, MEMBER, REGION, memberships[MEMBER]).allowed


def test_resolve_for_the_integration(kms: Kms) -> None:
    key = kms.create_key(OWNER, REGION)
    assert kms.resolve(key.key_id, OWNER, REGION) is key
    assert kms.resolve(key.arn, MEMBER, REGION) is key  # no policy check: just the lookup
    with pytest.raises(NotFound):
        kms.resolve(key.key_id, MEMBER, REGION)


# ---------------------------------------------------------------- persistence


def test_snapshot_round_trip(kms: Kms, memberships: dict[str, Membership], clock: Clock) -> None:
    key = kms.create_key(OWNER, REGION, policy=org_policy(), description="d")
    kms.create_alias(OWNER, REGION, "alias/k", key.key_id)
    kms.schedule_key_deletion(OWNER, REGION, key.key_id, 10)
    kms.aws_ebs_key(OWNER, REGION)
    data = json.loads(json.dumps(kms.to_dict()))
    copy = Kms.from_dict(data, ids=IdSource(), clock=clock, membership=memberships.get)
    assert copy.to_dict() == kms.to_dict()
    restored = copy.describe_key(OWNER, REGION, "alias/k")
    assert (restored.state, restored.deletion_date) == ("PendingDeletion", key.deletion_date)


def test_grant_tokens_never_start_like_an_option() -> None:
    """A token starting with ``-`` broke ``aws kms retire-grant --grant-token <token>``."""
    assert not any(new_grant_token().startswith("-") for _ in range(2_000))
