"""AWS KMS operations: parsed params -> ``Kms`` call -> output-shape dict."""

from __future__ import annotations

from typing import Any

from emulator.api.registry import Call, operation
from emulator.core.errors import InvalidValue
from emulator.core.kms.keys import POLICY_NAME
from emulator.core.kms.records import Alias, Key

Params = dict[str, Any]
Result = dict[str, Any]

# Only symmetric encryption keys exist here.
_ALGORITHMS = ["SYMMETRIC_DEFAULT"]


def _metadata(key: Key) -> Result:
    return {
        "AWSAccountId": key.account,
        "KeyId": key.key_id,
        "Arn": key.arn,
        "CreationDate": key.created,
        "Enabled": key.enabled,
        "Description": key.description,
        "KeyUsage": key.key_usage,
        "KeyState": key.state,
        "DeletionDate": key.deletion_date,
        "PendingDeletionWindowInDays": key.pending_window_days,
        "Origin": key.origin,
        "KeyManager": key.manager,
        "CustomerMasterKeySpec": key.key_spec,
        "KeySpec": key.key_spec,
        "EncryptionAlgorithms": _ALGORITHMS,
        "MultiRegion": False,
        "CurrentKeyMaterialId": key.key_material_id,
    }


def _alias(alias: Alias) -> Result:
    return {
        "AliasName": alias.name,
        "AliasArn": alias.arn,
        "TargetKeyId": alias.target_key_id,
        "CreationDate": alias.created,
        "LastUpdatedDate": alias.updated,
    }


def _listing(name: str, items: list[Result], marker: str | None) -> Result:
    return {name: items, "NextMarker": marker, "Truncated": marker is not None}


@operation("kms", "CreateKey")
def create_key(call: Call, p: Params) -> Result:
    """Symmetric ENCRYPT_DECRYPT keys, with the given policy (grammar-checked, lockout safety check
    unless bypassed) or the default key policy.
    """
    for name in ("CustomKeyStoreId", "XksKeyId"):
        if name in p:
            raise InvalidValue("unsupported_value", name=name, value=p[name])
    spec = p.get("KeySpec", p.get("CustomerMasterKeySpec", "SYMMETRIC_DEFAULT"))
    key = call.world.kms.create_key(
        call.account,
        call.region,
        policy=p.get("Policy"),
        description=p.get("Description", ""),
        key_usage=p.get("KeyUsage", "ENCRYPT_DECRYPT"),
        key_spec=spec,
        origin=p.get("Origin", "AWS_KMS"),
        multi_region=p.get("MultiRegion", False),
        bypass_lockout_check=p.get("BypassPolicyLockoutSafetyCheck", False),
    )
    return {"KeyMetadata": _metadata(key)}


@operation("kms", "DescribeKey")
def describe_key(call: Call, p: Params) -> Result:
    """By key id, key ARN, alias or alias ARN; another account's key only by ARN and when its key
    policy allows kms:DescribeKey. `alias/aws/ebs` creates the AWS managed key on first use.
    """
    key = call.world.kms.describe_key(call.account, call.region, p["KeyId"])
    return {"KeyMetadata": _metadata(key)}


@operation("kms", "ListKeys")
def list_keys(call: Call, p: Params) -> Result:
    """The caller's keys in the Region (AWS managed ones included), paged by Limit / Marker."""
    keys, marker = call.world.kms.list_keys(
        call.account, call.region, p.get("Limit"), p.get("Marker")
    )
    return _listing("Keys", [{"KeyId": k.key_id, "KeyArn": k.arn} for k in keys], marker)


@operation("kms", "GetKeyPolicy")
def get_key_policy(call: Call, p: Params) -> Result:
    """The policy document as written; only the policy name `default` exists."""
    policy = call.world.kms.get_key_policy(
        call.account, call.region, p["KeyId"], p.get("PolicyName")
    )
    return {"Policy": policy, "PolicyName": POLICY_NAME}


@operation("kms", "PutKeyPolicy")
def put_key_policy(call: Call, p: Params) -> None:
    """Replaces the key policy after the grammar and lockout checks; refused on AWS managed keys
    and from other accounts.
    """
    call.world.kms.put_key_policy(
        call.account,
        call.region,
        p["KeyId"],
        p["Policy"],
        p.get("PolicyName"),
        p.get("BypassPolicyLockoutSafetyCheck", False),
    )


@operation("kms", "ListKeyPolicies")
def list_key_policies(call: Call, p: Params) -> Result:
    """Always `default`."""
    names = call.world.kms.list_key_policies(call.account, call.region, p["KeyId"])
    return _listing("PolicyNames", names, None)


@operation("kms", "EnableKey")
def enable_key(call: Call, p: Params) -> None:
    """Enabled again unless pending deletion."""
    call.world.kms.enable_key(call.account, call.region, p["KeyId"])


@operation("kms", "DisableKey")
def disable_key(call: Call, p: Params) -> None:
    """Disabled keys fail every launch check; refused when pending deletion."""
    call.world.kms.disable_key(call.account, call.region, p["KeyId"])


@operation("kms", "ScheduleKeyDeletion")
def schedule_key_deletion(call: Call, p: Params) -> Result:
    """PendingDeletion after 7-30 days (default 30); the key and its aliases disappear once the
    date passes.
    """
    key = call.world.kms.schedule_key_deletion(
        call.account, call.region, p["KeyId"], p.get("PendingWindowInDays")
    )
    return {
        "KeyId": key.arn,
        "DeletionDate": key.deletion_date,
        "KeyState": key.state,
        "PendingWindowInDays": key.pending_window_days,
    }


@operation("kms", "CancelKeyDeletion")
def cancel_key_deletion(call: Call, p: Params) -> Result:
    """Back from PendingDeletion to Disabled, as AWS leaves it."""
    key = call.world.kms.cancel_key_deletion(call.account, call.region, p["KeyId"])
    return {"KeyId": key.arn}


@operation("kms", "CreateAlias")
def create_alias(call: Call, p: Params) -> None:
    """`alias/...` names for the caller's own keys; `alias/aws/` is reserved."""
    call.world.kms.create_alias(call.account, call.region, p["AliasName"], p["TargetKeyId"])


@operation("kms", "DeleteAlias")
def delete_alias(call: Call, p: Params) -> None:
    """Removes one of the caller's aliases; `alias/aws/` ones cannot be deleted."""
    call.world.kms.delete_alias(call.account, call.region, p["AliasName"])


@operation("kms", "ListAliases")
def list_aliases(call: Call, p: Params) -> Result:
    """The caller's aliases in the Region (with `alias/aws/ebs` once created), optionally for one
    key.
    """
    aliases, marker = call.world.kms.list_aliases(
        call.account, call.region, p.get("KeyId"), p.get("Limit"), p.get("Marker")
    )
    return _listing("Aliases", [_alias(a) for a in aliases], marker)
