"""Secrets in a world snapshot: hidden from HTTP readers, and never taken back for real.

A hidden secret loaded back is never taken for the secret itself.

The secrets are the configured secret access keys (``config.secret_keys``), each
AssumeRole session's secret key and token, and each IAM user access key's secret. Access
key ids, role ids and expirations are public ids and stay visible.
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
    out = {**snapshot, "config": config, "sessions": sessions}
    if "iam" in snapshot:
        iam = dict(snapshot["iam"])
        iam["access_keys"] = [{**k, "secret": REDACTED} for k in iam.get("access_keys", [])]
        out["iam"] = iam
    return out


def restore(
    data: dict[str, Any], secret_keys: Mapping[str, str], sessions: Sessions, iam: Iam
) -> dict[str, Any]:
    """``data`` to load, where each redacted secret is the one the world already holds for
    that key; a secret the world does not hold is unknown, so that key's entry (a configured
    secret, a session) is dropped rather than loaded with the placeholder as its secret."""
    out = dict(data)
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
