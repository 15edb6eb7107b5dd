"""hypothesis: KMS ciphertexts decrypt to their plaintext under their own key and context only,
and a grant's constraints admit exactly the contexts AWS documents."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.core.errors import CoreError
from emulator.core.kms.grants import Grant
from emulator.core.world import World

ACCOUNT, OTHER, REGION = "111111111111", "222222222222", "us-east-1"
PLAINTEXT = st.binary(min_size=1, max_size=4096)
CONTEXT = st.dictionaries(st.text(min_size=1, max_size=12), st.text(max_size=12), max_size=4)

# One world for every example: a key is made per example, so no state carries over.
WORLD = World()


def new_key() -> str:
    return WORLD.kms.create_key(ACCOUNT, REGION).arn


def refused(call) -> str:
    with pytest.raises(CoreError) as caught:
        call()
    return caught.value.reason


@given(PLAINTEXT, CONTEXT)
def test_decrypt_of_encrypt_is_the_plaintext(plaintext: bytes, context: dict) -> None:
    key = new_key()
    _, blob = WORLD.kms.encrypt(ACCOUNT, REGION, key, plaintext, context)
    assert plaintext not in blob or len(plaintext) < 8
    used, back = WORLD.kms.decrypt(ACCOUNT, REGION, blob, context)
    assert (used.arn, back) == (key, plaintext)
    assert WORLD.kms.decrypt(ACCOUNT, REGION, blob, context, key_ref=key)[1] == plaintext


@given(PLAINTEXT, CONTEXT, CONTEXT)
def test_any_other_context_fails(plaintext: bytes, context: dict, other: dict) -> None:
    if other == context:
        return
    _, blob = WORLD.kms.encrypt(ACCOUNT, REGION, new_key(), plaintext, context)
    assert refused(lambda: WORLD.kms.decrypt(ACCOUNT, REGION, blob, other)) == (
        "invalid_ciphertext"
    )


@given(PLAINTEXT, CONTEXT)
def test_another_key_never_opens_it(plaintext: bytes, context: dict) -> None:
    key, other = new_key(), new_key()
    _, blob = WORLD.kms.encrypt(ACCOUNT, REGION, key, plaintext, context)
    assert (
        refused(lambda: WORLD.kms.decrypt(ACCOUNT, REGION, blob, context, key_ref=other))
        == "incorrect_key"
    )


@given(PLAINTEXT, CONTEXT, st.data())
def test_any_changed_byte_fails(plaintext: bytes, context: dict, data: st.DataObject) -> None:
    _, blob = WORLD.kms.encrypt(ACCOUNT, REGION, new_key(), plaintext, context)
    at = data.draw(st.integers(0, len(blob) - 1))
    bit = data.draw(st.integers(0, 7))
    changed = bytearray(blob)
    changed[at] ^= 1 << bit
    assert refused(lambda: WORLD.kms.decrypt(ACCOUNT, REGION, bytes(changed), context)) == (
        "invalid_ciphertext"
    )


@given(st.binary(min_size=1, max_size=200))
def test_junk_is_never_a_ciphertext(junk: bytes) -> None:
    assert refused(lambda: WORLD.kms.decrypt(ACCOUNT, REGION, junk, {})) == "invalid_ciphertext"


def grant(equals: dict | None = None, subset: dict | None = None) -> Grant:
    return Grant(
        grant_id="0" * 64,
        key_arn=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/k",
        grantee=f"arn:aws:iam::{OTHER}:root",
        operations=["Decrypt"],
        issuing_account=f"arn:aws:iam::{ACCOUNT}:root",
        created=datetime.now(UTC),
        token="t",
        equals=equals,
        subset=subset,
    )


@given(CONTEXT, CONTEXT)
def test_grant_constraints(constraint: dict, context: dict) -> None:
    contained = all(context.get(k) == v for k, v in constraint.items())
    assert grant(subset=constraint).allows("Decrypt", context) is contained
    assert grant(equals=constraint).allows("Decrypt", context) is (constraint == context)
    assert grant().allows("Decrypt", context)
    assert not grant().allows("Encrypt", context)
