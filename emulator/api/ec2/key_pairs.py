"""CreateKeyPair, ImportKeyPair, DescribeKeyPairs, DeleteKeyPair: each account's own."""

from __future__ import annotations

from typing import Any

from emulator.api.ec2 import network_shapes as shapes
from emulator.api.ec2.params import filters, required, tag_specs
from emulator.api.ec2.region import reading, writing
from emulator.api.ec2.shapes import tag_list
from emulator.api.registry import Call, operation
from emulator.core.ec2.keypairs import operations as key_pairs


@operation("ec2", "CreateKeyPair")
def create_key_pair(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """A new RSA (2048-bit) or ED25519 key pair; the private key (PEM) is in this answer only,
    never kept."""
    with writing(call) as (env, region):
        pair, material = key_pairs.create_key_pair(
            env,
            region,
            call.account,
            required(params, "KeyName"),
            params.get("KeyType"),
            params.get("KeyFormat"),
            tag_specs(params),
        )
        tags = region.tags.get(pair.key_pair_id, call.account)
    return {
        "KeyPairId": pair.key_pair_id,
        "KeyName": pair.name,
        "KeyFingerprint": pair.fingerprint,
        "KeyMaterial": material,
        "Tags": tag_list(tags),
    }


@operation("ec2", "ImportKeyPair")
def import_key_pair(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Imports an RSA or ED25519 public key (OpenSSH, PEM or DER); InvalidKeyPair.Format
    otherwise."""
    with writing(call) as (env, region):
        pair = key_pairs.import_key_pair(
            env,
            region,
            call.account,
            required(params, "KeyName"),
            required(params, "PublicKeyMaterial"),
            tag_specs(params),
        )
        tags = region.tags.get(pair.key_pair_id, call.account)
    return {
        "KeyPairId": pair.key_pair_id,
        "KeyName": pair.name,
        "KeyFingerprint": pair.fingerprint,
        "Tags": tag_list(tags),
    }


@operation("ec2", "DescribeKeyPairs")
def describe_key_pairs(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's key pairs by name, id or Filters; the public key with IncludePublicKey."""
    _, region = reading(call)
    found = key_pairs.describe_key_pairs(
        region,
        call.account,
        params.get("KeyNames") or [],
        params.get("KeyPairIds") or [],
        filters(params),
    )
    include = bool(params.get("IncludePublicKey"))
    return {
        "KeyPairs": [
            shapes.key_pair(k, region.tags.get(k.key_pair_id, call.account), include) for k in found
        ]
    }


@operation("ec2", "DeleteKeyPair")
def delete_key_pair(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Deletes a key pair by name or id; a name that names none succeeds, as in AWS."""
    with writing(call) as (_, region):
        pair = key_pairs.delete_key_pair(
            region, call.account, params.get("KeyName"), params.get("KeyPairId")
        )
    out: dict[str, Any] = {"Return": True}
    if pair is not None:
        out["KeyPairId"] = pair.key_pair_id
    return out
