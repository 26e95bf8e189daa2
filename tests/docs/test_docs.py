"""The documentation site: it builds strictly, its examples pass `coursepack check`, its commands parse,
and the generated references cover every model field and every command option."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
from ruamel.yaml import YAML

from builder import formats
from builder.cli import cli, main
from builder.source import model
from builder.tools import docgen

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
EXAMPLES = DOCS / "examples"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "_hooks" not in p.parts)
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S)
MARKER = re.compile(r"^#\s*check:\s*(?P<kind>[\w-]+)(?P<reason>.*)$")
KINDS = ("set", "program", "set-part", "program-part", "items", "none")


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    lang: str
    body: str

    @property
    def label(self) -> str:
        return f"{self.page.relative_to(DOCS)}:{self.line}"


def _blocks() -> list[Block]:
    out = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            indent = m.group("indent")
            body = "\n".join(line[len(indent) :] for line in m.group("body").splitlines())
            out.append(Block(page, text.count("\n", 0, m.start()) + 1, m.group("lang"), body))
    return out


BLOCKS = _blocks()
YAML_BLOCKS = [b for b in BLOCKS if b.lang == "yaml" and "--8<--" not in b.body]


def _yaml() -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    return yaml


def _kind(block: Block) -> tuple[str, str]:
    first = block.body.strip().splitlines()[0]
    m = MARKER.match(first)
    if m:
        return m.group("kind"), m.group("reason").strip()
    data = _yaml().load(block.body)
    if isinstance(data, dict) and {"code", "outcomes", "lessons"} <= data.keys():
        return "set", ""
    if isinstance(data, dict) and {"requirements", "routes"} <= data.keys():
        return "program", ""
    return "unmarked", ""


def _curriculum(tmp: Path, kind: str, data: Any) -> Path:
    """The example curriculum with the block put in the place its marker names."""
    folder = tmp / "cur"
    shutil.copytree(EXAMPLES, folder)
    yaml = _yaml()
    hyg = folder / "sets" / "hyg.yaml"
    program = folder / "program.yaml"
    if kind == "set":
        target = folder / "sets" / f"{str(data['code']).lower()}.yaml"
        yaml.dump(data, target)
    elif kind == "program":
        yaml.dump(data, program)
    elif kind in ("set-part", "items"):
        doc = yaml.load(hyg)
        if kind == "items":
            doc["assessment"]["items"].extend(data)
        else:
            doc.update(data)
        yaml.dump(doc, hyg)
    elif kind == "program-part":
        doc = yaml.load(program)
        doc.update(data)
        yaml.dump(doc, program)
    return folder


def test_site_builds_strictly_with_generated_references(tmp_path: Path) -> None:
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(site)],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "WARNING" not in run.stderr, run.stderr
    fields = (site / "reference" / "fields" / "index.html").read_text(encoding="utf-8")
    commands = (site / "reference" / "commands" / "index.html").read_text(encoding="utf-8")
    assert 'id="assessment"' in fields and "mastery_score" in fields
    assert "coursepack build" in commands and "--paper" in commands
    # the included example set is rendered, not the snippet marker
    sets_page = (site / "curriculum" / "sets" / "index.html").read_text(encoding="utf-8")
    assert "HYG-POOL1" in sets_page and "--8&lt;--" not in sets_page


def test_example_curriculum_is_strict_clean() -> None:
    assert main(["check", "--strict", str(EXAMPLES)]) == 0


def test_every_yaml_block_is_marked_and_opt_outs_say_why() -> None:
    kinds = {b.label: _kind(b) for b in YAML_BLOCKS}
    assert len(YAML_BLOCKS) >= 15
    unmarked = [label for label, (kind, _) in kinds.items() if kind not in KINDS]
    assert not unmarked, f"yaml examples without a `# check: KIND` line ({', '.join(KINDS)}): {unmarked}"
    silent = [label for label, (kind, reason) in kinds.items() if kind == "none" and not reason]
    assert not silent, f"`# check: none` needs a reason in parentheses: {silent}"


CHECKED = [b for b in YAML_BLOCKS if _kind(b)[0] not in ("none", "unmarked")]


@pytest.mark.parametrize("block", CHECKED, ids=lambda b: b.label)
def test_yaml_example_passes_check(block: Block, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kind, _ = _kind(block)
    folder = _curriculum(tmp_path, kind, _yaml().load(block.body))
    code = main(["check", str(folder)])
    assert code == 0, f"{block.label} ({kind}):\n{capsys.readouterr().err}"


def test_a_broken_example_would_be_caught(tmp_path: Path) -> None:
    """The harness itself: a fragment with a dangling outcome fails check."""
    broken = [{"id": "HYG-Q99", "type": "true_false", "outcomes": ["HYG-9"], "prompt": "x?", "answer": True,
               "feedback_true": "a", "feedback_false": "b"}]
    assert main(["check", str(_curriculum(tmp_path, "items", broken))]) == 1


def _commands() -> dict[str, str]:
    """Every `coursepack …` command line shown in the docs (code blocks and inline code), by where."""
    found: dict[str, str] = {}
    for b in BLOCKS:
        if b.lang in ("sh", "console", "bash", "shell"):
            for k, line in enumerate(b.body.splitlines()):
                if line.strip().startswith("coursepack "):
                    found.setdefault(line.strip(), f"{b.label}+{k + 1}")
    for page in PAGES:
        for m in re.finditer(r"(?<!`)`(coursepack [^`]+)`", page.read_text(encoding="utf-8")):
            found.setdefault(m.group(1), str(page.relative_to(DOCS)))
    return found


COMMANDS = _commands()


def test_docs_show_every_command() -> None:
    shown = {shlex.split(c)[1] for c in COMMANDS}
    assert set(cli.commands) - {"version"} <= shown, set(cli.commands) - shown


@pytest.mark.parametrize("line", sorted(COMMANDS), ids=lambda c: c[:60])
def test_shown_command_parses(line: str, capsys: pytest.CaptureFixture[str]) -> None:
    words = shlex.split(line.split(" #")[0].split(" > ")[0])[1:]
    assert words[0] in cli.commands, f"{COMMANDS[line]}: unknown command in `{line}`"
    assert main([*words, "--help"]) == 0, capsys.readouterr().err
    if len(words) == 1:
        return  # a command named in a sentence, without its arguments
    command = cli.commands[words[0]]
    ctx = command.make_context(words[0], list(words[1:]), parent=click.Context(cli, info_name="coursepack"))
    if words[0] == "build":
        assert set(ctx.params["format_"].split(",")) <= set(formats.available()), line


def _sections(page: str) -> dict[str, str]:
    parts = re.split(r"^### (\w+) \{#\w+\}$", page, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _documents(folder: Path) -> tuple[list[Any], list[Any]]:
    yaml = _yaml()
    return [yaml.load(folder / "program.yaml")], [yaml.load(f) for f in sorted((folder / "sets").glob("*.yaml"))]


def test_field_reference_mentions_every_model_field() -> None:
    page = docgen.field_reference(*_documents(EXAMPLES))
    sections = _sections(page)
    models = [m for m in vars(model).values() if isinstance(m, type) and issubclass(m, model.Strict)]
    concrete = [m for m in models if m is not model.Strict and not m.__subclasses__()]
    assert len(concrete) >= 20
    for m in concrete:
        assert m.__name__ in sections, f"no section for {m.__name__}"
        for name, info in m.model_fields.items():
            assert f"| `{info.alias or name}` |" in sections[m.__name__], f"{m.__name__}.{name} missing"


def test_example_curriculum_gives_every_field_an_example() -> None:
    programs, sets = _documents(EXAMPLES)
    missing = []
    for root, docs in ((model.Program, programs), (model.CompetencySet, sets)):
        for doc in docgen.model_docs(root, "", docs):
            missing += [f"{doc.model.__name__}.{f.key}" for f in doc.fields
                        if f.example is None and not f.nested and f.key != "$schema"]
    assert not missing, f"add these to docs/examples/ so the field reference shows them: {missing}"


def test_field_reference_states_the_models_limits() -> None:
    docs = {d.model: {f.key: f for f in d.fields} for d in docgen.model_docs(model.CompetencySet, "")}
    assert docs[model.Lesson]["minutes"].kind == "whole number, from 1 to 600"
    assert docs[model.Assessment]["mastery_score"].kind == "number, from 0 to 1"
    assert docs[model.Assessment]["attempts"].default == "0"
    assert docs[model.Outcome]["bloom"].allowed == tuple(b.value for b in model.Bloom)
    assert "e.g. `ABC`" in docs[model.CompetencySet]["code"].kind
    assert docs[model.CompetencySet]["outcomes"].kind.startswith("list (at least 1) of:")
    assert docs[model.Rubric]["levels"].kind.startswith("list (at most 6) of:")  # none: the programme's scale
    assert not docs[model.Choice]["correct"].required and docs[model.Choice]["feedback"].required


def test_command_reference_lists_every_option() -> None:
    page = docgen.command_reference(cli)
    for name, command in cli.commands.items():
        assert f"## `coursepack {name}`" in page
        body = page.split(f"## `coursepack {name}`", 1)[1].split("\n## ", 1)[0]
        for p in command.params:
            for opt in getattr(p, "opts", []):
                assert f"`{opt}`" in body or p.param_type_name == "argument", f"{name} {opt}"


def test_message_codes_in_the_docs_exist() -> None:
    """Codes the hand-written pages name are real ones; the full list is generated from the registry."""
    from builder.rules.registry import RULES

    # as messages print them (error[code]), and as the pages mention them: (`code`)
    shapes = (r"(?:error|warning)\[([a-z0-9-]+)\]", r"\(`([a-z]+(?:-[a-z0-9]+)+)`\)")
    named = {c for page in DOCS.rglob("*.md") for shape in shapes
             for c in re.findall(shape, page.read_text(encoding="utf-8"))}
    assert len(named) >= 5
    not_codes = {"code", "yaml-language-server"}  # a placeholder, and the editors' YAML server
    assert sorted(named - set(RULES) - not_codes) == []


def test_moodle_settings_name_tests_that_exist_and_use_the_documented_values() -> None:
    """Each row of the Moodle guide's settings table names the real-Moodle test that shows its effect,
    and that test creates the activity with the values the table recommends."""
    page = (DOCS / "lms" / "moodle-scorm.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(test_[a-z0-9_]+)`", page))
    defined = set(re.findall(r"^def (test_[a-z0-9_]+)", "".join(
        f.read_text(encoding="utf-8") for f in (ROOT / "tests" / "moodle").glob("test_*.py")), re.M))
    assert named and named <= defined, sorted(named - defined)
    source = (ROOT / "tests" / "moodle" / "test_player_in_moodle.py").read_text(encoding="utf-8")
    table = page[page.index("## Recommended settings"):page.index("### Grading method")]
    for label, field, value in (("Student skip content structure page", "skipview", "2"),
                                ("Grading method", "grademethod", "1"), ("Force new attempt", "forcenewattempt", "1"),
                                ("Number of attempts", "maxattempt", "0"), ("Force completed", "forcecompleted", "0")):
        assert label in table
        assert re.search(rf'"{field}": {value},', source), field


def test_site_builds_from_another_working_folder(tmp_path: Path) -> None:
    """mkdocs.yml's paths (snippets, hooks, docs) are relative to itself, not to where mkdocs runs."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    base = re.search(r"base_path:\s*\[(.*?)\]", config)
    assert base is not None and all(p.strip().startswith("!relative $config_dir") for p in base.group(1).split(","))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(ROOT / "mkdocs.yml"), "-d", str(tmp_path / "site")],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300,
    )
    assert "Snippet" not in run.stderr and "snippet" not in run.stderr.lower(), run.stderr
    assert "HYG-POOL1" in (tmp_path / "site" / "curriculum" / "sets" / "index.html").read_text(encoding="utf-8")


