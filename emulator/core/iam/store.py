"""IAM's state: each account's users, roles, access keys and customer managed policies.

Names are unique per account without regard to case, as IAM keeps them; lookups by name
ignore case too. The indexes (keys by id, attachments by policy) are rebuilt on load.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import string
from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any, TypeVar

from emulator.core.errors import InvalidValue, NotFound
from emulator.core.iam.records import (
    DEFAULT_MAX_ITEMS,
    MAX_ITEMS,
    AccessKey,
    Checks,
    ManagedPolicy,
    Role,
    User,
)
from emulator.core.ids import IdSource

T = TypeVar("T")
_SECRET_ALPHABET = string.ascii_letters + string.digits


def new_secret(length: int) -> str:
    """Secrets come from the operating system's secure source, never from the seeded ids:
    whoever knows a seed (or the public ids it made) must not learn a secret."""
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(length))


def iso(moment: datetime) -> str:
    """IAM answers times to the second, in UTC."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(microsecond=0).isoformat()


class IamStore:
    """The records and their lookups; the operations live in the classes built on it."""

    def __init__(self, *, ids: IdSource, clock: Callable[[], datetime]) -> None:
        self._ids = ids
        self._clock = clock
        # account -> casefolded name -> record: a listing costs only that account's
        self._users: dict[str, dict[str, User]] = {}
        self._roles: dict[str, dict[str, Role]] = {}
        self._policies_of: dict[str, dict[str, ManagedPolicy]] = {}
        self._policies: dict[str, ManagedPolicy] = {}  # ARN -> customer managed policy
        self._keys: dict[str, AccessKey] = {}  # access key id -> key
        # (account, casefolded user name) -> that user's keys by id
        self._keys_of: dict[tuple[str, str], dict[str, AccessKey]] = {}
        # (account, policy ARN) -> the entities it is attached to: ("user"|"role", name)
        self._attachments: dict[tuple[str, str], set[tuple[str, str]]] = {}

    # ------------------------------------------------------------ ids and time

    def _now(self) -> str:
        return iso(self._clock())

    # ------------------------------------------------------------ lookups

    def user(self, account: str, name: str) -> User:
        found = self.find_user(account, name)
        if found is None:
            raise NotFound("user_not_found", name=name)
        return found

    def role(self, account: str, name: str) -> Role:
        found = self.find_role(account, name)
        if found is None:
            raise NotFound("role_not_found", name=name)
        return found

    def find_role(self, account: str, name: str) -> Role | None:
        return self._roles.get(account, {}).get(name.casefold())

    def find_user(self, account: str, name: str) -> User | None:
        return self._users.get(account, {}).get(name.casefold())

    def users_of(self, account: str) -> list[User]:
        return list(self._users.get(account, {}).values())

    def roles_of(self, account: str) -> list[Role]:
        return list(self._roles.get(account, {}).values())

    def _add_policy(self, policy: ManagedPolicy) -> None:
        self._policies[policy.arn] = policy
        self._policies_of.setdefault(policy.account, {})[policy.name.casefold()] = policy

    def _drop_policy(self, policy: ManagedPolicy) -> None:
        del self._policies[policy.arn]
        del self._policies_of[policy.account][policy.name.casefold()]

    def key(self, access_key: str) -> AccessKey | None:
        """The IAM user access key with this id, if there is one."""
        return self._keys.get(access_key)

    def _add_key(self, key: AccessKey) -> None:
        self._keys[key.id] = key
        self._keys_of.setdefault((key.account, key.user.casefold()), {})[key.id] = key

    def _drop_key(self, key: AccessKey) -> None:
        del self._keys[key.id]
        del self._keys_of[(key.account, key.user.casefold())][key.id]

    def _entity(self, account: str, kind: str, name: str) -> User | Role:
        return self.user(account, name) if kind == "user" else self.role(account, name)

    def _attach_index(self, account: str, arn: str) -> set[tuple[str, str]]:
        return self._attachments.setdefault((account, arn), set())

    # ------------------------------------------------------------ snapshot

    def to_dict(self) -> dict[str, Any]:
        return {
            "users": [asdict(u) for users in self._users.values() for u in users.values()],
            "roles": [asdict(r) for roles in self._roles.values() for r in roles.values()],
            "policies": [p.to_dict() for p in self._policies.values()],
            "access_keys": [asdict(k) for k in self._keys.values()],
        }

    def _load(self, data: dict[str, Any]) -> None:
        for raw in data.get("users", []):
            user = User(**_copied(raw))
            self._users.setdefault(user.account, {})[user.name.casefold()] = user
        for raw in data.get("roles", []):
            role = Role(**_copied(raw))
            self._roles.setdefault(role.account, {})[role.name.casefold()] = role
        for raw in data.get("policies", []):
            self._add_policy(ManagedPolicy.from_dict(raw))
        for raw in data.get("access_keys", []):
            self._add_key(AccessKey(**raw))
        for kind, by_account in (("user", self._users), ("role", self._roles)):
            for entity in (e for entities in by_account.values() for e in entities.values()):
                for arn in entity.attached:
                    self._attach_index(entity.account, arn).add((kind, entity.name))


def _copied(raw: dict[str, Any]) -> dict[str, Any]:
    """A record's fields with its own copies of the policy maps and lists it holds."""
    return {
        **raw,
        "inline": dict(raw.get("inline", {})),
        "attached": list(raw.get("attached", [])),
        "tags": dict(raw.get("tags", {})),
    }


def page(
    items: Iterable[T], sort_key: Callable[[T], str], marker: str | None, max_items: int | None
) -> tuple[list[T], str | None]:
    """One page of ``items`` by ``sort_key`` and the marker of the next (None at the end).
    A marker is the sort key of the next page's first item, encoded; one pass per page."""
    checks = Checks()
    checks.number("maxItems", max_items, *MAX_ITEMS)
    checks.text("marker", marker, longest=320, pattern=r"[\u0020-\u00FF]+")
    checks.done()
    start = _start(marker) if marker is not None else ""
    ordered = sorted((i for i in items if sort_key(i) >= start), key=sort_key)
    size = max_items or DEFAULT_MAX_ITEMS
    if len(ordered) <= size:
        return ordered, None
    next_key = sort_key(ordered[size]).encode()
    return ordered[:size], base64.urlsafe_b64encode(next_key).decode()


def _start(marker: str) -> str:
    try:
        return base64.urlsafe_b64decode(marker.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        raise InvalidValue("invalid_marker") from None
