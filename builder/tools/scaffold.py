"""`coursepack new`: a small, strict-clean curriculum with every field explained in comments."""

from __future__ import annotations

from pathlib import Path

from builder.source.schema import schema_text

PROGRAM = """\
# yaml-language-server: $schema=schema/program.schema.json
# The programme: what a candidate completes. Edit the values; keep the keys.
id: {program_id}                  # short lowercase id, used in package identifiers
title: {title}
publisher: {publisher}            # printed as the author of every guide
version: "1.0"                    # quote versions so YAML keeps them as written
released: 2026-01-15              # date of this curriculum version (YYYY-MM-DD), printed in guides
language: en                      # en or es: picks the player's and the guides' language
description: |
  One or two paragraphs, in markdown, about who the programme is for and how
  a candidate completes it.
requirements:                     # each rule is `required: [...]` or `choose: N` + `from: [...]`
  - title: Required sets
    required: [{code}]
routes:                           # how a set can be completed: course and/or portfolio
  - id: course
    title: By course
    description: Study the lessons and pass the assessment in your LMS.
"""

SET = """\
# yaml-language-server: $schema=../schema/competency-set.schema.json
# One competency set. Run `coursepack check --strict` after every edit.
code: {code}                      # 2-10 capitals; every id in this file starts with it
title: {set_title}
version: 1.0.0                    # bump it when you publish a change (see `coursepack diff`)
summary: |
  What this set covers, in two or three sentences of markdown.
outcomes:                         # what a learner can do afterwards: one measurable verb each
  - id: {code}-1
    statement: Explain why items are shelved in call-number order.
    bloom: understand             # remember | understand | apply | analyze | evaluate | create
  - id: {code}-2
    statement: Shelve a cart of items in correct call-number order.
    bloom: apply
lessons:                          # every outcome must be taught by at least one lesson
  - id: {code}-L1
    title: Reading call numbers
    outcomes: [{code}-1, {code}-2]
    minutes: 20                   # estimated study time
    body: |
      A **call number** is an item's address on the shelf. Explain the idea,
      give a worked example from the desk, then a short practice activity.

      ### At your desk
      Take five books from the returns cart and put them in order.
assessment:
  mastery_score: 0.8              # share of points needed to pass, 0 to 1
  shuffle: true                   # shuffle items (and choices) per attempt
  attempts: 0                     # 0 = unlimited
  items:                          # types: single_choice, multiple_choice, true_false, fill_in, matching, ordering
    - id: {code}-Q1
      type: single_choice
      outcomes: [{code}-1]
      prompt: Why do libraries shelve by call number?
      choices:                    # feedback on every choice says why it is right or wrong
        - text: So the newest books are always first
          feedback: Shelf order is by subject and author, not by date added.
        - text: So items on one subject stand together and can be found again
          correct: true
          feedback: Yes. The call number groups subjects and gives each item one findable place.
    - id: {code}-Q2
      type: true_false
      outcomes: [{code}-1]
      prompt: Two copies of the same edition share one call number.
      answer: true
      feedback_true: Right. The call number names the work's place; barcodes tell the copies apart.
      feedback_false: They do share it; the barcode, not the call number, tells copies apart.
    - id: {code}-Q3
      type: ordering
      outcomes: [{code}-2]
      prompt: Put these Dewey call numbers in shelf order.
      sequence: ["364.1", "364.15", "364.2"]   # the correct order
      feedback_correct: Well done. Decimals are compared digit by digit.
      feedback_incorrect: Compare digit by digit after the point; .15 comes before .2.
    - id: {code}-Q4
      type: fill_in
      outcomes: [{code}-2]
      prompt: The part of a call number after the class number that usually stands for the author is the ______.
      answers: [cutter, cutter number]   # every answer you accept
      case_sensitive: false
      feedback_correct: Yes, the cutter number.
      feedback_incorrect: It is the cutter number, which encodes the author's name.
glossary:
  - term: call number
    definition: The code on an item's spine that gives its place on the shelf.
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
"""

GITIGNORE = "dist/\n.cache/\n"


def scaffold(target: Path, program_id: str, title: str, code: str) -> list[Path]:
    """Write a new curriculum folder; refuses to overwrite anything."""
    files = {
        "program.yaml": PROGRAM.format(program_id=program_id, title=title, publisher=f"{title} committee", code=code),
        f"sets/{code.lower()}.yaml": SET.format(code=code, set_title="Shelving basics"),
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