def test_claims_about_the_default_build_match_the_formats() -> None:
    """A page that says a format is (not) in the default build must agree with formats.DEFAULT."""
    folders = {formats.get(name).folder: name for name in formats.available()}
    wrong = []
    for page in PAGES:
        for line in page.read_text(encoding="utf-8").splitlines():
            claim = re.search(r"not (?:in|part of) the default build|default build", line)
            if claim is None:
                continue
            named = [name for folder, name in folders.items() if f"`{folder}/`" in line or f"--format {name}" in line]
            negative = claim.group().startswith("not")
            for name in named:
                if negative == (name in formats.DEFAULT):
                    wrong.append(f"{page.relative_to(DOCS)}: {name}: {line.strip()[:100]}")
    assert not wrong, wrong


def test_python_commands_name_the_projects_python() -> None:
    """A script of the repository needs the packages coursepack is installed with: `.venv/bin/python`."""
    bare = [
        f"{b.label}: {line.strip()}"
        for b in BLOCKS
        if b.lang in ("sh", "console", "bash", "shell")
        for line in b.body.splitlines()
        if re.match(r"\s*(\$ )?python3? \S+\.py\b", line)
    ]
    assert not bare, bare


def test_moodle_guide_settles_attempts_and_grade_to_pass() -> None:
    """Every setting the set's YAML decides is given with its value in the SCORM activity guide."""
    page = (DOCS / "lms" / "moodle-scorm.md").read_text(encoding="utf-8")
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| [^|]+ \| \*\*([^*]+)\*\* \| ([^|]+) \|", page, re.M)}
    assert "Grade to pass" in rows and "mastery_score" in rows["Grade to pass"], rows.keys()
    attempts = rows["Number of attempts"]
    assert "attempts" in attempts and "`0` → **Unlimited**" in attempts, attempts
    for field_name in ("attempts", "mastery_score"):
        assert field_name in model.Assessment.model_fields


