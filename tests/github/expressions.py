"""GitHub Actions ``${{ }}`` expressions, as far as the workflows here use them.

Contexts and their properties (``a.b``, ``a['b']``), string literals, ``==``, ``!=``, ``!``,
``&&`` and ``||`` (which, as on GitHub, yield one of their operands, so ``x || y`` picks the
first value that is set), parentheses, and the functions ``format``, ``fromJSON``,
``always``, ``success`` and ``failure``. An unknown context or property fails loudly instead
of becoming an empty string, so a typo in a workflow is caught; only outputs (of a step, a job
or an action that did not set them) read as empty, as on GitHub.
"""

from __future__ import annotations

import json
import re
from typing import Any

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<name>[A-Za-z_][\w-]*)|(?P<op>==|!=|&&|\|\||[!.\[\](),]))"
)
Tokens = list[tuple[str, str]]


def evaluate(expr: str, ctx: dict[str, Any]) -> Any:
    found = list(_TOKEN.finditer(expr))
    assert "".join(m.group(0) for m in found).strip() == expr.strip(), f"cannot parse {expr!r}"
    tokens = [(str(m.lastgroup), m.group(str(m.lastgroup))) for m in found]
    value, rest = _or(tokens, ctx)
    assert not rest, f"unsupported expression {expr!r}"
    return value


def substitute(value: Any, ctx: dict[str, Any]) -> Any:
    """A whole ``${{ x }}`` keeps the value's type; embedded ones become strings."""
    if not isinstance(value, str):
        return value
    whole = EXPR.fullmatch(value.strip())
    if whole:
        return evaluate(whole[1], ctx)
    return EXPR.sub(lambda m: text(evaluate(m[1], ctx)), value)


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def truthy(value: Any) -> bool:
    return value not in (None, "", False, 0)


def _or(tokens: Tokens, ctx: dict[str, Any]) -> tuple[Any, Tokens]:
    value, tokens = _and(tokens, ctx)
    while tokens and tokens[0] == ("op", "||"):
        right, tokens = _and(tokens[1:], ctx)
        value = value if truthy(value) else right
    return value, tokens


def _and(tokens: Tokens, ctx: dict[str, Any]) -> tuple[Any, Tokens]:
    value, tokens = _compare(tokens, ctx)
    while tokens and tokens[0] == ("op", "&&"):
        right, tokens = _compare(tokens[1:], ctx)
        value = right if truthy(value) else value
    return value, tokens


def _compare(tokens: Tokens, ctx: dict[str, Any]) -> tuple[Any, Tokens]:
    value, tokens = _unary(tokens, ctx)
    if tokens and tokens[0] in (("op", "=="), ("op", "!=")):
        op = tokens[0][1]
        right, tokens = _unary(tokens[1:], ctx)
        same = text(value).lower() == text(right).lower()  # GitHub compares strings loosely
        return (same if op == "==" else not same), tokens
    return value, tokens


def _unary(tokens: Tokens, ctx: dict[str, Any]) -> tuple[Any, Tokens]:
    if tokens[0] == ("op", "!"):
        value, rest = _unary(tokens[1:], ctx)
        return not truthy(value), rest
    if tokens[0] == ("op", "("):
        value, rest = _or(tokens[1:], ctx)
        assert rest[0] == ("op", ")"), "unclosed ("
        return value, rest[1:]
    return _value(tokens, ctx)


def _value(tokens: Tokens, ctx: dict[str, Any]) -> tuple[Any, Tokens]:
    kind, word = tokens[0]
    if kind == "str":
        return word[1:-1].replace("''", "'"), tokens[1:]
    assert kind == "name", f"unexpected {word!r}"
    rest = tokens[1:]
    if rest and rest[0] == ("op", "("):
        args, rest = _args(rest[1:], ctx)
        return _call(word, args, ctx), rest
    if word in ("true", "false"):
        return word == "true", rest
    assert word in ctx, f"unknown context {word!r}"
    value, parent = ctx[word], word
    while rest and rest[0][1] in (".", "["):
        if rest[0][1] == ".":
            key, rest = rest[1][1], rest[2:]
        else:
            key, rest = _or(rest[1:], ctx)
            assert rest[0] == ("op", "]"), "unclosed ["
            rest = rest[1:]
        if parent == "outputs" and isinstance(value, dict):
            value, parent = value.get(key, ""), key
            continue
        assert isinstance(value, dict) and key in value, f"{word}: no {key!r} in the context"
        value, parent = value[key], key
    return value, rest


def _args(tokens: Tokens, ctx: dict[str, Any]) -> tuple[list[Any], Tokens]:
    args: list[Any] = []
    while tokens[0] != ("op", ")"):
        value, tokens = _or(tokens, ctx)
        args.append(value)
        if tokens[0] == ("op", ","):
            tokens = tokens[1:]
    return args, tokens[1:]


def _call(name: str, args: list[Any], ctx: dict[str, Any]) -> Any:
    if name == "format":
        return re.sub(r"\{(\d+)\}", lambda m: str(args[1 + int(m[1])]), args[0])
    if name == "fromJSON":
        return json.loads(args[0])
    if name in ("always", "success", "failure"):
        failed = bool(ctx.get("job_failed"))
        return {"always": True, "success": not failed, "failure": failed}[name]
    raise AssertionError(f"unsupported function {name}()")
