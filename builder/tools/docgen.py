"""Reference pages for the docs site, generated from the source models and the CLI so they cannot drift.

`field_reference` walks the pydantic models from the two file kinds down (every nested model once, in
the order a reader meets it) and takes each field's example from real curriculum files; the docs build
(docs/_hooks/reference.py) calls it with the example curriculum in docs/examples/ and the bundled one.
`command_reference` reads the click definitions. Both return markdown and never touch the disk.
"""

from __future__ import annotations

import datetime as dt
import enum
import inspect
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import annotated_types as at
import click
from pydantic import AfterValidator, BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from builder.source import model
from builder.source.model import CODE_RE, ID_RE, LANG_RE, CompetencySet, Program, Strict

FILES: tuple[tuple[str, type[BaseModel], str], ...] = (
    ("program.yaml", Program, "The programme: one file, `program.yaml`, at the top of the curriculum folder."),
    ("sets/<code>.yaml", CompetencySet, "A competency set: one file per set in `sets/`."),
)

# Why a value is refused, in words, for the patterns the models use; an unknown pattern is shown as is.
PATTERNS = {
    CODE_RE: "2 to 10 capital letters or digits, starting with a letter, e.g. `ABC`",
    ID_RE: "capital letters and digits in parts joined by dashes, e.g. `ABC-1`, `ABC-L2`, `ABC-Q3`",
    LANG_RE: "a language code such as `en`, `es` or `es-MX`",
    r"^[0-9]+(\.[0-9]+){0,3}$": "numbers joined by dots, at most four, e.g. `1.0.0` or `2026.1`",
    r"^[a-z][a-z0-9-]{1,39}$": "2 to 40 lowercase letters, digits or dashes, starting with a letter, e.g. `first-aid`",
}
_NO_BLANK = {m.func for m in typing.get_args(model.Text)[1:] if isinstance(m, AfterValidator)}
EXAMPLE_WIDTH = 60


@dataclass(frozen=True)
class FieldDoc:
    key: str  # as written in YAML (the alias, e.g. `from`)
    kind: str  # type and constraints in words
    allowed: tuple[str, ...]  # the only values accepted, when there is a fixed list
    required: bool
    default: str | None  # None when there is no default (required, or absent means "none")
    description: str
    example: str | None
    nested: tuple[type[BaseModel], ...] = ()  # the blocks this field holds; its example is theirs


@dataclass(frozen=True)
class ModelDoc:
    model: type[BaseModel]
    title: str
    where: str  # YAML path of the first place this shape appears
    fields: tuple[FieldDoc, ...]

    @property
    def anchor(self) -> str:
        return self.model.__name__.lower()


# ---------------------------------------------------------------- type introspection


def _strip(tp: Any) -> tuple[Any, list[Any], bool]:
    """The bare type under Annotated/Optional, its constraint metadata, and whether None is allowed."""
    meta: list[Any] = []
    optional = False
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            args = typing.get_args(tp)
            tp = args[0]
            for m in args[1:]:
                meta.extend(m.metadata if isinstance(m, FieldInfo) else [m])
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(tp) if a is not type(None)]
            optional = optional or len(members) < len(typing.get_args(tp))
            if len(members) != 1:
                return typing.Union[tuple(members)], meta, optional  # noqa: UP007 - rebuilt from parts
            tp = members[0]
        else:
            return tp, meta, optional


def _models_in(tp: Any) -> list[type[BaseModel]]:
    bare, _, _ = _strip(tp)
    if isinstance(bare, type) and issubclass(bare, BaseModel):
        return [bare]
    return [m for arg in typing.get_args(bare) for m in _models_in(arg)]


def _link(m: type[BaseModel]) -> str:
    return f"[{m.__name__}](#{m.__name__.lower()})"


