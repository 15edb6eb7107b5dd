"""IPv4 CIDR blocks as EC2 reads them: parsing, containment, overlap, the usable addresses."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from emulator.core.errors import InvalidValue

# EC2 reserves the first four addresses of every subnet and its last one.
RESERVED_LOW, RESERVED_HIGH = 4, 1
MIN_PREFIX, MAX_PREFIX = 16, 28  # the sizes EC2 allows for a VPC's or a subnet's block


@dataclass(frozen=True, order=True)
class Block:
    """An IPv4 block as its first address and prefix length."""

    start: int
    prefix: int

    @property
    def size(self) -> int:
        return 1 << (32 - self.prefix)

    @property
    def end(self) -> int:
        """The last address in the block."""
        return self.start + self.size - 1

    def contains(self, other: Block) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Block) -> bool:
        return self.start <= other.end and other.start <= self.end

    def holds(self, address: int) -> bool:
        return self.start <= address <= self.end

    @property
    def usable(self) -> range:
        """The addresses EC2 may give out in a subnet with this block."""
        return range(self.start + RESERVED_LOW, self.end - RESERVED_HIGH + 1)

    def __str__(self) -> str:
        return f"{ipaddress.IPv4Address(self.start)}/{self.prefix}"


def parse_block(text: str) -> Block:
    """``text`` as a block in canonical form (host bits set are cleared, as EC2 does:
    ``10.0.0.5/16`` is ``10.0.0.0/16``); ``cidr_malformed`` when it is not IPv4 CIDR."""
    try:
        network = ipaddress.IPv4Network(text, strict=False)
    except (ValueError, TypeError):
        raise InvalidValue("cidr_malformed", cidr=text) from None
    if "/" not in text:
        raise InvalidValue("cidr_malformed", cidr=text)
    return Block(int(network.network_address), network.prefixlen)


def parse_address(text: str) -> int:
    try:
        return int(ipaddress.IPv4Address(text))
    except (ValueError, TypeError):
        raise InvalidValue("ip_address_malformed", address=text) from None


def address_text(address: int) -> str:
    return str(ipaddress.IPv4Address(address))


def subblock(block: Block, prefix: int, index: int) -> Block:
    """The ``index``-th block of length ``prefix`` inside ``block``."""
    return Block(block.start + index * (1 << (32 - prefix)), prefix)
