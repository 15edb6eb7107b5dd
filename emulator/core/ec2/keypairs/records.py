"""The key pair record: a name, a public key in OpenSSH form and AWS's fingerprint of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

RSA, ED25519 = "rsa", "ed25519"


@dataclass
class KeyPair:
    key_pair_id: str
    owner: str
    name: str
    key_type: str
    fingerprint: str
    public_key: str  # OpenSSH form: "ssh-rsa AAAA... <name>"
    create_time: str

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))
