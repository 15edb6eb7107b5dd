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
SESSION_NAME = re.compile(r"^[\w+=,.@-]{2,64}$")
MIN_DURATION, MAX_DURATION = 900, 43200
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
        """The management account may assume OrganizationAccountAccessRole in its members.
        ``partition``: the partition of the Region the request was signed for; the session's
        ARN names it."""
        match = ROLE_ARN.match(role_arn)
        if match is None:
            raise InvalidValue("invalid_role_arn", value=role_arn)
        if not SESSION_NAME.match(session_name):
            raise InvalidValue("invalid_session_name", value=session_name)
        if not MIN_DURATION <= duration <= MAX_DURATION:
            raise InvalidValue("invalid_duration", value=duration)
        target = match["account"]
        place = membership(target)
        trusted = (
            match["name"] == ORG_ACCESS_ROLE
            and place is not None
            and place.management_account == caller
            and target != caller
        )
        if not trusted:
            raise NotAuthorized(
                "assume_role_denied", caller=f"arn:{partition}:iam::{caller}:root", role=role_arn
            )
        session = Session(
            access_key="ASIA" + self._ids.token(16).upper(),
            secret_key=_secret(40),
            token=_secret(120),
            account=target,
            role_name=match["name"],
            role_id="AROA"
            + "".join(
                c
                for c in self._ids.token(40).upper()
                if c in string.ascii_uppercase + string.digits
            )[:17],
            session_name=session_name,
            expires=(self._clock() + timedelta(seconds=duration)).isoformat(),
            partition=partition,
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
