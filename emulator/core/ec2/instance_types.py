"""DescribeInstanceTypes and DescribeInstanceTypeOfferings over the shipped type table.

The table (``instance_types.json``, loaded once) holds each type in the output shape of
DescribeInstanceTypes; a filter names a path into it, so no type has code of its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from emulator.core.ec2.filters import Filter, FilterSet, as_text
from emulator.core.ec2.zones import zones_of
from emulator.core.errors import InvalidValue

DATA = Path(__file__).with_name("instance_types.json")
LOCATION_TYPES = ("region", "availability-zone", "availability-zone-id")


@cache
def instance_types() -> dict[str, dict[str, Any]]:
    """Every shipped type by name, in the DescribeInstanceTypes output shape."""
    rows = json.loads(DATA.read_text())["InstanceTypes"]
    return {row["InstanceType"]: row for row in rows}


def _path(*keys: str):
    """A field reading ``keys`` into a type's record; lists on the way are flattened."""

    def read(item: dict[str, Any]) -> list[str]:
        values: list[Any] = [item]
        for key in keys:
            nxt: list[Any] = []
            for v in values:
                got = v.get(key) if isinstance(v, dict) else None
                if isinstance(got, list):
                    nxt.extend(got)
                elif got is not None:
                    nxt.append(got)
            values = nxt
        return [as_text(v) for v in values]

    return read


_EBS_OPT = ("EbsInfo", "EbsOptimizedInfo")
TYPE_FILTERS = {
    "auto-recovery-supported": _path("AutoRecoverySupported"),
    "bare-metal": _path("BareMetal"),
    "burstable-performance-supported": _path("BurstablePerformanceSupported"),
    "current-generation": _path("CurrentGeneration"),
    "dedicated-hosts-supported": _path("DedicatedHostsSupported"),
    "ebs-info.attachment-limit-type": _path("EbsInfo", "AttachmentLimitType"),
    "ebs-info.maximum-ebs-attachments": _path("EbsInfo", "MaximumEbsAttachments"),
    "ebs-info.ebs-optimized-info.baseline-bandwidth-in-mbps": _path(
        *_EBS_OPT, "BaselineBandwidthInMbps"
    ),
    "ebs-info.ebs-optimized-info.baseline-iops": _path(*_EBS_OPT, "BaselineIops"),
    "ebs-info.ebs-optimized-info.baseline-throughput-in-mbps": _path(
        *_EBS_OPT, "BaselineThroughputInMBps"
    ),
    "ebs-info.ebs-optimized-info.maximum-bandwidth-in-mbps": _path(
        *_EBS_OPT, "MaximumBandwidthInMbps"
    ),
    "ebs-info.ebs-optimized-info.maximum-iops": _path(*_EBS_OPT, "MaximumIops"),
    "ebs-info.ebs-optimized-info.maximum-throughput-in-mbps": _path(
        *_EBS_OPT, "MaximumThroughputInMBps"
    ),
    "ebs-info.ebs-optimized-support": _path("EbsInfo", "EbsOptimizedSupport"),
    "ebs-info.encryption-support": _path("EbsInfo", "EncryptionSupport"),
    "ebs-info.nvme-support": _path("EbsInfo", "NvmeSupport"),
    "free-tier-eligible": _path("FreeTierEligible"),
    "hibernation-supported": _path("HibernationSupported"),
    "hypervisor": _path("Hypervisor"),
    "instance-storage-info.disk.count": _path("InstanceStorageInfo", "Disks", "Count"),
    "instance-storage-info.disk.size-in-gb": _path("InstanceStorageInfo", "Disks", "SizeInGB"),
    "instance-storage-info.disk.type": _path("InstanceStorageInfo", "Disks", "Type"),
    "instance-storage-info.encryption-support": _path("InstanceStorageInfo", "EncryptionSupport"),
    "instance-storage-info.nvme-support": _path("InstanceStorageInfo", "NvmeSupport"),
    "instance-storage-info.total-size-in-gb": _path("InstanceStorageInfo", "TotalSizeInGB"),
    "instance-storage-supported": _path("InstanceStorageSupported"),
    "instance-type": _path("InstanceType"),
    "memory-info.size-in-mib": _path("MemoryInfo", "SizeInMiB"),
    "network-info.bandwidth-weightings": _path("NetworkInfo", "BandwidthWeightings"),
    "network-info.efa-info.maximum-efa-interfaces": _path(
        "NetworkInfo", "EfaInfo", "MaximumEfaInterfaces"
    ),
    "network-info.efa-supported": _path("NetworkInfo", "EfaSupported"),
    "network-info.ena-support": _path("NetworkInfo", "EnaSupport"),
    "network-info.flexible-ena-queues-support": _path("NetworkInfo", "FlexibleEnaQueuesSupport"),
    "network-info.encryption-in-transit-supported": _path(
        "NetworkInfo", "EncryptionInTransitSupported"
    ),
    "network-info.ipv4-addresses-per-interface": _path("NetworkInfo", "Ipv4AddressesPerInterface"),
    "network-info.ipv6-addresses-per-interface": _path("NetworkInfo", "Ipv6AddressesPerInterface"),
    "network-info.ipv6-supported": _path("NetworkInfo", "Ipv6Supported"),
    "network-info.maximum-network-cards": _path("NetworkInfo", "MaximumNetworkCards"),
    "network-info.maximum-network-interfaces": _path("NetworkInfo", "MaximumNetworkInterfaces"),
    "network-info.network-performance": _path("NetworkInfo", "NetworkPerformance"),
    "nitro-enclaves-support": _path("NitroEnclavesSupport"),
    "nitro-tpm-support": _path("NitroTpmSupport"),
    "nitro-tpm-info.supported-versions": _path("NitroTpmInfo", "SupportedVersions"),
    "processor-info.supported-architecture": _path("ProcessorInfo", "SupportedArchitectures"),
    "processor-info.sustained-clock-speed-in-ghz": _path(
        "ProcessorInfo", "SustainedClockSpeedInGhz"
    ),
    "processor-info.supported-features": _path("ProcessorInfo", "SupportedFeatures"),
    "reboot-migration-support": _path("RebootMigrationSupport"),
    "supported-boot-mode": _path("SupportedBootModes"),
    "supported-root-device-type": _path("SupportedRootDeviceTypes"),
    "supported-usage-class": _path("SupportedUsageClasses"),
    "supported-virtualization-type": _path("SupportedVirtualizationTypes"),
    "vcpu-info.default-cores": _path("VCpuInfo", "DefaultCores"),
    "vcpu-info.default-threads-per-core": _path("VCpuInfo", "DefaultThreadsPerCore"),
    "vcpu-info.default-vcpus": _path("VCpuInfo", "DefaultVCpus"),
    "vcpu-info.valid-cores": _path("VCpuInfo", "ValidCores"),
    "vcpu-info.valid-threads-per-core": _path("VCpuInfo", "ValidThreadsPerCore"),
}


