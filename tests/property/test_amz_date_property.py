"""X-Amz-Date is read as strptime reads ``%Y%m%dT%H%M%SZ``, without calling it per request."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from emulator.protocol.identity import TIMESTAMP, _timestamp

NEAR_LIMITS = st.sampled_from(["00", "01", "12", "13", "23", "24", "28", "29", "30", "31", "32"])


def _strptime_accepts(value: str) -> bool:
    try:
        datetime.strptime(value, TIMESTAMP)
    except ValueError:
        return False
    return True


@given(
    year=st.integers(0, 9999),
    month=NEAR_LIMITS,
    day=NEAR_LIMITS,
    hour=NEAR_LIMITS,
    minute=st.sampled_from(["00", "59", "60", "99"]),
    second=st.sampled_from(["00", "59", "60", "61", "62", "99"]),
)
def test_accepts_exactly_what_strptime_accepts(
    year: int, month: str, day: str, hour: str, minute: str, second: str
) -> None:
    value = f"{year:04d}{month}{day}T{hour}{minute}{second}Z"
    problems: list[str] = []
    read = _timestamp(value, problems)
    assert (not problems) == _strptime_accepts(value)
    assert read == (value if not problems else "")
