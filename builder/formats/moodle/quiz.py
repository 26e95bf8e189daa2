"""A set's question bank inside the course backup (questions.xml) and its practice quiz.

The bank is the very one the moodle_xml format writes (question_bank.question_bank): this module does not map
items to questions a second time, it reads that Moodle XML and writes each question the way Moodle's backup
stores the rows the XML importer (question/format/xml) would have made: question, question_bank_entry,
question_versions, the qtype's own tables (backup_qtype_*_plugin) and tags. Categories keep the importer's
tree: the course's top category, the programme, a category per set, one per outcome and the portfolio.

The practice quiz draws from the outcome categories: per outcome, random questions from that category
(question_set_references, one slot each), half of the outcome's questions rounded up, so that two attempts
rarely show the same paper. Each slot is worth 1 mark; the quiz's own grade is 0, as Moodle stores a quiz
set to "Maximum grade 0": learners see their marks, and nothing goes into the gradebook's course total.
It is practice; the SCORM activity is the graded assessment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree

from builder.formats.moodle.mbz import GRADE_TYPE_NONE, Tree, doc, empty_activity_files, grade_item, module_xml
from builder.formats.moodle.question_bank import question_bank
from builder.resolve.course import Course, CourseSet

QUIZ_MODULE_VERSION = "2022112800"
CONTEXT_COURSE = 50
COURSE_CONTEXT_ID = 2  # original_course_contextid of moodle_backup.xml
FORMAT_HTML, FORMAT_PLAIN = 1, 0
OWNER = 2  # a user id restore cannot map: the restoring user becomes the owner
# the importer's words for the qtype names of Moodle XML
_QTYPE = {"matching": "match"}
# qtype_ordering's option constants (question/type/ordering/question.php)
_ORDERING = {"layouttype": {"VERTICAL": 0, "HORIZONTAL": 1}, "selecttype": {"ALL": 0, "RANDOM": 1, "CONTIGUOUS": 2},
             "gradingtype": {"ABSOLUTE_POSITION": 0, "RELATIVE_NEXT_EXCLUDE_LAST": 1},
             "showgrading": {"HIDE": 0, "SHOW": 1}}
# mod/quiz display_options bits: during, immediately after, later while open, after close
REVIEW_ALL = 0x10000 | 0x01000 | 0x00100 | 0x00010
REVIEW_AFTER = 0x01000 | 0x00100 | 0x00010


@dataclass
class Ids:
    """The writer's own small ids, per kind, in the order things are written (restore maps them all)."""

    counters: dict[str, int] = field(default_factory=dict)

    def next(self, kind: str) -> int:
        self.counters[kind] = self.counters.get(kind, 0) + 1
        return self.counters[kind]


@dataclass
class Bank:
    """questions.xml for the whole course: categories by path, in order, with their questions."""

    stamp: str  # "coursepack+<program>+<version>": stamps only need to be unique inside a bank
    time: int
    ids: Ids = field(default_factory=Ids)
    categories: dict[str, tuple[int, int, Tree]] = field(default_factory=dict)  # path -> (id, parent, fields)
    entries: dict[int, Tree] = field(default_factory=dict)  # category id -> question_bank_entry nodes
    questions: dict[str, int] = field(default_factory=dict)  # question idnumber -> question_bank_entry id
    tags: dict[str, int] = field(default_factory=dict)
    outcome_categories: dict[str, tuple[int, int]] = field(default_factory=dict)  # outcome id -> (category, count)

    def category(self, path: tuple[str, ...], info: str = "", idnumber: str | None = None) -> int:
        key = "/".join(path)
        if key in self.categories:
            return self.categories[key][0]
        parent = self.category(path[:-1]) if len(path) > 1 else 0
        cid = self.ids.next("category")
        self.categories[key] = (cid, parent, [
            ("name", path[-1]), ("contextid", COURSE_CONTEXT_ID), ("contextlevel", CONTEXT_COURSE),
            ("contextinstanceid", 1), ("info", info), ("infoformat", FORMAT_HTML),
            ("stamp", f"{self.stamp}+category+{cid}"), ("parent", parent), ("sortorder", 0 if not parent else 999),
            ("idnumber", idnumber),
        ])
        self.entries[cid] = []
        return cid

    def xml(self) -> bytes:
        nodes: Tree = []
        for cid, _, fields in self.categories.values():
            nodes.append((f"question_category id={cid}", [*fields, ("question_bank_entries", self.entries[cid])]))
        return doc("question_categories", nodes)


