"""Identifiers in AWS's formats, drawn from an injectable random source.

Tests pass ``IdSource(seed=...)`` to get the same ids on every run. Without a seed the ids
come from the operating system's generator: a seeded Mersenne Twister is predictable from
its own outputs, so one account could tell from its ids what other accounts made.
"""

from __future__ import annotations

import hashlib
import os
import random
import string

_LOWER_ALNUM = string.ascii_lowercase + string.digits
_HEX = "0123456789abcdef"
_POOL_BYTES = 4096


class _OsRandom(random.Random):
    """Bits from ``os.urandom``, read a pool at a time: each read lets go of the GIL, and
    under load getting it back costs far more than the read, so not one read per digit."""

    def __init__(self) -> None:
        self._pool, self._at = b"", 0
        super().__init__()

    def seed(self, *args: object, **kwargs: object) -> None:
        """Nothing to seed: the bits come from the operating system."""

    def getrandbits(self, k: int) -> int:
        n = (k + 7) // 8
        if self._at + n > len(self._pool):
            self._pool, self._at = os.urandom(max(_POOL_BYTES, n)), 0
        chunk = self._pool[self._at : self._at + n]
        self._at += n
        return int.from_bytes(chunk) >> (n * 8 - k)

    def random(self) -> float:
        return self.getrandbits(53) * 2.0**-53


class IdSource:
    """Makes ids; every id comes from one generator, so a seed fixes them all."""

    def __init__(self, seed: int | None = None) -> None:
        self._rng = random.Random(seed) if seed is not None else _OsRandom()

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

    def policy_id(self) -> str:
        """An Organizations policy: ``p-`` + 8 lowercase letters and digits."""
        return "p-" + self._pick(_LOWER_ALNUM, 8)

    def resource_id(self, prefix: str) -> str:
        """EC2 style: ``ami-``, ``snap-``, ``vol-``, ``i-``, ``r-`` + 17 hex digits."""
        return f"{prefix}-" + self._pick(_HEX, 17)

    @staticmethod
    def derived_id(prefix: str, *parts: str) -> str:
        """An EC2-style id that is a function of ``parts`` alone (no randomness, no seed):
        what an account's default network is called before and after it is recorded."""
        digest = hashlib.sha256("/".join((prefix, *parts)).encode()).hexdigest()
        return f"{prefix}-" + digest[:17]

    def request_id(self) -> str:
        h = self._pick(_HEX, 32)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def iam_id(self, prefix: str, n: int = 17) -> str:
        """IAM style: ``AIDA``, ``AROA``, ``ANPA`` + 17 (``AKIA`` + 16) upper-case letters
        and digits."""
        return prefix + self._pick(string.ascii_uppercase + string.digits, n)

    def token(self, n: int = 40) -> str:
        return self._pick(string.ascii_letters + string.digits, n)