def test_new_options_are_documented_where_a_curriculum_starts() -> None:
    page = (DOCS / "curriculum" / "index.md").read_text(encoding="utf-8")
    for param in cli.commands["new"].params:
        if isinstance(param, click.Option):
            assert f"`{param.opts[0]}`" in page, param.opts[0]


def test_every_source_path_the_docs_name_exists() -> None:
    """Module paths in the docs follow the code when it moves (builder/load.py → builder/source/load.py)."""
    missing = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for m in re.finditer(r"`((?:builder|tests|themes|bench)/[\w/.-]+\.(?:py|js|yaml|html|css))`", text):
            if not (ROOT / m.group(1)).exists():
                missing.append(f"{page.relative_to(DOCS)}: {m.group(1)}")
    assert not missing, missing


# The release the change-log example of versioning.md compares with the docs' example curriculum
NEXT_RELEASE = {
    "program.yaml": [('version: "2026.1"', 'version: "2026.2"'), ("released: 2026-09-01", "released: 2027-01-10")],
    "sets/hyg.yaml": [
        ("version: 1.1.0", "version: 1.2.0"),
        ("Identify when and how to wash your hands at work.",
         "Identify when and how to wash your hands and change your gloves at work."),
        ("  mastery_score: 0.8", "  mastery_score: 0.75"),
        ("answers: [contamination, cross-contamination]",
         "answers: [contamination, cross-contamination, cross contamination]"),
    ],
    "sets/cln.yaml": [("version: 1.0.0", "version: 1.0.1")],  # takes the programme's new date: a new version
}


