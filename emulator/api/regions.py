"""The Regions that exist: botocore's partitions, the operator's extra ones, the default.

Every Region of every partition in botocore's data, plus the ones the operator adds
(``--extra-region``, a scenario's ``settings.extra_regions``) and the default Region of
unsigned requests.
"""

from __future__ import annotations

import re
from functools import cache

from botocore.loaders import create_loader

from emulator.api.errors import AwsError
from emulator.core.world import WorldConfig

# How each protocol answers a credential scoped to a Region that does not exist.
_UNKNOWN = {"ec2": ("AuthFailure", 401), "sts": ("SignatureDoesNotMatch", 403)}
_JSON_UNKNOWN = ("InvalidSignatureException", 400)


@cache
def aws_regions() -> frozenset[str]:
    """Every Region botocore knows, in every partition (``aws``, ``aws-cn``, ``aws-us-gov``,
    the isolated ones); the ``aws-global``-style endpoint names are not Regions."""
    loader = create_loader()
    names: set[str] = set()
    for source in ("partitions", "endpoints"):
        for partition in loader.load_data(source)["partitions"]:
            pattern = re.compile(partition["regionRegex"])
            names |= {name for name in partition["regions"] if pattern.match(name)}
    return frozenset(names)


def is_known(region: str, config: WorldConfig) -> bool:
    return (
        region in aws_regions() or region in config.extra_regions or region == config.default_region
    )


def unknown_region(service: str, region: str) -> AwsError:
    """The error a request signed for ``region`` gets when no such Region exists."""
    code, status = _UNKNOWN.get(service, _JSON_UNKNOWN)
    return AwsError(code, f"Credential should be scoped to a valid region, not '{region}'.", status)
