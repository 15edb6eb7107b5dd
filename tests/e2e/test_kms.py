"""KMS over the wire with real boto3: keys, policies, aliases, states, cross-account use."""

from __future__ import annotations

import http.client
import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from emulator.api.kms.errors import KMS_ERRORS, UNMODELED_CODES
from emulator.protocol.models import service_model
from tests.e2e.worlds import OUTSIDER, ClientFactory, OrgWorld, aws_error, build_org
from tests.reference_policies import REFERENCE_ACTIONS

OWNER = "111111111111"
OTHER = "222222222222"
REGION = "us-east-1"
KMS_CODES = {shape.name for shape in service_model("kms").error_shapes}
MISSING_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"


def owner_statement(account: str) -> dict:
    return {
        "Sid": "Enable IAM User Permissions",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }


def org_policy(owner: str, org_id: str, ou_paths: list[str] | None = None) -> str:
    """The owner's default statement plus the reference text's org (or OU paths) statement."""
    condition: dict = {"StringEquals": {"aws:PrincipalOrgID": org_id}}
    if ou_paths:
        condition["ForAnyValue:StringLike"] = {"aws:PrincipalOrgPaths": ou_paths}
    statement = {
        "Sid": "Allow access for Org Admin",
        "Effect": "Allow",
        "Principal": "*",
        "Action": REFERENCE_ACTIONS,
        "Resource": "*",
        "Condition": condition,
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [owner_statement(owner), statement]})


def denied(account: str, action: str, arn: str) -> str:
    return (
        f"User: arn:aws:iam::{account}:root is not authorized to perform: {action} on resource: "
        f"{arn} because no resource-based policy allows the {action} action"
    )


@pytest.fixture
def kms(aws: ClientFactory):
    return aws("kms", account=OWNER)


# ---------------------------------------------------------------- keys


def test_create_and_describe_a_key(kms) -> None:
    meta = kms.create_key(Description="disks")["KeyMetadata"]
    assert meta["AWSAccountId"] == OWNER
    assert meta["Arn"] == f"arn:aws:kms:{REGION}:{OWNER}:key/{meta['KeyId']}"
    assert meta["Enabled"] is True
    assert meta["KeyState"] == "Enabled"
    assert meta["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert meta["KeySpec"] == meta["CustomerMasterKeySpec"] == "SYMMETRIC_DEFAULT"
    assert meta["KeyManager"] == "CUSTOMER"
    assert meta["Origin"] == "AWS_KMS"
    assert meta["MultiRegion"] is False
    assert meta["EncryptionAlgorithms"] == ["SYMMETRIC_DEFAULT"]
    assert meta["Description"] == "disks"
    assert "DeletionDate" not in meta
    described = kms.describe_key(KeyId=meta["Arn"])["KeyMetadata"]
    assert described == meta


def test_default_key_policy(kms) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    reply = kms.get_key_policy(KeyId=key_id, PolicyName="default")
    assert reply["PolicyName"] == "default"
    assert json.loads(reply["Policy"]) == {
        "Version": "2012-10-17",
        "Id": "key-default-1",
        "Statement": [owner_statement(OWNER)],
    }
    assert kms.get_key_policy(KeyId=key_id)["Policy"] == reply["Policy"]
    assert kms.list_key_policies(KeyId=key_id)["PolicyNames"] == ["default"]


def test_put_key_policy_and_read_it_back(kms) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    policy = org_policy(OWNER, "o-123example")
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=policy)
    assert kms.get_key_policy(KeyId=key_id)["Policy"] == policy


def test_list_keys_pages_by_marker(kms, aws: ClientFactory) -> None:
    created = {kms.create_key()["KeyMetadata"]["KeyId"] for _ in range(3)}
    aws("kms", account=OTHER).create_key()
    aws("kms", account=OWNER, region="eu-west-1").create_key()
    first = kms.list_keys(Limit=2)
    assert first["Truncated"] is True
    rest = kms.list_keys(Limit=2, Marker=first["NextMarker"])
    assert rest["Truncated"] is False
    assert "NextMarker" not in rest
    keys = first["Keys"] + rest["Keys"]
    assert {k["KeyId"] for k in keys} == created
    assert all(k["KeyArn"].endswith(k["KeyId"]) for k in keys)
    paginated = kms.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 1})
    assert {k["KeyId"] for page in paginated for k in page["Keys"]} == created


