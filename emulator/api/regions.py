"""The Regions that exist and their partitions: botocore's, the operator's extra ones.

Every Region of every partition in botocore's data, plus the ones the operator adds
(``--extra-region``, a scenario's ``settings.extra_regions``) and the default Region of
unsigned requests. Each Region belongs to one partition (``aws``, ``aws-cn``,
``aws-us-gov``, ...), the one ARNs of its resources name; the core is handed
``partition_of`` as its Region -> partition map.
"""

from __future__ import annotations

import re
from functools import cache

from botocore.loaders import create_loader

from emulator.api.errors import AwsError
from emulator.core.ec2.regions import RegionInfo
from emulator.core.world import WorldConfig

# How each protocol answers a credential scoped to a Region that does not exist.
_UNKNOWN = {
    "ec2": ("AuthFailure", 401),
    "sts": ("SignatureDoesNotMatch", 403),
    "iam": ("SignatureDoesNotMatch", 403),
}
_JSON_UNKNOWN = ("InvalidSignatureException", 400)


@cache
def _partitions() -> tuple[dict[str, str], tuple[tuple[re.Pattern[str], str], ...]]:
    """Every Region botocore knows -> its partition, and each partition's Region pattern.
    The ``aws-global``-style endpoint names are not Regions (they fail the pattern)."""
    loader = create_loader()
    regions: dict[str, str] = {}
    patterns: dict[str, re.Pattern[str]] = {}
    for source in ("partitions", "endpoints"):
        for partition in loader.load_data(source)["partitions"]:
            name = partition.get("id") or partition["partition"]
            pattern = patterns.setdefault(name, re.compile(partition["regionRegex"]))
            for region in partition["regions"]:
                if pattern.match(region):
                    regions.setdefault(region, name)
    return regions, tuple((pattern, name) for name, pattern in patterns.items())


def aws_regions() -> frozenset[str]:
    """Every Region botocore knows, in every partition (``aws``, ``aws-cn``, ``aws-us-gov``,
    the isolated ones)."""
    return frozenset(_partitions()[0])


def partition_of(region: str) -> str:
    """The partition of ``region``: botocore's for a Region it knows, else the partition
    whose Region pattern it matches (an extra ``cn-test-1`` is in ``aws-cn``), else ``aws``."""
    regions, patterns = _partitions()
    if region in regions:
        return regions[region]
    return next((name for pattern, name in patterns if pattern.match(region)), "aws")


def is_known(region: str, config: WorldConfig) -> bool:
    return (
        region in aws_regions() or region in config.extra_regions or region == config.default_region
    )


def unknown_region(service: str, region: str) -> AwsError:
    """The error a request signed for ``region`` gets when no such Region exists."""
    code, status = _UNKNOWN.get(service, _JSON_UNKNOWN)
    return AwsError(code, f"Credential should be scoped to a valid region, not '{region}'.", status)


@cache
def _described() -> dict[str, tuple[str, str]]:
    """Region -> (its long name, its partition's DNS suffix), from botocore's data."""
    out: dict[str, tuple[str, str]] = {}
    for partition in create_loader().load_data("partitions")["partitions"]:
        suffix = partition["outputs"]["dnsSuffix"]
        for region, info in partition["regions"].items():
            out.setdefault(region, (info.get("description", region), suffix))
    return out


def region_infos(partition: str, config: WorldConfig) -> list[RegionInfo]:
    """Every Region of ``partition`` (the operator's extra ones too), as DescribeRegions
    shows it: its EC2 endpoint ``ec2.<region>.<the partition's DNS suffix>``."""
    described = _described()
    suffix = next((s for r, (_, s) in described.items() if partition_of(r) == partition), "")
    names = {*aws_regions(), *config.extra_regions, config.default_region}
    return [
        RegionInfo(
            name,
            f"ec2.{name}.{described.get(name, ('', suffix))[1] or 'amazonaws.com'}",
            described.get(name, (name, ""))[0],
        )
        for name in sorted(names)
        if partition_of(name) == partition
    ]
