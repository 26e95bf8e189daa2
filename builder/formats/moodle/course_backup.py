"""The whole programme as one Moodle course backup (`moodle/<program id>.mbz`), restorable in one step.

The tree is the one Moodle's own backup (backup/moodle2, format "moodle2", mode general) writes for a
course, reduced to what a course without users needs: moodle_backup.xml, course/, sections/,
activities/scorm_N/, files.xml and files/ holding every file by its sha1, gzip-tar without extensions
(Moodle's tgz_extractor reads plain ustar only). What restoring it gives:
- the course, named after the programme, with the programme's description and rules on top;
- a section per set, required sets first and then the electives, in the order of the programme's
  requirements, the rule that applies to the set in the section summary;
- on top, the programme handbook PDF as a File resource (resource.py);
- in each section a SCORM activity holding the set's SCORM 1.2 package, with the settings
  docs/lms/moodle-scorm.md recommends and completion on "passed";
  a practice quiz drawing random questions from the set's outcome categories of the question bank
  (quiz.py: questions.xml is the moodle_xml format's bank, category for category); an assignment per
  portfolio task graded with its rubric (assignment.py); the set's study guide PDF as a File resource;
- competency links by id number: the course to every outcome, each activity to the outcomes it covers.
  Restore makes them only when the framework of the competency_csv format is on the site already (it
  looks each competency up by the framework's and its own id number and skips what it does not find).

The PDFs and the SCORM packages are the pdf and scorm12 formats' own files (dist/pdf/handbook.pdf and
<set>.pdf, dist/scorm12/<set>.zip), handed over by the pipeline (Format.needs): a build of the course backup builds
those first, and the backup holds the very bytes a trainer would upload by hand.

Moodle's restore does not parse a SCORM package (restore_scorm_stepslib only inserts rows): the backup
carries the package zip, its unpacked files (file area "content") and the two scorm_scoes rows that
Moodle's parser (scorm_parse_scorm) stores for a coursepack manifest: the organisation and the one SCO.

Ids inside the backup are the writer's own small numbers (restore maps every one of them to new ids),
times are the programme's release date: the file is byte-identical for the same curriculum.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import zipfile
from collections.abc import Iterable
from html import escape

from builder.build.output import OutDir
from builder.formats.base import NOTHING_MADE, Format, Job, Made, Options
from builder.formats.moodle.assignment import assign_activity
from builder.formats.moodle.mbz import (
    RULE_OUTCOME_EVIDENCE,
    RULE_OUTCOME_NONE,
    Node,
    Tree,
    competency_links,
    module_xml,
)
from builder.formats.moodle.mbz import doc as _doc
from builder.formats.moodle.mbz import empty_activity_files as _empty_activity_files
from builder.formats.moodle.mbz import grade_item as _grade_item
from builder.formats.moodle.question_bank import problems as bank_problems
from builder.formats.moodle.quiz import Bank, add_set, quiz_activity
from builder.formats.moodle.resource import guide_pdf, handbook_pdf, resource_activity
from builder.formats.player.package import LAUNCH
from builder.render.context import WriteContext
from builder.render.i18n import Catalogue
from builder.render.text import number, programme_rules_html, requirement_text
from builder.resolve.course import Course, CourseSet
from builder.rules.diagnostics import Diagnostic, Severity
from builder.rules.registry import report

# The oldest Moodle the backup is meant for (4.1 LTS, release 2022112800): newer sites restore an older
# backup without a warning; an older one would warn that the backup is newer than the site.
MOODLE_VERSION = "2022112800"
MOODLE_RELEASE = "4.1 (Build: 20221128)"
BACKUP_VERSION = "2022112800"
BACKUP_RELEASE = "4.1"
SCORM_MODULE_VERSION = "2022112800"

# The settings of docs/lms/moodle-scorm.md, "Recommended settings", as mod_scorm stores them.
GRADE_HIGHEST = 1  # grademethod GRADEHIGHEST
WHAT_HIGHEST_ATTEMPT = 0  # whatgrade HIGHESTATTEMPT
FORCE_NEW_WHEN_DONE = 1  # forcenewattempt SCORM_FORCEATTEMPT_ONCOMPLETE
SKIPVIEW_ALWAYS = 2  # skipview SCORM_SKIPVIEW_ALWAYS
TOC_DISABLED = 3  # hidetoc SCORM_TOC_DISABLED
STATUS_PASSED = 2  # completionstatusrequired: bit 2 = passed (4 = completed)

_MIME = {
    "css": "text/css",
    "gif": "image/gif",
    "html": "text/html",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "js": "application/javascript",
    "json": "application/json",
    "mp3": "audio/mp3",
    "mp4": "video/mp4",
    "pdf": "application/pdf",
    "png": "image/png",
    "svg": "image/svg+xml",
    "txt": "text/plain",
    "webp": "image/webp",
    "xml": "application/xml",
    "zip": "application/zip",
}

def _rule_html(course: Course, cset: CourseSet, cat: Catalogue) -> str:
    for req in course.program.requirements:
        if cset.code in req.codes:
            kind = cat.get("moodle.rule.required" if req.choose is None else "moodle.rule.elective")
            return f"<p><strong>{escape(kind)}</strong> {escape(requirement_text(req, cat))}</p>"
    return ""


def _mime(name: str) -> str:
    return _MIME.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")


class _Files:
    """files.xml rows and files/ blobs, numbered in the order they are added."""

    def __init__(self, time: int):
        self.time = time
        self.rows: Tree = []
        self.blobs: dict[str, bytes] = {}

    def add(self, contextid: int, component: str, area: str, path: str, data: bytes, sortorder: int = 0) -> int:
        sha1 = hashlib.sha1(data).hexdigest()
        self.blobs[f"files/{sha1[:2]}/{sha1}"] = data
        folder, _, name = path.rpartition("/")
        fid = len(self.rows) + 1
        self.rows.append((f"file id={fid}", [
            ("contenthash", sha1), ("contextid", contextid), ("component", component), ("filearea", area),
            ("itemid", 0), ("filepath", f"/{folder}/" if folder else "/"), ("filename", name), ("userid", None),
            ("filesize", len(data)), ("mimetype", _mime(name)), ("status", 0), ("timecreated", self.time),
            ("timemodified", self.time), ("source", None), ("author", None), ("license", None),
            ("sortorder", sortorder), ("repositorytype", None), ("repositoryid", None), ("reference", None),
        ]))
        return fid


def _unzipped(zipped: bytes) -> dict[str, bytes]:
    """A SCORM package's files by path: what Moodle unpacks into the activity's "content" area."""
    with zipfile.ZipFile(io.BytesIO(zipped)) as package:
        return {i.filename: package.read(i) for i in package.infolist() if not i.is_dir()}


def _scorm_activity(course: Course, cset: CourseSet, n: int, cmid: int, section: int, zipped: tuple[str, bytes],
                    files: _Files, time: int, competencies: Tree, cat: Catalogue) -> tuple[dict[str, bytes], str]:
    """activities/scorm_<cmid>/: scorm instance n, context 100 + cmid, grade item 1 + cmid, scoes 2n-1, 2n.
    `zipped`: the scorm12 format's package, by its name."""
    contextid, gradeitem = 100 + cmid, 1 + cmid
    org_id, sco_id = 2 * n - 1, 2 * n
    zipname, package = zipped
    file_ids = [files.add(contextid, "mod_scorm", "package", zipname, package)]
    file_ids += [files.add(contextid, "mod_scorm", "content", rel, data)
                 for rel, data in sorted(_unzipped(package).items())]
    mastery = number(cset.pass_percent)
    manifest = f"{course.program.id}.{cset.code}"
    name = f"{cset.code} {cset.title}"
    scoes: Tree = [
        (f"sco id={org_id}", [
            ("manifest", manifest), ("organization", ""), ("parent", "/"), ("identifier", f"ORG-{cset.code}"),
            ("launch", ""), ("scormtype", ""), ("title", name), ("sortorder", 1), ("sco_datas", []),
            ("seq_ruleconds", []), ("seq_rolluprules", []), ("seq_objectives", []),
        ]),
        (f"sco id={sco_id}", [
            ("manifest", manifest), ("organization", f"ORG-{cset.code}"), ("parent", f"ORG-{cset.code}"),
            ("identifier", f"ITEM-{cset.code}"), ("launch", LAUNCH), ("scormtype", "sco"), ("title", cset.title),
            ("sortorder", 2),
            ("sco_datas", [
                (f"sco_data id={3 * n - 2}", [("name", "isvisible"), ("value", "true")]),
                (f"sco_data id={3 * n - 1}", [("name", "parameters"), ("value", "")]),
                (f"sco_data id={3 * n}", [("name", "masteryscore"), ("value", mastery)]),
            ]),
            ("seq_ruleconds", []), ("seq_rolluprules", []), ("seq_objectives", []),
        ]),
    ]
    scorm: Tree = [
        ("name", name), ("scormtype", "local"), ("reference", zipname),
        ("intro", f"{cset.summary_html}<p>{escape(cat.get('moodle.pass_mark', mastery=mastery))}</p>"),
        ("introformat", 1),
        ("version", "SCORM_1.2"), ("maxgrade", 100), ("grademethod", GRADE_HIGHEST),
        ("whatgrade", WHAT_HIGHEST_ATTEMPT), ("maxattempt", cset.attempts), ("forcecompleted", 0),
        ("forcenewattempt", FORCE_NEW_WHEN_DONE), ("lastattemptlock", 1 if cset.attempts else 0),
        ("masteryoverride", 1), ("displayattemptstatus", 1), ("displaycoursestructure", 0), ("updatefreq", 0),
        ("sha1hash", hashlib.sha1(package).hexdigest()), ("md5hash", ""), ("revision", 1), ("launch", sco_id),
        ("skipview", SKIPVIEW_ALWAYS), ("hidebrowse", 0), ("hidetoc", TOC_DISABLED), ("nav", 1),
        ("navpositionleft", -100), ("navpositiontop", -100), ("auto", 0), ("popup", 0), ("options", ""),
        ("width", 100), ("height", 500), ("timeopen", 0), ("timeclose", 0), ("timemodified", time),
        ("completionstatusrequired", STATUS_PASSED), ("completionscorerequired", None),
        ("completionstatusallscos", 0), ("autocommit", 0), ("scoes", scoes),
    ]
    prefix = f"activities/scorm_{cmid}"
    out = _empty_activity_files(prefix, competencies)
    out[f"{prefix}/scorm.xml"] = _doc("activity", [(f"scorm id={n}", scorm)], id=n, moduleid=cmid,
                                      modulename="scorm", contextid=contextid)
    out[f"{prefix}/module.xml"] = module_xml("scorm", cmid, section, cset.code, time, SCORM_MODULE_VERSION)
    out[f"{prefix}/inforef.xml"] = _doc("inforef", [
        ("fileref", [("file", [("id", fid)]) for fid in file_ids]),
        ("grade_itemref", [("grade_item", [("id", gradeitem)])]),
    ])
    out[f"{prefix}/grades.xml"] = _doc("activity_gradebook", [
        ("grade_items", [(f"grade_item id={gradeitem}", [
            *_grade_item(name, "mod", "scorm", n, 0, mastery, gradeitem, time), ("grade_grades", [])])]),
        ("grade_letters", []),
    ])
    return out, name