def _text(q: etree._Element, tag: str) -> str:
    return q.findtext(f"{tag}/text") or ""


def _format(el: etree._Element | None) -> int:
    return FORMAT_HTML if el is not None and el.get("format") == "html" else FORMAT_PLAIN


def _fraction(percent: str) -> str:
    return f"{Decimal(percent) / 100:.7f}"


def _feedbacks(q: etree._Element) -> Tree:
    out: Tree = []
    for kind in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        out += [(kind, _text(q, kind)), (f"{kind}format", _format(q.find(kind)))]
    return out


def _answers(q: etree._Element, ids: Ids, fraction: str = "percent") -> tuple[Tree, list[tuple[str, int]]]:
    nodes: Tree = []
    made: list[tuple[str, int]] = []
    for a in q.iterfind("answer"):
        aid = ids.next("answer")
        text = a.findtext("text") or ""
        value = _fraction(a.get("fraction", "0")) if fraction == "percent" else f"{Decimal(a.get('fraction', '0')):.7f}"
        nodes.append((f"answer id={aid}", [
            ("answertext", text), ("answerformat", _format(a)), ("fraction", value),
            ("feedback", _text(a, "feedback")), ("feedbackformat", FORMAT_HTML)]))
        made.append((text, aid))
    return [("answers", nodes)], made


def _flag(q: etree._Element, tag: str) -> int:
    return 1 if (q.findtext(tag) or "").strip() in ("1", "true") else 0


def _plugin(q: etree._Element, qtype: str, ids: Ids) -> Tree:
    """The qtype's own rows, as backup_qtype_<qtype>_plugin writes them."""
    if qtype == "multichoice":
        answers, _ = _answers(q, ids)
        options: Tree = [("layout", 0), ("single", _flag(q, "single")), ("shuffleanswers", _flag(q, "shuffleanswers")),
                         *_feedbacks(q), ("answernumbering", q.findtext("answernumbering") or "abc"),
                         ("shownumcorrect", _flag(q, "shownumcorrect")),
                         ("showstandardinstruction", _flag(q, "showstandardinstruction"))]
        return [*answers, (f"multichoice id={ids.next('multichoice')}", options)]
    if qtype == "truefalse":
        # the importer stores the answers as "True" and "False" whatever the file's words
        for a in q.iterfind("answer"):
            a.find("text").text = (a.findtext("text") or "").capitalize()  # type: ignore[union-attr]
            a.set("format", "plain")
        answers, made = _answers(q, ids)
        by_text = dict(made)
        return [*answers, (f"truefalse id={ids.next('truefalse')}", [
            ("trueanswer", by_text["True"]), ("falseanswer", by_text["False"]), ("showstandardinstruction", 0)])]
    if qtype == "shortanswer":
        answers, _ = _answers(q, ids)
        return [*answers, (f"shortanswer id={ids.next('shortanswer')}", [("usecase", _flag(q, "usecase"))])]
    if qtype == "match":
        subs: Tree = [(f"match id={ids.next('match')}", [
            ("questiontext", sub.findtext("text") or ""), ("questiontextformat", _format(sub)),
            ("answertext", sub.findtext("answer/text") or "")]) for sub in q.iterfind("subquestion")]
        return [(f"matchoptions id={ids.next('matchoptions')}", [
            ("shuffleanswers", _flag(q, "shuffleanswers")), *_feedbacks(q),
            ("shownumcorrect", _flag(q, "shownumcorrect"))]), ("matches", subs)]
    if qtype == "ordering":
        answers, _ = _answers(q, ids, fraction="position")
        values = {k: table[q.findtext(k) or ""] for k, table in _ORDERING.items()}
        return [*answers, (f"ordering id={ids.next('ordering')}", [
            ("layouttype", values["layouttype"]), ("selecttype", values["selecttype"]),
            ("selectcount", q.findtext("selectcount") or "0"), ("gradingtype", values["gradingtype"]),
            ("showgrading", values["showgrading"]), ("numberingstyle", q.findtext("numberingstyle") or "none"),
            *_feedbacks(q), ("shownumcorrect", _flag(q, "shownumcorrect"))])]
    if qtype == "essay":
        def blank(tag: str) -> str | None:
            return (q.findtext(tag) or "") or None
        return [(f"essay id={ids.next('essay')}", [
            ("responseformat", q.findtext("responseformat")), ("responserequired", q.findtext("responserequired")),
            ("responsefieldlines", q.findtext("responsefieldlines")), ("minwordlimit", blank("minwordlimit")),
            ("maxwordlimit", blank("maxwordlimit")), ("attachments", q.findtext("attachments")),
            ("attachmentsrequired", q.findtext("attachmentsrequired")), ("graderinfo", _text(q, "graderinfo")),
            ("graderinfoformat", _format(q.find("graderinfo"))), ("responsetemplate", _text(q, "responsetemplate")),
            ("responsetemplateformat", _format(q.find("responsetemplate"))),
            ("filetypeslist", q.findtext("filetypeslist") or ""), ("maxbytes", q.findtext("maxbytes") or "0")])]
    raise ValueError(f"no backup mapping for Moodle question type {qtype!r}")


