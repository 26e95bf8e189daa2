"""The programme's course backup (moodle/<program>.mbz) restored through Moodle 4.5's Restore page in the browser.

test_course_backup restores with Moodle's CLI; here the admin does what a trainer does in headless chromium. The
.mbz is put into the admin's private backup area by php/cp_restore_page.php (what "Manage backup files" and the
JavaScript file picker would do), then the browser opens backup/restorefile.php of the default category, clicks
"Restore" beside the file and steps through backup/restore.php with the page's own buttons: Confirm, Destination
("Restore as a new course" in the category), Settings, Schema (a course name unique to the run), Review,
"Perform restore". Moodle's default (enableasyncbackup) queues the restore as an ad hoc task; the test runs that task
as cron would (admin/cli/adhoc_task.php --id=N) and lets the page's own progress poll report the restore complete
(its clock jumped to the next 15-second poll, not waited for); "Continue" leads to the new course. What Moodle
stored is read back with php/cp_course.php, as test_course_backup does.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from builder.resolve.course import Course

from . import test_course_backup as backup
from .site import ADMIN_PASSWORD, Moodle

pytestmark = [pytest.mark.slow, pytest.mark.moodle, pytest.mark.xdist_group("moodle-backup")]
HELPER = Path(__file__).resolve().parent / "php" / "cp_restore_page.php"
SCREENSHOT = Path("/tmp/restore-complete.png")
# test_course_backup's module fixtures, used here too: the .mbz (built as a user builds it, with the competency
# CSV beside it) and the framework imported before the restore, as the docs tell a trainer to
mbz, framework = backup.mbz, backup.framework
STAGES = ["1. Confirm", "2. Destination", "3. Settings", "4. Schema", "5. Review", "6. Process", "7. Complete"]


def _login_admin(page: Page, moodle: Moodle) -> None:
    for _ in range(2):  # a busy machine can send the form back with an expired login token (as learner.py says)
        page.goto(f"{moodle.url}/login/index.php")
        page.fill("#username", "admin")
        page.fill("#password", ADMIN_PASSWORD)
        page.click("#loginbtn")
        page.wait_for_load_state("load")
        if "/login/" not in page.url:
            return
    raise AssertionError(f"admin login failed: {page.url}")


def _at(page: Page, stage: str, seen: list[str]) -> None:
    """Wait until the restore's progress bar (backup/util/ui/renderer.php progress_bar) shows `stage` as current."""
    expect(page.locator(".backup_progress .backup_stage_current")).to_have_text(stage, timeout=45_000)
    seen.append(stage)


