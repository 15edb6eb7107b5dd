"""AssumeRole sessions: the account a temporary access key acts as, until when, and its secrets.

A session holds the secret and the token that prove it.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from emulator.core.errors import InvalidValue, NotAuthorized
from emulator.core.ids import IdSource
from emulator.core.organizations.membership import Membership

# The role AWS Organizations creates in every account it creates, trusted by the management account.
ORG_ACCESS_ROLE = "OrganizationAccountAccessRole"
ROLE_ARN = re.compile(
    r"^arn:aws[a-z-]*:iam::(?P<account>\d{12}):role/(?:[\w+=,.@-]+/)*(?P<name>[\w+=,.@-]{1,64})$"
)
# AssumeRole's input constraints in the STS API reference (and botocore's model; a test
# compares them), checked before anything else, as AWS does.
ROLE_ARN_LENGTH = (20, 2048)
SESSION_NAME_LENGTH = (2, 64)
SESSION_NAME_PATTERN = r"[\w+=,.@-]*"
DURATION_RANGE = (900, 43200)
# The role AWS Organizations creates keeps IAM's default maximum session duration, one hour.
ORG_ACCESS_ROLE_MAX_DURATION = 3600
_SECRET_ALPHABET = string.ascii_letters + string.digits


def _secret(length: int) -> str:
    """Secrets come from the operating system's secure source, never from the seeded ids:
    whoever knows a seed (or the public ids it made) must not learn a session's secret."""
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(length))


def _aware(moment: datetime) -> datetime:
    """Naive times (an injected clock, a hand-written snapshot) are taken as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Session:
    access_key: str
    secret_key: str
    token: str
    account: str
    role_name: str
    role_id: str
    session_name: str
    expires: str  # ISO 8601, on the world's clock; the key is refused from then on
    partition: str = "aws"  # of the Region AssumeRole was signed for

    @property
    def arn(self) -> str:
        return (
            f"arn:{self.partition}:sts::{self.account}:assumed-role/"
            f"{self.role_name}/{self.session_name}"
        )

    @property
    def user_id(self) -> str:
        return f"{self.role_id}:{self.session_name}"


class Sessions:
    """Sessions by access key id, with AssumeRole and expiry: the STS handlers call it
    directly (one hop)."""

    def __init__(self, *, ids: IdSource, clock: Callable[[], datetime]) -> None:
        self._ids = ids
        self._clock = clock
        self._by_key: dict[str, Session] = {}
        self._role_ids: dict[tuple[str, str], str] = {}  # (account, role name) -> role id

    def get(self, access_key: str) -> Session | None:
        return self._by_key.get(access_key)

    def expired(self, access_key: str) -> bool:
        """True for a session's key once the world's clock has passed its expiration (or
        when a loaded snapshot gave it none that can be read: a session fails closed)."""
        session = self._by_key.get(access_key)
        if session is None:
            return False
        try:
            ends = datetime.fromisoformat(session.expires)
        except (TypeError, ValueError):
            return True
        return _aware(self._clock()) >= _aware(ends)

    def assume_role(
        self,
        caller: str,
        role_arn: str,
        session_name: str,
        duration: int,
        membership: Callable[[str], Membership | None],
        *,
        partition: str = "aws",
    ) -> Session:
        """The management account may assume OrganizationAccountAccessRole in its members,
        for at most the role's one hour. ``partition``: the partition of the Region the
        request was signed for; the session's ARN names it."""
        violations = _violations(role_arn, session_name, duration)
        if violations:
            raise InvalidValue(
                "constraint_violations",
                count=len(violations),
                errors="error" if len(violations) == 1 else "errors",
                violations="; ".join(violations),
            )
        if not _parses_as_arn(role_arn):
            raise InvalidValue("invalid_role_arn", value=role_arn)
        # Any other ARN names a role that does not trust the caller, or no role at all.
        match = ROLE_ARN.match(role_arn)
        place = membership(match["account"]) if match else None
        if (
            match is None
            or match["name"] != ORG_ACCESS_ROLE
            or place is None
            or place.management_account != caller
            or match["account"] == caller
        ):
            raise NotAuthorized(
                "assume_role_denied", caller=f"arn:{partition}:iam::{caller}:root", role=role_arn
            )
        if duration > ORG_ACCESS_ROLE_MAX_DURATION:
            raise InvalidValue("duration_exceeds_role_maximum")
        target = match["account"]
        session = Session(
            access_key="ASIA" + self._ids.token(16).upper(),
            secret_key=_secret(40),
            token=_secret(120),
            account=target,
            role_name=match["name"],
            role_id=self._role_id(target, match["name"]),
            session_name=session_name,
            expires=(self._clock() + timedelta(seconds=duration)).isoformat(),
            partition=partition,
        )
        self._by_key[session.access_key] = session
        return session

    def _role_id(self, account: str, role_name: str) -> str:
        """A role's id is the role's, the same in every session of it, as in AWS."""
        role = (account, role_name)
        if role not in self._role_ids:
            alphabet = string.ascii_uppercase + string.digits
            drawn = "".join(c for c in self._ids.token(40).upper() if c in alphabet)
            self._role_ids[role] = "AROA" + drawn[:17]
        return self._role_ids[role]

    def to_dict(self) -> dict[str, Any]:
        return {key: asdict(s) for key, s in self._by_key.items()}

    @classmethod
    def from_dict(
        cls, data: dict[str, Any], *, ids: IdSource, clock: Callable[[], datetime]
    ) -> Sessions:
        sessions = cls(ids=ids, clock=clock)
        sessions._by_key = {key: Session(**value) for key, value in data.items()}
        sessions._role_ids = {
            (s.account, s.role_name): s.role_id for s in sessions._by_key.values()
        }
        return sessions


def _violations(role_arn: str, session_name: str, duration: int) -> list[str]:
    """Each broken constraint in AWS's words, in the order of AssumeRole's members."""
    found: list[str] = []

    def broke(member: str, value: object, constraint: str) -> None:
        found.append(
            f"Value '{value}' at '{member}' failed to satisfy constraint: Member must {constraint}"
        )

    for member, value, (shortest, longest) in (
        ("roleArn", role_arn, ROLE_ARN_LENGTH),
        ("roleSessionName", session_name, SESSION_NAME_LENGTH),
    ):
        if len(value) < shortest:
            broke(member, value, f"have length greater than or equal to {shortest}")
        if len(value) > longest:
            broke(member, value, f"have length less than or equal to {longest}")
    if not re.fullmatch(SESSION_NAME_PATTERN, session_name, re.ASCII):  # \\w as Java reads it
        broke(
            "roleSessionName",
            session_name,
            f"satisfy regular expression pattern: {SESSION_NAME_PATTERN}",
        )
    low, high = DURATION_RANGE
    if duration < low:
        broke("durationSeconds", duration, f"have value greater than or equal to {low}")
    if duration > high:
        broke("durationSeconds", duration, f"have value less than or equal to {high}")
    return found


def _parses_as_arn(text: str) -> bool:
    """Six colon-separated parts with a partition, a service and a resource: what AWS reads
    as an ARN before it looks for the role (recorded: "arn:a::::something/test-role is
    invalid", "arn:a:a::aaaaaaaaaa: is invalid")."""
    parts = text.split(":", 5)
    return len(parts) == 6 and parts[0] == "arn" and all(parts[i] for i in (1, 2, 5))
