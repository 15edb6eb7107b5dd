"""Fixtures the end-to-end sharing tests share: an organization built through the API."""

from __future__ import annotations

import pytest

from tests.conftest import ClientFactory
from tests.e2e.worlds import Client, OrgWorld, build_org


@pytest.fixture
def world(aws: ClientFactory) -> OrgWorld:
    """The organization of tests/e2e/worlds.py, built through the Organizations API."""
    return build_org(aws)


@pytest.fixture
def owner(aws: ClientFactory, world: OrgWorld) -> Client:
    """The EC2 client of the account that owns the images under test."""
    return aws("ec2", account=world.owner)
