"""Rules of the programme file: its requirements and routes against the sets, its evaluation scale
against the rubrics, its language against the theme's strings."""

from __future__ import annotations

from builder.rules.diagnostics import Diagnostic, SourceLoc
from builder.rules.registry import report
from builder.rules.sources import SetSource
from builder.source.load import Document
from builder.source.model import Program


def check_language(p: Program, doc: Document) -> list[Diagnostic]:
    """The build's catalogue lookup, run by `check` too: a language no theme has strings for is found
    here, at program.yaml's `language` key, not when the first writer needs a string."""
    from builder.render.i18n import CatalogueError, available_languages, load_catalogue
    from builder.render.themes import ThemeError, load_theme

    try:
        theme = load_theme(p.theme)
    except ThemeError:  # reported by theme_diagnostics
        return []
    try:
        load_catalogue(theme, p.language)
    except CatalogueError as exc:
        languages = available_languages(theme)
        base = p.language.split("-")[0]
        return [
            report(
                "language-strings",
                str(exc),
                doc.loc(("language",)),
                f"write `language: {languages[0] if languages else 'en'}`"
                + (f" (or one of {', '.join(languages)})" if len(languages) > 1 else "")
                + f", or give the theme a strings/{base}.yaml with every key of strings/en.yaml translated",
            )
        ]
    return []


def check_program(p: Program, doc: Document, sets: list[SetSource], broken: set[str]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    known = {s.model.code for s in sets} | broken
    named = {c for r in p.requirements for c in (r.required or r.from_ or [])}
    unnamed = [s for s in sets if s.model.code not in named]
    used: dict[str, SourceLoc] = {}
    for i, rule in enumerate(p.requirements):
        key = "required" if rule.required is not None else "from"
        codes = rule.required if rule.required is not None else (rule.from_ or [])
        for j, code in enumerate(codes):
            loc = doc.loc(("requirements", i, key, j))
            if code not in known:
                out.append(
                    report(
                        "unknown-set",
                        f"the program names set {code}, but there is no such set",
                        loc,
                        _unknown_set_hint(code, known, unnamed),
                    )
                )
            if code in used:
                out.append(
                    report(
                        "set-listed-twice",
                        f"set {code} already appears at {used[code]}",
                        loc,
                        "a set belongs to one requirement",
                    )
                )
            used.setdefault(code, loc)
        if rule.choose is not None:
            available = len([c for c in codes if c in known])
            if rule.choose > len(codes):
                out.append(
                    report(
                        "program-unsatisfiable",
                        f"the rule asks to choose {rule.choose} sets from a list of {len(codes)}",
                        doc.loc(("requirements", i, "choose")),
                        f"lower `choose` to at most {len(codes)} or add sets to `from`",
                    )
                )
            elif rule.choose > available:
                out.append(
                    report(
                        "program-unsatisfiable",
                        f"the rule asks to choose {rule.choose} sets but only {available} of them exist",
                        doc.loc(("requirements", i, "choose")),
                        "add the missing sets or lower `choose`",
                    )
                )
    for s in sets:
        if s.model.code not in used:
            out.append(
                report(
                    "unreachable-set",
                    f"set {s.model.code} is not part of any program requirement",
                    s.doc.loc(("code",)),
                    "add it to `required` or an elective `from` list in program.yaml",
                )
            )
    route_ids = [r.id for r in p.routes]
    for i, r in enumerate(p.routes):
        if route_ids.count(r.id) > 1 and route_ids.index(r.id) != i:
            out.append(report("duplicate-route", f"route {r.id.value} is listed twice", doc.loc(("routes", i, "id"))))
    if "portfolio" not in {r.value for r in route_ids}:
        for s in sets:
            if s.model.portfolio:
                out.append(
                    report(
                        "portfolio-without-route",
                        f"set {s.model.code} has {len(s.model.portfolio)} portfolio task(s), but program.yaml "
                        "has no portfolio route, so no candidate can submit them",
                        s.doc.loc(("portfolio",), at_key=True),
                        "add `- id: portfolio` (with a title and description) under `routes:` in program.yaml, "
                        "or delete this `portfolio:` list",
                    )
                )
    return out


def check_scale(p: Program, doc: Document, sets: list[SetSource]) -> list[Diagnostic]:
    """Rubrics rate on the programme's evaluation scale, declared once; the pass rule is declared once too."""
    out: list[Diagnostic] = []
    scale = p.evaluation.scale if p.evaluation else []
    for i, r in enumerate(p.routes):
        if p.evaluation and r.pass_rule and r.id.value == "portfolio":
            out.append(
                report(
                    "pass-rule-twice",
                    f"route {r.id.value} has its own pass_rule and `evaluation` declares one",
                    doc.loc(("routes", i, "pass_rule")),
                    "keep the rule once, under `evaluation: pass_rule:`",
                )
            )
    for s in sets:
        for i, task in enumerate(s.model.portfolio):
            path = ("portfolio", i, "rubric")
            given = [(lv.name, lv.points) for lv in task.rubric.levels]
            if not given and not scale:
                out.append(
                    report(
                        "rubric-no-scale",
                        f"the rubric of {task.id} has no `levels` and program.yaml declares no evaluation scale",
                        s.doc.loc(path, at_key=True),
                        "add `evaluation: scale:` to program.yaml, or `levels:` to this rubric",
                    )
                )
                continue
            if given and scale and given != [(lv.name, lv.points) for lv in scale]:
                out.append(
                    report(
                        "rubric-scale",
                        f"the rubric of {task.id} rates on {', '.join(n for n, _ in given)}, not on the programme's "
                        f"scale ({', '.join(lv.name for lv in scale)})",
                        s.doc.loc((*path, "levels"), at_key=True),
                        "delete this rubric's `levels:` to use the programme's scale",
                    )
                )
            if given:
                continue
            for j, crit in enumerate(task.rubric.criteria):
                if len(crit.descriptors) != len(scale):
                    out.append(
                        report(
                            "rubric-shape",
                            f"criterion `{crit.name}` has {len(crit.descriptors)} descriptors"
                            f" but the programme's scale has {len(scale)} levels",
                            s.doc.loc((*path, "criteria", j, "descriptors")),
                            "write one descriptor per level of `evaluation: scale:`, lowest first",
                        )
                    )
    return out


def _unknown_set_hint(code: str, known: set[str], unnamed: list[SetSource]) -> str:
    """A code that is in no set file is most often a set whose `code:` was renamed: name that file."""
    if len(unnamed) == 1:
        s = unnamed[0]
        return f"{s.doc.path} has `code: {s.model.code}`: if you renamed the set, write {s.model.code} here too"
    if not known:
        return "no set file could be read; fix the errors in sets/ first"
    close = [c for c in sorted(known) if c[:2] == code[:2]]
    return f"the codes of the files in sets/ are {', '.join(sorted(known))}" + (
        f"; did you mean {close[0]}?" if close else ""
    )