def test_key_states(kms) -> None:
    meta = kms.create_key()["KeyMetadata"]
    key_id, arn = meta["KeyId"], meta["Arn"]
    kms.disable_key(KeyId=key_id)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"
    kms.enable_key(KeyId=arn)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["Enabled"] is True

    scheduled = kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert scheduled["KeyId"] == arn
    assert scheduled["KeyState"] == "PendingDeletion"
    assert scheduled["PendingWindowInDays"] == 7
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert (meta["KeyState"], meta["Enabled"]) == ("PendingDeletion", False)
    assert meta["DeletionDate"] - meta["CreationDate"] >= timedelta(days=7)
    assert meta["PendingDeletionWindowInDays"] == 7
    for call in (kms.enable_key, kms.disable_key):
        with aws_error("KMSInvalidStateException", f"{arn} is pending deletion."):
            call(KeyId=key_id)
    with aws_error("KMSInvalidStateException", f"{arn} is pending deletion."):
        kms.schedule_key_deletion(KeyId=key_id)

    assert kms.cancel_key_deletion(KeyId=key_id)["KeyId"] == arn
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert meta["KeyState"] == "Disabled"  # as AWS leaves it
    assert "DeletionDate" not in meta
    with aws_error("KMSInvalidStateException", f"{arn} is not pending deletion."):
        kms.cancel_key_deletion(KeyId=key_id)


def test_default_pending_window_is_30_days(kms) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    assert kms.schedule_key_deletion(KeyId=key_id)["PendingWindowInDays"] == 30


# ---------------------------------------------------------------- aliases


def test_aliases(kms) -> None:
    key = kms.create_key()["KeyMetadata"]
    other = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/disks", TargetKeyId=key["KeyId"])
    kms.create_alias(AliasName="alias/backup", TargetKeyId=other["Arn"])
    aliases = kms.list_aliases()["Aliases"]
    assert [a["AliasName"] for a in aliases] == ["alias/backup", "alias/disks"]
    disks = aliases[1]
    assert disks["AliasArn"] == f"arn:aws:kms:{REGION}:{OWNER}:alias/disks"
    assert disks["TargetKeyId"] == key["KeyId"]
    assert "CreationDate" in disks and "LastUpdatedDate" in disks
    only = kms.list_aliases(KeyId=key["KeyId"])["Aliases"]
    assert [a["AliasName"] for a in only] == ["alias/disks"]
    for ref in ("alias/disks", disks["AliasArn"]):
        assert kms.describe_key(KeyId=ref)["KeyMetadata"]["KeyId"] == key["KeyId"]

    alias_arn = disks["AliasArn"]
    with aws_error("AlreadyExistsException", f"An alias with the name {alias_arn} already exists"):
        kms.create_alias(AliasName="alias/disks", TargetKeyId=other["KeyId"])
    kms.delete_alias(AliasName="alias/disks")
    with aws_error("NotFoundException", f"Alias {alias_arn} is not found."):
        kms.delete_alias(AliasName="alias/disks")
    with aws_error("NotFoundException", f"Alias {alias_arn} is not found."):
        kms.describe_key(KeyId="alias/disks")


def test_the_aws_alias_prefix_is_reserved(kms) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    with aws_error("InvalidAliasNameException"):
        kms.create_alias(AliasName="alias/aws/disks", TargetKeyId=key_id)


def test_alias_of_a_key_pending_deletion(kms) -> None:
    meta = kms.create_key()["KeyMetadata"]
    kms.schedule_key_deletion(KeyId=meta["KeyId"], PendingWindowInDays=7)
    with aws_error("KMSInvalidStateException", f"{meta['Arn']} is pending deletion."):
        kms.create_alias(AliasName="alias/late", TargetKeyId=meta["KeyId"])


