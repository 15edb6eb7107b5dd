"""What the layers may read beyond the request: the principal's membership, the keys, IAM."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.core.iam.directory import Iam
from emulator.core.kms.keys import Kms
from emulator.core.organizations.membership import Membership


@dataclass(frozen=True)
class Facts:
    membership: Membership | None  # the principal's place in its organization, right now
    keys: Kms
    iam: Iam
