"""Encoded authorization failure messages: a denial's decision, sealed for its own world.

AES-GCM under a key each world draws at start (never stored), so only the world that
refused can read its message back (``sts:DecodeAuthorizationMessage``), and nobody can
forge one. The plaintext is the JSON AWS documents for the decoded message.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import zlib
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from emulator.core.authorization import Step

MAX_ENCODED = 10240  # DecodeAuthorizationMessage's EncodedMessage: 1-10,240 characters
_NONCE = 12
_AAD = b"ami-emulator authorization message v1"


class Sealer:
    """Seals and opens one world's messages."""

    def __init__(self, key: bytes | None = None) -> None:
        self._aead = AESGCM(key or AESGCM.generate_key(bit_length=256))

    def seal(self, payload: dict[str, Any]) -> str:
        data = zlib.compress(json.dumps(payload, separators=(",", ":")).encode())
        nonce = os.urandom(_NONCE)
        blob = nonce + self._aead.encrypt(nonce, data, _AAD)
        return base64.urlsafe_b64encode(blob).decode().rstrip("=")

    def open(self, encoded: str) -> dict[str, Any] | None:
        """The payload, or None when the message is not one this world sealed."""
        if not encoded or len(encoded) > MAX_ENCODED:
            return None
        try:
            blob = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            data = self._aead.decrypt(blob[:_NONCE], blob[_NONCE:], _AAD)
            return json.loads(zlib.decompress(data, bufsize=MAX_ENCODED * 4))
        except (binascii.Error, ValueError, InvalidTag, zlib.error):
            return None


def payload(step: Step, caller: Any, context: dict[str, Any]) -> dict[str, Any]:
    """The decoded message AWS documents: allowed, explicitDeny, matchedStatements,
    failures, and the context (principal, action, resource, conditions)."""
    evidence = step.evidence
    explicit = evidence.get("effect") == "Deny"
    matched = []
    if evidence.get("statement"):
        matched.append(
            {
                "statementId": evidence["statement"],
                "effect": "DENY" if explicit else "ALLOW",
                "policyType": evidence.get("policy_type"),
                "policy": evidence.get("policy_arn") or evidence.get("policy"),
                "target": evidence.get("target"),
            }
        )
    principal = {"arn": evidence.get("principal")}
    if caller is not None:
        principal |= {"id": caller.user_id, "name": caller.name or caller.account}
    conditions = [
        {"key": key, "values": {"items": [{"value": v} for v in _listed(value)]}}
        for key, value in sorted(context.items())
    ]
    return {
        "allowed": False,
        "explicitDeny": explicit,
        "matchedStatements": {"items": matched},
        "failures": {"items": []},
        "context": {
            "principal": principal,
            "action": evidence.get("action"),
            "resource": evidence.get("resource"),
            "conditions": {"items": conditions},
        },
    }


def _listed(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
