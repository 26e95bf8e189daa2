"""`coursepack new`: a small, strict-clean curriculum with every field explained in comments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from builder.source.schema import schema_text

PROGRAM = """\
# yaml-language-server: $schema=schema/program.schema.json
# The programme: what a candidate completes. Edit the values; keep the keys.
# id: short lowercase id, used in package identifiers; short_title: printed large on the
# handbook cover and in page headers; publisher: the author of every guide and package
id: {program_id}
title: {title}
short_title: {short_title}
publisher: {publisher}
version: "1.0"                    # quote versions so YAML keeps them as written
released: {released}              # date of this curriculum version (YYYY-MM-DD), printed in guides
language: en                      # en or es: picks the player's and the guides' language
description: |
  One or two paragraphs, in markdown, about who the programme is for and how
  a candidate completes it.
requirements:                     # each rule is `required: [...]` or `choose: N` + `from: [...]`
  - title: Required sets
    required: [{code}]            # the `code:` of a file in sets/; rename a set here and there together
routes:                           # how a set can be completed: course and/or portfolio (delete one if unused)
  - id: course
    title: By course
    description: Study the lessons and pass the assessment in your LMS.
  - id: portfolio
    title: By portfolio
    description: Show the outcomes through your own work and have it reviewed against the rubric.
    pass_rule: A reviewer rates each criterion; the task passes when no criterion is rated "Not yet".
"""

SET = """\
# yaml-language-server: $schema=../schema/competency-set.schema.json
# One competency set. Run `coursepack check --strict` after every edit.
code: {code}                      # 2-10 capitals; every id below starts with it, and program.yaml names it:
                                  # to rename the set, replace {code} in this file and in program.yaml
title: Writing clear instructions
version: 1.0.0                    # bump it when you publish a change (see `coursepack diff`)
summary: |
  How to write step-by-step instructions that a colleague can follow
  the first time, without asking you.
outcomes:                         # what a learner can do afterwards: one measurable verb each
  - id: {code}-1
    statement: Explain why numbered steps with one action each are easier to follow.
    bloom: understand             # remember | understand | apply | analyze | evaluate | create
  - id: {code}-2
    statement: Write instructions for a routine task that a newcomer can follow unaided.
    bloom: apply
lessons:                          # every outcome must be taught by at least one lesson
  - id: {code}-L1
    title: One step, one action
    outcomes: [{code}-1, {code}-2]
    minutes: 20                   # estimated study time
    body: |
      Good instructions are a **numbered list** with one action per step,
      written as a command: *Open the form*, not *The form should be opened*.

      | Instead of | Write |
      |---|---|
      | The form should be opened and filled in. | 1. Open the form. 2. Fill in every field. |

      ### Try it
      Pick a task you do every week and write its steps for a new colleague.
assessment:
  mastery_score: 0.8              # share of points needed to pass, 0 to 1 (0.8 = 80 %)
  shuffle: true                   # shuffle items (and choices) per attempt
  attempts: 0                     # 0 = unlimited
  items:                          # types: single_choice, multiple_choice, true_false, fill_in, matching, ordering
    - id: {code}-Q1
      type: single_choice
      outcomes: [{code}-1]
      prompt: Why should each numbered step hold only one action?
      choices:                    # feedback on every choice says why it is right or wrong
        - text: It makes the instructions look longer and more thorough
          feedback: Length is not the aim; a reader who does one thing at a time makes fewer mistakes.
        - text: The reader can finish one action before reading the next, and keeps their place
          correct: true
          feedback: Yes. One action per step lets the reader keep their place.
        - text: It saves paper when the instructions are printed
          feedback: Paper is not the point; one action per step keeps the reader from skipping one.
    - id: {code}-Q2
      type: true_false
      outcomes: [{code}-1]
      prompt: '"The form should be opened" is as clear a step as "Open the form".'
      answer: false
      feedback_true: The passive form hides who acts; "Open the form" tells the reader what to do.
      feedback_false: Right. A command names the action and who does it.
    - id: {code}-Q3
      type: ordering
      outcomes: [{code}-2]
      prompt: Put these steps for writing instructions in order.
      sequence:                   # the correct order
        - Do the task yourself and note each action
        - Write one numbered step per action
        - Ask a newcomer to follow the steps and watch where they stop
      feedback_correct: Well done. Testing with a newcomer comes last and finds what you missed.
      feedback_incorrect: Note the actions first, write the steps, then test them with a newcomer.
    - id: {code}-Q4
      type: fill_in
      outcomes: [{code}-2]
      prompt: A step written as a command starts with a ______, such as *Open* or *Press*.
      answers: [verb, action verb]   # every answer you accept
      case_sensitive: false
      feedback_correct: Yes, a verb.
      feedback_incorrect: It starts with a verb that names the action.
