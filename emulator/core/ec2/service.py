"""The EC2 facade the World holds: per-Region state plus one method per operation."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from emulator.core.authorization import Authorize
from emulator.core.ec2 import tagging as resource_tags
from emulator.core.ec2.filters import Filter
from emulator.core.ec2.images import block_public_access as bpa
from emulator.core.ec2.images import catalog as image_catalog
from emulator.core.ec2.images.catalog import ImageSpec
from emulator.core.ec2.images.launch_permissions import GROUP, Grant, validate
from emulator.core.ec2.images.records import BlockDevice, Image
from emulator.core.ec2.instances import operations as instances
from emulator.core.ec2.instances.records import Instance
from emulator.core.ec2.region import Ec2Config, Env, RegionState
from emulator.core.ec2.storage import operations as storage
from emulator.core.ec2.storage import snapshot_permissions
from emulator.core.ec2.storage.encryption import check_shareable, key_for, named_key
from emulator.core.ec2.storage.records import Snapshot, Volume
from emulator.core.ec2.tagging import TagRow
from emulator.core.ec2.tags import TagSpecs
from emulator.core.errors import InvalidValue
from emulator.core.ids import IdSource
from emulator.core.kms.keys import Kms
from emulator.core.organizations.membership import MembershipLookup

T = TypeVar("T")


class Ec2:
    """All EC2 state, Region by Region. The edge decides which Region names are valid; here a
    Region's state is recorded with the first change made in it, never by a read."""

    def __init__(
        self,
        *,
        ids: IdSource,
        clock: Callable[[], datetime],
        membership: MembershipLookup,
        config: Ec2Config,
        authorize: Authorize,
        keys: Kms | None = None,
    ) -> None:
        # Without the World's KMS (unit tests of EC2 alone), EC2 gets a KMS of its own.
        keys = keys if keys is not None else Kms(ids=ids, clock=clock, membership=membership)
        self.env = Env(
            ids=ids,
            clock=clock,
            membership=membership,
            config=config,
            keys=keys,
            authorize=authorize,
        )
        self.regions: dict[str, RegionState] = {}

    def region(self, name: str) -> RegionState:
        """Region ``name`` for reading: one nothing was made in reads as empty, unrecorded."""
        state = self.regions.get(name)
        return state if state is not None else RegionState(name)

    def _change(self, name: str, operation: Callable[[RegionState], T]) -> T:
        """Run a state-changing operation in Region ``name``; a Region it leaves empty (the
        call failed, was a dry run, or changed nothing) stays unrecorded."""
        state = self.regions.get(name)
        if state is not None:
            return operation(state)
        state = RegionState(name)
        result = operation(state)
        if not state.is_empty:
            self.regions[name] = state
        return result

    # ---- images ---------------------------------------------------------------------------

    def register_image(
        self,
        account: str,
        region: str,
        spec: ImageSpec,
        block_devices: list[BlockDevice],
        tags: TagSpecs,
        image_id: str | None = None,
    ) -> Image:
        """RegisterImage; ``image_id`` lets a scenario loader choose the id."""
        return self._change(
            region,
            lambda state: image_catalog.register_image(
                self.env, state, account, spec, block_devices, tags, image_id
            ),
        )

    def create_image(self, account: str, region: str, **kwargs: Any) -> Image:
        return self._change(
            region, lambda state: image_catalog.create_image(self.env, state, account, **kwargs)
        )

    def copy_image(self, account: str, region: str, source_region: str, **kwargs: Any) -> Image:
        source = self.region(source_region)
        return self._change(
            region,
            lambda state: image_catalog.copy_image(
                self.env, state if source_region == region else source, state, account, **kwargs
            ),
        )

    def deregister_image(
        self, account: str, region: str, image_id: str, delete_snapshots: bool = False
    ) -> list[tuple[str, bool]]:
        return self._change(
            region,
            lambda state: image_catalog.deregister_image(
                state, self.env, account, image_id, delete_snapshots
            ),
        )

    def describe_images(
        self,
        account: str,
        region: str,
        *,
        image_ids: list[str] | None = None,
        owners: list[str] | None = None,
        executable_users: list[str] | None = None,
        filters: list[Filter] | None = None,
    ) -> list[Image]:
        return image_catalog.describe_images(
            self.env,
            self.region(region),
            account,
            image_ids=image_ids or [],
            owners=owners or [],
            executable_users=executable_users or [],
            filters=filters or [],
        )

    def modify_launch_permissions(
        self, account: str, region: str, image_id: str, adds: list[Grant], removes: list[Grant]
    ) -> None:
        self._change(
            region,
            lambda state: image_catalog.modify_launch_permissions(
                self.env, state, account, image_id, adds, removes
            ),
        )

    def add_grants(self, region: str, image_id: str, grants: list[Grant]) -> None:
        """Scenario loading: add entries to an image without an owner's request."""
        for grant in grants:
            validate(grant)
        state = self.regions[region]
        image = state.images[image_id]
        if any(g.kind != GROUP for g in grants):
            check_shareable(self.env, image)
        if image.encrypted and Grant(GROUP, "all") in grants:
            raise InvalidValue("encrypted_image_public")
        image_catalog.set_launch_permissions(
            state, image, image.launch_permissions.applied(grants, []).entries
        )

    def modify_image_attribute(
        self, account: str, region: str, image_id: str, attribute: str, value: str
    ) -> None:
        self._change(
            region,
            lambda state: image_catalog.modify_image_attribute(
                self.env, state, account, image_id, attribute, value
            ),
        )

    def image_attribute(self, account: str, region: str, image_id: str, attribute: str) -> Image:
        return image_catalog.image_attribute(
            self.env, self.region(region), account, image_id, attribute
        )

    def reset_image_attribute(
        self, account: str, region: str, image_id: str, attribute: str
    ) -> None:
        self._change(
            region,
            lambda state: image_catalog.reset_image_attribute(
                self.env, state, account, image_id, attribute
            ),
        )

    # ---- block public access --------------------------------------------------------------

    def image_bpa_state(self, account: str, region: str) -> str:
        return bpa.state(self.env, self.region(region), account)

    def enable_image_bpa(self, account: str, region: str, requested: str) -> str:
        return self._change(region, lambda state: bpa.enable(state, account, requested))

    def disable_image_bpa(self, account: str, region: str) -> str:
        return self._change(region, lambda state: bpa.disable(state, account))

    # ---- volumes and snapshots ------------------------------------------------------------

    def create_volume(self, account: str, region: str, **kwargs: Any) -> Volume:
        return self._change(
            region, lambda state: storage.create_volume(self.env, state, account, **kwargs)
        )

    def describe_volumes(
        self, account: str, region: str, volume_ids: list[str], filters: list[Filter]
    ) -> list[Volume]:
        return storage.describe_volumes(self.region(region), account, volume_ids, filters)

    def delete_volume(self, account: str, region: str, volume_id: str) -> None:
        self._change(region, lambda state: storage.delete_volume(state, account, volume_id))

    def create_snapshot(self, account: str, region: str, **kwargs: Any) -> Snapshot:
        return self._change(
            region, lambda state: storage.create_snapshot(self.env, state, account, **kwargs)
        )

    def describe_snapshots(
        self,
        account: str,
        region: str,
        snapshot_ids: list[str],
        owner_ids: list[str],
        filters: list[Filter],
        restorable_by: list[str] | None = None,
    ) -> list[Snapshot]:
        return storage.describe_snapshots(
            self.region(region), account, snapshot_ids, owner_ids, restorable_by or [], filters
        )

    def modify_snapshot_permissions(
        self,
        account: str,
        region: str,
        snapshot_id: str,
        adds: list[tuple[str, str]],
        removes: list[tuple[str, str]],
    ) -> None:
        self._change(
            region,
            lambda state: snapshot_permissions.modify(
                self.env, state, account, snapshot_id, adds, removes
            ),
        )

    def snapshot_attribute(
        self, account: str, region: str, snapshot_id: str, attribute: str
    ) -> Snapshot:
        return snapshot_permissions.permissions(
            self.region(region), account, snapshot_id, attribute
        )

    def reset_snapshot_attribute(
        self, account: str, region: str, snapshot_id: str, attribute: str
    ) -> None:
        self._change(
            region,
            lambda state: snapshot_permissions.reset(state, account, snapshot_id, attribute),
        )

    def new_snapshot(
        self,
        account: str,
        region: str,
        *,
        size: int,
        encrypted: bool = False,
        kms_key_id: str | None = None,
    ) -> Snapshot:
        """A completed snapshot with no source volume (scenario loading); ``kms_key_id`` is
        resolved in the owner's account and Region, ``aws/ebs`` when encrypted without one."""
        key = named_key(self.env, account, region, encrypted, kms_key_id)
        return self._change(
            region,
            lambda state: storage.new_snapshot(
                self.env,
                state,
                account,
                size=size,
                encrypted=encrypted,
                kms_key_id=key_for(self.env, account, region, encrypted, key),
            ),
        )

    def delete_snapshot(self, account: str, region: str, snapshot_id: str) -> None:
        self._change(region, lambda state: storage.delete_snapshot(state, account, snapshot_id))

    # ---- instances ------------------------------------------------------------------------

    def run_instances(self, account: str, region: str, **kwargs: Any) -> list[Instance]:
        return self._change(
            region, lambda state: instances.run_instances(self.env, state, account, **kwargs)
        )

    def describe_instances(
        self, account: str, region: str, instance_ids: list[str], filters: list[Filter]
    ) -> list[Instance]:
        return instances.describe_instances(self.region(region), account, instance_ids, filters)

    def terminate_instances(
        self, account: str, region: str, instance_ids: list[str]
    ) -> list[tuple[Instance, str]]:
        return self._change(
            region, lambda state: instances.terminate_instances(state, account, instance_ids)
        )

    def attached_volumes(self, region: str, instance: Instance) -> list[Volume]:
        return instances.attached_volumes(self.region(region), instance)

    # ---- tags -----------------------------------------------------------------------------

    def tags_of(self, account: str, region: str, resource_id: str) -> dict[str, str]:
        """The tags ``account`` put on a resource (nobody else's)."""
        return self.region(region).tags.get(resource_id, account)

    def create_tags(
        self, account: str, region: str, resource_ids: list[str], tags: Mapping[str, str]
    ) -> None:
        self._change(
            region,
            lambda state: resource_tags.create_tags(self.env, state, account, resource_ids, tags),
        )

    def delete_tags(
        self,
        account: str,
        region: str,
        resource_ids: list[str],
        keys: list[tuple[str, str | None]] | None,
    ) -> None:
        self._change(
            region,
            lambda state: resource_tags.delete_tags(self.env, state, account, resource_ids, keys),
        )

    def describe_tags(self, account: str, region: str, filters: list[Filter]) -> list[TagRow]:
        return resource_tags.describe_tags(self.region(region), account, filters)

    # ---- snapshot / restore ---------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        # A Region only touched by reads or failed calls holds nothing worth saving.
        return {
            "regions": {name: r.to_dict() for name, r in self.regions.items() if not r.is_empty}
        }

    @classmethod
    def from_dict(
        cls,
        data: dict[str, Any],
        *,
        ids: IdSource,
        clock: Callable[[], datetime],
        membership: MembershipLookup,
        config: Ec2Config,
        authorize: Authorize,
        keys: Kms | None = None,
    ) -> Ec2:
        ec2 = cls(
            ids=ids,
            clock=clock,
            membership=membership,
            config=config,
            authorize=authorize,
            keys=keys,
        )
        for name, region in data.get("regions", {}).items():
            ec2.regions[name] = RegionState.from_dict(name, region)
        return ec2
