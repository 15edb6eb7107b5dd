"""CreateKeyPair, ImportKeyPair, DescribeKeyPairs, DeleteKeyPair, and the fingerprints.

Fingerprints as EC2 computes them (EC2 User Guide, "Verify the fingerprint of your key
pair"): a created RSA key, SHA-1 of its private key in PKCS#8 DER; an imported RSA key, MD5
of its public key in DER (SubjectPublicKeyInfo); ED25519 either way, SHA-256 of the OpenSSH
public key blob in base64.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from emulator.core.commit import commit
from emulator.core.ec2 import resource_ids
from emulator.core.ec2.filters import Filter, FilterSet
from emulator.core.ec2.keypairs.records import ED25519, RSA, KeyPair
from emulator.core.ec2.region import Env, RegionState
from emulator.core.ec2.tags import TagSpecs, check_specs
from emulator.core.errors import Conflict, InvalidValue, NotFound

RSA_BITS = 2048
RSA_IMPORT_BITS = (1024, 2048, 4096)
MAX_NAME = 255
MAX_PUBLIC_KEY = 16_384

KEY_PAIR_FILTERS = {
    "key-pair-id": lambda k: [k.key_pair_id],
    "fingerprint": lambda k: [k.fingerprint],
    "key-name": lambda k: [k.name],
}


def _colon_hex(digest: bytes) -> str:
    return ":".join(f"{b:02x}" for b in digest)


def _openssh(public_key: rsa.RSAPublicKey | ed25519.Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )


def _ed25519_fingerprint(public_key: ed25519.Ed25519PublicKey) -> str:
    blob = base64.b64decode(_openssh(public_key).split()[1])
    return base64.b64encode(hashlib.sha256(blob).digest()).decode()


def _imported_fingerprint(public_key: rsa.RSAPublicKey | ed25519.Ed25519PublicKey) -> str:
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        return _ed25519_fingerprint(public_key)
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return _colon_hex(hashlib.md5(der, usedforsecurity=False).digest())


def _check_name(name: str) -> None:
    if not name:
        raise InvalidValue("missing_parameter", name="KeyName")
    if len(name) > MAX_NAME or not name.isascii():
        raise InvalidValue("key_name_invalid", name=name)


def _check_new(region: RegionState, account: str, name: str, tags: TagSpecs) -> None:
    check_specs(tags, {"key-pair"})
    _check_name(name)
    if (account, name) in region.key_names:
        raise Conflict("key_pair_duplicate", name=name)


def _keep(env: Env, region: RegionState, pair: KeyPair, tags: TagSpecs) -> None:
    region.key_pairs[pair.key_pair_id] = pair
    region.key_names[(pair.owner, pair.name)] = pair.key_pair_id
    region.tags.put(pair.key_pair_id, pair.owner, tags.get("key-pair", {}))


def create_key_pair(
    env: Env,
    region: RegionState,
    account: str,
    name: str,
    key_type: str | None,
    key_format: str | None,
    tags: TagSpecs,
) -> tuple[KeyPair, str]:
    """A new key pair and its private key in PEM (the only time it exists)."""
    _check_new(region, account, name, tags)
    key_type = key_type or RSA
    if key_type not in (RSA, ED25519):
        raise InvalidValue("key_type_invalid", value=key_type)
    if (key_format or "pem") != "pem":
        raise InvalidValue("key_format_unsupported", value=key_format)
    commit()
    if key_type == RSA:
        private = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
        pkcs8 = private.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        fingerprint = _colon_hex(hashlib.sha1(pkcs8, usedforsecurity=False).digest())
        material = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
        public = _openssh(private.public_key())
    else:
        edkey = ed25519.Ed25519PrivateKey.generate()
        fingerprint = _ed25519_fingerprint(edkey.public_key())
        material = edkey.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
        public = _openssh(edkey.public_key())
    pair = KeyPair(
        env.ids.resource_id("key"),
        account,
        name,
        key_type,
        fingerprint,
        f"{public.decode()} {name}",
        env.now(),
    )
    _keep(env, region, pair, tags)
    return pair, material.decode().rstrip("\n")


def _load_public(material: bytes) -> rsa.RSAPublicKey | ed25519.Ed25519PublicKey:
    """An OpenSSH, PEM or DER public key; ``key_format_invalid`` for anything else."""
    text = material.strip()
    loaders = (
        serialization.load_ssh_public_key,
        serialization.load_pem_public_key,
        serialization.load_der_public_key,
    )
    for loader in loaders:
        try:
            key = loader(text)
        except (ValueError, UnsupportedAlgorithm, TypeError):
            continue
        if isinstance(key, rsa.RSAPublicKey) and key.key_size in RSA_IMPORT_BITS:
            return key
        if isinstance(key, ed25519.Ed25519PublicKey):
            return key
        break
    try:
        decoded = base64.b64decode(text, validate=True)
    except ValueError:
        decoded = b""
    if decoded and decoded != text:
        return _load_public(decoded)
    raise InvalidValue("key_format_invalid")


def import_key_pair(
    env: Env, region: RegionState, account: str, name: str, material: bytes, tags: TagSpecs
) -> KeyPair:
    _check_new(region, account, name, tags)
    if len(material) > MAX_PUBLIC_KEY:
        raise InvalidValue("key_format_invalid")
    public = _load_public(material)
    commit()
    key_type = ED25519 if isinstance(public, ed25519.Ed25519PublicKey) else RSA
    pair = KeyPair(
        env.ids.resource_id("key"),
        account,
        name,
        key_type,
        _imported_fingerprint(public),
        f"{_openssh(public).decode()} {name}",
        env.now(),
    )
    _keep(env, region, pair, tags)
    return pair


def find_key_pair(region: RegionState, account: str, name: str) -> KeyPair:
    """The caller's key pair named ``name``: what RunInstances' KeyName must name."""
    key_id = region.key_names.get((account, name))
    if key_id is None:
        raise NotFound("key_pair_not_found", name=name)
    return region.key_pairs[key_id]


def describe_key_pairs(
    region: RegionState,
    account: str,
    names: list[str],
    key_ids: list[str],
    filters: list[Filter],
) -> list[KeyPair]:
    matches = FilterSet(
        filters, KEY_PAIR_FILTERS, lambda k: region.tags.get(k.key_pair_id, account)
    )
    if names or key_ids:
        found = {k.key_pair_id: k for k in (find_key_pair(region, account, n) for n in names)}
        for key in resource_ids.find_all(
            "key-pair", region.key_pairs, key_ids, resource_ids.owned_by(account)
        ):
            found[key.key_pair_id] = key
        chosen = list(found.values())
    else:
        chosen = [k for k in region.key_pairs.values() if k.owner == account]
    return sorted((k for k in chosen if matches(k)), key=lambda k: k.name)


def delete_key_pair(
    region: RegionState, account: str, name: str | None, key_id: str | None
) -> KeyPair | None:
    """Delete by name or id. A name that names nothing succeeds, as in AWS; an id that
    names nothing is not found."""
    if key_id:
        pair = resource_ids.find(
            "key-pair", region.key_pairs, key_id, resource_ids.owned_by(account)
        )
    elif name:
        found = region.key_names.get((account, name))
        pair = region.key_pairs[found] if found else None
    else:
        raise InvalidValue("missing_parameter", name="KeyName")
    commit()
    if pair is not None:
        del region.key_pairs[pair.key_pair_id]
        del region.key_names[(pair.owner, pair.name)]
        region.tags.drop(pair.key_pair_id)
    return pair
