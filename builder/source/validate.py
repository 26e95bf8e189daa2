"""Pydantic validation of one loaded document, with every error mapped to file:line:col."""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any, TypeVar, Union

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from builder.rules.diagnostics import Diagnostic
from builder.rules.registry import report
from builder.source.load import Document, KeyPath

M = TypeVar("M", bound=BaseModel)
CODE = re.compile(r"[A-Z][A-Z0-9]{1,9}")
IDENT = re.compile(r"[A-Z][A-Z0-9]*(-[A-Z0-9]+)+")


def validate(doc: Document, model: type[M]) -> tuple[M | None, list[Diagnostic]]:
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else "a single value"
        return None, [
            report(
                "wrong-type",
                f"the file holds {kind}; a {_label(model)} file is a mapping of `key: value` lines",
                doc.loc(()),
                f"start with the fields of a {_label(model)}, e.g. `title: ...`",
            )
        ]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        return None, [_diagnostic(doc, model, e) for e in errors if not _explained_by_typo(e, errors)]


def _explained_by_typo(e: ErrorDetails, errors: list[ErrorDetails]) -> bool:
    """A missing field whose misspelling sits in the same mapping: the unknown-key error says it all."""
    if e["type"] != "missing" or not e["loc"]:
        return False
    parent, wanted = tuple(e["loc"][:-1]), str(e["loc"][-1])
    return any(
        other["type"] == "extra_forbidden"
        and tuple(other["loc"][:-1]) == parent
        and difflib.get_close_matches(str(other["loc"][-1]), [wanted], n=1, cutoff=0.6)
        for other in errors
    )


def _label(model: type[BaseModel]) -> str:
    return {"CompetencySet": "competency set", "Program": "program"}.get(model.__name__, model.__name__)


def _data_path(doc: Document, loc: tuple[int | str, ...]) -> tuple[KeyPath, list[str | int]]:
    """Drop the parts of a pydantic loc that are not in the data (union tags, validator names)."""
    node: Any = doc.data
    path: list[str | int] = []
    extra: list[str | int] = []
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
        else:
            extra.append(part)
    return tuple(path), extra


def _context(doc: Document, path: KeyPath) -> str:
    """Name the nearest enclosing object with an id ("item ABC-Q7"), for readable messages."""
    node: Any = doc.data
    label = ""
    kinds = {
        "items": "item",
        "outcomes": "outcome",
        "lessons": "lesson",
        "portfolio": "portfolio task",
        "pools": "pool",
        "criteria": "criterion",
        "choices": "choice",
        "glossary": "glossary entry",
        "requirements": "requirement",
        "routes": "route",
        "assets": "asset",
    }
    parent_key: str | int | None = None
    for part in path:
        if isinstance(node, dict):
            node = node.get(part) if isinstance(part, str) else None
        elif isinstance(node, list) and isinstance(part, int):
            node = node[part]
            if isinstance(parent_key, str) and parent_key in kinds:
                name = None
                if isinstance(node, dict):
                    name = node.get("id") or node.get("term") or node.get("name")
                label = f"{kinds[parent_key]} {name}" if isinstance(name, str) else f"{kinds[parent_key]} #{part + 1}"
        parent_key = part
    return label


