"""A set's portfolio task as a Moodle assignment in the course backup, graded with the task's rubric.

The rubric goes in as Moodle's advanced grading (grading.xml, gradingform_rubric): one criterion per rubric
criterion, one level per rubric level with the level's points and the criterion's descriptor for that level.
Moodle scales the rubric's points to the assignment's grade (0-100): the lowest levels give 0, the highest 100.
"""

from __future__ import annotations

from html import escape

from builder.formats.moodle.mbz import Tree, doc, empty_activity_files, grade_item, module_xml
from builder.resolve.course import PortfolioTask

DEFINITION_READY = 20  # gradingform_controller::DEFINITION_STATUS_READY
FORMAT_HTML, FORMAT_PLAIN = 1, 0
ASSIGN_MODULE_VERSION = "2022112800"
# gradingform_rubric_controller::get_default_options(), as the rubric editor saves them
RUBRIC_OPTIONS = ('{"sortlevelsasc":1,"lockzeropoints":1,"showdescriptionteacher":1,"showdescriptionstudent":1,'
                  '"showscoreteacher":1,"showscorestudent":1,"enableremarks":1,"showremarksstudent":1}')
# submission and feedback plugins: online text and files in, comments back
PLUGINS = (
    ("onlinetext", "assignsubmission", "enabled", "1"), ("onlinetext", "assignsubmission", "wordlimit", "0"),
    ("onlinetext", "assignsubmission", "wordlimitenabled", "0"), ("file", "assignsubmission", "enabled", "1"),
    ("file", "assignsubmission", "maxfilesubmissions", "20"),
    ("file", "assignsubmission", "maxsubmissionsizebytes", "0"),
    ("file", "assignsubmission", "filetypeslist", ""), ("comments", "assignsubmission", "enabled", "0"),
    ("comments", "assignfeedback", "enabled", "1"), ("comments", "assignfeedback", "commentinline", "0"),
    ("editpdf", "assignfeedback", "enabled", "0"), ("offline", "assignfeedback", "enabled", "0"),
    ("file", "assignfeedback", "enabled", "0"),
)


def _intro(task: PortfolioTask) -> str:
    evidence = "".join(f"<li>{escape(e)}</li>" for e in task.evidence)
    outcomes = escape(", ".join(task.outcomes))
    rule = f"<h4>Pass rule</h4>{task.pass_rule_html}" if task.pass_rule_html else ""
    return f"{task.task_html}<h4>Evidence</h4><ul>{evidence}</ul><p>Outcomes: {outcomes}</p>{rule}"


def _rubric(task: PortfolioTask, cmid: int) -> Tree:
    criteria: Tree = []
    for c, criterion in enumerate(task.criteria, start=1):
        levels: Tree = []
        for lv, (level, descriptor) in enumerate(zip(task.levels, criterion.descriptors, strict=True), start=1):
            levels.append((f"level id={100 * c + lv}", [
                ("score", f"{level.points:.5f}"), ("definition", f"{level.name}: {descriptor}"),
                ("definitionformat", FORMAT_PLAIN)]))
        criteria.append((f"criterion id={c}", [
            ("sortorder", c), ("description", criterion.name), ("descriptionformat", FORMAT_PLAIN),
            ("levels", levels)]))
    return [(f"area id={cmid}", [
        ("areaname", "submissions"), ("activemethod", "rubric"),
        ("definitions", [(f"definition id={cmid}", [
            ("method", "rubric"), ("name", f"{task.id} {task.title}"), ("description", ""),
            ("descriptionformat", FORMAT_HTML), ("status", DEFINITION_READY), ("timecreated", 0), ("timemodified", 0),
            ("options", RUBRIC_OPTIONS),
            ("plugin_gradingform_rubric_definition", [("criteria", criteria)]),
            ("instances", []),
        ])]),
    ])]


def assign_activity(task: PortfolioTask, cmid: int, section: int, time: int,
                    competencies: Tree | None = None) -> tuple[dict[str, bytes], str]:
    """activities/assign_<cmid>/: assign instance cmid, context 100 + cmid, grade item 1 + cmid."""
    contextid, gradeitem = 100 + cmid, 1 + cmid
    name = f"{task.id} {task.title} (portfolio)"
    assign: Tree = [
        ("name", name), ("intro", _intro(task)), ("introformat", FORMAT_HTML), ("alwaysshowdescription", 1),
        ("submissiondrafts", 1), ("sendnotifications", 0), ("sendlatenotifications", 0),
        ("sendstudentnotifications", 1), ("duedate", 0), ("cutoffdate", 0), ("gradingduedate", 0),
        ("allowsubmissionsfromdate", 0), ("grade", 100), ("timemodified", time), ("completionsubmit", 1),
        ("requiresubmissionstatement", 0), ("teamsubmission", 0), ("requireallteammemberssubmit", 0),
        ("teamsubmissiongroupingid", 0), ("blindmarking", 0), ("hidegrader", 0), ("revealidentities", 0),
        ("attemptreopenmethod", "untilpass"), ("maxattempts", -1), ("markingworkflow", 0), ("markingallocation", 0),
        ("markinganonymous", 0), ("preventsubmissionnotingroup", 0), ("activity", None), ("activityformat", 0),
        ("timelimit", 0), ("submissionattachments", 0), ("userflags", []), ("submissions", []), ("grades", []),
        ("plugin_configs", [(f"plugin_config id={i}", [("plugin", p), ("subtype", t), ("name", k), ("value", v)])
                            for i, (p, t, k, v) in enumerate(PLUGINS, start=1)]),
        ("overrides", []),
    ]
    prefix = f"activities/assign_{cmid}"
    out = empty_activity_files(prefix, competencies)
    out[f"{prefix}/assign.xml"] = doc("activity", [(f"assign id={cmid}", assign)], id=cmid, moduleid=cmid,
                                      modulename="assign", contextid=contextid)
    out[f"{prefix}/grading.xml"] = doc("areas", _rubric(task, cmid))
    out[f"{prefix}/module.xml"] = module_xml("assign", cmid, section, task.id, time, ASSIGN_MODULE_VERSION)
    out[f"{prefix}/inforef.xml"] = doc("inforef", [("grade_itemref", [("grade_item", [("id", gradeitem)])])])
    out[f"{prefix}/grades.xml"] = doc("activity_gradebook", [
        ("grade_items", [(f"grade_item id={gradeitem}", [
            *grade_item(name, "mod", "assign", cmid, 0, "0", gradeitem, time), ("grade_grades", [])])]),
        ("grade_letters", []),
    ])
    return out, name
