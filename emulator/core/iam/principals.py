"""Who a request acts as: an account's root user, an IAM user, or an AssumeRole session."""

from __future__ import annotations

from dataclasses import dataclass

ROOT, USER, SESSION = "root", "user", "assumed-role"


@dataclass(frozen=True)
class Principal:
    account: str
    kind: str  # ROOT | USER | SESSION
    arn: str
    user_id: str  # the account id, the AIDA id, or AROA...:session
    name: str = ""  # the user's or the role's name
    role_arn: str = ""  # a session's role

    @property
    def arns(self) -> tuple[str, ...]:
        """The ARNs a policy's Principal element can name this principal by: a session
        answers to its own and its role's (IAM User Guide, "AWS JSON policy elements:
        Principal")."""
        if self.kind == SESSION:
            return (self.arn, self.role_arn)
        return () if self.kind == ROOT else (self.arn,)

    @property
    def is_root(self) -> bool:
        return self.kind == ROOT


def root(account: str, partition: str = "aws") -> Principal:
    return Principal(account, ROOT, f"arn:{partition}:iam::{account}:root", account)