def change_log_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    """What `coursepack diff kitchen-2026.1 kitchen-2026.2` prints: the docs' example, and its next release."""
    old, new = tmp_path / "kitchen-2026.1", tmp_path / "kitchen-2026.2"
    shutil.copytree(EXAMPLES, old)
    shutil.copytree(EXAMPLES, new)
    for name, edits in NEXT_RELEASE.items():
        text = (new / name).read_text(encoding="utf-8")
        for before, after in edits:
            assert before in text, (name, before)
            text = text.replace(before, after, 1)
        (new / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["diff", old.name, new.name]) == 0
    return capsys.readouterr().out


def test_the_change_log_example_is_the_tools_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """versioning.md shows exactly what `coursepack diff` prints for the example and its next release."""
    printed = change_log_example(tmp_path, monkeypatch, capsys)
    page = (DOCS / "curriculum" / "versioning.md").read_text(encoding="utf-8")
    assert f"```text\n{printed}```" in page


def test_the_matrix_example_is_the_tools_output(capsys: pytest.CaptureFixture[str]) -> None:
    """checking.md shows what `coursepack matrix` prints for the docs' example set (but the day it was made)."""
    main(["matrix", str(EXAMPLES), "--set", "HYG", "--width", "100"])
    printed = capsys.readouterr().out
    page = (DOCS / "curriculum" / "checking.md").read_text(encoding="utf-8")
    shown = re.search(r"```sh\ncoursepack matrix my-curriculum --set HYG --width 100\n```\n\n```text\n(.*?)```", page,
                      re.S)
    assert shown, "checking.md no longer shows the matrix of the example set"
    made = re.compile(r"made \d{4}-\d{2}-\d{2}")
    assert made.sub("made DAY", shown.group(1)) == made.sub("made DAY", printed)
