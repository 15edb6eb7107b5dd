"""The filters DescribeInstances documents, each read as the instance's answer shows it."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Mapping

from emulator.core.ec2.filters import Field, always, as_text, field_table
from emulator.core.ec2.instances.records import STATE_CODES, Instance
from emulator.core.ec2.network.placement import INSTANCE_NETWORK_FILTERS
from emulator.core.ec2.storage.records import Volume

_READ: dict[str, Field[Instance]] = {
    "instance-id": lambda i: [i.instance_id],
    "image-id": lambda i: [i.image_id],
    "instance-state-name": lambda i: [i.state],
    "instance-state-code": lambda i: [str(i.state_code)],
    "instance-type": lambda i: [i.instance_type],
    "reservation-id": lambda i: [i.reservation_id],
    "owner-id": lambda i: [i.owner],
    "availability-zone": lambda i: [i.availability_zone],
    "root-device-type": lambda i: [i.root_device_type],
    "root-device-name": lambda i: [i.root_device_name],
    "architecture": lambda i: [i.architecture],
    "launch-time": lambda i: [i.launch_time],
    "launch-index": lambda i: [str(i.ami_launch_index)],
    "ami-launch-index": lambda i: [str(i.ami_launch_index)],
    "virtualization-type": lambda i: [i.virtualization_type],
    "hypervisor": lambda i: [i.hypervisor],
    "platform-details": lambda i: [i.platform_details],
    "usage-operation": lambda i: [i.usage_operation],
    # Windows instances alone show a Platform (``windows``).
    "platform": lambda i: ["windows"] if i.platform_details.startswith("Windows") else [],
    "reason": lambda i: [i.state_transition_reason] if i.state_transition_reason else [],
    "state-reason-code": lambda i: [i.state_reason["Code"]] if i.state_reason else [],
    "state-reason-message": lambda i: [i.state_reason["Message"]] if i.state_reason else [],
    # What every instance's answer shows the same (api/ec2/shapes.py): default tenancy,
    # basic monitoring; and features never enabled here.
    "tenancy": always("default"),
    "monitoring-state": always("disabled"),
    "enclave-options.enabled": always(as_text(False)),
    "operator.managed": always(as_text(False)),
    # Subnet, VPC, groups, key, addresses, interfaces (core/ec2/network/placement.py).
    **INSTANCE_NETWORK_FILTERS,
    # What RunInstances records of the request and the image.
    "client-token": lambda i: [i.client_token] if i.client_token else [],
    "kernel-id": lambda i: [i.kernel_id] if i.kernel_id else [],
    "ramdisk-id": lambda i: [i.ramdisk_id] if i.ramdisk_id else [],
    "source-dest-check": lambda i: [as_text(i.source_dest_check)],
    "ebs-optimized": lambda i: [as_text(i.ebs_optimized)],
    "ena-support": lambda i: [as_text(i.ena_support)],
    "hibernation-options.configured": lambda i: [as_text(i.hibernation_configured)],
}
INSTANCE_FILTERS = field_table(
    _READ,
    # A name leaves this list as the emulator learns its field.
    without_data=tuple(
        n
        for n in (
            # On-demand instances have no lifecycle, spot request, Capacity Reservation, host or
            # placement group; none is managed by a service or on an Outpost.
            "instance-lifecycle",
            "spot-instance-request-id",
            "affinity",
            "host-id",
            "placement-group-name",
            "placement-partition-number",
            "outpost-arn",
            "operator.principal",
            "capacity-reservation-id",
            "capacity-reservation-specification.capacity-reservation-preference",
            "capacity-reservation-specification.capacity-reservation-target.capacity-reservation-id",
            "capacity-reservation-specification.capacity-reservation-target.capacity-reservation-resource-group-arn",
            # What RunInstances here does not record.
            "availability-zone-id",
            "boot-mode",
            "current-instance-boot-mode",
            "tpm-support",
            "client-token",
            "kernel-id",
            "ramdisk-id",
            "key-name",
            "iam-instance-profile.arn",
            "iam-instance-profile.id",
            "product-code",
            "product-code.type",
            "requester-id",
            "usage-operation-update-time",
            "maintenance-options.auto-recovery",
            "network-performance-options.bandwidth-weighting",
            "metadata-options.http-endpoint",
            "metadata-options.http-protocol-ipv4",
            "metadata-options.http-protocol-ipv6",
            "metadata-options.http-put-response-hop-limit",
            "metadata-options.http-tokens",
            "metadata-options.instance-metadata-tags",
            "metadata-options.state",
            # The network the instance sits in: no VPC, subnet, address or interface yet.
            "vpc-id",
            "subnet-id",
            "instance.group-id",
            "instance.group-name",
            "source-dest-check",
            "dns-name",
            "ip-address",
            "ipv6-address",
            "private-dns-name",
            "private-ip-address",
            "private-dns-name-options.enable-resource-name-dns-a-record",
            "private-dns-name-options.enable-resource-name-dns-aaaa-record",
            "private-dns-name-options.hostname-type",
            "network-interface.addresses.association.allocation-id",
            "network-interface.addresses.association.association-id",
            "network-interface.addresses.association.carrier-ip",
            "network-interface.addresses.association.customer-owned-ip",
            "network-interface.addresses.association.ip-owner-id",
            "network-interface.addresses.association.public-dns-name",
            "network-interface.addresses.association.public-ip",
            "network-interface.addresses.primary",
            "network-interface.addresses.private-dns-name",
            "network-interface.addresses.private-ip-address",
            "network-interface.association.allocation-id",
            "network-interface.association.association-id",
            "network-interface.association.carrier-ip",
            "network-interface.association.customer-owned-ip",
            "network-interface.association.ip-owner-id",
            "network-interface.association.public-dns-name",
            "network-interface.association.public-ip",
            "network-interface.attachment.attach-time",
            "network-interface.attachment.attachment-id",
            "network-interface.attachment.delete-on-termination",
            "network-interface.attachment.device-index",
            "network-interface.attachment.instance-id",
            "network-interface.attachment.instance-owner-id",
            "network-interface.attachment.network-card-index",
            "network-interface.attachment.status",
            "network-interface.availability-zone",
            "network-interface.deny-all-igw-traffic",
            "network-interface.description",
            "network-interface.group-id",
            "network-interface.group-name",
            "network-interface.ipv4-prefixes.ipv4-prefix",
            "network-interface.ipv6-address",
            "network-interface.ipv6-addresses.ipv6-address",
            "network-interface.ipv6-addresses.is-primary-ipv6",
            "network-interface.ipv6-native",
            "network-interface.ipv6-prefixes.ipv6-prefix",
            "network-interface.mac-address",
            "network-interface.network-interface-id",
            "network-interface.operator.managed",
            "network-interface.operator.principal",
            "network-interface.outpost-arn",
            "network-interface.owner-id",
            "network-interface.private-dns-name",
            "network-interface.private-ip-address",
            "network-interface.public-dns-name",
            "network-interface.requester-id",
            "network-interface.requester-managed",
            "network-interface.status",
            "network-interface.source-dest-check",
            "network-interface.subnet-id",
            "network-interface.tag-key",
            "network-interface.tag-value",
            "network-interface.vpc-id",
        )
        if n not in _READ
    ),
)


def instance_filters(
    attached: Callable[[Instance], list[Volume]], now: str
) -> Mapping[str, Field[Instance]]:
    """The table, with the state as it reads at ``now`` and the block device filters over
    the volumes ``attached`` gives (those the answer's BlockDeviceMappings shows). A view:
    nothing is copied per call."""

    def over_volumes(read: Callable[[Volume], str | None]) -> Field[Instance]:
        return lambda i: [v for v in map(read, attached(i)) if v is not None]

    devices: dict[str, Field[Instance]] = {
        "instance-state-name": lambda i: [i.state_at(now)],
        "instance-state-code": lambda i: [str(STATE_CODES[i.state_at(now)])],
        "block-device-mapping.volume-id": over_volumes(lambda v: v.volume_id),
        "block-device-mapping.device-name": over_volumes(lambda v: v.device),
        "block-device-mapping.attach-time": over_volumes(lambda v: v.attach_time),
        "block-device-mapping.status": over_volumes(lambda v: "attached"),
        "block-device-mapping.delete-on-termination": over_volumes(
            lambda v: as_text(v.delete_on_termination)
        ),
    }
    return ChainMap(devices, INSTANCE_FILTERS)
