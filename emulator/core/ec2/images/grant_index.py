"""The grant index of one Region: its images by owner and by grant principal."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from emulator.core.ec2.images.records import DEREGISTERED, Image
from emulator.core.organizations.membership import Membership


def _index(mapping: dict[str, set[str]], key: str, image_id: str) -> None:
    mapping.setdefault(key, set()).add(image_id)


def _unindex(mapping: dict[str, set[str]], key: str, image_id: str) -> None:
    ids = mapping.get(key)
    if ids is not None:
        ids.discard(image_id)
        if not ids:
            del mapping[key]


@dataclass
class GrantIndex:
    """The images of one Region not deregistered, by owner and by grant principal (a
    disabled image has no grants, so only its owner finds it here).

    Lets "what may this account launch" walk the caller's own path instead of every image.
    """

    by_owner: dict[str, set[str]] = field(default_factory=dict)
    public: set[str] = field(default_factory=set)
    by_account: dict[str, set[str]] = field(default_factory=dict)
    by_org: dict[str, set[str]] = field(default_factory=dict)
    by_ou: dict[str, set[str]] = field(default_factory=dict)

    def add(self, image: Image) -> None:
        if image.state == DEREGISTERED:
            return
        self._apply(image, _index)
        if image.public:
            self.public.add(image.image_id)

    def remove(self, image: Image) -> None:
        self._apply(image, _unindex)
        self.public.discard(image.image_id)

    def _apply(self, image: Image, op) -> None:
        iid = image.image_id
        perms = image.launch_permissions
        op(self.by_owner, image.owner, iid)
        for account in perms.accounts:
            op(self.by_account, account, iid)
        for org_id in perms.org_ids:
            op(self.by_org, org_id, iid)
        for ou_id in perms.ou_ids():
            op(self.by_ou, ou_id, iid)

    def owned_by(self, account: str) -> set[str]:
        return set(self.by_owner.get(account, ()))

    def named_account(self, account: str) -> set[str]:
        return set(self.by_account.get(account, ()))

    def granted_to(self, account: str, membership: Membership | None) -> set[str]:
        """Candidates shared with ``account`` by id, org or an OU on its path (not checked)."""
        ids = self.named_account(account)
        if membership is not None:
            ids |= self.by_org.get(membership.org_id, set())
            for ou_id in membership.ou_path:
                ids |= self.by_ou.get(ou_id, set())
        return ids

    @classmethod
    def build(cls, images: Iterable[Image]) -> GrantIndex:
        index = cls()
        for image in images:
            index.add(image)
        return index