def describe_instance_types(names: list[str], filters: list[Filter]) -> list[dict[str, Any]]:
    """The shipped types by name and Filters, sorted by name; a name not shipped is
    ``instance_type_unknown``."""
    matches = FilterSet(filters, TYPE_FILTERS)
    table = instance_types()
    unknown = [n for n in names if n not in table]
    if unknown:
        raise InvalidValue("instance_type_unknown", names=unknown)
    chosen = [table[n] for n in dict.fromkeys(names)] if names else list(table.values())
    return sorted((t for t in chosen if matches(t)), key=lambda t: t["InstanceType"])


@dataclass(frozen=True)
class Offering:
    instance_type: str
    location_type: str
    location: str


OFFERING_FILTERS = {
    "instance-type": lambda o: [o.instance_type],
    "location": lambda o: [o.location],
}


def describe_offerings(
    region: str, location_type: str | None, filters: list[Filter]
) -> list[Offering]:
    """Every shipped type in the Region, or in each of its zones (by name or by id)."""
    location_type = location_type or "region"
    if location_type not in LOCATION_TYPES:
        raise InvalidValue("location_type_invalid", value=location_type)
    matches = FilterSet(filters, OFFERING_FILTERS)
    if location_type == "region":
        places = [region]
    elif location_type == "availability-zone":
        places = [z.name for z in zones_of(region)]
    else:
        places = [z.zone_id for z in zones_of(region)]
    offers = (
        Offering(name, location_type, place)
        for name in sorted(instance_types())
        for place in places
    )
    return [o for o in offers if matches(o)]