def _split(path: str) -> tuple[str, ...]:
    """qformat_default::split_category_path(): "//" is a slash inside a name; "$course$/top" is the bank's top."""
    parts = [p.replace("\0", "/").strip() for p in path.replace("//", "\0").split("/")]
    assert parts[:2] == ["$course$", "top"], path
    return ("top", *parts[2:])


def add_set(bank: Bank, course: Course, cset: CourseSet) -> None:
    """The set's Moodle XML bank, question by question, into `bank`."""
    # our own XML, parsed like any other: no entities, no network
    root = etree.fromstring(question_bank(course, cset), etree.XMLParser(resolve_entities=False, no_network=True))
    category = 0
    outcome = ""
    count = 0
    for q in root.iterfind("question"):
        kind = q.get("type", "")
        if kind == "category":
            if outcome:
                bank.outcome_categories[outcome] = (category, count)
            path = _split(q.findtext("category/text") or "")
            idnumber = q.findtext("idnumber")
            category = bank.category(path, _text(q, "info"), idnumber)
            outcome = idnumber if idnumber in {o.id for o in cset.outcomes} else ""
            count = 0
            continue
        count += 1
        qtype = _QTYPE.get(kind, kind)
        ids = bank.ids
        qid, entry, version = ids.next("question"), ids.next("entry"), ids.next("version")
        ident = q.findtext("idnumber") or None
        tags: Tree = []
        for raw in (t.text or "" for t in q.iterfind("tags/tag/text")):
            tid = bank.tags.setdefault(raw.lower(), len(bank.tags) + 1)
            tags.append((f"tag id={tid} contextid={COURSE_CONTEXT_ID}", [("name", raw.lower()), ("rawname", raw)]))
        question: Tree = [
            ("parent", 0), ("name", _text(q, "name")), ("questiontext", _text(q, "questiontext")),
            ("questiontextformat", _format(q.find("questiontext"))), ("generalfeedback", _text(q, "generalfeedback")),
            ("generalfeedbackformat", _format(q.find("generalfeedback"))),
            ("defaultmark", f"{Decimal(q.findtext('defaultgrade') or '1'):.7f}"),
            ("penalty", f"{Decimal(q.findtext('penalty') or '0'):.7f}"), ("qtype", qtype), ("length", 1),
            ("stamp", f"{bank.stamp}+question+{ident or qid}"), ("timecreated", bank.time),
            ("timemodified", bank.time), ("createdby", OWNER), ("modifiedby", OWNER),
            (f"plugin_qtype_{qtype}_question", _plugin(q, qtype, ids)), ("question_hints", []), ("tags", tags),
        ]
        bank.entries[category].append((f"question_bank_entry id={entry}", [
            ("questioncategoryid", category), ("idnumber", ident), ("ownerid", OWNER),
            ("question_version", [(f"question_versions id={version}", [
                ("version", 1), ("status", "ready"), ("questions", [(f"question id={qid}", question)])])]),
        ]))
        if ident:
            bank.questions[ident] = entry
    if outcome:
        bank.outcome_categories[outcome] = (category, count)


