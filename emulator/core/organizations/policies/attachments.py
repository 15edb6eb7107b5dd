"""Which policies are attached to which targets, indexed both ways so lookups stay flat."""

from __future__ import annotations


class Attachments:
    """Target id -> policy ids (attach order) and (org, policy id) -> target ids.

    The reverse index is keyed by organization too: an AWS managed policy such as
    FullAWSAccess is one policy attached in many organizations.
    """

    def __init__(self) -> None:
        self._by_target: dict[str, list[str]] = {}
        self._by_policy: dict[tuple[str, str], list[str]] = {}

    def of_target(self, target_id: str) -> list[str]:
        return self._by_target.get(target_id, [])

    def targets_of(self, org_id: str, policy_id: str) -> list[str]:
        return self._by_policy.get((org_id, policy_id), [])

    def is_attached(self, target_id: str, policy_id: str) -> bool:
        return policy_id in self._by_target.get(target_id, ())

    def attach(self, org_id: str, target_id: str, policy_id: str) -> None:
        self._by_target.setdefault(target_id, []).append(policy_id)
        self._by_policy.setdefault((org_id, policy_id), []).append(target_id)

    def detach(self, org_id: str, target_id: str, policy_id: str) -> None:
        _remove(self._by_target, target_id, policy_id)
        _remove(self._by_policy, (org_id, policy_id), target_id)

    def drop_target(self, org_id: str, target_id: str) -> None:
        """Forget every attachment of a target that leaves or is deleted."""
        for policy_id in self._by_target.pop(target_id, []):
            _remove(self._by_policy, (org_id, policy_id), target_id)

    def pairs(self) -> list[tuple[str, str, str]]:
        """Every ``(org_id, policy_id, target_id)``, for the snapshot."""
        return [(o, p, t) for (o, p), targets in self._by_policy.items() for t in targets]


def _remove(index: dict, key: object, value: str) -> None:  # type: ignore[type-arg]
    values = index.get(key)
    if values is not None and value in values:
        values.remove(value)
        if not values:
            del index[key]
