"""Helpers for the tests of the world as data: raw HTTP to the admin endpoints, and a world
that holds one of everything a snapshot can hold, built through the APIs."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from tests.conftest import ClientFactory

MANAGEMENT = "123456789012"  # the demo world's management account
MEMBER = "111122223333"  # in the demo world's Engineering OU
DEMO_AMI = "ami-0abcdef1234567890"


def http(url: str, method: str = "GET", body: str | bytes | None = None, **headers: str):
    """(status, parsed JSON or text) of one request; error statuses are answers too."""
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            status, raw, kind = resp.status, resp.read(), resp.headers.get_content_type()
    except urllib.error.HTTPError as err:
        status, raw, kind = err.code, err.read(), err.headers.get_content_type()
    return status, json.loads(raw) if kind == "application/json" else raw.decode()


def build_everything(aws: ClientFactory) -> None:
    """On top of the demo world: a customer key with an alias, an encrypted volume, a shared
    snapshot of it, an image of a running instance, tags, block public access, a new account
    and an AssumeRole session."""
    ec2 = aws("ec2", MANAGEMENT)
    kms = aws("kms", MANAGEMENT)
    key = kms.create_key(Description="data")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/data", TargetKeyId=key)
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, Encrypted=True, KmsKeyId=key)
    snapshot = ec2.create_snapshot(VolumeId=volume["VolumeId"])["SnapshotId"]
    ec2.modify_snapshot_attribute(
        SnapshotId=snapshot,
        Attribute="createVolumePermission",
        OperationType="add",
        UserIds=[MEMBER],
    )
    ec2.create_tags(Resources=[snapshot], Tags=[{"Key": "team", "Value": "data"}])
    instance = ec2.run_instances(ImageId=DEMO_AMI, MinCount=1, MaxCount=1)["Instances"][0]
    ec2.create_image(InstanceId=instance["InstanceId"], Name="from-instance")
    ec2.enable_image_block_public_access(ImageBlockPublicAccessState="block-new-sharing")
    aws("organizations", MANAGEMENT).create_account(Email="new@example.com", AccountName="new")
    aws("sts", MANAGEMENT).assume_role(
        RoleArn=f"arn:aws:iam::{MEMBER}:role/OrganizationAccountAccessRole",
        RoleSessionName="data",
    )


def snapshot_of(url: str) -> dict[str, Any]:
    status, snapshot = http(f"{url}/_emulator/state")
    assert status == 200
    return snapshot
