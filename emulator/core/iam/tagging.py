"""IAM user and role tags: TagUser, UntagUser, ListUserTags and the role ones.

At most 50 tags on a user or role; keys 1-128 characters, values up to 256 (IAM API
Reference, "TagUser"). A key is unique without regard to case: a tag of the same key, in
any case, replaces the old one. The tags are the ``aws:PrincipalTag/*`` of the user's or
the role's sessions' requests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from emulator.core.commit import commit
from emulator.core.errors import LimitExceeded
from emulator.core.iam.records import Checks, Role, User
from emulator.core.iam.store import IamStore

MAX_TAGS = 50
MAX_KEY, MAX_VALUE = 128, 256
TAG_CHARS = r"[\w\s_.:/=+\-@]*"
QUOTAS = {"user": "TagsPerUser", "role": "TagsPerRole"}


def check_tags(tags: Iterable[Mapping[str, str]], kind: str = "user") -> dict[str, str]:
    """The tags as a map (the last of a key wins), once every key and value is valid."""
    checks = Checks()
    out: dict[str, str] = {}
    for i, tag in enumerate(tags, start=1):
        key, value = str(tag.get("Key", "")), str(tag.get("Value", ""))
        checks.text(f"tags.{i}.member.key", key, longest=MAX_KEY, pattern=TAG_CHARS)
        checks.text(
            f"tags.{i}.member.value", value, longest=MAX_VALUE, shortest=0, pattern=TAG_CHARS
        )
        out[key] = value
    checks.done()
    if len(out) > MAX_TAGS:
        raise LimitExceeded("quota", quota=QUOTAS[kind], limit=MAX_TAGS)
    return out


class TaggingOperations(IamStore):
    def tag(self, account: str, kind: str, name: str, tags: Iterable[Mapping[str, str]]) -> None:
        entity = self._entity(account, kind, name)
        new = check_tags(tags, kind)
        merged = {k: v for k, v in entity.tags.items() if k.casefold() not in _folded(new)}
        merged |= new
        if len(merged) > MAX_TAGS:
            raise LimitExceeded("quota", quota=QUOTAS[kind], limit=MAX_TAGS)
        commit()
        entity.tags = merged

    def untag(self, account: str, kind: str, name: str, keys: Iterable[str]) -> None:
        entity = self._entity(account, kind, name)
        gone = {k.casefold() for k in keys}
        commit()
        entity.tags = {k: v for k, v in entity.tags.items() if k.casefold() not in gone}

    def tags_of(self, account: str, kind: str, name: str) -> list[tuple[str, str]]:
        """ListUserTags / ListRoleTags: by key."""
        entity: User | Role = self._entity(account, kind, name)
        return sorted(entity.tags.items())


def _folded(tags: Mapping[str, str]) -> set[str]:
    return {k.casefold() for k in tags}
