"""``ami_ids`` lookups of a name the world does not hold say which names it does hold."""

from __future__ import annotations

import pytest

from emulator.testing.pytest_plugin import UnknownName


@pytest.mark.ami_scenario("demo")
def test_an_unknown_account_lists_the_accounts(ami_ids) -> None:
    with pytest.raises(UnknownName) as raised:
        ami_ids.account("nobody")
    message = str(raised.value)
    assert message.startswith("no account named 'nobody' in the world under test; its accounts: ")
    for known in ("'Platform-Prod'", "'Management'"):
        assert known in message
    assert isinstance(raised.value, KeyError)  # what the lookup raised before


@pytest.mark.ami_scenario("demo")
@pytest.mark.parametrize("lookup", ["ou", "ou_arn"])
def test_an_unknown_ou_lists_the_ous(ami_ids, lookup: str) -> None:
    with pytest.raises(UnknownName, match=r"no OU named 'Nowhere' .*'Engineering'"):
        getattr(ami_ids, lookup)("Nowhere")


@pytest.mark.ami_scenario("demo")
def test_an_unknown_image_lists_the_images(ami_ids) -> None:
    with pytest.raises(UnknownName, match=r"no image named 'gold' .*its images: 'golden-image'"):
        ami_ids.image("gold")


def test_an_empty_world_says_it_has_no_names(ami_ids) -> None:
    with pytest.raises(UnknownName, match=r"its accounts: none$"):
        ami_ids.account("Dev")
    with pytest.raises(LookupError, match="has no organization"):
        _ = ami_ids.org_id