def _constraints(meta: list[Any]) -> list[str]:
    out: list[str] = []
    low = next((m.ge for m in meta if isinstance(m, at.Ge)), None)
    high = next((m.le for m in meta if isinstance(m, at.Le)), None)
    if low is not None and high is not None:
        out.append(f"from {low} to {high}")
    elif low is not None:
        out.append(f"at least {low}")
    elif high is not None:
        out.append(f"at most {high}")
    for m in meta:
        pattern = getattr(m, "pattern", None)
        if isinstance(pattern, str):
            out.append(PATTERNS.get(pattern, f"matching `{pattern}`"))
        max_length = getattr(m, "max_length", None)
        if isinstance(m, at.MaxLen) or (max_length is not None and not isinstance(m, at.MinLen)):
            out.append(f"at most {max_length} characters")
        if getattr(m, "func", None) in _NO_BLANK:
            out.append("not empty")
    return out


def _describe(tp: Any, extra: Sequence[Any] = ()) -> tuple[str, tuple[str, ...]]:
    """A field type in words for people who do not read Python, and its fixed list of values if any.

    `extra` is the field's own metadata (Field(min_length=...)), which pydantic keeps apart from the type."""
    bare, meta, _ = _strip(tp)
    meta = [*extra, *meta]
    origin = typing.get_origin(bare)
    words = _constraints(meta)
    if origin is list:
        inner, allowed = _describe(typing.get_args(bare)[0])
        counts = []
        low = next((m.min_length for m in meta if isinstance(m, at.MinLen)), 0)
        high = next((m.max_length for m in meta if isinstance(m, at.MaxLen)), None)
        if low:
            counts.append(f"at least {low}")
        if high:
            counts.append(f"at most {high}")
        suffix = f" ({', '.join(counts)})" if counts else ""
        return f"list{suffix} of: {inner}", allowed
    if origin in (typing.Union, types.UnionType):
        models = _models_in(bare)
        return "one of " + ", ".join(_link(m) for m in models) + " (chosen by its `type`)", ()
    if origin is typing.Literal:
        values = tuple(str(v) for v in typing.get_args(bare))
        return "exactly " + " or ".join(f"`{v}`" for v in values), ()
    if isinstance(bare, type) and issubclass(bare, enum.Enum):
        return "one of the listed words", tuple(str(e.value) for e in bare)
    if isinstance(bare, type) and issubclass(bare, BaseModel):
        return f"a block of fields: {_link(bare)}", ()
    names = {str: "text", int: "whole number", float: "number", bool: "`true` or `false`", dt.date: "date, YYYY-MM-DD"}
    base = names.get(bare, getattr(bare, "__name__", str(bare)))
    return base + (f", {', '.join(words)}" if words else ""), ()


# ---------------------------------------------------------------- examples from real files


def _samples(root: type[BaseModel], documents: Sequence[Mapping[str, Any]]) -> dict[type[BaseModel], list[Any]]:
    """Every mapping in the documents, grouped by the model that reads it (items by their `type`)."""
    found: dict[type[BaseModel], list[Any]] = {}

    def visit(m: type[BaseModel], data: Any) -> None:
        if not isinstance(data, Mapping):
            return
        for shape in m.__mro__:
            # a shared base (the item fields) also collects, but not the root of every model
            if isinstance(shape, type) and issubclass(shape, BaseModel) and shape not in (BaseModel, Strict):
                found.setdefault(shape, []).append(data)
        for name, info in m.model_fields.items():
            key = info.alias or name
            value = data.get(key)
            models = _models_in(info.annotation)
            if value is None or not models:
                continue
            for entry in value if isinstance(value, list) else [value]:
                visit(_pick(models, entry), entry)

    for doc in documents:
        visit(root, doc)
    return found


def _pick(models: list[type[BaseModel]], entry: Any) -> type[BaseModel]:
    """The model of a discriminated union member: the one whose `type` literal matches."""
    if len(models) > 1 and isinstance(entry, Mapping):
        for m in models:
            literal = m.model_fields.get("type")
            if literal is not None and entry.get("type") in typing.get_args(literal.annotation):
                return m
    return models[0]


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        if value and all(isinstance(v, Mapping) for v in value):
            return f"a list of {len(value)} block(s)"
        shown = ", ".join(_show(v) for v in value[:4])
        return _clip(f"[{shown}{', …' if len(value) > 4 else ''}]")
    if isinstance(value, Mapping):
        return "a block (see its fields)"
    text = str(value)
    first = text.strip().splitlines()[0] if text.strip() else text
    shown = _clip(first)
    return shown + (" …" if "\n" in text.strip() and not shown.endswith("…") else "")