# ---------------------------------------------------------------- the AWS managed key


def test_aws_ebs_key_appears_on_first_use(kms) -> None:
    assert kms.list_aliases()["Aliases"] == []
    meta = kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]
    assert meta["KeyManager"] == "AWS"
    assert meta["KeyState"] == "Enabled"
    assert kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]["KeyId"] == meta["KeyId"]
    (alias,) = kms.list_aliases()["Aliases"]
    assert (alias["AliasName"], alias["TargetKeyId"]) == ("alias/aws/ebs", meta["KeyId"])
    assert [k["KeyId"] for k in kms.list_keys()["Keys"]] == [meta["KeyId"]]
    policy = json.loads(kms.get_key_policy(KeyId=meta["KeyId"])["Policy"])
    assert policy["Statement"][0]["Condition"]["StringEquals"]["kms:CallerAccount"] == OWNER


def test_the_customer_cannot_change_the_aws_managed_key(kms) -> None:
    meta = kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]
    arn = meta["Arn"]
    policy = org_policy(OWNER, "o-123example")
    with aws_error("AccessDeniedException", denied(OWNER, "kms:PutKeyPolicy", arn)):
        kms.put_key_policy(KeyId=arn, PolicyName="default", Policy=policy)
    with aws_error("AccessDeniedException", denied(OWNER, "kms:DisableKey", arn)):
        kms.disable_key(KeyId=arn)
    with aws_error("AccessDeniedException", denied(OWNER, "kms:ScheduleKeyDeletion", arn)):
        kms.schedule_key_deletion(KeyId=arn)
    with aws_error("InvalidAliasNameException"):
        kms.delete_alias(AliasName="alias/aws/ebs")
    with aws_error("InvalidAliasNameException"):
        kms.create_alias(
            AliasName="alias/aws/ebs", TargetKeyId=kms.create_key()["KeyMetadata"]["KeyId"]
        )
    assert kms.describe_key(KeyId=arn)["KeyMetadata"]["KeyState"] == "Enabled"


# ---------------------------------------------------------------- cross-account


@pytest.fixture
def org_world(aws: ClientFactory) -> OrgWorld:
    return build_org(aws)


def test_org_members_use_a_key_by_arn_when_the_policy_allows(
    aws: ClientFactory, org_world: OrgWorld
) -> None:
    owner = aws("kms", account=org_world.owner)
    meta = owner.create_key(Policy=org_policy(org_world.owner, org_world.org_id))["KeyMetadata"]
    owner.create_alias(AliasName="alias/shared", TargetKeyId=meta["KeyId"])
    alias_arn = f"arn:aws:kms:{REGION}:{org_world.owner}:alias/shared"
    for account in org_world.members:
        member = aws("kms", account=account)
        for ref in (meta["Arn"], alias_arn):
            assert member.describe_key(KeyId=ref)["KeyMetadata"]["Arn"] == meta["Arn"]
        # By bare id or alias name another account's key is as absent as no key at all.
        own_arn = f"arn:aws:kms:{REGION}:{account}:key/{meta['KeyId']}"
        with aws_error("NotFoundException", f"Key '{own_arn}' does not exist"):
            member.describe_key(KeyId=meta["KeyId"])
        with aws_error("NotFoundException"):
            member.describe_key(KeyId="alias/shared")
    outsider = aws("kms", account=OUTSIDER)
    with aws_error("AccessDeniedException", denied(OUTSIDER, "kms:DescribeKey", meta["Arn"])):
        outsider.describe_key(KeyId=meta["Arn"])


def test_ou_paths_statement_admits_only_accounts_below_the_ou(
    aws: ClientFactory, org_world: OrgWorld
) -> None:
    path = f"{org_world.org_id}/{org_world.root_id}/{org_world.shared_ou.id}/*"
    policy = org_policy(org_world.owner, org_world.org_id, [path])
    arn = aws("kms", account=org_world.owner).create_key(Policy=policy)["KeyMetadata"]["Arn"]
    for account in (org_world.shared_account, org_world.nested_account):
        assert aws("kms", account=account).describe_key(KeyId=arn)["KeyMetadata"]["Arn"] == arn
    for account in (org_world.sibling_account, org_world.root_account, OUTSIDER):
        with aws_error("AccessDeniedException", denied(account, "kms:DescribeKey", arn)):
            aws("kms", account=account).describe_key(KeyId=arn)