def _readings_html(cset: CourseSet, cat: Catalogue) -> str:
    """The set's further reading, each source once, in lesson order (empty when no lesson cites any)."""
    first: dict[tuple[str | None, str], str] = {}
    for r in (r for lesson in cset.lessons for r in lesson.readings):
        first.setdefault((r.author, r.title), r.html)  # a source cited twice: its first citation
    heading = escape(cat.get("player.readings"))
    return f"<h4>{heading}</h4><ul>{''.join(f'<li>{h}</li>' for h in first.values())}</ul>" if first else ""


def _section(sid: int, number_: int, name: str | None, summary: str, sequence: Iterable[int], time: int) -> bytes:
    return _doc("section", [
        ("number", number_), ("name", name), ("summary", summary), ("summaryformat", 1),
        ("sequence", ",".join(map(str, sequence))), ("visible", 1), ("availabilityjson", None),
        ("component", None), ("itemid", None), ("timemodified", time),
    ], id=sid)


def _setting(level: str, name: str, value: int | str, owner: tuple[str, str] | None = None) -> tuple[str, Node]:
    tree: Tree = [("level", level)]
    if owner:
        tree.append(owner)
    return ("setting", [*tree, ("name", name), ("value", value)])


ROOT_SETTINGS = (
    ("imscc11", 0), ("users", 0), ("anonymize", 0), ("role_assignments", 0), ("activities", 1), ("blocks", 0),
    ("files", 1), ("filters", 0), ("comments", 0), ("badges", 0), ("calendarevents", 0), ("userscompletion", 0),
    ("logs", 0), ("grade_histories", 0), ("questionbank", 1), ("groups", 0), ("competencies", 1),
    ("customfield", 0), ("contentbankcontent", 0), ("xapistate", 0), ("legacyfiles", 0),
)