def draws(bank: Bank, cset: CourseSet) -> list[tuple[str, int, int]]:
    """(outcome id, category id, questions drawn) for each outcome with questions in the bank."""
    out = []
    for o in cset.outcomes:
        if o.id in bank.outcome_categories:
            category, count = bank.outcome_categories[o.id]
            if count:
                out.append((o.id, category, (count + 1) // 2))
    return out


def quiz_activity(bank: Bank, cset: CourseSet, cmid: int, section: int, time: int,
                  competencies: Tree) -> tuple[dict[str, bytes], str]:
    """activities/quiz_<cmid>/: quiz instance cmid, context 100 + cmid, grade item 1 + cmid."""
    contextid, gradeitem = 100 + cmid, 1 + cmid
    name = f"{cset.code} practice quiz"
    slots: Tree = []
    slot = 0
    for _, category, count in draws(bank, cset):
        for _ in range(count):
            slot += 1
            sid = 1000 * cmid + slot  # slot and its reference: unique across quizzes
            condition = json.dumps({"questioncategoryid": str(category), "includingsubcategories": 0},
                                   separators=(",", ":"))
            slots.append((f"question_instance id={sid}", [
                ("quizid", cmid), ("slot", slot), ("page", slot), ("displaynumber", None), ("requireprevious", 0),
                ("maxmark", "1.0000000"),
                (f"question_set_reference id={sid}", [
                    ("usingcontextid", contextid), ("component", "mod_quiz"), ("questionarea", "slot"),
                    ("questionscontextid", COURSE_CONTEXT_ID), ("filtercondition", condition)]),
            ]))
    intro = (f"<p>Practice for {cset.code} {cset.title}: each attempt draws new questions from the set's question "
             "bank, some for every outcome. It does not count towards the certificate.</p>")
    quiz: Tree = [
        ("name", name), ("intro", intro), ("introformat", FORMAT_HTML), ("timeopen", 0), ("timeclose", 0),
        ("timelimit", 0), ("overduehandling", "autosubmit"), ("graceperiod", 0),
        ("preferredbehaviour", "immediatefeedback"), ("canredoquestions", 0), ("attempts_number", 0),
        ("attemptonlast", 0), ("grademethod", 1), ("decimalpoints", 2), ("questiondecimalpoints", -1),
        ("reviewattempt", REVIEW_ALL), ("reviewcorrectness", REVIEW_ALL), ("reviewmaxmarks", REVIEW_ALL),
        ("reviewmarks", REVIEW_ALL), ("reviewspecificfeedback", REVIEW_ALL), ("reviewgeneralfeedback", REVIEW_ALL),
        ("reviewrightanswer", REVIEW_ALL), ("reviewoverallfeedback", REVIEW_AFTER), ("questionsperpage", 1),
        ("navmethod", "free"), ("shuffleanswers", 1), ("sumgrades", f"{slot:.5f}"), ("grade", "0.00000"),
        ("timecreated", time), ("timemodified", time), ("password", ""), ("subnet", ""), ("browsersecurity", "-"),
        ("delay1", 0), ("delay2", 0), ("showuserpicture", 0), ("showblocks", 0), ("completionattemptsexhausted", 0),
        ("completionminattempts", 1), ("allowofflineattempts", 0),
        ("question_instances", slots),
        ("sections", [(f"section id={cmid}", [("firstslot", 1), ("heading", ""), ("shufflequestions", 1)])]),
        ("feedbacks", [(f"feedback id={cmid}", [("feedbacktext", ""), ("feedbacktextformat", FORMAT_HTML),
                                                ("mingrade", "0.00000"), ("maxgrade", "101.00000")])]),
        ("overrides", []), ("grades", []), ("attempts", []),
    ]
    prefix = f"activities/quiz_{cmid}"
    out = empty_activity_files(prefix, competencies)
    out[f"{prefix}/quiz.xml"] = doc("activity", [(f"quiz id={cmid}", quiz)], id=cmid, moduleid=cmid,
                                    modulename="quiz", contextid=contextid)
    out[f"{prefix}/module.xml"] = module_xml("quiz", cmid, section, f"{cset.code}-PRACTICE", time,
                                             QUIZ_MODULE_VERSION)
    out[f"{prefix}/inforef.xml"] = doc("inforef", [
        ("grade_itemref", [("grade_item", [("id", gradeitem)])]),
        # every category of the bank, as Moodle's backup annotates them: restore creates only annotated ones
        ("question_categoryref", [("question_category", [("id", cid)]) for cid, _, _ in bank.categories.values()]),
    ])
    out[f"{prefix}/grades.xml"] = doc("activity_gradebook", [
        ("grade_items", [(f"grade_item id={gradeitem}", [
            *grade_item(name, "mod", "quiz", cmid, 0, "0", gradeitem, time, GRADE_TYPE_NONE), ("grade_grades", [])])]),
        ("grade_letters", []),
    ])
    return out, name
