"""AssumeRole sessions: the role a temporary access key acts as, until when, and its secrets.

A session holds the secret and the token that prove it. Which roles exist and whom they
trust is IAM's (``directory.Iam``); a session only remembers the role it was made for.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from emulator.core.errors import InvalidValue, NotAuthorized
from emulator.core.iam.directory import Iam
from emulator.core.iam.principals import SESSION, Principal
from emulator.core.iam.store import new_secret
from emulator.core.ids import IdSource
from emulator.core.organizations.membership import Membership

ROLE_ARN = re.compile(
    r"^arn:aws[a-z-]*:iam::(?P<account>\d{12}):role/(?:[\w+=,.@-]+/)*(?P<name>[\w+=,.@-]{1,64})$"
)
# AssumeRole's input constraints in the STS API reference (and botocore's model; a test
# compares them), checked before anything else, as AWS does.
ROLE_ARN_LENGTH = (20, 2048)
SESSION_NAME_LENGTH = (2, 64)
SESSION_NAME_PATTERN = r"[\w+=,.@-]*"
DURATION_RANGE = (900, 43200)
# A session that assumes another role (role chaining) gets at most an hour (STS API
# reference, AssumeRole DurationSeconds).
CHAINED_MAX_DURATION = 3600


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
    role_path: str = "/"

    @property
    def role_arn(self) -> str:
        return f"arn:{self.partition}:iam::{self.account}:role{self.role_path}{self.role_name}"

    @property
    def principal(self) -> Principal:
        return Principal(
            self.account, SESSION, self.arn, self.user_id, self.role_name, self.role_arn
        )

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
        caller: Principal,
        role_arn: str,
        session_name: str,
        duration: int,
        iam: Iam,
        membership: Callable[[str], Membership | None],
        *,
        external_id: str | None = None,
        partition: str = "aws",
    ) -> Session:
        """A session of the role, when its trust policy (and, for a user or role caller,
        the caller's identity policy) lets the caller assume it, for at most the role's
        MaxSessionDuration. ``partition``: the partition of the Region the request was
        signed for; the session's ARN names it."""
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
        # An ARN of no role answers as a role that does not trust the caller, so callers
        # cannot tell which roles exist in other accounts.
        match = ROLE_ARN.match(role_arn)
        role = iam.find_role(match["account"], match["name"]) if match else None
        if (
            role is None
            or role.arn != role_arn
            or not iam.may_assume(caller, role, _context(caller, membership, external_id))
        ):
            raise NotAuthorized("assume_role_denied", caller=caller.arn, role=role_arn)
        if caller.kind == SESSION and duration > CHAINED_MAX_DURATION:
            raise InvalidValue("duration_exceeds_chained_maximum")
        if duration > role.max_session:
            raise InvalidValue("duration_exceeds_role_maximum")
        session = Session(
            access_key="ASIA" + self._ids.token(16).upper(),
            secret_key=new_secret(40),
            token=new_secret(120),
            account=role.account,
            role_name=role.name,
            role_id=role.id,
            session_name=session_name,
            expires=(self._clock() + timedelta(seconds=duration)).isoformat(),
            partition=partition,
            role_path=role.path,
        )
        self._by_key[session.access_key] = session
        return session

    def to_dict(self) -> dict[str, Any]:
        return {key: asdict(s) for key, s in self._by_key.items()}

    @classmethod
    def from_dict(
        cls, data: dict[str, Any], *, ids: IdSource, clock: Callable[[], datetime]
    ) -> Sessions:
        sessions = cls(ids=ids, clock=clock)
        sessions._by_key = {key: Session(**value) for key, value in data.items()}
        return sessions


def _context(
    caller: Principal, membership: Callable[[str], Membership | None], external_id: str | None
) -> dict[str, str | list[str]]:
    """The request context a trust policy's conditions read (IAM User Guide, "AWS global
    condition context keys"), from live state."""
    context: dict[str, str | list[str]] = {
        "aws:PrincipalAccount": caller.account,
        "aws:PrincipalArn": caller.role_arn or caller.arn,
        "aws:PrincipalType": {"root": "Account", "user": "User"}.get(caller.kind, "AssumedRole"),
        "aws:userid": caller.user_id,
    }
    place = membership(caller.account)
    if place is not None:
        context["aws:PrincipalOrgID"] = place.org_id
        context["aws:PrincipalOrgPaths"] = [place.principal_org_path]
    if external_id is not None:
        context["sts:ExternalId"] = external_id
    return context


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
