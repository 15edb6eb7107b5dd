"""Sealed authorization messages: only the world that sealed one opens it, unchanged."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from emulator.core.access.messages import MAX_ENCODED, Sealer, payload
from emulator.core.authorization import Step

STEP = Step(
    "identity_policy",
    False,
    "no identity-based policy allows it",
    {
        "principal": "arn:aws:iam::111122223333:user/dev",
        "action": "ec2:RunInstances",
        "resource": "arn:aws:ec2:us-east-1::image/ami-0123456789abcdef0",
        "effect": "Deny",
        "policy": "p1",
        "statement": "NoLaunch",
        "policy_type": "identity-based policy",
    },
)


def test_a_message_opens_in_its_own_world_only() -> None:
    mine, theirs = Sealer(), Sealer()
    body = payload(STEP, None, {"ec2:Region": "us-east-1", "aws:TagKeys": ["a", "b"]})
    encoded = mine.seal(body)
    assert mine.open(encoded) == body
    assert theirs.open(encoded) is None
    assert body["explicitDeny"] is True
    assert body["matchedStatements"]["items"][0]["statementId"] == "NoLaunch"
    assert body["context"]["conditions"]["items"][0] == {
        "key": "aws:TagKeys",
        "values": {"items": [{"value": "a"}, {"value": "b"}]},
    }


@given(st.integers(min_value=0), st.integers(min_value=1, max_value=255))
def test_any_changed_byte_is_refused(where: int, flip: int) -> None:
    sealer = Sealer()
    encoded = sealer.seal(payload(STEP, None, {}))
    # Not the last character: its low bits may be padding, which decoding ignores.
    i = where % (len(encoded) - 1)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    changed = encoded[:i] + alphabet[(alphabet.index(encoded[i]) + flip) % 64] + encoded[i + 1 :]
    assert changed == encoded or sealer.open(changed) is None


def test_messages_stay_within_the_decoders_limit() -> None:
    context = {f"aws:RequestTag/k{i}": "v" * 256 for i in range(50)}
    assert len(Sealer().seal(payload(STEP, None, context))) <= MAX_ENCODED
    assert Sealer().open("A" * (MAX_ENCODED + 1)) is None
