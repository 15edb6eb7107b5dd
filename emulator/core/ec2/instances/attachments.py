"""AttachVolume and DetachVolume: a volume of the caller's joins or leaves its instance.

An attachment settles at once (the call answers attaching / detaching; a read shows
attached / available), as instance states do.
"""

from __future__ import annotations

from emulator.core.commit import commit
from emulator.core.ec2.instances.lifecycle import own_instance
from emulator.core.ec2.instances.records import RUNNING, STOPPED, Instance
from emulator.core.ec2.region import Env, RegionState
from emulator.core.ec2.storage.operations import own_volume
from emulator.core.ec2.storage.records import Volume
from emulator.core.errors import Conflict, InvalidValue, NotFound

_DEVICE_PREFIXES = ("/dev/", "xvd")


def attach_volume(
    env: Env, region: RegionState, account: str, volume_id: str, instance_id: str, device: str
) -> tuple[Volume, Instance]:
    """Attach an available volume to a running or stopped instance in its zone, at a device
    name the instance does not use yet."""
    vol = own_volume(region, account, volume_id)
    inst = own_instance(env, region, account, instance_id)
    if not device.startswith(_DEVICE_PREFIXES):
        raise InvalidValue("parameter_value_invalid", name="device", value=device)
    if vol.instance_id is not None:
        raise Conflict("volume_attached", id=vol.volume_id)
    state = inst.state_at(env.now())
    if state not in (RUNNING, STOPPED):
        raise Conflict("instance_not_running", id=inst.instance_id)
    if vol.availability_zone != inst.availability_zone:
        raise Conflict("volume_zone_mismatch", id=vol.volume_id, instance_id=inst.instance_id)
    for other in map(region.volumes.get, inst.volume_ids):
        if other is not None and other.instance_id == inst.instance_id and other.device == device:
            raise InvalidValue("attachment_point_in_use", device=device)
    commit()
    vol.instance_id = inst.instance_id
    vol.device = device
    vol.attach_time = env.now()
    vol.delete_on_termination = False
    if vol.volume_id not in inst.volume_ids:
        inst.volume_ids.append(vol.volume_id)
    return vol, inst


def detach_volume(
    env: Env,
    region: RegionState,
    account: str,
    volume_id: str,
    instance_id: str | None,
    device: str | None,
) -> tuple[Volume, str, str, str]:
    """Detach an attached volume; the root volume of a running instance stays. Answers the
    volume and what it was attached as (instance, device, attach time)."""
    vol = own_volume(region, account, volume_id)
    if vol.instance_id is None:
        raise Conflict("volume_not_attached", id=vol.volume_id, state=vol.state)
    if (
        instance_id is not None
        and own_instance(env, region, account, instance_id).instance_id != vol.instance_id
    ):
        raise NotFound("attachment_not_found", id=vol.volume_id, instance_id=instance_id)
    if device is not None and device != vol.device:
        raise NotFound("attachment_not_found", id=vol.volume_id, instance_id=vol.instance_id)
    inst = region.instances[vol.instance_id]
    if vol.device == inst.root_device_name and inst.state_at(env.now()) != STOPPED:
        raise Conflict("root_volume_detach", id=vol.volume_id, instance_id=inst.instance_id)
    commit()
    was = (inst.instance_id, vol.device or "", vol.attach_time or env.now())
    vol.instance_id = vol.device = vol.attach_time = None
    vol.delete_on_termination = False
    inst.volume_ids.remove(vol.volume_id)
    return vol, *was
