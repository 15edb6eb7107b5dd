"""Key pairs end to end: real keys, AWS's fingerprints, names, ids, and no private key kept."""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.request

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from emulator.server import RunningServer
from tests.e2e.worlds import Client, ClientFactory, aws_error

A, B = "111111111111", "222222222222"


@pytest.fixture
def ec2(aws: ClientFactory) -> Client:
    return aws("ec2", account=A)


def colon_hex(digest: bytes) -> str:
    return ":".join(f"{b:02x}" for b in digest)


def test_a_created_rsa_key_is_real_and_fingerprinted_as_aws_does(ec2: Client) -> None:
    made = ec2.create_key_pair(KeyName="packer_1")
    assert made["KeyPairId"].startswith("key-") and len(made["KeyPairId"]) == 21
    assert made["KeyMaterial"].startswith("-----BEGIN RSA PRIVATE KEY-----")
    private = serialization.load_pem_private_key(made["KeyMaterial"].encode(), password=None)
    assert isinstance(private, rsa.RSAPrivateKey) and private.key_size == 2048
    pkcs8 = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    assert made["KeyFingerprint"] == colon_hex(hashlib.sha1(pkcs8).digest())
    (pair,) = ec2.describe_key_pairs(KeyNames=["packer_1"], IncludePublicKey=True)["KeyPairs"]
    assert pair["KeyType"] == "rsa" and pair["KeyFingerprint"] == made["KeyFingerprint"]
    openssh = private.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    assert pair["PublicKey"].startswith(openssh.decode())
    assert "PublicKey" not in ec2.describe_key_pairs(KeyNames=["packer_1"])["KeyPairs"][0]


def test_an_ed25519_key_is_fingerprinted_by_sha256(ec2: Client) -> None:
    made = ec2.create_key_pair(KeyName="ed", KeyType="ed25519")
    private = serialization.load_ssh_private_key(made["KeyMaterial"].encode(), password=None)
    assert isinstance(private, ed25519.Ed25519PrivateKey)
    blob = base64.b64decode(
        private.public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .split()[1]
    )
    assert made["KeyFingerprint"] == base64.b64encode(hashlib.sha256(blob).digest()).decode()


def test_an_imported_rsa_key_is_fingerprinted_by_md5_of_its_public_key(ec2: Client) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    material = key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    imported = ec2.import_key_pair(
        KeyName="laptop",
        PublicKeyMaterial=material + b" me@laptop",
        TagSpecifications=[{"ResourceType": "key-pair", "Tags": [{"Key": "o", "Value": "me"}]}],
    )
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert imported["KeyFingerprint"] == colon_hex(hashlib.md5(der).digest())
    assert imported["Tags"] == [{"Key": "o", "Value": "me"}]
    (pair,) = ec2.describe_key_pairs(Filters=[{"Name": "tag:o", "Values": ["me"]}])["KeyPairs"]
    assert pair["KeyName"] == "laptop"
    with aws_error("InvalidKeyPair.Format", "Key is not in valid OpenSSH public key format"):
        ec2.import_key_pair(KeyName="bad", PublicKeyMaterial=b"ssh-rsa AAAAnotakey")


def test_names_are_unique_and_lookups_answer_as_aws(ec2: Client) -> None:
    ec2.create_key_pair(KeyName="k")
    with aws_error("InvalidKeyPair.Duplicate", "The keypair 'k' already exists."):
        ec2.create_key_pair(KeyName="k")
    with aws_error("InvalidKeyPair.NotFound", "The key pair 'nope' does not exist"):
        ec2.describe_key_pairs(KeyNames=["nope"])
    with aws_error("InvalidParameterValue"):
        ec2.create_key_pair(KeyName="x", KeyType="dsa")
    # A name that names nothing deletes nothing, successfully.
    assert ec2.delete_key_pair(KeyName="nope")["Return"] is True
    with aws_error("InvalidKeyPair.NotFound", "The key pair 'key-12345678' does not exist"):
        ec2.delete_key_pair(KeyPairId="key-12345678")
    key_id = ec2.describe_key_pairs(KeyNames=["k"])["KeyPairs"][0]["KeyPairId"]
    assert ec2.delete_key_pair(KeyPairId=key_id)["KeyPairId"] == key_id
    assert ec2.describe_key_pairs()["KeyPairs"] == []


def test_key_pairs_are_private_to_their_account(aws: ClientFactory, ec2: Client) -> None:
    key_id = ec2.create_key_pair(KeyName="mine")["KeyPairId"]
    other = aws("ec2", account=B)
    assert other.describe_key_pairs()["KeyPairs"] == []
    with aws_error("InvalidKeyPair.NotFound"):
        other.describe_key_pairs(KeyPairIds=[key_id])
    # The other account may use the same name.
    other.create_key_pair(KeyName="mine")


def test_the_private_key_is_never_kept(server: RunningServer, ec2: Client) -> None:
    made = ec2.create_key_pair(KeyName="secret")
    body = made["KeyMaterial"].splitlines()[1]
    with urllib.request.urlopen(f"{server.url}/_emulator/state", timeout=30) as answer:
        text = answer.read().decode()
    assert "PRIVATE KEY" not in text and body not in text
    (pair,) = json.loads(text)["ec2"]["regions"]["us-east-1"]["key_pairs"]
    assert set(pair) == {
        "key_pair_id",
        "owner",
        "name",
        "key_type",
        "fingerprint",
        "public_key",
        "create_time",
    }