def _clip(text: str) -> str:
    return text if len(text) <= EXAMPLE_WIDTH else text[: EXAMPLE_WIDTH - 1].rstrip() + "…"


def _example(key: str, samples: list[Any]) -> str | None:
    for data in samples:
        if key in data and data[key] is not None:
            return _show(data[key])
    return None


# ---------------------------------------------------------------- the walk


def _default(info: FieldInfo) -> str | None:
    if info.default_factory is not None:
        return "empty list" if info.default_factory is list else "—"
    if info.default is PydanticUndefined or info.default is None:
        return None
    value = info.default.value if isinstance(info.default, enum.Enum) else info.default
    return _show(value)


def model_docs(root: type[BaseModel], where: str, documents: Sequence[Mapping[str, Any]] = ()) -> list[ModelDoc]:
    """Each model reachable from `root`, once, breadth first, with its fields and examples."""
    samples = _samples(root, documents)
    seen: dict[type[BaseModel], str] = {root: where}
    queue: list[type[BaseModel]] = [root]
    out: list[ModelDoc] = []
    while queue:
        m = queue.pop(0)
        fields = []
        for name, info in m.model_fields.items():
            key = info.alias or name
            kind, allowed = _describe(info.annotation, info.metadata)
            fields.append(
                FieldDoc(
                    key=key,
                    kind=kind,
                    allowed=allowed,
                    required=info.is_required(),
                    default=_default(info),
                    description=" ".join((info.description or "").split()),
                    example=_example(key, [d for shape in m.__mro__ for d in samples.get(shape, [])]),
                    nested=tuple(_models_in(info.annotation)),
                )
            )
            nested = _models_in(info.annotation)
            list_like = typing.get_origin(_strip(info.annotation)[0]) is list
            for sub in nested:
                if sub not in seen:
                    suffix = f" (type: {_literal(sub)})" if len(nested) > 1 else ""
                    seen[sub] = f"{seen[m]}.{key}{'[]' if list_like else ''}{suffix}".lstrip(".")
                    queue.append(sub)
        doc = inspect.cleandoc(m.__doc__ or "") if m.__doc__ and m.__doc__ != BaseModel.__doc__ else ""
        out.append(ModelDoc(m, doc.splitlines()[0] if doc else "", seen[m], tuple(fields)))
    return out


def _literal(m: type[BaseModel]) -> str:
    literal = m.model_fields.get("type")
    return str(typing.get_args(literal.annotation)[0]) if literal else m.__name__


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def field_reference(program_docs: Sequence[Mapping[str, Any]], set_docs: Sequence[Mapping[str, Any]]) -> str:
    """The field reference page: every field of both file kinds, with examples taken from the documents."""
    lines = [
        "# Field reference",
        "",
        "This page is generated from coursepack's own models each time the documentation is built, so it",
        "always matches what `coursepack check` accepts. Examples come from the example curriculum in",
        "these docs and from the bundled LSSC curriculum. **Required** fields must be present; the others",
        "may be left out and then take their default.",
        "",
    ]
    for filename, root, intro in FILES:
        documents = program_docs if root is Program else set_docs
        lines += [f"## `{filename}`", "", intro, ""]
        for doc in model_docs(root, "", documents):
            lines += [f"### {doc.model.__name__} {{#{doc.anchor}}}", ""]
            place = f"`{doc.where}`" if doc.where else "the top level of the file"
            lines += [f"Where: {place}." + (f" {doc.title}" if doc.title else ""), ""]
            lines += ["| Field | Value | Required? | Description | Example |", "|---|---|---|---|---|"]
            for f in doc.fields:
                value = f.kind + (": " + ", ".join(f"`{a}`" for a in f.allowed) if f.allowed else "")
                need = "required" if f.required else ("optional" + (f", default `{f.default}`" if f.default else ""))
                if f.nested:
                    example = "see " + ", ".join(_link(n) for n in f.nested)
                else:
                    example = f"`{f.example}`" if f.example else "—"
                description = _cell(f.description) or "—"
                lines.append(f"| `{f.key}` | {_cell(value)} | {need} | {description} | {_cell(example)} |")
            lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------- commands


