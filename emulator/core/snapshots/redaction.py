"""Secrets in a world snapshot: hidden from HTTP readers, and never taken back for real.

A hidden secret loaded back is never taken for the secret itself.

The secrets are the configured secret access keys (``config.secret_keys``), each
AssumeRole session's secret key and token, each IAM user access key's secret and each KMS
key's material. Access key ids, role ids, expirations, key ids and grant tokens (handed to
the grantee as any id) stay visible.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from emulator.core.iam.directory import Iam
from emulator.core.iam.sessions import Sessions

REDACTED = "<redacted>"
SESSION_SECRETS = ("secret_key", "token")


def redact(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``snapshot`` (from ``World.to_dict``) with every secret replaced."""
    config = dict(snapshot.get("config", {}))
    config["secret_keys"] = {key: REDACTED for key in config.get("secret_keys", {})}
    sessions = {
        key: {**session, **dict.fromkeys(SESSION_SECRETS, REDACTED)}
        for key, session in snapshot.get("sessions", {}).items()
    }
    kms = snapshot.get("kms", {})
    keys = [{**key, "material": REDACTED} for key in kms.get("keys", [])]
    out = {**snapshot, "config": config, "sessions": sessions, "kms": {**kms, "keys": keys}}
    if "iam" in snapshot:
        iam = dict(snapshot["iam"])
        iam["access_keys"] = [{**k, "secret": REDACTED} for k in iam.get("access_keys", [])]
        out["iam"] = iam
    return out


def restore(
    data: dict[str, Any],
    secret_keys: Mapping[str, str],
    sessions: Sessions,
    iam: Iam,
    materials: Mapping[tuple[str, str, str], str] | None = None,
) -> dict[str, Any]:
    """``data`` to load, where each redacted secret is the one the world already holds for
    that key; a secret the world does not hold is unknown, so that key's entry (a configured
    secret, a session) is dropped rather than loaded with the placeholder as its secret. A
    KMS key whose material is unknown is kept, with fresh material (``materials``: by
    account, Region and key id): what was encrypted under the old one no longer decrypts."""
    out = dict(data)
    kms = data.get("kms")
    if isinstance(kms, dict) and isinstance(kms.get("keys"), list):
        held = materials or {}
        out["kms"] = {**kms, "keys": [_key_material(key, held) for key in kms["keys"]]}
    config = data.get("config")
    if isinstance(config, dict) and isinstance(config.get("secret_keys"), dict):
        out["config"] = {
            **config,
            "secret_keys": {
                key: secret_keys[key] if secret == REDACTED else secret
                for key, secret in config["secret_keys"].items()
                if secret != REDACTED or key in secret_keys
            },
        }
    loaded = data.get("sessions")
    if isinstance(loaded, dict):
        out["sessions"] = {}
        for key, session in loaded.items():
            if isinstance(session, dict) and REDACTED in map(session.get, SESSION_SECRETS):
                held = sessions.get(key)
                if held is None:
                    continue
                session = {**session, "secret_key": held.secret_key, "token": held.token}
            out["sessions"][key] = session
    loaded_iam = data.get("iam")
    if isinstance(loaded_iam, dict) and isinstance(loaded_iam.get("access_keys"), list):
        keys = []
        for key in loaded_iam["access_keys"]:
            if isinstance(key, dict) and key.get("secret") == REDACTED:
                held = iam.key(str(key.get("id")))
                if held is None:
                    continue
                key = {**key, "secret": held.secret}
            keys.append(key)
        out["iam"] = {**loaded_iam, "access_keys": keys}
    return out


def _key_material(key: Any, held: Mapping[tuple[str, str, str], str]) -> Any:
    if not isinstance(key, dict) or key.get("material") != REDACTED:
        return key
    place = (key.get("account"), key.get("region"), key.get("key_id"))
    rest = {name: value for name, value in key.items() if name != "material"}
    return {**rest, "material": held[place]} if place in held else rest