def _allowed_keys(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    current: Any = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return []
    current = _unwrap_model(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items()]
    return []


def _unwrap_model(tp: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap_model(typing.get_args(tp)[0])
    if origin in (Union, types.UnionType):
        models = [a for a in typing.get_args(tp) if a is not type(None)]
        return _unwrap_model(models[0]) if len(models) == 1 else tp
    return tp


def _step(tp: Any, part: str | int) -> Any:
    tp = _unwrap_model(tp)
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        for arg in typing.get_args(tp):
            arg = _unwrap_model(arg)
            fields = getattr(arg, "model_fields", {})
            tag = fields.get("type")
            if tag is not None and typing.get_args(tag.annotation) == (part,):
                return arg
        return None
    if origin is list:
        return typing.get_args(tp)[0] if isinstance(part, int) else None
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, f in tp.model_fields.items():
            if part in (name, f.alias):
                return f.annotation
    return None


def _diagnostic(doc: Document, model: type[BaseModel], e: ErrorDetails) -> Diagnostic:
    loc = tuple(e["loc"])
    path, extra = _data_path(doc, loc)
    where = _context(doc, path)
    prefix = f"{where}: " if where else ""
    kind = e["type"]
    field_name = str(loc[-1]) if loc else ""
    if kind == "extra_forbidden":
        allowed = [k for k in _allowed_keys(model, loc[:-1]) if k != "$schema"]
        close = difflib.get_close_matches(field_name, allowed, n=1, cutoff=0.6)
        hint = f"did you mean `{close[0]}`?" if close else f"allowed keys here: {', '.join(allowed)}"
        return report("unknown-key", f"{prefix}unknown key `{field_name}`", doc.loc(path, at_key=True), hint)
    if kind == "missing":
        allowed = _allowed_keys(model, loc[:-1])
        hint = f"add `{field_name}: ...` here" + (
            f" (fields here: {', '.join(a for a in allowed if a != '$schema')})" if allowed else ""
        )
        return report(
            "missing-field", f"{prefix}required field `{field_name}` is missing", doc.loc(path, at_key=True), hint
        )
    if kind == "union_tag_invalid":
        ctx = e.get("ctx") or {}
        expected = str(ctx.get("expected_tags", "")).replace("'", "")
        given = str(ctx.get("tag", ""))
        options = [t.strip() for t in expected.split(",")]
        close = difflib.get_close_matches(given, options, n=1, cutoff=0.5)
        hint = f"did you mean `{close[0]}`?" if close else f"use one of: {expected}"
        type_path = path + ("type",)
        return report("unknown-item-type", f"{prefix}unknown item type `{given}`", doc.loc(type_path), hint)
    if kind == "union_tag_not_found":
        return report(
            "missing-field",
            f"{prefix}required field `type` is missing",
            doc.loc(path),
            "add `type:` with one of single_choice, multiple_choice, true_false, fill_in, matching, ordering",
        )
    if kind == "string_pattern_mismatch":
        return report(
            "bad-id",
            f"{prefix}`{field_name}` value {e['input']!r} is not in the expected form",
            doc.loc(path),
            _pattern_hint(field_name, loc, e["input"], _own_code(doc)),
        )
    if kind in ("enum", "literal_error"):
        ctx = e.get("ctx") or {}
        expected = str(ctx.get("expected", "")).replace("'", "")
        given = str(e["input"])
        close = difflib.get_close_matches(given, [x.strip() for x in expected.replace(" or ", ",").split(",")], n=1)
        hint = f"did you mean `{close[0]}`?" if close else f"use one of: {expected}"
        return report("bad-value", f"{prefix}`{field_name}` is {given!r}, which is not allowed", doc.loc(path), hint)
    if kind in (
        "string_type",
        "int_type",
        "int_parsing",
        "float_type",
        "float_parsing",
        "bool_type",
        "bool_parsing",
        "list_type",
        "dict_type",
        "model_type",
        "date_from_datetime_parsing",
        "date_parsing",
        "date_type",
        "model_attributes_type",
        "int_from_float",
    ):
        if kind in ("model_type", "dict_type", "model_attributes_type"):
            return _mapping_wanted(doc, model, e, path, prefix)
        return report(
            "wrong-type",
            f"{prefix}`{field_name}`: {_type_message(e)}",
            doc.loc(path),
            _type_hint(kind, field_name, e["input"]),
        )
    if kind == "value_error":
        msg, _, value_hint = str(e["msg"]).removeprefix("Value error, ").partition(" | ")
        if msg == "must not be empty" and loc and isinstance(loc[-1], str):
            return report(
                "bad-value",
                f"{prefix}`{field_name}` is empty",
                doc.loc(path),
                f"write the {field_name.replace('_', ' ')} after `{field_name}:`, or delete the line if the field "
                "is optional",
            )
        return report("bad-value", f"{prefix}{msg}", doc.loc(path), value_hint or None)
    message = str(e["msg"])
    if field_name == "mastery_score" and kind in ("less_than_equal", "greater_than_equal"):
        value = e["input"]
        hint = "mastery_score is a share between 0 and 1, e.g. 0.8 for 80 %"
        if isinstance(value, (int, float)) and 1 < value <= 100:
            hint = f"mastery_score is a share between 0 and 1: write {_share(value)} for {value:g} %"
        return report("bad-value", f"{prefix}`mastery_score` is {value!r}; it must be between 0 and 1",
                     doc.loc(path), hint)
    ctx = e.get("ctx") or {}
    generic = {
        "too_short": f"add at least {ctx.get('min_length', 1)} entr{'y' if ctx.get('min_length', 1) == 1 else 'ies'}",
        "too_long": f"keep at most {ctx.get('max_length', '')} entries",
        "greater_than_equal": f"use a number of at least {ctx.get('ge', '')}",
        "greater_than": f"use a number above {ctx.get('gt', '')}",
        "less_than_equal": f"use a number of at most {ctx.get('le', '')}",
        "less_than": f"use a number below {ctx.get('lt', '')}",
    }
    if kind in generic:
        return report("bad-value", f"{prefix}`{field_name}`: {message.lower()}", doc.loc(path), generic[kind])
    if extra and not isinstance(extra[-1], int):
        message = f"`{field_name}`: {message}"
    return report("bad-value", f"{prefix}{message}", doc.loc(path), None)


def _type_message(e: ErrorDetails) -> str:
    value = e["input"]
    shown = (
        repr(value) if not isinstance(value, (dict, list)) else ("a mapping" if isinstance(value, dict) else "a list")
    )
    return f"{str(e['msg']).lower()}, got {shown}"


def _share(value: float) -> str:
    return f"{value / 100:.4f}".rstrip("0").rstrip(".")


def _own_code(doc: Document) -> str | None:
    """The code of the set being validated (or the first the program names), for examples in hints."""
    data = doc.data if isinstance(doc.data, dict) else {}
    code = data.get("code")
    if isinstance(code, str) and CODE.fullmatch(code):
        return code
    for rule in data.get("requirements") or []:
        if isinstance(rule, dict):
            for key in ("required", "from"):
                codes = rule.get(key)
                if isinstance(codes, list):
                    for c in codes:
                        if isinstance(c, str) and CODE.fullmatch(c):
                            return c
    return None


def _mapping_wanted(
    doc: Document, model: type[BaseModel], e: ErrorDetails, path: KeyPath, prefix: str
) -> Diagnostic:
    """"input should be a valid dictionary or instance of Route" → the keys the entry needs."""
    loc = tuple(e["loc"])
    target = _target_model(model, loc)
    field_name = str(loc[-1]) if loc and isinstance(loc[-1], str) else str(loc[-2]) if len(loc) > 1 else "entry"
    got = _type_message(e).rsplit(", got ", 1)[-1]
    if target is None:
        return report("wrong-type", f"{prefix}`{field_name}` needs `key: value` fields, got {got}", doc.loc(path),
                     "write the fields indented under it, one `key: value` per line")
    required = [f.alias or n for n, f in target.model_fields.items() if f.is_required()]
    optional = [f.alias or n for n, f in target.model_fields.items() if not f.is_required() and n != "schema_"]
    entry = "an entry" if isinstance(loc[-1], int) else f"`{field_name}`"
    lines = " ".join(f"{k}: ..." for k in required)
    hint = f"write {entry} as fields, one per line: {lines}" + (
        f" (optional: {', '.join(optional)})" if optional else ""
    )
    return report("wrong-type", f"{prefix}{entry} of `{_list_name(loc)}` needs the keys {', '.join(required)}; "
                 f"got {got}", doc.loc(path), hint)


def _list_name(loc: tuple[int | str, ...]) -> str:
    names = [str(p) for p in loc if isinstance(p, str)]
    return names[-1] if names else "this entry"


def _target_model(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    current: Any = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return None
    current = _unwrap_model(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


_NUMBER_IN = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*([^\s0-9].*)$")


def _type_hint(kind: str, field_name: str = "", value: Any = None) -> str:
    if kind.startswith("list"):
        if isinstance(value, (str, int, float)) and field_name and not isinstance(value, bool):
            shown = getattr(value, "source", value)
            return f"a list, even of one: `{field_name}: [{shown}]`, or one `- entry` per line"
        return "write a list with one `- entry` per line, or [a, b]"
    if kind.startswith("dict") or kind.startswith("model"):
        return "this needs `key: value` fields indented under it"
    if kind.startswith("bool"):
        return f"write `{field_name}: true` or `{field_name}: false`" if field_name else "write true or false"
    if kind.startswith("date"):
        return "write a date as YYYY-MM-DD, e.g. 2026-03-31"
    if kind.startswith("string"):
        shown = value if isinstance(value, (bool, int, float)) else None
        if shown is not None and field_name:
            text = str(getattr(value, "source", str(shown).lower() if isinstance(shown, bool) else shown))
            return f'YAML read this as a {type(shown).__name__}: quote it, `{field_name}: "{text}"`'
        return "put the text in quotes if YAML reads it as something else"
    if kind.startswith(("int", "float")):
        if isinstance(value, str):
            found = _NUMBER_IN.match(value)
            if found is not None:
                number = found.group(1).replace(",", ".")
                if kind.startswith("int") and "." in number:
                    number = str(round(float(number)))
                return f"write the number alone, without `{found.group(2).strip()}`: `{field_name}: {number}`"
        if kind == "int_from_float":
            return f"write a whole number, e.g. `{field_name}: {round(float(value))}`" if isinstance(
                value, (int, float)) else "write a whole number"
        return f"write a number, e.g. `{field_name}: 1`" if field_name else "write a number"
    return "check the value's type"


def _pattern_hint(field_name: str, loc: tuple[int | str, ...], value: Any = None, own: str | None = None) -> str:
    given = value if isinstance(value, str) else ""
    if field_name == "code" or "required" in loc or "from" in loc:
        fixed = re.sub(r"[^A-Z0-9]", "", given.upper())[:10]
        if CODE.fullmatch(fixed) and fixed != given:
            return f"set codes are 2-10 capital letters or digits: write {fixed}"
        return f"set codes are 2-10 capital letters or digits, e.g. {own or 'ABC'}"
    if field_name == "version":
        return "versions are numbers separated by dots, e.g. 1.2.0"
    if field_name == "language":
        return "use a language code such as en, es or en-US"
    if field_name == "id" and loc and loc[0] != "outcomes" and len(loc) == 1:
        fixed = re.sub(r"[^a-z0-9-]+", "-", given.lower()).strip("-")
        if fixed and fixed[0].isalpha() and fixed != given:
            return f"program ids are lowercase letters, digits and dashes: write {fixed}"
        return "program ids are lowercase letters, digits and dashes, e.g. first-aid"
    fixed = re.sub(r"[^A-Z0-9]+", "-", given.upper()).strip("-")
    if IDENT.fullmatch(fixed) and fixed != given and (own is None or fixed.startswith(f"{own}-")):
        return f"ids are capitals and digits joined by dashes: write {fixed}"
    example = f"{own}-Q7" if own else "ABC-Q7"
    return f"ids are capitals and digits joined by dashes, starting with the set code, e.g. {example}"
