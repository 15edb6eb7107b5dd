"""The SCP grammar: which elements a service control policy may hold, checked at write time.

From "SCP syntax" (AWS Organizations User Guide, current): Version, Statement, Sid, Effect,
Action / NotAction, Resource / NotResource and Condition, each with both effects; no
Principal or NotPrincipal. Anything else is a malformed document.
"""

from __future__ import annotations

import re
from typing import Any

from emulator.core.errors import Malformed

VERSION = "2012-10-17"
_TOP = frozenset({"Version", "Id", "Statement"})
_STATEMENT = frozenset(
    {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)
_ACTION = re.compile(r"\*|[a-z0-9-]+:[A-Za-z0-9*?]+")
_SID = re.compile(r"[A-Za-z0-9]*")


def check_scp(document: Any) -> None:
    """Raise ``malformed_policy`` unless ``document`` (parsed JSON) is a valid SCP."""
    if not isinstance(document, dict) or not set(document) <= _TOP:
        _bad()
    if document.get("Version") != VERSION:
        _bad()
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        _bad()
    for st in statements:
        _check_statement(st)


def _check_statement(st: Any) -> None:
    if not isinstance(st, dict) or not set(st) <= _STATEMENT:
        _bad()
    if st.get("Effect") not in ("Allow", "Deny"):
        _bad()
    if "Sid" in st and not (isinstance(st["Sid"], str) and _SID.fullmatch(st["Sid"])):
        _bad()
    if ("Action" in st) == ("NotAction" in st):
        _bad()
    if "Resource" in st and "NotResource" in st:
        _bad()
    for name in ("Action", "NotAction"):
        if name in st and not all(_ACTION.fullmatch(a) for a in _strings(st[name])):
            _bad()
    for name in ("Resource", "NotResource"):
        if name in st:
            _strings(st[name])
    if "Condition" in st:
        _check_condition(st["Condition"])


def _check_condition(cond: Any) -> None:
    if not isinstance(cond, dict) or not cond:
        _bad()
    for operator, keys in cond.items():
        if not isinstance(operator, str) or not isinstance(keys, dict) or not keys:
            _bad()
        for key, value in keys.items():
            values = value if isinstance(value, list) else [value]
            if not key or not values or not all(_scalar(v) for v in values):
                _bad()


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, bool, int, float))


def _strings(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) and v for v in values):
        _bad()
    return values


def _bad() -> None:
    raise Malformed("malformed_policy")
