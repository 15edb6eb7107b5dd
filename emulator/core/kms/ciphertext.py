"""KMS ciphertext blobs: AES-256-GCM under a key's own material, bound to the key and context.

A blob is ``version | len(key ARN) | key ARN | nonce | ciphertext and tag``. The key ARN and
the encryption context are the GCM associated data, so a blob decrypts only under the key
that made it and with the very context it was made with; a changed byte anywhere fails the
tag. The ARN travels in clear, as AWS's blobs carry their key id, so Decrypt needs no KeyId.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = 1
MATERIAL_BYTES = 32  # AES-256
NONCE_BYTES = 12
TAG_BYTES = 16
_HEADER = 3  # version, then the ARN's length in two bytes


class BadCiphertext(Exception):
    """The blob is not one this emulator made, or does not open with this key and context."""


def new_material() -> str:
    """Fresh key material, as hex: from the operating system, never from a seeded source."""
    return secrets.token_hex(MATERIAL_BYTES)


def _associated(key_arn: str, context: Mapping[str, str]) -> bytes:
    canonical = json.dumps(dict(sorted(context.items())), separators=(",", ":"))
    return key_arn.encode() + b"\0" + canonical.encode()


def seal(material: str, key_arn: str, plaintext: bytes, context: Mapping[str, str]) -> bytes:
    arn = key_arn.encode()
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(bytes.fromhex(material)).encrypt(
        nonce, plaintext, _associated(key_arn, context)
    )
    return bytes([VERSION]) + len(arn).to_bytes(2, "big") + arn + nonce + sealed


def key_of(blob: bytes) -> str:
    """The ARN of the key a blob names; ``BadCiphertext`` when it is not a blob at all."""
    if len(blob) < _HEADER or blob[0] != VERSION:
        raise BadCiphertext
    size = int.from_bytes(blob[1:_HEADER], "big")
    if len(blob) < _HEADER + size + NONCE_BYTES + TAG_BYTES:
        raise BadCiphertext
    try:
        return blob[_HEADER : _HEADER + size].decode("ascii")
    except UnicodeDecodeError:
        raise BadCiphertext from None


def open_blob(material: str, blob: bytes, context: Mapping[str, str]) -> bytes:
    """The plaintext of ``blob`` under the key whose material this is, with ``context``."""
    key_arn = key_of(blob)
    start = _HEADER + len(key_arn)
    nonce, sealed = blob[start : start + NONCE_BYTES], blob[start + NONCE_BYTES :]
    try:
        return AESGCM(bytes.fromhex(material)).decrypt(nonce, sealed, _associated(key_arn, context))
    except InvalidTag:
        raise BadCiphertext from None
