"""KMS cryptography over the wire: Encrypt, Decrypt, ReEncrypt and data keys, with real boto3
and the AWS CLI, under the reference text's key policy statements from the org tree."""

from __future__ import annotations

import base64
import json
import urllib.request

import pytest

from tests.e2e.test_kms import denied, org_policy, owner_statement
from tests.e2e.worlds import ClientFactory, OrgWorld, aws_error, build_org

OWNER = "111111111111"
OTHER = "222222222222"
SECRET = b"the launch template's user data"


@pytest.fixture
def kms(aws: ClientFactory):
    return aws("kms", account=OWNER)


@pytest.fixture
def key(kms) -> str:
    return kms.create_key()["KeyMetadata"]["Arn"]


def test_encrypt_then_decrypt_gives_the_plaintext_back(kms, key: str) -> None:
    made = kms.encrypt(KeyId=key, Plaintext=SECRET, EncryptionContext={"purpose": "test"})
    assert made["KeyId"] == key and made["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    assert SECRET not in made["CiphertextBlob"]
    back = kms.decrypt(CiphertextBlob=made["CiphertextBlob"], EncryptionContext={"purpose": "test"})
    assert back["Plaintext"] == SECRET and back["KeyId"] == key
    # Two encryptions of one plaintext differ (a fresh nonce each time) and both decrypt.
    again = kms.encrypt(KeyId=key, Plaintext=SECRET)["CiphertextBlob"]
    assert again != kms.encrypt(KeyId=key, Plaintext=SECRET)["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=again, KeyId=key)["Plaintext"] == SECRET


def test_alias_and_key_id_name_the_key(kms, key: str) -> None:
    kms.create_alias(AliasName="alias/app", TargetKeyId=key)
    blob = kms.encrypt(KeyId="alias/app", Plaintext=b"x")["CiphertextBlob"]
    key_id = key.rsplit("/", 1)[1]
    assert kms.decrypt(CiphertextBlob=blob, KeyId=key_id)["Plaintext"] == b"x"
    assert kms.decrypt(CiphertextBlob=blob, KeyId="alias/app")["KeyId"] == key


def test_a_ciphertext_never_decrypts_under_another_key(kms, key: str) -> None:
    other = kms.create_key()["KeyMetadata"]["Arn"]
    blob = kms.encrypt(KeyId=key, Plaintext=SECRET)["CiphertextBlob"]
    message = "The key ID in the request does not identify a CMK that can perform this operation."
    with aws_error("IncorrectKeyException", message):
        kms.decrypt(CiphertextBlob=blob, KeyId=other)


def test_wrong_context_or_a_changed_byte_is_invalid_ciphertext(kms, key: str) -> None:
    blob = kms.encrypt(KeyId=key, Plaintext=SECRET, EncryptionContext={"a": "1"})["CiphertextBlob"]
    for context in ({}, {"a": "2"}, {"a": "1", "b": "2"}):
        with aws_error("InvalidCiphertextException", ""):
            kms.decrypt(CiphertextBlob=blob, EncryptionContext=context)
    tampered = bytearray(blob)
    tampered[-1] ^= 1
    with aws_error("InvalidCiphertextException", ""):
        kms.decrypt(CiphertextBlob=bytes(tampered), EncryptionContext={"a": "1"})
    with aws_error("InvalidCiphertextException", ""):
        kms.decrypt(CiphertextBlob=b"not a ciphertext blob at all")


def test_a_ciphertext_of_another_region_does_not_decrypt(aws: ClientFactory, kms, key) -> None:
    blob = kms.encrypt(KeyId=key, Plaintext=SECRET)["CiphertextBlob"]
    with aws_error("InvalidCiphertextException", ""):
        aws("kms", account=OWNER, region="eu-west-1").decrypt(CiphertextBlob=blob)


def test_disabled_and_pending_deletion_keys_refuse(kms, key: str) -> None:
    blob = kms.encrypt(KeyId=key, Plaintext=SECRET)["CiphertextBlob"]
    kms.disable_key(KeyId=key)
    for call in (
        lambda: kms.encrypt(KeyId=key, Plaintext=SECRET),
        lambda: kms.decrypt(CiphertextBlob=blob),
        lambda: kms.generate_data_key(KeyId=key, KeySpec="AES_256"),
    ):
        with aws_error("DisabledException", f"{key} is disabled."):
            call()
    kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    with aws_error("KMSInvalidStateException", f"{key} is pending deletion."):
        kms.decrypt(CiphertextBlob=blob)
    kms.cancel_key_deletion(KeyId=key)
    kms.enable_key(KeyId=key)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == SECRET


def test_plaintext_length_bounds(kms, key: str) -> None:
    assert kms.decrypt(
        CiphertextBlob=kms.encrypt(KeyId=key, Plaintext=b"y" * 4096)["CiphertextBlob"]
    )["Plaintext"] == (b"y" * 4096)
    message = (
        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
        "Member must have length less than or equal to 4096"
    )
    with aws_error("ValidationException", message):
        kms.encrypt(KeyId=key, Plaintext=b"y" * 4097)


def test_encryption_algorithms(kms, key: str) -> None:
    with aws_error(
        "InvalidKeyUsageException",
        "The encryption algorithm RSAES_OAEP_SHA_256 is not supported by a KMS key with "
        "KeySpec SYMMETRIC_DEFAULT.",
    ):
        kms.encrypt(KeyId=key, Plaintext=b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_256")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({}, "Please specify either number of bytes or key spec."),
        (
            {"NumberOfBytes": 32, "KeySpec": "AES_256"},
            "Please specify either number of bytes or key spec.",
        ),
        (
            {"NumberOfBytes": 1025},
            "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy "
            "constraint: Member must have value less than or equal to 1024",
        ),
        (
            {"KeySpec": "AES_512"},
            "1 validation error detected: Value 'AES_512' at 'keySpec' failed to satisfy "
            "constraint: Member must satisfy enum value set: [AES_256, AES_128]",
        ),
    ],
)
def test_data_key_sizes_refused_as_aws(kms, key: str, extra: dict, message: str) -> None:
    with aws_error("ValidationException", message):
        kms.generate_data_key(KeyId=key, **extra)


def test_data_keys_have_their_size_and_decrypt(kms, key: str) -> None:
    for extra, size in (
        ({"KeySpec": "AES_256"}, 32),
        ({"KeySpec": "AES_128"}, 16),
        ({"NumberOfBytes": 1}, 1),
        ({"NumberOfBytes": 1024}, 1024),
    ):
        made = kms.generate_data_key(KeyId=key, EncryptionContext={"k": "v"}, **extra)
        assert len(made["Plaintext"]) == size
        back = kms.decrypt(CiphertextBlob=made["CiphertextBlob"], EncryptionContext={"k": "v"})
        assert back["Plaintext"] == made["Plaintext"]
    bare = kms.generate_data_key_without_plaintext(KeyId=key, KeySpec="AES_256")
    assert "Plaintext" not in bare
    assert len(kms.decrypt(CiphertextBlob=bare["CiphertextBlob"])["Plaintext"]) == 32


def test_re_encrypt_moves_a_ciphertext_to_another_key(kms, key: str) -> None:
    other = kms.create_key()["KeyMetadata"]["Arn"]
    blob = kms.encrypt(KeyId=key, Plaintext=SECRET, EncryptionContext={"a": "1"})["CiphertextBlob"]
    moved = kms.re_encrypt(
        CiphertextBlob=blob,
        SourceEncryptionContext={"a": "1"},
        DestinationKeyId=other,
        DestinationEncryptionContext={"b": "2"},
    )
    assert moved["SourceKeyId"] == key and moved["KeyId"] == other
    back = kms.decrypt(CiphertextBlob=moved["CiphertextBlob"], EncryptionContext={"b": "2"})
    assert back["Plaintext"] == SECRET and back["KeyId"] == other
    with aws_error("InvalidCiphertextException", ""):
        kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=other)