def test_leaving_the_organization_loses_access_at_once(
    aws: ClientFactory, org_world: OrgWorld
) -> None:
    policy = org_policy(org_world.owner, org_world.org_id)
    arn = aws("kms", account=org_world.owner).create_key(Policy=policy)["KeyMetadata"]["Arn"]
    member = aws("kms", account=org_world.root_account)
    assert member.describe_key(KeyId=arn)
    aws("organizations", account=org_world.management).remove_account_from_organization(
        AccountId=org_world.root_account
    )
    with aws_error("AccessDeniedException"):
        member.describe_key(KeyId=arn)


def test_management_calls_from_another_account_are_refused(
    aws: ClientFactory, org_world: OrgWorld
) -> None:
    everything = json.dumps(
        {
            "Statement": [
                owner_statement(org_world.owner),
                {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"},
            ]
        }
    )
    arn = aws("kms", account=org_world.owner).create_key(Policy=everything)["KeyMetadata"]["Arn"]
    member = aws("kms", account=org_world.shared_account)
    calls = [
        lambda: member.put_key_policy(KeyId=arn, PolicyName="default", Policy=everything),
        lambda: member.get_key_policy(KeyId=arn),
        lambda: member.disable_key(KeyId=arn),
        lambda: member.enable_key(KeyId=arn),
        lambda: member.schedule_key_deletion(KeyId=arn),
        lambda: member.cancel_key_deletion(KeyId=arn),
        lambda: member.create_alias(AliasName="alias/theirs", TargetKeyId=arn),
    ]
    for call in calls:
        with aws_error("AccessDeniedException"):
            call()
    assert member.describe_key(KeyId=arn)["KeyMetadata"]["KeyState"] == "Enabled"


def test_explicit_deny_in_the_key_policy(aws: ClientFactory) -> None:
    policy = json.dumps(
        {
            "Statement": [
                owner_statement(OWNER),
                {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"},
                {"Effect": "Deny", "Principal": {"AWS": OTHER}, "Action": "kms:*", "Resource": "*"},
            ]
        }
    )
    arn = aws("kms", account=OWNER).create_key(Policy=policy)["KeyMetadata"]["Arn"]
    message = (
        f"User: arn:aws:iam::{OTHER}:root is not authorized to perform: kms:DescribeKey on "
        f"resource: {arn} with an explicit deny in a resource-based policy"
    )
    with aws_error("AccessDeniedException", message):
        aws("kms", account=OTHER).describe_key(KeyId=arn)


def test_keys_live_in_one_region(aws: ClientFactory) -> None:
    key_id = aws("kms", account=OWNER).create_key()["KeyMetadata"]["KeyId"]
    there = f"arn:aws:kms:eu-west-1:{OWNER}:key/{key_id}"
    with aws_error("NotFoundException", f"Key '{there}' does not exist"):
        aws("kms", account=OWNER, region="eu-west-1").describe_key(KeyId=key_id)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "policy",
    [
        "not json",
        json.dumps({"Statement": []}),
        json.dumps({"Statement": [{**owner_statement(OWNER), "Effect": "Perhaps"}]}),
        json.dumps({"Statement": [owner_statement(OWNER)], "Unknown": 1}),
        json.dumps(
            {"Statement": [{**owner_statement(OWNER), "Condition": {"StringSorta": {"a": "b"}}}]}
        ),
    ],
)
def test_malformed_policies(kms, policy: str) -> None:
    with aws_error("MalformedPolicyDocumentException"):
        kms.create_key(Policy=policy)
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    with aws_error("MalformedPolicyDocumentException"):
        kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=policy)