def _param_value(p: click.Parameter) -> str:
    if isinstance(p, click.Option) and p.is_flag:
        return "flag (no value)"
    t = p.type
    if isinstance(t, click.Choice):
        return "one of " + ", ".join(f"`{c}`" for c in t.choices)
    if isinstance(t, click.IntRange):
        return f"whole number from {t.min} to {t.max}"
    if isinstance(t, click.Path):
        return "folder" if not t.file_okay else "path"
    return {"integer": "whole number", "text": "text"}.get(t.name, t.name)


def _param_default(p: click.Parameter) -> str:
    if isinstance(p, click.Option) and p.is_flag:
        return "off"
    # a required argument's default is click's "unset" marker, not a value
    if p.required or not isinstance(p.default, str | int | float):
        return "—"
    return f"`{p.default}`"


def command_reference(group: click.Group, prog: str = "coursepack") -> str:
    """Every command of the group, in the order they are defined, with its arguments and options."""
    root = click.Context(group, info_name=prog)
    lines = [
        "# Command reference",
        "",
        "Generated from the command definitions each time the documentation is built. Every command",
        "also accepts `-h` / `--help`, which prints the same information in the terminal.",
        "",
        inspect.cleandoc(group.help or ""),
        "",
    ]
    for name, cmd in group.commands.items():
        ctx = click.Context(cmd, info_name=name, parent=root)
        usage = " ".join([prog, name, *cmd.collect_usage_pieces(ctx)])
        lines += [f"## `{prog} {name}`", "", inspect.cleandoc(cmd.help or ""), "", f"```text\n{usage}\n```", ""]
        params = [p for p in cmd.get_params(ctx) if p.name != "help"]
        if not params:
            continue
        lines += ["| Argument or option | Value | Default | What it does |", "|---|---|---|---|"]
        for p in params:
            if isinstance(p, click.Option):
                label = ", ".join(f"`{o}`" for o in [*p.opts, *p.secondary_opts])
                text = p.help or ""
            else:
                label = f"`{(p.human_readable_name or '').upper()}`" + ("" if p.required else " (optional)")
                text = "Written without a dash, in this position."
            lines.append(f"| {label} | {_cell(_param_value(p))} | {_cell(_param_default(p))} | {_cell(text) or '—'} |")
        lines.append("")
    return "\n".join(lines)


_STAGES = {
    "source": ("Reading the files", "`check` and `build` stop at these before anything else."),
    "check": ("Checking the curriculum", "Rules across fields and files: ids, references, programme rules, "
              "coverage."),
    "lint": ("Item writing", "Cues a test-wise candidate could exploit; thresholds under `lint:` in "
             "program.yaml."),
    "format": ("What an output cannot carry", "Each format's own limits; `check` reports them too, so what "
               "`check` accepts, `build` writes."),
    "build": ("Building", "Problems of the run itself."),
    "analysis": ("Results analysis", "`coursepack analyze` reading LMS reports."),
}


def message_reference() -> str:
    """Every diagnostic code from the registry, by stage: severity, what it means, what to do."""
    from builder.rules.registry import RULES

    lines = [
        "# Message reference",
        "",
        "Every message coursepack prints has a code, the same every time. Errors stop `check` and `build`;",
        "warnings do too with `--strict`. This page is generated from `builder/rules/registry.py`, where",
        "each code is declared once.",
    ]
    for stage, (title, intro) in _STAGES.items():
        rules = sorted((r for r in RULES.values() if r.stage == stage), key=lambda r: r.code)
        lines += ["", f"## {title}", "", intro, "", "| code | severity | what it means | what to do |",
                  "|---|---|---|---|"]
        lines += [f"| `{r.code}` | {r.severity.value} | {_cell(r.meaning)} | {_cell(r.fix)} |" for r in rules]
    return "\n".join(lines) + "\n"
