"""hypothesis: attribute names match the model's names regardless of case, and nothing else."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from emulator.api.ec2.params import attribute_name
from emulator.core.ec2.images.catalog import DESCRIBABLE_ATTRIBUTES

NAMES = sorted(DESCRIBABLE_ATTRIBUTES)


@given(st.sampled_from(NAMES), st.data())
def test_any_case_of_a_name_is_the_name(name: str, data: st.DataObject) -> None:
    flips = data.draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
    sent = "".join(c.swapcase() if flip else c for c, flip in zip(name, flips, strict=True))
    assert attribute_name({"Attribute": sent}, NAMES) == name


@given(st.text(max_size=30))
def test_other_text_stays_as_sent(sent: str) -> None:
    if any(sent.casefold() == name.casefold() for name in NAMES):
        return
    assert attribute_name({"Attribute": sent}, NAMES) == sent


def test_absent_is_none() -> None:
    assert attribute_name({}, NAMES) is None
