"""CIDR blocks: containment and overlap agree with the addresses they hold."""

from __future__ import annotations

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from emulator.core.ec2.network.cidr import Block, parse_block

blocks = st.builds(
    lambda address, prefix: parse_block(f"{ipaddress.IPv4Address(address)}/{prefix}"),
    st.integers(0, 2**32 - 1),
    st.integers(8, 32),
)


@given(blocks, blocks)
def test_overlap_and_containment_match_the_address_sets(a: Block, b: Block) -> None:
    net_a = ipaddress.IPv4Network(str(a))
    net_b = ipaddress.IPv4Network(str(b))
    assert a.overlaps(b) is net_a.overlaps(net_b)
    assert a.overlaps(b) is b.overlaps(a)
    assert a.contains(b) is net_b.subnet_of(net_a)
    if a.contains(b) and b.contains(a):
        assert a == b


@given(blocks, st.integers(0, 2**32 - 1))
def test_an_address_is_held_by_the_block_it_falls_in(a: Block, address: int) -> None:
    assert a.holds(address) is (ipaddress.IPv4Address(address) in ipaddress.IPv4Network(str(a)))


@given(st.integers(0, 2**32 - 1), st.integers(0, 32))
def test_host_bits_are_cleared_as_ec2_does(address: int, prefix: int) -> None:
    text = f"{ipaddress.IPv4Address(address)}/{prefix}"
    block = parse_block(text)
    assert str(block) == str(ipaddress.IPv4Network(text, strict=False))
    assert parse_block(str(block)) == block