@pytest.fixture(scope="module")
def through_the_page(moodle: Moodle, mbz: Path, framework: str, course: Course,
                     browser: Browser, run_id: str) -> Iterator[dict[str, Any]]:
    """The restore done in the browser; what each stage showed, the restore's status and the course it made."""
    filename = f"{mbz.stem}-{run_id}.mbz"
    placed = moodle.run(HELPER, "--action=place", f"--file={mbz}", f"--filename={filename}")
    fullname, shortname = f"{course.program.title} {run_id}", f"{course.program.id}_{run_id}"
    seen: dict[str, Any] = {"placed": placed, "fullname": fullname, "shortname": shortname, "stages": []}
    context = browser.new_context(viewport={"width": 1366, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(45_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        _login_admin(page, moodle)
        page.goto(f"{moodle.url}/backup/restorefile.php?contextid={placed['categorycontextid']}")
        # the private backup area's table: one row per file, "Restore" links to action=choosebackupfile
        row = page.locator("table.backup-files-table tr", has_text=filename)
        assert row.count() == 1, page.content()[-3000:]
        row.get_by_role("link", name="Restore", exact=True).click()

        _at(page, STAGES[0], seen["stages"])  # Confirm: the backup's details, its sections and activities
        # Moodle streams this page (it unpacks the .mbz behind a progress bar after printing the stage bar), so the
        # stage bar is there long before the details: read them once the page's last part, its button, has come
        confirm = page.locator("div.continuebutton").get_by_role("button", name="Continue")
        confirm.wait_for(state="visible")
        page.wait_for_load_state("load")
        seen["confirm_text"] = page.locator("[role=main]").inner_text()
        confirm.click()

        _at(page, STAGES[1], seen["stages"])  # Destination: "Restore as a new course", in the default category
        new_course = page.locator(".bcs-new-course")
        new_course.get_by_label("Restore as a new course").check()
        new_course.get_by_label(placed["categoryname"], exact=True).check()
        new_course.get_by_role("button", name="Continue").click()

        _at(page, STAGES[2], seen["stages"])  # Settings: as the backup's own settings offer them
        page.get_by_role("button", name="Next").click()

        _at(page, STAGES[3], seen["stages"])  # Schema: the names the backup brings, replaced by this run's
        seen["schema_names"] = (page.input_value("#id_setting_course_course_fullname_value"),
                                page.input_value("#id_setting_course_course_shortname_value"))
        ticked = "input[type=checkbox][name^='setting_activity_{}_'][name$='_included']:checked"
        seen["schema_ticked"] = {kind: page.locator(ticked.format(kind)).count()
                                 for kind in ("resource", "scorm", "quiz", "assign")}
        page.fill("#id_setting_course_course_fullname_value", fullname)
        page.fill("#id_setting_course_course_shortname_value", shortname)
        page.get_by_role("button", name="Next").click()

        _at(page, STAGES[4], seen["stages"])  # Review
        page.clock.install()  # the Process page's timers, to skip the idle wait for its progress poll (below)
        page.get_by_role("button", name="Perform restore").click()

        _at(page, STAGES[5], seen["stages"])  # Process: queued (core/async_backup_status), then cron runs it
        container = page.locator(".progressbar_container")
        assert container.count() == 1, "expected Moodle's asynchronous restore (enableasyncbackup, the default)"
        restoreid = container.get_attribute("id")
        assert restoreid
        [taskid] = moodle.run(HELPER, "--action=task", f"--restoreid={restoreid}")["taskids"]
        ran = subprocess.run(["php", str(moodle.dirroot / "admin" / "cli" / "adhoc_task.php"), f"--id={taskid}"],
                             capture_output=True, text=True, timeout=300)
        seen["task_output"] = ran.stdout + ran.stderr
        assert ran.returncode == 0, seen["task_output"]

        # the page polls core_backup_get_async_backup_progress every 15 s (async_backup.js checkdelay), then shows
        # "complete" and "Continue": the restore is done, so its clock jumps to the next poll instead of waiting
        page.clock.fast_forward(15_000)
        status = page.locator(f"[id='{restoreid}_status']")
        status.filter(has_text="The restore process has completed").wait_for(timeout=60_000)
        button = page.locator(f"[id='{restoreid}_button']")
        button.filter(has_text="Continue").wait_for()
        page.wait_for_function(
            "id => /course\\/view\\.php/.test(document.getElementById(id + '_button').getAttribute('href'))",
            arg=restoreid)
        _at(page, STAGES[6], seen["stages"])  # Complete: async_backup.js marks the last stage current
        seen["complete_text"] = container.inner_text()
        page.screenshot(path=str(SCREENSHOT), full_page=True)

        button.click()  # "Continue": the new course's page
        page.wait_for_url("**/course/view.php?id=*")
        seen["course_url"] = page.url
        seen["course_page_title"] = page.title()
        seen["course_page_sections"] = page.locator("li.section .sectionname").all_inner_texts()
        seen["course_page_scorms"] = page.locator("li.activity.modtype_scorm").count()
        seen["status"] = moodle.run(HELPER, "--action=status", f"--restoreid={restoreid}")
        yield seen
    finally:
        context.close()
        moodle.run(HELPER, "--action=remove", f"--filename={filename}")
    assert not errors, errors


def test_the_restore_page_steps_through_every_stage_to_complete(through_the_page: dict[str, Any],
                                                             course: Course) -> None:
    seen = through_the_page
    assert seen["stages"] == STAGES
    # Confirm lists the backup's sections (0 = the handbook, then one per set) with their activities
    for n in range(len(course.sets) + 1):
        assert f"Section: {n}" in seen["confirm_text"]
    assert all(f"{s.code} {s.title}" in seen["confirm_text"] for s in course.sets)
    # Schema offers the programme's names from the backup, and every activity ticked for restore
    assert seen["schema_names"] == (course.program.title, course.program.id)
    sets = len(course.sets)  # the handbook and a guide per set are the resources
    assert seen["schema_ticked"] == {"resource": 1 + sets, "scorm": sets, "quiz": sets,
                                     "assign": sum(len(s.portfolio) for s in course.sets)}
    assert "Continue" in seen["complete_text"]
    status = seen["status"]
    assert status["finished_ok"] and status["log_problems"] == [], status
    assert "exception" not in seen["task_output"].lower(), seen["task_output"]


def test_the_new_course_has_the_programme_a_section_per_set_and_the_scorm_packages(
    moodle: Moodle, through_the_page: dict[str, Any], course: Course
) -> None:
    seen = through_the_page
    found = re.search(r"[?&]id=(\d+)", seen["course_url"])
    assert found, seen["course_url"]
    courseid = int(found.group(1))
    info = seen["status"]["course"]
    assert (info["id"], info["category"]) == (courseid, seen["placed"]["categoryid"])
    restored = moodle.run(backup.HELPER, "--action=read", f"--courseid={courseid}")
    assert (restored["course"]["fullname"], restored["course"]["shortname"]) == (seen["fullname"], seen["shortname"])
    assert restored["course"]["format"] == "topics" and restored["completion_enabled"]
    sets = course.sets_by_rule()
    sections = restored["sections"]
    assert [a["modname"] for a in sections[0]["activities"]] == ["resource"]
    assert [s["name"] for s in sections[1:]] == [f"{s.code} {s.title}" for s in sets]
    for section, cset in zip(sections[1:], sets, strict=True):
        scorm = section["activities"][0]
        assert (scorm["modname"], scorm["idnumber"]) == ("scorm", cset.code)
        assert scorm["sco_count"] == 1 and scorm["launch_sco"] == f"ITEM-{cset.code}"
        assert scorm["package_files"] == [f"{cset.code}.zip"] and scorm["package_sha1_matches"]
    # the course page the "Continue" button led to shows the sets as its sections
    assert seen["fullname"] in seen["course_page_title"]
    assert seen["course_page_sections"][1:] == [f"{s.code} {s.title}" for s in sets]
    assert seen["course_page_scorms"] == len(sets)