def test_the_reference_ou_statement_lets_members_use_the_key_and_not_a_sibling(
    aws: ClientFactory,
) -> None:
    world: OrgWorld = build_org(aws)
    org = aws("organizations", account=world.management)
    root = org.list_roots()["Roots"][0]
    path = f"{world.org_id}/{root['Id']}/{world.shared_ou.id}/*"
    owner = aws("kms", account=world.owner)
    key = owner.create_key(Policy=org_policy(world.owner, world.org_id, [path]))["KeyMetadata"]
    arn = key["Arn"]
    blob = owner.encrypt(KeyId=arn, Plaintext=SECRET)["CiphertextBlob"]
    for member in (world.shared_account, world.nested_account):
        client = aws("kms", account=member)
        assert client.decrypt(CiphertextBlob=blob)["Plaintext"] == SECRET
        mine = client.encrypt(KeyId=arn, Plaintext=b"member data")["CiphertextBlob"]
        assert owner.decrypt(CiphertextBlob=mine)["Plaintext"] == b"member data"
        client.generate_data_key(KeyId=arn, KeySpec="AES_256")
    sibling = aws("kms", account=world.sibling_account)
    with aws_error("AccessDeniedException", denied(world.sibling_account, "kms:Decrypt", arn)):
        sibling.decrypt(CiphertextBlob=blob)
    with aws_error("AccessDeniedException", denied(world.sibling_account, "kms:Encrypt", arn)):
        sibling.encrypt(KeyId=arn, Plaintext=b"x")
    # Another account's key is reachable only by ARN.
    with aws_error("NotFoundException"):
        aws("kms", account=world.shared_account).encrypt(KeyId=key["KeyId"], Plaintext=b"x")