def framework_idnumber(course: Course) -> str:
    """The id number the competency_csv format gives the framework (its first data row)."""
    return f"{course.program.id}-{course.program.version}"


def _handbook_job() -> Job:
    return Job("pdf", None)


def _guide_job(cset: CourseSet) -> Job:
    return Job("pdf", cset.code)


def _package_job(cset: CourseSet) -> Job:
    return Job("scorm12", cset.code)


def backup_entries(course: Course, ctx: WriteContext, made: Made) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """Every member of the .mbz by path, or the package errors that stop it. `made`: the handbook PDF and each
    set's SCORM 1.2 package and study guide PDF, as the pdf and scorm12 formats wrote them."""
    p = course.program
    time = calendar.timegm(p.released.timetuple())
    filename = f"{p.id}.mbz"
    files = _Files(time)
    entries: dict[str, bytes] = {}
    diags: list[Diagnostic] = []
    sets = course.sets_by_rule()
    framework = framework_idnumber(course)
    activities: Tree = []
    sections: Tree = [("section", [("sectionid", 1), ("title", 0), ("directory", "sections/section_1")])]
    cmid = 0
    top: list[int] = []
    handbook = made.read(_handbook_job())
    if not handbook:
        diags.append(report("handbook-not-embedded", "the course backup holds no handbook: the pdf format wrote "
                            "none (its own messages say why)", course.loc("program")))
    for handbook_name, data in handbook.items():
        cmid += 1
        file_id = files.add(100 + cmid, "mod_resource", "content", handbook_name, data, sortorder=1)
        members, name = resource_activity(handbook_pdf(course, ctx), cmid, 1, time, file_id)
        entries.update(members)
        top.append(cmid)
        activities.append(_content("resource", cmid, 1, name))
    bank = Bank(f"coursepack+{p.id}+{p.version}", time)
    for cset in sets:
        add_set(bank, course, cset)
        diags += bank_problems(course, cset)
    for n, cset in enumerate(sets, start=1):
        packages = made.read(_package_job(cset))
        if not packages:  # the scorm12 format could not write it, and said why: the build stops there
            continue
        [zipped] = packages.items()
        outcomes = [o.id for o in cset.outcomes]
        cmid += 1
        members, name = _scorm_activity(course, cset, n, cmid, n + 1, zipped, files, time,
                                        competency_links(framework, outcomes, RULE_OUTCOME_EVIDENCE), ctx.catalogue)
        entries.update(members)
        sequence = [cmid]
        activities.append(_content("scorm", cmid, n + 1, name))
        cmid += 1
        members, name = quiz_activity(bank, cset, cmid, n + 1, time,
                                      competency_links(framework, outcomes, RULE_OUTCOME_NONE))
        entries.update(members)
        sequence.append(cmid)
        activities.append(_content("quiz", cmid, n + 1, name))
        for task in cset.portfolio:
            cmid += 1
            members, name = assign_activity(task, cmid, n + 1, time,
                                            competency_links(framework, task.outcomes, RULE_OUTCOME_EVIDENCE))
            entries.update(members)
            sequence.append(cmid)
            activities.append(_content("assign", cmid, n + 1, name))
        for guide_name, guide in made.read(_guide_job(cset)).items():  # (one: the pdf format's <set>.pdf)
            cmid += 1
            file_id = files.add(100 + cmid, "mod_resource", "content", guide_name, guide, sortorder=1)
            members, name = resource_activity(guide_pdf(course, cset, ctx), cmid, n + 1, time, file_id)
            entries.update(members)
            sequence.append(cmid)
            activities.append(_content("resource", cmid, n + 1, name))
        sections.append(("section", [("sectionid", n + 1), ("title", n), ("directory", f"sections/section_{n + 1}")]))
        summary = _rule_html(course, cset, ctx.catalogue) + cset.summary_html + _readings_html(cset, ctx.catalogue)
        entries[f"sections/section_{n + 1}/section.xml"] = _section(n + 1, n, f"{cset.code} {cset.title}", summary,
                                                                    sequence, time)
        entries[f"sections/section_{n + 1}/inforef.xml"] = _doc("inforef", [])
    if any(d.severity is Severity.ERROR for d in diags):
        return {}, diags
    entries["questions.xml"] = bank.xml()
    front = programme_rules_html(course, ctx.catalogue, 3)
    entries["sections/section_1/section.xml"] = _section(1, 0, None, front, top, time)
    entries["sections/section_1/inforef.xml"] = _doc("inforef", [])
    entries.update(_course_files(course, ctx.catalogue, time, competency_links(
        framework, [o.id for s in sets for o in s.outcomes], RULE_OUTCOME_NONE, course=True)))
    entries["files.xml"] = _doc("files", files.rows)
    entries.update(files.blobs)
    entries.update(_root_files(time))
    settings: Tree = [_setting("root", "filename", filename), *(_setting("root", k, v) for k, v in ROOT_SETTINGS)]
    for _, node in sections:
        assert isinstance(node, list)
        key = f"section_{node[0][1]}"
        settings += [_setting("section", f"{key}_{what}", v, ("section", key)) for what, v in (("included", 1),
                                                                                                   ("userinfo", 0))]
    for _, node in activities:
        assert isinstance(node, list)
        key = f"{node[2][1]}_{node[0][1]}"
        settings += [_setting("activity", f"{key}_{what}", v, ("activity", key)) for what, v in (("included", 1),
                                                                                                    ("userinfo", 0))]
    backup_id = hashlib.md5(f"{p.id} {p.version}".encode()).hexdigest()
    entries["moodle_backup.xml"] = _doc("moodle_backup", [("information", [
        ("name", filename), ("moodle_version", MOODLE_VERSION), ("moodle_release", MOODLE_RELEASE),
        ("backup_version", BACKUP_VERSION), ("backup_release", BACKUP_RELEASE), ("backup_date", time),
        ("mnet_remoteusers", 0), ("include_files", 1), ("include_file_references_to_external_content", 0),
        ("original_wwwroot", "https://coursepack.invalid"),
        ("original_site_identifier_hash", hashlib.md5(f"coursepack {p.id}".encode()).hexdigest()),
        ("original_course_id", 1), ("original_course_format", "topics"), ("original_course_fullname", p.title),
        ("original_course_shortname", p.id), ("original_course_startdate", time), ("original_course_enddate", 0),
        ("original_course_contextid", 2), ("original_system_contextid", 1),
        ("details", [(f"detail backup_id={backup_id}", [
            ("type", "course"), ("format", "moodle2"), ("interactive", 1), ("mode", 10), ("execution", 1),
            ("executiontime", 0)])]),
        ("contents", [("activities", activities), ("sections", sections),
                      ("course", [("courseid", 1), ("title", p.id), ("directory", "course")])]),
        ("settings", settings),
    ])])
    return entries, diags