def test_policy_lockout_safety_check(kms) -> None:
    theirs = json.dumps({"Statement": [owner_statement(OTHER)]})
    message = "The new key policy will not allow you to update the key policy in the future."
    with aws_error("MalformedPolicyDocumentException", message):
        kms.create_key(Policy=theirs)
    meta = kms.create_key(Policy=theirs, BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]
    with aws_error("AccessDeniedException", denied(OWNER, "kms:DescribeKey", meta["Arn"])):
        kms.describe_key(KeyId=meta["KeyId"])


@pytest.mark.parametrize(
    ("key_ref", "message"),
    [
        (MISSING_ID, f"Key 'arn:aws:kms:{REGION}:{OWNER}:key/{MISSING_ID}' does not exist"),
        (
            f"arn:aws:kms:{REGION}:{OTHER}:key/{MISSING_ID}",
            f"Key 'arn:aws:kms:{REGION}:{OTHER}:key/{MISSING_ID}' does not exist",
        ),
        ("alias/nothing", f"Alias arn:aws:kms:{REGION}:{OWNER}:alias/nothing is not found."),
        ("not-a-key-id", "Invalid keyId 'not-a-key-id'"),
    ],
)
def test_unknown_keys(kms, key_ref: str, message: str) -> None:
    with aws_error("NotFoundException", message):
        kms.describe_key(KeyId=key_ref)
    with aws_error("NotFoundException", message):
        kms.disable_key(KeyId=key_ref)


def test_value_errors(kms) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    with aws_error("ValidationException"):
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=3)
    with aws_error("ValidationException"):
        kms.list_keys(Limit=5000)
    with aws_error("InvalidMarkerException"):
        kms.list_aliases(Marker="%%%")
    with aws_error("NotFoundException"):
        kms.get_key_policy(KeyId=key_id, PolicyName="other")
    with aws_error("UnsupportedOperationException", "KeySpec RSA_2048 is not supported."):
        kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
    with aws_error("ValidationException"):
        kms.create_key(Description="x" * 9000)


def kms_raw(url: str, target: str, body: bytes) -> tuple[int, dict]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target}
    conn.request("POST", "/", body=body, headers=headers)
    resp = conn.getresponse()
    out = resp.status, json.loads(resp.read())
    conn.close()
    return out


@pytest.mark.parametrize(
    ("target", "body"),
    [
        ("TrentService.DescribeKey", b"{}"),  # missing KeyId
        ("TrentService.DescribeKey", b'{"KeyId": 5}'),  # wrong type
        ("TrentService.DescribeKey", b"not json"),
        ("TrentService.Encrypt", b'{"KeyId": "k", "Plaintext": "aGk="}'),  # not emulated
    ],
)
def test_unreadable_requests_answer_aws_codes(server, aws, target: str, body: bytes) -> None:
    status, doc = kms_raw(server.url, target, body)
    assert status == 400
    assert doc["__type"] in KMS_CODES | UNMODELED_CODES


def test_every_catalogue_code_is_in_botocores_kms_model() -> None:
    assert KMS_ERRORS.codes() - KMS_CODES == UNMODELED_CODES
    assert {"AccessDeniedException", "ValidationException"} == UNMODELED_CODES
    protocol_reasons = {
        "missing_parameter",
        "invalid_parameter_value",
        "unknown_parameter",
        "malformed_body",
        "invalid_action",
    }
    assert protocol_reasons <= set(KMS_ERRORS.entries)


@pytest.mark.cli
def test_the_cli_creates_and_lists(cli) -> None:
    meta = cli("kms", "create-key", "--description", "from the cli", account=OWNER)["KeyMetadata"]
    cli(
        "kms",
        "create-alias",
        "--alias-name",
        "alias/cli",
        "--target-key-id",
        meta["KeyId"],
        account=OWNER,
    )
    aliases = cli("kms", "list-aliases", account=OWNER)["Aliases"]
    assert [a["AliasName"] for a in aliases] == ["alias/cli"]
    assert (
        cli("kms", "describe-key", "--key-id", "alias/cli", account=OWNER)["KeyMetadata"][
            "Description"
        ]
        == "from the cli"
    )
