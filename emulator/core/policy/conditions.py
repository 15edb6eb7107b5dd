"""IAM condition operators and AWS's rules for absent, empty and multi-valued keys.

The rules (IAM User Guide, condition operators and multivalued context keys):

- Several values for one key are ORed; several keys or operators are ANDed by the caller.
- Negated operators (``StringNotEquals``, ...) hold when the request value matches none of
  the policy values.
- An absent key makes a positive operator false and a negated one true; ``...IfExists``
  makes an absent key true.
- ``ForAnyValue:`` holds when at least one request value passes; an absent or empty key
  makes it false. ``ForAllValues:`` holds when every request value passes, and also when
  the key is absent or empty.
- Condition key names are case-insensitive; values follow the operator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from emulator.core.wildcard import Wildcard, compile_wildcard

ContextValue = str | Sequence[str]
Context = Mapping[str, ContextValue]
QUALIFIERS = ("ForAnyValue", "ForAllValues")


def _equals(value: str, pattern: str) -> bool:
    return value == pattern


def _equals_ignore_case(value: str, pattern: str) -> bool:
    return value.casefold() == pattern.casefold()


def like(value: str, pattern: str) -> bool:
    """``StringLike``: ``*`` is any run of characters (``/`` included), ``?`` exactly one."""
    return _wildcard(pattern).matches(value)


@lru_cache(maxsize=4096)  # bounded: policies repeat their patterns on every evaluation
def _wildcard(pattern: str) -> Wildcard:
    return compile_wildcard(pattern, escapes=False)


def _bool(value: str, pattern: str) -> bool:
    return value.lower() == pattern.lower()


# base operator -> (value matcher, negated)
_BASE: dict[str, tuple[Callable[[str, str], bool], bool]] = {
    "StringEquals": (_equals, False),
    "StringNotEquals": (_equals, True),
    "StringEqualsIgnoreCase": (_equals_ignore_case, False),
    "StringNotEqualsIgnoreCase": (_equals_ignore_case, True),
    "StringLike": (like, False),
    "StringNotLike": (like, True),
    # ARN operators accept wildcards in both forms, so they match like StringLike.
    "ArnEquals": (like, False),
    "ArnLike": (like, False),
    "ArnNotEquals": (like, True),
    "ArnNotLike": (like, True),
    "Bool": (_bool, False),
}


@dataclass(frozen=True)
class Operator:
    name: str  # as written in the policy, e.g. "ForAnyValue:StringLikeIfExists"
    base: str  # "StringLike", or "Null"
    qualifier: str | None  # "ForAnyValue" | "ForAllValues" | None
    if_exists: bool


@dataclass(frozen=True)
class Condition:
    operator: Operator
    key: str
    values: tuple[str, ...]


def parse_operator(name: str) -> Operator | None:
    """The operator written as ``name``, or None when IAM has no such operator here."""
    qualifier, _, rest = name.rpartition(":")
    if qualifier and qualifier not in QUALIFIERS:
        return None
    if rest == "Null":
        return None if qualifier else Operator(name, "Null", None, False)
    if_exists = rest.endswith("IfExists")
    base = rest.removesuffix("IfExists")
    if base not in _BASE:
        return None
    return Operator(name, base, qualifier or None, if_exists)


def normalize_context(context: Context) -> dict[str, tuple[str, ...]]:
    """Lower-cased key names; every value as a tuple (a single string is one value)."""
    return {
        key.lower(): (value,) if isinstance(value, str) else tuple(value)
        for key, value in context.items()
    }


def holds(condition: Condition, context: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether one condition key test is true in a context made by ``normalize_context``."""
    op = condition.operator
    request = context.get(condition.key.lower(), ())
    if op.base == "Null":
        # "true" asks for the key to be absent, "false" for it to be present.
        return any((v.lower() == "true") == (not request) for v in condition.values)
    match, negated = _BASE[op.base]

    def passes(value: str) -> bool:
        hit = any(match(value, pattern) for pattern in condition.values)
        return not hit if negated else hit

    if not request:
        if op.if_exists:
            return True
        if op.qualifier is None:
            return negated
        return op.qualifier == "ForAllValues"
    if op.qualifier == "ForAllValues":
        return all(passes(v) for v in request)
    if op.qualifier == "ForAnyValue":
        return any(passes(v) for v in request)
    # No qualifier: a positive operator needs one match; a negated one needs none at all.
    hit = any(match(v, p) for v in request for p in condition.values)
    return not hit if negated else hit
