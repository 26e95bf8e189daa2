"""The XML of a Moodle course backup (backup/moodle2), as Moodle's own backup writes it: shared by the
course backup format's activity writers."""

from __future__ import annotations

from typing import TypeAlias

from lxml import etree

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
NULL = "$@NULL@$"  # how Moodle's backup writes a database NULL

Value: TypeAlias = str | int | float | None
Tree: TypeAlias = "list[tuple[str, Tree | Value]]"
Node: TypeAlias = "Tree | Value"


def _fill(parent: etree._Element, children: Tree) -> None:
    for tag, value in children:
        el = etree.SubElement(parent, tag.split(" ", 1)[0])
        for attr in tag.split(" ")[1:]:
            key, _, val = attr.partition("=")
            el.set(key, val)
        if isinstance(value, list):
            _fill(el, value)
        else:
            el.text = NULL if value is None else str(value)


def doc(root: str, children: Tree, **attrs: str | int) -> bytes:
    el = etree.Element(root, {k: str(v) for k, v in attrs.items()})
    _fill(el, children)
    # Moodle recognises a backup by this declaration, double quotes and all (convert_helper::detect_moodle2_format).
    return XML_DECLARATION + etree.tostring(el, xml_declaration=False, encoding="UTF-8", pretty_print=True)


def empty_activity_files(prefix: str, competencies: Tree | None = None) -> dict[str, bytes]:
    """The activity's files that hold nothing but its competency links (course_module_competencies)."""
    return {
        f"{prefix}/calendar.xml": doc("events", []),
        f"{prefix}/comments.xml": doc("comments", []),
        f"{prefix}/competencies.xml": doc("course_module_competencies", [("competencies", competencies or [])]),
        f"{prefix}/completion.xml": doc("completions", [("completionviews", [])]),
        f"{prefix}/filters.xml": doc("filters", [("filter_actives", []), ("filter_configs", [])]),
        f"{prefix}/grade_history.xml": doc("grade_history", [("grade_grades", [])]),
        f"{prefix}/roles.xml": doc("roles", [("role_overrides", []), ("role_assignments", [])]),
        f"{prefix}/xapistate.xml": doc("states", []),
    }


COMPLETION_AUTOMATIC = 2  # course_modules.completion: COMPLETION_TRACKING_AUTOMATIC


def module_xml(modulename: str, cmid: int, section: int, idnumber: str, time: int, version: str,
               completion: int = COMPLETION_AUTOMATIC) -> bytes:
    """An activity's module.xml: visible, no groups, automatic completion (its rule lives in the
    activity's own XML), in section `section` (1-based ids; Moodle numbers sections from 0)."""
    return doc("module", [
        ("modulename", modulename), ("sectionid", section), ("sectionnumber", section - 1), ("idnumber", idnumber),
        ("added", time), ("score", 0), ("indent", 0), ("visible", 1), ("visibleoncoursepage", 1), ("visibleold", 1),
        ("groupmode", 0), ("groupingid", 0), ("completion", completion),
        ("completiongradeitemnumber", None), ("completionpassgrade", 0), ("completionview", 0),
        ("completionexpected", 0), ("availability", None), ("showdescription", 0), ("downloadcontent", 1),
        ("lang", None), ("tags", []),
    ], id=cmid, version=version)


GRADE_TYPE_NONE, GRADE_TYPE_VALUE = 0, 1  # lib/grade/constants.php


def grade_item(name: str | None, itemtype: str, module: str | None, instance: int, number_: int | None,
               gradepass: str, sortorder: int, time: int, gradetype: int = GRADE_TYPE_VALUE) -> Tree:
    return [
        ("categoryid", 1 if itemtype == "mod" else None), ("itemname", name), ("itemtype", itemtype),
        ("itemmodule", module), ("iteminstance", instance), ("itemnumber", number_), ("iteminfo", None),
        ("idnumber", "" if itemtype == "mod" else None), ("calculation", None), ("gradetype", gradetype),
        ("grademax", "100.00000"), ("grademin", "0.00000"), ("scaleid", None), ("outcomeid", None),
        ("gradepass", f"{float(gradepass):.5f}"), ("multfactor", "1.00000"), ("plusfactor", "0.00000"),
        ("aggregationcoef", "0.00000"), ("aggregationcoef2", "0.00000"), ("weightoverride", 0),
        ("sortorder", sortorder), ("display", 0), ("decimals", None), ("hidden", 0), ("locked", 0),
        ("locktime", 0), ("needsupdate", 0), ("timecreated", time), ("timemodified", time),
    ]

RULE_OUTCOME_NONE, RULE_OUTCOME_EVIDENCE = 0, 1  # core_competency course_(module_)competency::OUTCOME_*


def competency_links(framework: str, idnumbers: tuple[str, ...] | list[str], ruleoutcome: int,
                     course: bool = False) -> Tree:
    """competencies.xml rows: restore finds each competency by the framework's and its own id number and skips
    those the site does not have (backup/moodle2/restore_stepslib.php, restore_*_competencies_structure_step)."""
    rows: Tree = []
    for n, idnumber in enumerate(dict.fromkeys(idnumbers), start=1):
        if course:  # backup_course_competencies_structure_step
            rows.append(("competency", [("id", n), ("idnumber", idnumber), ("ruleoutcome", ruleoutcome),
                                        ("sortorder", n - 1), ("frameworkid", 1), ("frameworkidnumber", framework)]))
        else:  # backup_activity_competencies_structure_step
            rows.append(("competency", [("idnumber", idnumber), ("ruleoutcome", ruleoutcome), ("sortorder", n - 1),
                                        ("frameworkidnumber", framework), ("overridegrade", 0)]))
    return rows