def _content(modname: str, cmid: int, section: int, title: str) -> tuple[str, Node]:
    return ("activity", [("moduleid", cmid), ("sectionid", section), ("modulename", modname), ("title", title),
                         ("directory", f"activities/{modname}_{cmid}")])


def _course_files(course: Course, cat: Catalogue, time: int, competencies: Tree) -> dict[str, bytes]:
    p = course.program
    return {
        "course/course.xml": _doc("course", [
            ("shortname", p.id), ("fullname", p.title), ("idnumber", f"{p.id}-{p.version}"),
            ("summary", programme_rules_html(course, cat, 3)), ("summaryformat", 1), ("format", "topics"),
            ("showgrades", 1),
            ("newsitems", 0), ("startdate", time), ("enddate", 0), ("marker", 0), ("maxbytes", 0), ("legacyfiles", 0),
            ("showreports", 0), ("visible", 1), ("groupmode", 0), ("groupmodeforce", 0), ("defaultgroupingid", 0),
            ("lang", ""), ("theme", ""), ("timecreated", time), ("timemodified", time), ("requested", 0),
            ("showactivitydates", 0), ("showcompletionconditions", 1), ("pdfexportfont", None),
            ("enablecompletion", 1), ("completionnotify", 0),
            ("category id=1", [("name", "Category 1"), ("description", None)]), ("tags", []), ("customfields", []),
            ("courseformatoptions", [
                ("courseformatoption", [("format", "topics"), ("sectionid", 0), ("name", "hiddensections"),
                                        ("value", 1)]),
                ("courseformatoption", [("format", "topics"), ("sectionid", 0), ("name", "coursedisplay"),
                                        ("value", 0)]),
            ]),
        ], id=1, contextid=2),
        "course/calendar.xml": _doc("events", []),
        "course/comments.xml": _doc("comments", []),
        "course/competencies.xml": _doc("course_competencies", [("competencies", competencies),
                                                                 ("user_competencies", [])]),
        "course/completiondefaults.xml": _doc("course_completion_defaults", []),
        "course/contentbank.xml": _doc("contents", []),
        "course/enrolments.xml": _doc("enrolments", [("enrols", [])]),
        "course/filters.xml": _doc("filters", [("filter_actives", []), ("filter_configs", [])]),
        "course/inforef.xml": _doc("inforef", []),
        "course/roles.xml": _doc("roles", [("role_overrides", []), ("role_assignments", [])]),
    }


