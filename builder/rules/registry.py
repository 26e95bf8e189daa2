"""Every diagnostic code, declared once: its severity, what it means and what to do about it.

A stage reports a problem with `report(code, message, loc, hint)`, which takes the severity from here,
so one code cannot be an error in one place and a warning in another. The docs' message reference is
generated from this table, and a test reads every `report(...)` in builder/ to prove each code it
names is declared here and each code declared here is reported somewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from builder.rules.diagnostics import Diagnostic, Severity, SourceLoc

E, W = Severity.ERROR, Severity.WARNING


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    stage: str  # who reports it: source, check, lint, format, build, analysis
    meaning: str
    fix: str


def _rules(stage: str, *rows: tuple[str, Severity, str, str]) -> list[Rule]:
    return [Rule(code, severity, stage, meaning, fix) for code, severity, meaning, fix in rows]


_ALL = [
    *_rules(
        "source",
        ("yaml-syntax", E, "the file is not valid YAML", "look at the line shown and the one before it: indentation, "
         "a missing `:`, an unclosed quote"),
        ("yaml-tab", E, "a tab character is used for indentation", "indent with spaces"),
        ("yaml-indentation", E, "a key is indented differently from its neighbours", "line it up with the keys of "
         "its block; the message names the column"),
        ("yaml-missing-colon", E, "a key has no `:` after it", "write `key: value`"),
        ("yaml-comma-in-value", E, "an unquoted comma inside `{…}` or `[…]` splits a value in two",
         "put the value in quotes"),
        ("yaml-complex-key", E, "a key is a list or a mapping", "keys are plain words"),
        ("yaml-multiple-documents", E, "the file holds more than one YAML document (`---`)", "one document per file"),
        ("yaml-unknown-alias", E, "an alias (`*name`) names no anchor", "define the anchor (`&name`) first, or "
         "write the value out"),
        ("yaml-too-deep", E, "the data nests deeper than 48 levels", "flatten it"),
        ("yaml-too-large", E, "aliases expand the file to more than 200,000 values", "write the values out once"),
        ("duplicate-key", E, "the same key appears twice in one block", "remove or rename one"),
        ("empty-file", E, "the file is empty", "write its content, or delete the file"),
        ("encoding", E, "the file is not UTF-8 (binary, Word, UTF-16)", "save it as UTF-8 plain text"),
        ("file-too-large", E, "a curriculum file is larger than 2 MB", "split it"),
        ("illegal-character", E, "a value holds a character SCORM and Moodle XML cannot carry (a control "
         "character, U+FFFE)", "remove it; it usually came from a `\\x` or `\\u` escape or a paste"),
        ("number-too-large", E, "a number of more than 40 digits", "write a sensible number, or quote it if it is "
         "text"),
        ("unsafe-file", E, "a curriculum file is a link leading outside the folder, a FIFO or a device",
         "replace it with a plain file inside the folder"),
        ("unknown-key", E, "a key the format does not have, often a typo", "compare with the field reference; the "
         "hint suggests the closest key"),
        ("missing-field", E, "a required field is missing", "add it"),
        ("wrong-type", E, "a value of the wrong kind, e.g. text where a list is expected", "compare with the field "
         "reference"),
        ("bad-value", E, "a value out of range or not in the allowed list", "the message names the allowed values"),
        ("bad-id", E, "an id does not have the `CODE-…` shape", "write ids like `ABC-1`, `ABC-L1`, `ABC-Q1`"),
        ("unknown-item-type", E, "`type:` is not one of the six item types", "use `single_choice`, "
         "`multiple_choice`, `true_false`, `fill_in`, `matching` or `ordering`"),
        ("asset-content", E, "a file's content is not what its name says (a zip named `.png`)", "export it again in "
         "the format its name says"),
        ("asset-type", E, "an asset of a type players and PDFs cannot show", "the hint lists the types they "
         "can: pictures, MP3/OGG/M4A sound, MP4/WebM video, PDF"),
        ("asset-large", W, "an asset above 1 MB", "export it smaller"),
        ("asset-too-large", E, "an asset above 10 MB", "export it smaller"),
        ("unsafe-svg", E, "an SVG could run script or load something (a DTD, `<script>`, `on…=`, `@import`, "
         "`url()`)", "export it again as a plain drawing, or as PNG"),
        ("remote-media", E, "markdown shows a picture or links a file from the web: packages play without a "
         "network", "download it into the curriculum and declare it under `assets:`"),
        ("undeclared-asset", E, "markdown shows a picture or links a file not listed under `assets:`", "list it "
         "under the set's `assets:` with its `alt` text"),
        ("unused-asset", W, "an asset is declared but nothing shows it", "show it in a lesson, or remove it"),
        ("image-no-alt", E, "a picture has no text alternative", "write `![what it shows](path)`, or give the "
         "asset an `alt`"),
    ),
    *_rules(
        "check",
        ("no-program", E, "the folder has no program.yaml", "run `coursepack new` to start one, or point at the "
         "curriculum folder"),
        ("no-sets", E, "the programme has no sets", "add sets/<code>.yaml"),
        ("id-prefix", E, "an id does not start with its set's code", "rename it with the set's code in front"),
        ("duplicate-id", E, "two things share one id anywhere in the curriculum", "give one of them a new id"),
        ("duplicate-set", E, "two files declare the same set code", "give one of them a new code"),
        ("duplicate-term", E, "a glossary term is defined twice", "keep one definition"),
        ("duplicate-route", E, "a route is listed twice", "list each route once"),
        ("duplicate-option", E, "two choices, steps or matching sides are the same", "make every option distinct"),
        ("unknown-outcome", E, "a lesson, item or task names an outcome that does not exist", "fix the id or add the "
         "outcome"),
        ("unknown-item", E, "a pool names an item that does not exist", "fix the id"),
        ("unknown-set", E, "the programme (or `--set`) names a set that does not exist", "fix the code or add the "
         "set"),
        ("set-listed-twice", E, "a set appears in more than one requirement", "list each set once"),
        ("program-unsatisfiable", E, "`choose` asks for more sets than the list offers", "lower `choose` or add "
         "sets"),
        ("unreachable-set", W, "no programme rule names the set", "add it to a requirement, or remove it"),
        ("item-in-two-pools", E, "an item is in two pools", "put it in one"),
        ("pool-draw", E, "a pool draws more items than it holds", "lower `draw` or add items"),
        ("no-points", E, "the assessment has no points", "give items `points`"),
        ("answer-too-long", E, "an accepted fill-in answer is longer than the answer box (100 characters)",
         "shorten it, or accept a shorter form"),
        ("bad-asset-path", E, "an asset path is absolute, leaves the folder, or the file is missing or not a plain "
         "file", "use a path such as `images/desk.png`"),
        ("markdown-too-deep", E, "emphasis, lists or quotes nested more than 40 levels", "remove the repeated `*`, "
         "`_` or `>`"),
        ("reserved-code", E, "a set code Windows reserves (`CON`, `NUL`, `COM1`…): its `CON.zip` cannot be saved "
         "there", "choose another code"),
        ("set-large", W, "a set above 200 items, 60 lessons or outcomes, or 300 glossary terms", "consider "
         "splitting it: its guide and packages get slow and large"),
        ("set-too-large", E, "a set above 600 items, 200 lessons or outcomes, or 1,000 glossary terms", "split the "
         "set"),
        ("outcome-not-taught", W, "no lesson lists the outcome", "list it in the lesson that teaches it"),
        ("outcome-not-assessed", W, "no item assesses the outcome", "write an item for it"),
        ("outcome-not-in-rubric", W, "a portfolio task claims an outcome that none of its rubric criteria names",
         "add the outcome to the criterion that rates it, or drop it from the task"),
        ("criterion-outcome-unclaimed", W, "a rubric criterion names an outcome its task does not claim", "add it "
         "to the task's `outcomes` or remove it from the criterion"),
        ("rubric-shape", E, "a criterion has a different number of descriptors than the rubric (or the programme's "
         "scale) has levels", "one descriptor per level"),
        ("rubric-no-scale", E, "a rubric without `levels` in a programme without `evaluation: scale:`", "add the "
         "scale to program.yaml, or `levels` to the rubric"),
        ("rubric-scale", W, "a rubric lists other levels than the programme's evaluation scale", "delete the "
         "rubric's `levels` to rate on the programme's scale"),
        ("pass-rule-twice", E, "the portfolio route has a `pass_rule` and `evaluation` declares one too", "keep the "
         "rule once, under `evaluation`"),
        ("portfolio-without-route", W, "a set has a portfolio task but the programme has no portfolio route",
         "add the route, or remove the task"),
        ("language-strings", E, "the theme has no strings for the programme's `language`", "use a language the "
         "theme has strings for, or add strings/<language>.yaml to the theme"),
        ("theme", E, "the theme named in program.yaml is missing, malformed or holds links out of its folder",
         "the message names the theme file and line"),
        ("theme-template", E, "a theme template reads what the template sandbox refuses, or fails", "templates may "
         "only use the values the writer passes in"),
    ),
    *_rules(
        "lint",
        ("key-longest", W, "in more than half of a set's single-choice items the key is the longest choice",
         "trim the keys or lengthen a plausible distractor"),
        ("true-false-balance", W, "more than 70 % of a set's (or the programme's) true/false items have the same "
         "key", "rewrite some statements so they are true (or false)"),
        ("select-all-pattern", W, "every select-all item of a set (or of the programme) has about the same number "
         "of right choices", "vary it: some items with one right choice, some with all but one"),
        ("all-none-of-above", W, "a choice reads \"all of the above\" or \"none of the above\"", "write a real "
         "option instead"),
        ("negative-stem", W, "the question turns on \"not\", \"except\", \"least\", \"never\"… in plain type",
         "ask it positively, or emphasise the word: `**not**` or NOT"),
        ("absolute-key", W, "a key says \"always\", \"never\", \"all\", \"none\"… (or a statement keyed true does)",
         "state the key as precisely as the facts allow; one exception makes it wrong"),
        ("hedged-feedback", W, "the key's feedback says \"usually\" or \"generally\" while the key admits no "
         "exception", "qualify the key, or choose a key that holds without exceptions"),
        ("option-length", W, "the longest choice is more than three times as long as the shortest", "make the "
         "options alike in length and detail"),
        ("duplicate-item", W, "an item shares most of its words with an item of another set", "ask it once, or make "
         "each one test its own set's outcome"),
        ("duplicate-passage", W, "a lesson paragraph shares most of its words with one in another set", "say it "
         "once and refer to the other set, or rewrite it for this set's work"),
    ),
    *_rules(
        "format",
        ("scorm-asset", E, "an asset would replace a file of the player or the package's manifest", "move it out "
         "of `player/` and do not name it index.html, imsmanifest.xml or cmi5.xml"),
        ("scorm-id", E, "an outcome or item id is not a valid SCORM identifier", "use letters, digits, `.`, `_`, "
         "`:` and `-` only"),
        ("scorm-fill-in", E, "a fill-in answer is longer than the player's answer box", "shorten the answer"),
        ("scorm-suspend", E, "a set's saved progress may exceed what SCORM 1.2 keeps (4,096 characters)", "split "
         "the set or use fewer long answers; SCORM 2004 allows 64,000"),
        ("moodle-skipped", W, "an item Moodle cannot take as it is is left out of the question bank", "the message "
         "says why; e.g. mark at most 10 choices correct"),
        ("moodle-matching", W, "a matching item with fewer than 3 pairs: Moodle imports it but its editor refuses "
         "to save it", "add a third pair"),
        ("handbook-not-embedded", W, "the course backup or the cartridge got no handbook PDF to pack", "the pdf "
         "format's own message says why; fix that and build again"),
        ("cc-attempts", W, "a set limits attempts, which a Common Cartridge assessment cannot carry", "set the "
         "attempts in the LMS after import"),
        ("pdf-image-refused", E, "a picture cannot go into a PDF (not a declared asset, or of a refused type)",
         "list the image under the set's `assets:` and refer to it by that path"),
        ("pdf-fetch-refused", E, "the PDF renderer asked for a file outside the theme and the declared assets",
         "refer only to declared assets and theme files"),
        ("pdf-render", W, "WeasyPrint warned while laying out the PDF (a glyph the fonts lack, a CSS value it "
         "ignores)", "the message names what it could not do"),
    ),
    *_rules(
        "build",
        ("internal", E, "coursepack failed on this input: a bug", "report it with the message and the input"),
    ),
    *_rules(
        "analysis",
        ("report-empty", E, "the results file holds no rows", "download the report again with its rows"),
        ("report-encoding", E, "the results file is not text in a known encoding", "download it as CSV or text"),
        ("report-formula", W, "a cell starts like a spreadsheet formula; it is read as text", "nothing: it is "
         "never evaluated"),
        ("report-json", E, "an xAPI statements file is not valid JSON", "export the statements again"),
        ("report-truncated", E, "the results file ends mid-record", "download it again"),
        ("report-no-interactions", E, "the report holds no answers to analyse", "download the report with its "
         "interactions (Moodle: SCORM interactions report)"),
        ("report-no-item-ids", E, "the report names no item ids", "download the interactions report, not the "
         "basic one"),
        ("report-not-interactions", E, "the file is another kind of report", "download the SCORM interactions "
         "report or the quiz responses"),
        ("report-other-curriculum", E, "the report's items belong to another curriculum", "analyse it with the "
         "curriculum it was built from"),
        ("report-spreadsheet", E, "a spreadsheet file (ODS or Excel) instead of a text export", "in Moodle's report "
         "choose the download format 'Comma separated values (.csv)'"),
        ("report-statement-skipped", W, "an xAPI statement is not an answer coursepack's player sends; it is "
         "skipped", "nothing, unless it should have been read"),
        ("report-too-large", E, "the results file is larger than the analysis reads", "split it by date or set"),
        ("report-unknown-item", W, "the report names an item id the curriculum does not have", "it may have been "
         "renamed; its answers are left out"),
        ("report-unknown-question", W, "a quiz question's text matches no item", "it may have been reworded; its "
         "answers are left out"),
        ("report-unreadable", E, "the results file cannot be read", "check its path and permissions"),
        ("item-changed-since-results", W, "an item changed since the answers were given", "read its figures as "
         "describing the old version"),
        ("set-version-differs", W, "the results are from another version of the set", "compare with that version"),
        ("set-low-reliability", W, "the set's items do not hang together (Cronbach's alpha below the threshold)",
         "the items may measure different things, or too few of them discriminate"),
        ("item-too-hard", W, "few learners answer the item right", "check the key, then the wording"),
        ("item-too-easy", W, "nearly every learner answers the item right", "it tells little; make it harder or "
         "drop it"),
        ("item-negative-discrimination", W, "weaker learners do better on the item than stronger ones", "check "
         "the key and the option the strong learners chose"),
        ("item-low-discrimination", W, "the item hardly separates stronger from weaker learners", "sharpen the "
         "wording and the distractors"),
        ("distractor-non-functioning", W, "a wrong option almost nobody chooses", "replace it with a plausible "
         "one"),
    ),
]

RULES: dict[str, Rule] = {r.code: r for r in _ALL}
assert len(RULES) == len(_ALL), "a code is declared twice"


def report(code: str, message: str, loc: SourceLoc, hint: str | None = None) -> Diagnostic:
    """A problem under its declared code, with the severity declared for it."""
    return Diagnostic(RULES[code].severity, code, message, loc, hint)
