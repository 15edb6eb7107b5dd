"""User tags, kept per (resource, tagging account): each account sees only its own."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from emulator.core.errors import InvalidValue, LimitExceeded

MAX_TAGS_PER_RESOURCE = 50
MAX_KEY_LENGTH = 128
MAX_VALUE_LENGTH = 256


def validate(tags: Mapping[str, str]) -> None:
    """Reject reserved, empty or oversized keys and values before anything is stored."""
    for key, value in tags.items():
        if not key:
            raise InvalidValue("tag_key_empty")
        if key.lower().startswith("aws:"):
            raise InvalidValue("tag_key_reserved", key=key)
        if len(key) > MAX_KEY_LENGTH:
            raise InvalidValue("tag_key_too_long", key=key)
        if len(value) > MAX_VALUE_LENGTH:
            raise InvalidValue("tag_value_too_long", key=key)


class TagStore:
    """Tags of one Region: resource id -> tagging account -> key -> value."""

    def __init__(self) -> None:
        self._tags: dict[str, dict[str, dict[str, str]]] = {}

    @property
    def is_empty(self) -> bool:
        return not self._tags

    def get(self, resource_id: str, account: str) -> dict[str, str]:
        return dict(self._tags.get(resource_id, {}).get(account, {}))

    def check_room(self, resource_id: str, account: str, tags: Mapping[str, str]) -> None:
        current = self._tags.get(resource_id, {}).get(account, {})
        if len(current.keys() | tags.keys()) > MAX_TAGS_PER_RESOURCE:
            raise LimitExceeded("tag_limit_exceeded", id=resource_id)

    def put(self, resource_id: str, account: str, tags: Mapping[str, str]) -> None:
        """Add or overwrite keys; callers validate (and ``check_room``) first."""
        if tags:
            self._tags.setdefault(resource_id, {}).setdefault(account, {}).update(tags)

    def delete(
        self, resource_id: str, account: str, keys: list[tuple[str, str | None]] | None
    ) -> None:
        """Delete the given keys (only where the value matches, when one is given), or all."""
        mine = self._tags.get(resource_id, {}).get(account)
        if mine is None:
            return
        if keys is None:
            mine.clear()
        for key, value in keys or []:
            if key in mine and (value is None or mine[key] == value):
                del mine[key]
        if not mine:
            del self._tags[resource_id][account]
            if not self._tags[resource_id]:
                del self._tags[resource_id]

    def drop(self, resource_id: str) -> None:
        """Forget every account's tags on a resource that no longer exists."""
        self._tags.pop(resource_id, None)

    def by_account(self, resource_id: str) -> dict[str, dict[str, str]]:
        """Every account's tags on one resource."""
        return {acct: dict(t) for acct, t in self._tags.get(resource_id, {}).items()}

    def of_account(self, account: str) -> Iterator[tuple[str, str, str]]:
        """(resource id, key, value) for every tag ``account`` made in this Region."""
        for resource_id, by_account in self._tags.items():
            for key, value in by_account.get(account, {}).items():
                yield resource_id, key, value

    def to_dict(self) -> dict[str, Any]:
        return {
            rid: {acct: dict(t) for acct, t in accts.items()} for rid, accts in self._tags.items()
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TagStore:
        store = cls()
        for rid, accts in data.items():
            for acct, tags in accts.items():
                store.put(rid, acct, tags)
        return store


TagSpecs = Mapping[str, Mapping[str, str]]  # resource type -> tags, from TagSpecifications


def check_specs(specs: TagSpecs, allowed: Iterable[str]) -> None:
    """Validate tags given on a create call; a resource type the call can't tag is an error."""
    allowed = set(allowed)
    for resource_type, tags in specs.items():
        if resource_type not in allowed:
            raise InvalidValue("tag_resource_type_invalid", resource_type=resource_type)
        validate(tags)
        if len(tags) > MAX_TAGS_PER_RESOURCE:
            raise LimitExceeded("tag_limit_exceeded", id=resource_type)
