"""AWS KMS operations: parsed params -> ``Kms`` call -> output-shape dict."""

from __future__ import annotations

from typing import Any

from emulator.api.registry import Call, operation
from emulator.core.errors import InvalidValue
from emulator.core.kms.grants import Grant
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


# ---------------------------------------------------------------- cryptography


@operation("kms", "Encrypt")
def encrypt(call: Call, p: Params) -> Result:
    """AES-256-GCM under the key's own material, bound to the key and the encryption context;
    1-4,096 bytes. Allowed by the key policy or a grant, across accounts by key ARN.
    """
    key, blob = call.world.kms.encrypt(
        call.account,
        call.region,
        p["KeyId"],
        p["Plaintext"],
        p.get("EncryptionContext"),
        p.get("GrantTokens"),
        p.get("EncryptionAlgorithm"),
    )
    return {"CiphertextBlob": blob, "KeyId": key.arn, "EncryptionAlgorithm": _ALGORITHMS[0]}


@operation("kms", "Decrypt")
def decrypt(call: Call, p: Params) -> Result:
    """The blob names its key (KeyId optional; a different one is IncorrectKeyException); a
    changed byte or another encryption context is InvalidCiphertextException.
    """
    key, plaintext = call.world.kms.decrypt(
        call.account,
        call.region,
        p.get("CiphertextBlob"),
        p.get("EncryptionContext"),
        p.get("GrantTokens"),
        p.get("KeyId"),
        p.get("EncryptionAlgorithm"),
    )
    return {
        "KeyId": key.arn,
        "Plaintext": plaintext,
        "EncryptionAlgorithm": _ALGORITHMS[0],
        "KeyMaterialId": key.key_material_id,
    }


@operation("kms", "ReEncrypt")
def re_encrypt(call: Call, p: Params) -> Result:
    """kms:ReEncryptFrom on the source key and kms:ReEncryptTo on the destination; the
    plaintext never leaves the emulator.
    """
    source, target, blob = call.world.kms.re_encrypt(
        call.account,
        call.region,
        p.get("CiphertextBlob"),
        p["DestinationKeyId"],
        source_ref=p.get("SourceKeyId"),
        source_context=p.get("SourceEncryptionContext"),
        destination_context=p.get("DestinationEncryptionContext"),
        source_algorithm=p.get("SourceEncryptionAlgorithm"),
        destination_algorithm=p.get("DestinationEncryptionAlgorithm"),
        grant_tokens=p.get("GrantTokens"),
    )
    return {
        "CiphertextBlob": blob,
        "SourceKeyId": source.arn,
        "KeyId": target.arn,
        "SourceEncryptionAlgorithm": _ALGORITHMS[0],
        "DestinationEncryptionAlgorithm": _ALGORITHMS[0],
        "SourceKeyMaterialId": source.key_material_id,
        "DestinationKeyMaterialId": target.key_material_id,
    }


def _data_key(call: Call, p: Params, action: str) -> tuple[Key, bytes, bytes]:
    return call.world.kms.generate_data_key(
        call.account,
        call.region,
        p["KeyId"],
        number_of_bytes=p.get("NumberOfBytes"),
        key_spec=p.get("KeySpec"),
        context=p.get("EncryptionContext"),
        grant_tokens=p.get("GrantTokens"),
        action=action,
    )


@operation("kms", "GenerateDataKey")
def generate_data_key(call: Call, p: Params) -> Result:
    """Random bytes (NumberOfBytes 1-1,024, or KeySpec AES_128 / AES_256, exactly one), in
    plaintext and encrypted under the key.
    """
    key, data_key, blob = _data_key(call, p, "kms:GenerateDataKey")
    return {
        "CiphertextBlob": blob,
        "Plaintext": data_key,
        "KeyId": key.arn,
        "KeyMaterialId": key.key_material_id,
    }


@operation("kms", "GenerateDataKeyWithoutPlaintext")
def generate_data_key_without_plaintext(call: Call, p: Params) -> Result:
    """As GenerateDataKey, answering only the encrypted data key."""
    key, _, blob = _data_key(call, p, "kms:GenerateDataKeyWithoutPlaintext")
    return {"CiphertextBlob": blob, "KeyId": key.arn, "KeyMaterialId": key.key_material_id}


# ---------------------------------------------------------------- grants


def _grant(grant: Grant) -> Result:
    constraints = {
        name: value
        for name, value in (
            ("EncryptionContextEquals", grant.equals),
            ("EncryptionContextSubset", grant.subset),
        )
        if value is not None
    }
    return {
        "KeyId": grant.key_arn,
        "GrantId": grant.grant_id,
        "Name": grant.name,
        "CreationDate": grant.created,
        "GranteePrincipal": grant.grantee,
        "RetiringPrincipal": grant.retiring,
        "IssuingAccount": grant.issuing_account,
        "Operations": grant.operations,
        "Constraints": constraints or None,
    }


@operation("kms", "CreateGrant")
def create_grant(call: Call, p: Params) -> Result:
    """Operations for a grantee principal, with EncryptionContextEquals / Subset constraints and
    a retiring principal; by the key policy, or through a grant that gives CreateGrant.
    """
    for name in ("GranteeServicePrincipal", "RetiringServicePrincipal"):
        if name in p:
            raise InvalidValue("unsupported_value", name=name, value=p[name])
    grant = call.world.kms.create_grant(
        call.account,
        call.region,
        p["KeyId"],
        p.get("GranteePrincipal", ""),
        p["Operations"],
        retiring=p.get("RetiringPrincipal"),
        constraints=p.get("Constraints"),
        grant_tokens=p.get("GrantTokens"),
        name=p.get("Name"),
    )
    return {"GrantToken": grant.token, "GrantId": grant.grant_id}


@operation("kms", "ListGrants")
def list_grants(call: Call, p: Params) -> Result:
    """One key's grants (EC2's own among them), oldest first, by GrantId or GranteePrincipal;
    paged by Limit / Marker.
    """
    grants, marker = call.world.kms.list_grants(
        call.account,
        call.region,
        p["KeyId"],
        grant_id=p.get("GrantId"),
        grantee=p.get("GranteePrincipal"),
        limit=p.get("Limit"),
        marker=p.get("Marker"),
    )
    return _listing("Grants", [_grant(g) for g in grants], marker)


@operation("kms", "ListRetirableGrants")
def list_retirable_grants(call: Call, p: Params) -> Result:
    """The grants in the Region whose retiring principal (one of the caller's account) is the
    one named, on keys of any account.
    """
    grants, marker = call.world.kms.list_retirable_grants(
        call.account, call.region, p.get("RetiringPrincipal"), p.get("Limit"), p.get("Marker")
    )
    return _listing("Grants", [_grant(g) for g in grants], marker)


@operation("kms", "RetireGrant")
def retire_grant(call: Call, p: Params) -> None:
    """By GrantToken, or KeyId and GrantId; by the key's account, the retiring principal, or the
    grantee when the grant gives RetireGrant.
    """
    call.world.kms.retire_grant(
        call.account,
        call.region,
        token=p.get("GrantToken"),
        key_ref=p.get("KeyId"),
        grant_id=p.get("GrantId"),
    )


@operation("kms", "RevokeGrant")
def revoke_grant(call: Call, p: Params) -> None:
    """Removes a grant when the key policy allows kms:RevokeGrant."""
    call.world.kms.revoke_grant(call.account, call.region, p["KeyId"], p["GrantId"])