def _root_files(time: int) -> dict[str, bytes]:
    return {
        "badges.xml": _doc("badges", []),
        "completion.xml": _doc("course_completion", []),
        "gradebook.xml": _doc("gradebook", [
            ("attributes", []),
            ("grade_categories", [("grade_category id=1", [
                ("parent", None), ("depth", 1), ("path", "/1/"), ("fullname", "?"), ("aggregation", 13),
                ("keephigh", 0), ("droplow", 0), ("aggregateonlygraded", 1), ("aggregateoutcomes", 0),
                ("timecreated", time), ("timemodified", time), ("hidden", 0)])]),
            ("grade_items", [("grade_item id=1", [*_grade_item(None, "course", None, 1, None, "0", 1, time),
                                                  ("grade_grades", [])])]),
            ("grade_letters", []),
            ("grade_settings", [("grade_setting id=", [("name", "minmaxtouse"), ("value", 1)])]),
        ]),
        "grade_history.xml": _doc("grade_history", [("grade_grades", [])]),
        "groups.xml": _doc("groups", [("groupcustomfields", []), ("groupings", [("groupingcustomfields", [])])]),
        "outcomes.xml": _doc("outcomes_definition", []),
        "roles.xml": _doc("roles_definition", []),
        "scales.xml": _doc("scales_definition", []),
        "users.xml": _doc("users", []),
    }


class MoodleCourse(Format):
    name = "moodle_course"
    folder = "moodle"
    version = "5"
    uses = ("pdf", "scorm12")

    def owns(self, rel: str) -> bool:
        return rel.endswith(".mbz")

    def jobs(self, course: Course) -> list[Job]:
        return [Job(self.name, None)]

    def needs(self, course: Course, job: Job) -> list[Job]:
        return [_handbook_job(), *(job for s in course.sets for job in (_package_job(s), _guide_job(s)))]

    def check(self, course: Course) -> list[Diagnostic]:
        # what the SCORM packages inside cannot be, the scorm12 format (built with this one) says itself
        return [d for cset in course.sets for d in bank_problems(course, cset)]

    def write(self, course: Course, job: Job, ctx: WriteContext, out: OutDir, options: Options,
              made: Made = NOTHING_MADE) -> list[Diagnostic]:
        entries, diags = backup_entries(course, ctx, made)
        if entries:
            out.write_tgz(f"{course.program.id}.mbz", entries)
        return diags