def test_an_explicit_deny_wins(aws: ClientFactory) -> None:
    deny = {
        "Sid": "NoDecrypt",
        "Effect": "Deny",
        "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
        "Action": "kms:Decrypt",
        "Resource": "*",
    }
    allow = {**owner_statement(OTHER), "Sid": "Other"}
    policy = {"Version": "2012-10-17", "Statement": [owner_statement(OWNER), allow, deny]}
    owner = aws("kms", account=OWNER)
    arn = owner.create_key(Policy=json.dumps(policy))["KeyMetadata"]["Arn"]
    blob = aws("kms", account=OTHER).encrypt(KeyId=arn, Plaintext=b"x")["CiphertextBlob"]
    message = (
        f"User: arn:aws:iam::{OTHER}:root is not authorized to perform: kms:Decrypt on "
        f"resource: {arn} with an explicit deny in a resource-based policy"
    )
    with aws_error("AccessDeniedException", message):
        aws("kms", account=OTHER).decrypt(CiphertextBlob=blob)


def test_the_policy_sees_the_encryption_context(aws: ClientFactory) -> None:
    statement = {
        **owner_statement(OTHER),
        "Sid": "OnlyForTheApp",
        "Action": ["kms:Encrypt", "kms:Decrypt"],
        "Condition": {"StringEquals": {"kms:EncryptionContext:app": "web"}},
    }
    policy = {"Version": "2012-10-17", "Statement": [owner_statement(OWNER), statement]}
    arn = aws("kms", account=OWNER).create_key(Policy=json.dumps(policy))["KeyMetadata"]["Arn"]
    other = aws("kms", account=OTHER)
    other.encrypt(KeyId=arn, Plaintext=b"x", EncryptionContext={"app": "web"})
    with aws_error("AccessDeniedException"):
        other.encrypt(KeyId=arn, Plaintext=b"x", EncryptionContext={"app": "db"})


def test_dry_run_checks_and_answers_dry_run(kms, key: str) -> None:
    with aws_error(
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
        412,
    ):
        kms.encrypt(KeyId=key, Plaintext=b"x", DryRun=True)


@pytest.mark.cli
def test_the_cli_encrypts_and_a_member_decrypts(aws: ClientFactory, cli, tmp_path) -> None:
    world = build_org(aws)
    owner = aws("kms", account=world.owner)
    arn = owner.create_key(Policy=org_policy(world.owner, world.org_id))["KeyMetadata"]["Arn"]
    source = tmp_path / "secret.txt"
    source.write_bytes(SECRET)
    made = cli(
        "kms",
        "encrypt",
        "--key-id",
        arn,
        "--plaintext",
        f"fileb://{source}",
        account=world.shared_account,
    )
    blob = tmp_path / "blob.bin"
    blob.write_bytes(base64.b64decode(made["CiphertextBlob"]))
    back = cli(
        "kms", "decrypt", "--ciphertext-blob", f"fileb://{blob}", account=world.nested_account
    )
    assert base64.b64decode(back["Plaintext"]) == SECRET
    from tests.conftest import CliError

    with pytest.raises(CliError) as refused:
        cli("kms", "decrypt", "--ciphertext-blob", f"fileb://{blob}", account=world.outsider)
    assert "AccessDeniedException" in refused.value.stderr


def _state(server) -> dict:
    with urllib.request.urlopen(f"{server.url}/_emulator/state", timeout=10) as answer:
        return json.loads(answer.read())


def _put_state(server, document: dict) -> None:
    body = json.dumps(document).encode()
    request = urllib.request.Request(f"{server.url}/_emulator/state", data=body, method="PUT")
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200


def test_key_material_is_secret_and_survives_a_redacted_state(server, kms, key: str) -> None:
    blob = kms.encrypt(KeyId=key, Plaintext=SECRET)["CiphertextBlob"]
    grant = kms.create_grant(
        KeyId=key, GranteePrincipal=f"arn:aws:iam::{OTHER}:root", Operations=["Decrypt"]
    )
    state = _state(server)
    (record,) = [k for k in state["kms"]["keys"] if key.endswith(k["key_id"])]
    assert record["material"] == "<redacted>"
    assert [g["grant_id"] for g in state["kms"]["grants"]] == [grant["GrantId"]]
    _put_state(server, state)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == SECRET
    assert [g["GrantId"] for g in kms.list_grants(KeyId=key)["Grants"]] == [grant["GrantId"]]


def test_a_key_loaded_without_its_material_gets_new_material(server, kms, key: str) -> None:
    blob = kms.encrypt(KeyId=key, Plaintext=SECRET)["CiphertextBlob"]
    state = _state(server)
    kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)  # the world changes ...
    for record in state["kms"]["keys"]:
        del record["material"]  # ... and the document loaded back holds no material
    _put_state(server, state)
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "Enabled"
    with aws_error("InvalidCiphertextException", ""):
        kms.decrypt(CiphertextBlob=blob)
    again = kms.encrypt(KeyId=key, Plaintext=SECRET)["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=again)["Plaintext"] == SECRET


def test_a_missing_or_empty_ciphertext_is_a_validation_error(aws: ClientFactory) -> None:
    kms = aws("kms", account=OWNER)
    with aws_error(
        "ValidationException",
        "1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy "
        "constraint: Member must not be null",
    ):
        kms.decrypt()
    with aws_error(
        "ValidationException",
        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1",
    ):
        kms.encrypt(KeyId=kms.create_key()["KeyMetadata"]["KeyId"], Plaintext=b"")
