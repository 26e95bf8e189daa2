<?php
// coursepack's Moodle test helper for restoring a course backup through Moodle's Restore page in the browser.
// Prints one JSON object. Not a Moodle file: MOODLE_DIR points at the site's dirroot.
//   php cp_restore_page.php --action=place --file=/abs.mbz --filename=F   put the backup into the admin's private backup
//                                                       area (component user, filearea backup, as "Manage backup files"
//                                                       does), replacing a file of that name; the default category
//                                                       and its context id (the Restore page's contextid)
//   php cp_restore_page.php --action=remove --filename=F     delete that file from the admin's private backup area
//   php cp_restore_page.php --action=task --restoreid=X      the queued asynchronous restore task of restore X (cron
//                                                       runs it: admin/cli/adhoc_task.php --id=N)
//   php cp_restore_page.php --action=status --restoreid=X    the restore controller's status, the course it restored
//                                                       into, what it logged at warning level or worse
require(__DIR__ . '/_boot.php');
require_once($CFG->dirroot . '/backup/util/includes/restore_includes.php');

[$o] = cli_get_params(['action' => null, 'file' => null, 'filename' => null, 'restoreid' => null], []);

/** The admin's file record in the private backup area, as restorefile.php lists it. */
function backup_area(string $filename): array {
    return ['contextid' => context_user::instance(get_admin()->id)->id, 'component' => 'user', 'filearea' => 'backup',
        'itemid' => 0, 'filepath' => '/', 'filename' => $filename];
}

try {
    switch ($o['action']) {
    case 'place':
        $fs = get_file_storage();
        $record = backup_area($o['filename']);
        if ($old = $fs->get_file(...array_values($record))) {
            $old->delete();
        }
        $file = $fs->create_file_from_pathname($record + ['userid' => get_admin()->id], $o['file']);
        $category = core_course_category::get_default();
        out(['usercontextid' => (int)$record['contextid'], 'filename' => $file->get_filename(),
            'filesize' => (int)$file->get_filesize(), 'categoryid' => (int)$category->id,
            'categoryname' => $category->get_formatted_name(),
            'categorycontextid' => (int)context_coursecat::instance($category->id)->id]);
    case 'remove':
        $file = get_file_storage()->get_file(...array_values(backup_area($o['filename'])));
        if ($file) {
            $file->delete();
        }
        out(['removed' => (bool)$file]);
    case 'task':
        $ids = [];
        foreach ($DB->get_records('task_adhoc', ['classname' => '\\core\\task\\asynchronous_restore_task']) as $task) {
            if ((json_decode($task->customdata)->backupid ?? null) === $o['restoreid']) {
                $ids[] = (int)$task->id;
            }
        }
        out(['taskids' => $ids]);
    case 'status':
        $rc = $DB->get_record('backup_controllers', ['backupid' => $o['restoreid']], 'status, itemid', MUST_EXIST);
        $course = $DB->get_record('course', ['id' => $rc->itemid], 'id, category, fullname, shortname, startdate');
        // what the restore logged at warning level or worse (backup_logs, the controller's database logger)
        $problems = $DB->get_fieldset_select('backup_logs', 'message', 'backupid = ? AND loglevel <= ?',
            [$o['restoreid'], backup::LOG_WARNING]);
        out(['status' => (int)$rc->status, 'finished_ok' => (int)$rc->status === backup::STATUS_FINISHED_OK,
            'course' => $course ? ['id' => (int)$course->id, 'category' => (int)$course->category,
                'fullname' => $course->fullname, 'shortname' => $course->shortname,
                'startdate' => (int)$course->startdate] : null,
            'log_problems' => array_values($problems)]);
    }
    out(['error' => 'unknown action'], 64);
} catch (Throwable $e) {
    out(['exception' => get_class($e) . ': ' . $e->getMessage(), 'debuginfo' => $e->debuginfo ?? null], 1);
}