portfolio:                        # the portfolio route: a task from the candidate's own work, with its rubric
  - id: {code}-P1
    title: Instructions for a task you do
    outcomes: [{code}-2]
    task: |
      Write the instructions for a routine task in your own job, then ask a
      colleague who has not done it to follow them. Revise what they got stuck on.
    evidence:
      - Your instructions, before and after the test
      - A short note on what the colleague got stuck on
    rubric:
      levels:                     # lowest first
        - {{name: Not yet, points: 0}}
        - {{name: Met, points: 1}}
      criteria:
        - name: One action per step
          outcomes: [{code}-2]
          descriptors:            # one per level, same order
            - Several steps hold more than one action.
            - Every step holds one action, written as a command.
glossary:
  - term: step
    definition: One action of a procedure, written as a command.
"""

README = """\
# {title}

This folder is a curriculum for [coursepack](https://example.invalid/coursepack).

- `program.yaml`: the programme and its rules.
- `sets/*.yaml`: one competency set per file.
- `schema/`: JSON Schemas that give your editor completion (VS Code: install the Red Hat "YAML" extension).

Commands, run in this folder:

    coursepack check --strict .        # every problem, with file:line:col
    coursepack serve .                 # live preview in your browser
    coursepack build .                 # SCORM packages and PDF guides in dist/
    coursepack matrix .                # which lessons and items cover each outcome

`coursepack new` took the programme's id (`--program`), title (`--title`) and the
first set's code (`--code`); all three can be changed here later. A set's code
appears in its file (as `code:` and at the start of every id) and in
`program.yaml`'s requirements: change them together, then run `coursepack check`.
"""

GITIGNORE = "dist/\n.cache/\n"


def _short(title: str) -> str:
    """A short title for the cover: the title itself when short, else its initials."""
    if len(title) <= 24:
        return title
    initials = "".join(w[0] for w in title.split() if w[:1].isalnum()).upper()
    return initials if len(initials) >= 2 else title[:24]


def _quoted(text: str) -> str:
    """A YAML scalar that stays text whatever the title says (`: `, `#`, a leading `-`)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def scaffold(
    target: Path, program_id: str, title: str, code: str, released: dt.date | None = None
) -> list[Path]:
    """Write a new curriculum folder; refuses to overwrite anything."""
    files = {
        "program.yaml": PROGRAM.format(
            program_id=program_id,
            title=_quoted(title),
            short_title=_quoted(_short(title)),
            publisher=_quoted(f"{title} committee"),
            code=code,
            released=(released or dt.date.today()).isoformat(),
        ),
        f"sets/{code.lower()}.yaml": SET.format(code=code),
        "README.md": README.format(title=title),
        ".gitignore": GITIGNORE,
        "schema/competency-set.schema.json": schema_text("competency-set"),
        "schema/program.schema.json": schema_text("program"),
    }
    clashes = [name for name in files if (target / name).exists()]
    if clashes:
        raise FileExistsError(f"{target} already has {', '.join(clashes)}")
    written = []
    for name, text in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
