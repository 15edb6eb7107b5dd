"""Each account's network in one Region: recorded once changed, its default until then."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from emulator.core.ec2.network.defaults import default_network
from emulator.core.ec2.network.records import AccountNetwork


class Placed(Protocol):
    """What an instance tells the network about where it is (``Instance`` provides it)."""

    instance_id: str
    owner: str
    subnet_id: str | None
    private_ip: int | None
    security_groups: dict[str, str]
    holds_address: bool


class NetworkState:
    """The recorded networks of one Region by account. An account not in ``accounts`` has
    its default network, computed on each read (a handful of records) and never stored."""

    def __init__(self, region: str, accounts: dict[str, AccountNetwork] | None = None) -> None:
        self.region = region
        self.accounts = accounts or {}

    @property
    def is_empty(self) -> bool:
        return not self.accounts

    def view(self, account: str) -> AccountNetwork:
        """``account``'s network to read or to check a change against; a change made to it
        is kept only by ``keep``."""
        net = self.accounts.get(account)
        return net if net is not None else default_network(account, self.region)

    def keep(self, account: str, net: AccountNetwork) -> None:
        """Record ``net`` (from ``view``) as ``account``'s network; call after ``commit()``."""
        self.accounts.setdefault(account, net)

    def exists(self, account: str, resource_id: str) -> bool:
        return self.view(account).has(resource_id)

    def place(self, instances: Iterable[Placed]) -> None:
        """Rebuild the derived indexes (addresses in use, groups in use) from the instances
        that hold an address."""
        for inst in instances:
            net = self.accounts.get(inst.owner)
            if net is None or not inst.holds_address or inst.subnet_id is None:
                continue
            subnet = net.subnets.get(inst.subnet_id)
            if subnet is not None and inst.private_ip is not None:
                subnet.used[inst.private_ip] = inst.instance_id
            for group_id in inst.security_groups:
                group = net.security_groups.get(group_id)
                if group is not None:
                    group.users.add(inst.instance_id)

    def to_dict(self) -> dict[str, Any]:
        return {account: net.to_dict() for account, net in self.accounts.items()}

    @classmethod
    def from_dict(cls, region: str, data: dict[str, Any]) -> NetworkState:
        return cls(region, {a: AccountNetwork.from_dict(d) for a, d in data.items()})
