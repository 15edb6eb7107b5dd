"""AssumeRole sessions on their own: who may assume what, for how long, and with which secrets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from emulator.core.errors import CoreError, InvalidValue, NotAuthorized
from emulator.core.iam.directory import ORG_ACCESS_ROLE, Iam
from emulator.core.iam.principals import root
from emulator.core.iam.sessions import Session, Sessions
from emulator.core.ids import IdSource
from emulator.core.organizations.membership import Membership

MANAGEMENT, MEMBER, OUTSIDER = "111111111111", "222222222222", "333333333333"
ROLE = f"arn:aws:iam::{MEMBER}:role/{ORG_ACCESS_ROLE}"
START = datetime(2026, 1, 1, tzinfo=UTC)
PLACES = {
    MANAGEMENT: Membership("o-aaaaaaaaaa", "r-aaaa", (), MANAGEMENT),
    MEMBER: Membership("o-aaaaaaaaaa", "r-aaaa", ("ou-aaaa-bbbbbbbb",), MANAGEMENT),
}


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sessions(clock: Clock) -> Sessions:
    return Sessions(ids=IdSource(seed=7), clock=clock)


def member_iam() -> Iam:
    """The IAM of a world where MEMBER was made by CreateAccount: it has the org's role."""
    iam = Iam(ids=IdSource(seed=3), clock=lambda: START)
    iam.create_org_access_role(MEMBER, MANAGEMENT, None)
    return iam


IAM = member_iam()


def assume(
    sessions: Sessions, caller: str, role_arn: str, name: str, duration: int, iam: Iam = IAM
) -> Session:
    return sessions.assume_role(root(caller), role_arn, name, duration, iam, PLACES.get)


def refusal(
    sessions: Sessions, caller: str, role_arn: str, name: str = "s1", duration: int = 900
) -> tuple[type[CoreError], str]:
    with pytest.raises(CoreError) as caught:
        assume(sessions, caller, role_arn, name, duration)
    return type(caught.value), caught.value.reason


def test_the_management_account_assumes_the_org_role_in_a_member(
    sessions: Sessions, clock: Clock
) -> None:
    session = assume(sessions, MANAGEMENT, ROLE, "deploy", 3600)
    assert session.account == MEMBER
    assert session.arn == f"arn:aws:sts::{MEMBER}:assumed-role/{ORG_ACCESS_ROLE}/deploy"
    assert session.access_key.startswith("ASIA") and session.role_id.startswith("AROA")
    assert session.user_id == f"{session.role_id}:deploy"
    assert session.expires == (START + timedelta(seconds=3600)).isoformat()
    assert sessions.get(session.access_key) == session


@pytest.mark.parametrize(
    ("caller", "role_arn"),
    [
        (MANAGEMENT, f"arn:aws:iam::{MEMBER}:role/SomeOtherRole"),  # no such role
        (MANAGEMENT, f"arn:aws:iam::{OUTSIDER}:role/{ORG_ACCESS_ROLE}"),  # not a member
        (MEMBER, f"arn:aws:iam::{MANAGEMENT}:role/{ORG_ACCESS_ROLE}"),  # not its manager
        (MANAGEMENT, f"arn:aws:iam::{MANAGEMENT}:role/{ORG_ACCESS_ROLE}"),  # itself
        (MANAGEMENT, f"arn:aws:iam::{MEMBER}:user/{ORG_ACCESS_ROLE}"),  # an ARN, not a role
        (MANAGEMENT, f"arn:aws:iam::12345:role/{ORG_ACCESS_ROLE}"),  # no such account
    ],
)
def test_every_other_trust_is_refused(sessions: Sessions, caller: str, role_arn: str) -> None:
    assert refusal(sessions, caller, role_arn) == (NotAuthorized, "assume_role_denied")


@pytest.mark.parametrize(
    ("role_arn", "name", "duration", "reason"),
    [
        ("arn:a:::something/test-role", "s1", 900, "invalid_role_arn"),
        ("arn:aws:iam::" + MEMBER + ":", "s1", 900, "invalid_role_arn"),
        ("bogus", "s1", 900, "constraint_violations"),
        (ROLE, "x", 900, "constraint_violations"),
        (ROLE, "no spaces", 900, "constraint_violations"),
        (ROLE, "s1", 899, "constraint_violations"),
        (ROLE, "s1", 43201, "constraint_violations"),
    ],
)
def test_malformed_requests_are_refused_before_trust(
    sessions: Sessions, role_arn: str, name: str, duration: int, reason: str
) -> None:
    assert refusal(sessions, OUTSIDER, role_arn, name, duration) == (InvalidValue, reason)


@pytest.mark.parametrize("duration", [900, 3600])
def test_the_duration_bounds_are_inclusive(sessions: Sessions, duration: int) -> None:
    assert assume(sessions, MANAGEMENT, ROLE, "s1", duration)


@pytest.mark.parametrize("duration", [3601, 43200])
def test_the_org_role_allows_one_hour(sessions: Sessions, duration: int) -> None:
    assert refusal(sessions, MANAGEMENT, ROLE, "s1", duration) == (
        InvalidValue,
        "duration_exceeds_role_maximum",
    )


def test_a_session_expires_on_the_worlds_clock(sessions: Sessions, clock: Clock) -> None:
    key = assume(sessions, MANAGEMENT, ROLE, "s1", 900).access_key
    clock.now = START + timedelta(seconds=899)
    assert not sessions.expired(key)
    clock.now = START + timedelta(seconds=900)
    assert sessions.expired(key)
    assert not sessions.expired("ASIAUNKNOWN")  # not a session key: not expired, just unknown


def test_a_session_with_an_unreadable_expiry_fails_closed(clock: Clock) -> None:
    original = Sessions(ids=IdSource(seed=7), clock=clock)
    key = assume(original, MANAGEMENT, ROLE, "s1", 900).access_key
    saved = original.to_dict()
    saved[key]["expires"] = "not a time"
    assert Sessions.from_dict(saved, ids=IdSource(), clock=clock).expired(key)


def test_secrets_do_not_follow_the_seed(clock: Clock) -> None:
    one, two = (
        assume(Sessions(ids=IdSource(seed=7), clock=clock), MANAGEMENT, ROLE, "s1", 900)
        for _ in range(2)
    )
    assert one.access_key == two.access_key  # ids follow the seed
    assert one.secret_key != two.secret_key and one.token != two.token


def test_sessions_survive_a_snapshot(sessions: Sessions, clock: Clock) -> None:
    session = assume(sessions, MANAGEMENT, ROLE, "s1", 900)
    copy = Sessions.from_dict(sessions.to_dict(), ids=IdSource(), clock=clock)
    assert copy.get(session.access_key) == session


def test_every_session_of_a_role_carries_the_roles_id(sessions: Sessions) -> None:
    """AWS's AssumedRoleId is "<the role's unique id>:<session name>": the role's id does not
    change between sessions (IAM User Guide, "Unique identifiers")."""
    first = assume(sessions, MANAGEMENT, ROLE, "s1", 900)
    second = assume(sessions, MANAGEMENT, ROLE, "s2", 900)
    assert first.role_id == second.role_id
    assert first.access_key != second.access_key
