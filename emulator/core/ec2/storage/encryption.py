"""What KMS keys mean to EC2: the key of a new volume or snapshot, and who may use it.

The key a new volume or snapshot gets, which images may be shared, and whether an account
may use the keys behind an image's snapshots.

EC2 stores key ARNs only. A request may name a key by id, ARN, alias or alias ARN; it is
resolved here, once, in the caller's account and Region. Encryption without a named key uses
the account's AWS managed key ``alias/aws/ebs`` of that Region, created on first use.

New storage under a key of another account (a volume, a snapshot, or an image's snapshots)
is made only while that key's policy allows the caller every action EBS needs; the caller's
own keys are not checked, and a launch's volumes follow the launch rule instead. Those
checks are the access decision's (``Env.authorize``); this module only asks. Once made,
EC2's use of another account's key shows up on that key as a grant, as in AWS
(``record_key_grant``).
"""

from __future__ import annotations

from collections.abc import Iterable

from emulator.core.authorization import CREATE_GRANT, AccessRequest, Step
from emulator.core.ec2.images.records import BlockDevice, Image
from emulator.core.ec2.region import Env
from emulator.core.errors import InvalidValue, NotFound
from emulator.core.kms.keys import key_account


def key_arn_of(env: Env, key_ref: str, account: str, region: str) -> str:
    """The ARN of the key ``key_ref`` names for ``account`` in ``region``."""
    try:
        return env.keys.resolve(key_ref, account, region, create_managed=True).arn
    except NotFound:
        raise NotFound("kms_key_not_found", key=key_ref, region=region) from None


def named_key(
    env: Env, account: str, region: str, encrypted: bool | None, kms_key_id: str | None
) -> str | None:
    """Check a request's Encrypted / KmsKeyId pair; the ARN of the key it names, if any."""
    if kms_key_id and not encrypted:
        raise InvalidValue("kms_key_without_encryption")
    return key_arn_of(env, kms_key_id, account, region) if kms_key_id else None


def key_for(
    env: Env, account: str, region: str, encrypted: bool, key_arn: str | None
) -> str | None:
    """The key of a new volume or snapshot: none, the named key, else ``aws/ebs``."""
    if not encrypted:
        return None
    return key_arn or env.keys.aws_ebs_key(account, region)


def device_keys(devices: Iterable[BlockDevice]) -> list[str]:
    """The distinct keys of the encrypted EBS devices, in mapping order."""
    return list(dict.fromkeys(bd.kms_key_id for bd in devices if bd.encrypted and bd.kms_key_id))


def check_shareable(env: Env, image: Image) -> None:
    """An image over snapshots under an AWS managed key cannot be shared with anyone."""
    if any(env.keys.is_aws_managed(arn) for arn in device_keys(image.block_devices)):
        raise InvalidValue("aws_managed_key_shared")


def key_refusal(
    env: Env, action: str, key_arns: Iterable[str], account: str, region: str
) -> Step | None:
    """The access decision's first refusal of a key ``account`` would use through EC2 in
    ``region``: ``DECRYPT`` to read or launch from storage under it, ``CREATE_GRANT`` to make
    new storage under it (another account's key only); None when every key may be used."""
    request = AccessRequest(account, action, region, keys=tuple(key_arns))
    return env.authorize(request).refusal


def check_named_key(env: Env, key_arn: str | None, account: str, region: str) -> None:
    """A key the request names (``KmsKeyId``) for new storage must be usable by the caller."""
    if key_arn and key_refusal(env, CREATE_GRANT, [key_arn], account, region):
        raise InvalidValue("kms_key_not_accessible", key=key_arn)


def check_stored_keys(
    env: Env, sources: Iterable[tuple[str, str | None]], account: str, region: str
) -> None:
    """New storage made from existing storage keeps its key: for each (volume or snapshot
    id, its key), that key must be usable by the caller."""
    for resource_id, key_arn in sources:
        if key_arn and key_refusal(env, CREATE_GRANT, [key_arn], account, region):
            raise InvalidValue("storage_key_not_accessible", key=key_arn, resource=resource_id)


def record_key_grant(env: Env, key_arn: str | None, account: str, resource_id: str) -> None:
    """EC2 keeps ``resource_id`` (a volume or snapshot of ``account``) under, or made from,
    another account's key: the grant EC2 makes itself on that key, which its owner sees in
    ListGrants. The caller's own keys get none here (they need no cross-account grant)."""
    if key_arn and key_account(key_arn) != account:
        env.keys.record_service_grant(key_arn, account, key_arn.split(":")[3], resource_id)
