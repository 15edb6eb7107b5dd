"""Identifiers in AWS's formats, drawn from an injectable random source.

Tests pass ``IdSource(seed=...)`` to get the same ids on every run.
"""

from __future__ import annotations

import random
import string

_LOWER_ALNUM = string.ascii_lowercase + string.digits
_HEX = "0123456789abcdef"


class IdSource:
    """Makes ids; every id comes from one ``random.Random`` so a seed fixes them all."""

    def __init__(self, seed: int | None = None) -> None:
        self._rng = random.Random(seed)

    def _pick(self, alphabet: str, n: int) -> str:
        return "".join(self._rng.choice(alphabet) for _ in range(n))

    def organization_id(self) -> str:
        return "o-" + self._pick(_LOWER_ALNUM, 10)

    def root_id(self) -> str:
        return "r-" + self._pick(_LOWER_ALNUM, 4)

    def ou_id(self, root_id: str) -> str:
        # The first segment of an OU id is its root's suffix.
        return f"ou-{root_id[2:]}-" + self._pick(_LOWER_ALNUM, 8)

    def account_id(self) -> str:
        return str(self._rng.randint(1, 9)) + self._pick(string.digits, 11)

    def create_account_request_id(self) -> str:
        return "car-" + self._pick(_LOWER_ALNUM, 32)

    def resource_id(self, prefix: str) -> str:
        """EC2 style: ``ami-``, ``snap-``, ``vol-``, ``i-``, ``r-`` + 17 hex digits."""
        return f"{prefix}-" + self._pick(_HEX, 17)

    def request_id(self) -> str:
        h = self._pick(_HEX, 32)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def token(self, n: int = 40) -> str:
        return self._pick(string.ascii_letters + string.digits, n)
