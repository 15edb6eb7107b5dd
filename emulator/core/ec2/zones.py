"""Availability Zones by rule: three per Region, named and numbered from the Region's name."""

from __future__ import annotations

import re
from dataclasses import dataclass

ZONES_PER_REGION = 3
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# How AWS abbreviates the direction words of a Region name in its zone ids (use1, apne1,
# usgw1): compass compounds keep both initials, every other word its first letter.
_COMPASS = {"northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw"}
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Zone:
    name: str  # us-east-1a
    zone_id: str  # use1-az1
    region: str
    index: int  # 0 for the first zone


def region_code(region: str) -> str:
    """The short code of a Region in zone ids: ``us-east-1`` -> ``use1``, ``ap-northeast-1``
    -> ``apne1``, ``us-gov-west-1`` -> ``usgw1``. A name without the country-words-number
    shape (a lab's ``local``) is its letters and digits."""
    parts = region.split("-")
    if len(parts) < 3 or not _NUMBER.fullmatch(parts[-1]):
        return re.sub(r"[^a-z0-9]", "", region)
    words = "".join(_COMPASS.get(word, word[:1]) for word in parts[1:-1])
    return f"{parts[0]}{words}{parts[-1]}"


def zones_of(region: str) -> list[Zone]:
    """The zones of ``region``, in order: ``<region>a``, ``b``, ``c`` with ids
    ``<code>-az1``, ``-az2``, ``-az3`` (one name-to-id mapping for every account)."""
    code = region_code(region)
    return [
        Zone(f"{region}{_LETTERS[i]}", f"{code}-az{i + 1}", region, i)
        for i in range(ZONES_PER_REGION)
    ]


def zone_named(region: str, name: str) -> Zone | None:
    return next((z for z in zones_of(region) if z.name == name), None)


def zone_with_id(region: str, zone_id: str) -> Zone | None:
    return next((z for z in zones_of(region) if z.zone_id == zone_id), None)
