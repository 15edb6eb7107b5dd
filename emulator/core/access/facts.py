"""What the layers may read beyond the request: the principal's membership, the keys, the time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from emulator.core.kms.keys import Kms
from emulator.core.organizations.membership import Membership


@dataclass(frozen=True)
class Facts:
    membership: Membership | None  # the principal's place in its organization, right now
    keys: Kms
    now: datetime  # the world's clock when the question is asked
