"""Syntax and inheritance of management policy types (declarative, tag, backup, AI opt-out).

"Policy syntax and inheritance for management policy types": each policy is a JSON tree
whose leaves carry value-setting operators (``@@assign``, ``@@append``, ``@@remove``) and
whose nodes may carry ``@@operators_allowed_for_child_policies``, which limits what
policies attached further down may do at that node and below. The effective policy of an
account applies the policies from the root down to the account, in attach order at each
level, then drops the operators.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from emulator.core.errors import Malformed

ASSIGN, APPEND, REMOVE = "@@assign", "@@append", "@@remove"
CHILD_CONTROL = "@@operators_allowed_for_child_policies"
VALUE_OPERATORS = frozenset({ASSIGN, APPEND, REMOVE})
_ALL, _NONE = "@@all", "@@none"


def check_management_policy(document: Any) -> None:
    """Raise ``malformed_policy`` unless the document follows the management syntax."""
    if not isinstance(document, dict) or not document:
        raise Malformed("malformed_policy")
    for key, value in document.items():
        _check_node(key, value)


def _check_node(key: Any, node: Any) -> None:
    if not isinstance(key, str) or key.startswith("@@") or not isinstance(node, dict):
        raise Malformed("malformed_policy")
    for name, value in node.items():
        if name == CHILD_CONTROL:
            _check_child_control(value)
        elif name in (APPEND, REMOVE):
            if not isinstance(value, list) or not all(_leaf(v) for v in value):
                raise Malformed("malformed_policy")
        elif name == ASSIGN:
            if not (_leaf(value) or (isinstance(value, list) and all(_leaf(v) for v in value))):
                raise Malformed("malformed_policy")
        else:
            _check_node(name, value)


def _check_child_control(value: Any) -> None:
    allowed = {_ALL, _NONE, *VALUE_OPERATORS}
    if not isinstance(value, list) or not value or not all(v in allowed for v in value):
        raise Malformed("malformed_policy")
    if (_ALL in value or _NONE in value) and len(value) > 1:
        raise Malformed("malformed_policy")


def _leaf(value: Any) -> bool:
    return isinstance(value, (str, bool, int, float)) and value is not None


@dataclass
class _Node:
    value: Any = None  # None: nothing set here
    children: dict[str, _Node] = field(default_factory=dict)
    allowed: frozenset[str] = VALUE_OPERATORS  # what policies further down may do here


def effective(levels: Iterable[Iterable[Any]]) -> dict[str, Any] | None:
    """The effective policy of ``levels`` (root first; each the parsed documents attached
    there, in attach order), or None when no level holds a policy."""
    root = _Node()
    seen = False
    for documents in levels:
        limits: list[tuple[_Node, frozenset[str]]] = []
        for doc in documents:
            seen = True
            _apply(root, doc, root.allowed, limits)
        # A level's child control binds the levels below it, not its own siblings.
        for node, allowed in limits:
            _restrict(node, allowed)
    return _render(root) if seen else None


def _apply(node: _Node, doc: dict[str, Any], allowed: frozenset[str], limits: list[Any]) -> None:
    for name, value in doc.items():
        child = node.children.setdefault(name, _Node(allowed=allowed))
        ops = child.allowed
        if CHILD_CONTROL in value:
            limits.append((child, _allowed_set(value[CHILD_CONTROL])))
        if ASSIGN in value and ASSIGN in ops:
            child.value = value[ASSIGN]
        if APPEND in value and APPEND in ops:
            current = _as_list(child.value)
            child.value = current + [v for v in value[APPEND] if v not in current]
        if REMOVE in value and REMOVE in ops:
            child.value = [v for v in _as_list(child.value) if v not in value[REMOVE]]
        nested = {k: v for k, v in value.items() if not k.startswith("@@")}
        if nested:
            _apply(child, nested, child.allowed, limits)


def _restrict(node: _Node, allowed: frozenset[str]) -> None:
    node.allowed = node.allowed & allowed
    for child in node.children.values():
        _restrict(child, allowed)


def _allowed_set(value: list[str]) -> frozenset[str]:
    if _ALL in value:
        return VALUE_OPERATORS
    if _NONE in value:
        return frozenset()
    return frozenset(value)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _render(node: _Node) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, child in node.children.items():
        if child.children:
            inner = _render(child)
            if inner:
                out[name] = inner
        elif child.value is not None:
            out[name] = child.value
    return out
