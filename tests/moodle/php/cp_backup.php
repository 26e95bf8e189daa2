<?php
// coursepack's Moodle test helper for what a course backup or a Common Cartridge brings along. Prints one JSON object.
// Not a Moodle file: MOODLE_DIR points at the site's dirroot.
//   php cp_backup.php --action=framework --idnumber=X [--expect=competencies.csv]
//                                                         whether the competency framework X is on the site, its
//                                                         size; with --expect, one whose competencies differ from
//                                                         the CSV's is renamed X-retired-<id> and reported absent
//   php cp_backup.php --action=attempt --cmid=N           start a preview attempt of quiz N as the admin, as Moodle does
//                                                         for "Preview": the question drawn for each slot
//   php cp_backup.php --action=imscc --file=/abs.imscc    restore a Common Cartridge as a new course through Moodle's
//                                                         converter (backup/converter/imscc11), then count what it made
require(__DIR__ . '/_boot.php');
require_once($CFG->dirroot . '/mod/quiz/locallib.php');
require_once($CFG->dirroot . '/backup/util/includes/restore_includes.php');
require_once($CFG->libdir . '/questionlib.php');

[$o] = cli_get_params(['action' => null, 'idnumber' => null, 'expect' => null, 'cmid' => null, 'file' => null], []);

/** What a course holds: activities by module, pages, files, quiz slots and the questions of its bank by qtype. */
function course_report(int $courseid): array {
    global $DB;
    $course = get_course($courseid);
    $modinfo = get_fast_modinfo($course);
    $modules = [];
    $activities = [];
    foreach ($modinfo->get_cms() as $cm) {
        $modules[$cm->modname] = ($modules[$cm->modname] ?? 0) + 1;
        $row = ['modname' => $cm->modname, 'name' => $cm->name, 'section' => (int)$cm->sectionnum];
        if ($cm->modname === 'quiz') {
            $row['slots'] = $DB->count_records('quiz_slots', ['quizid' => $cm->instance]);
            $row['sumgrades'] = (float)$DB->get_field('quiz', 'sumgrades', ['id' => $cm->instance]);
            $row['grade'] = (float)$DB->get_field('quiz', 'grade', ['id' => $cm->instance]);
            $row['marks'] = (float)$DB->get_field_sql('SELECT SUM(maxmark) FROM {quiz_slots} WHERE quizid = ?',
                [$cm->instance]);
        }
        if ($cm->modname === 'resource') {
            $files = get_file_storage()->get_area_files(context_module::instance($cm->id)->id, 'mod_resource',
                'content', 0, 'sortorder DESC, id ASC', false);
            $row['files'] = array_values(array_map(fn($f) => $f->get_filename(), $files));
        }
        $activities[] = $row;
    }
    $contexts = [context_course::instance($courseid)->id];
    foreach ($modinfo->get_cms() as $cm) {
        $contexts[] = context_module::instance($cm->id)->id;
    }
    [$in, $params] = $DB->get_in_or_equal($contexts);
    $qtypes = $DB->get_records_sql_menu("SELECT q.qtype, COUNT(1) FROM {question} q
        JOIN {question_versions} qv ON qv.questionid = q.id
        JOIN {question_bank_entries} qbe ON qbe.id = qv.questionbankentryid
        JOIN {question_categories} qc ON qc.id = qbe.questioncategoryid
        WHERE qc.contextid $in AND q.parent = 0 GROUP BY q.qtype", $params);
    return ['course' => ['id' => (int)$course->id, 'fullname' => $course->fullname, 'shortname' => $course->shortname],
        'modules' => $modules, 'activities' => $activities, 'qtypes' => array_map('intval', $qtypes)];
}

try {
    switch ($o['action']) {
    case 'framework':
        $framework = $DB->get_record('competency_framework', ['idnumber' => $o['idnumber']]);
        $retired = null;
        if ($framework && $o['expect']) {
            // A long-lived site may hold this id number from a run on an older curriculum of the same version:
            // a framework whose competencies differ from the CSV's is renamed out of the way (it cannot be
            // deleted while earlier courses link to it), so that the current one can be imported.
            $want = [];
            $handle = fopen($o['expect'], 'r');
            while (($row = fgetcsv($handle)) !== false) {
                $want[] = $row[1];
            }
            fclose($handle);
            $want = array_slice($want, 2);  // past the header and the framework's own row
            $have = $DB->get_fieldset_select('competency', 'idnumber', 'competencyframeworkid = ?', [$framework->id]);
            sort($want);
            sort($have);
            if ($want !== $have) {
                $retired = $o['idnumber'] . '-retired-' . $framework->id;
                $DB->set_field('competency_framework', 'idnumber', $retired, ['id' => $framework->id]);
                $framework = null;
            }
        }
        out(['exists' => (bool)$framework, 'retired' => $retired, 'competencies' => $framework ?
            $DB->count_records('competency', ['competencyframeworkid' => $framework->id]) : 0]);

    case 'attempt':
        $cm = get_coursemodule_from_id('quiz', (int)$o['cmid'], 0, false, MUST_EXIST);
        $quizobj = \mod_quiz\quiz_settings::create($cm->instance, $USER->id);
        $quba = question_engine::make_questions_usage_by_activity('mod_quiz', $quizobj->get_context());
        $quba->set_preferred_behaviour($quizobj->get_quiz()->preferredbehaviour);
        $timenow = time();
        $attempt = quiz_create_attempt($quizobj, 1, null, $timenow, true, $USER->id);
        quiz_start_new_attempt($quizobj, $quba, $attempt, 1, $timenow);
        quiz_attempt_save_started($quizobj, $quba, $attempt);
        $drawn = [];
        foreach ($quba->get_slots() as $slot) {
            $q = $quba->get_question($slot);
            $drawn[] = ['slot' => $slot, 'idnumber' => $q->idnumber, 'qtype' => $q->qtype->name(),
                'category' => $DB->get_field('question_categories', 'idnumber', ['id' => $q->category]),
                'maxmark' => (float)$quba->get_question_max_mark($slot)];
        }
        out(['drawn' => $drawn]);

    case 'imscc':
        // What the Restore page does with an uploaded .imscc: detect the format, convert it to a moodle2 backup
        // (restore_controller runs the imscc11 converter), restore it as a new course.
        $tmp = make_backup_temp_directory('');
        $dir = 'cpcc_' . md5($o['file'] . microtime());
        $zip = get_file_packer('application/vnd.moodle.backup');
        if (!$zip->extract_to_pathname($o['file'], $tmp . '/' . $dir)) {
            out(['error' => 'cannot unpack'], 2);
        }
        $format = backup_general_helper::detect_backup_format($dir);
        $courseid = restore_dbops::create_new_course('', '', 1);
        // The converter loads its templates by paths relative to backup/ (backup/cc/includes/constants.php,
        // 'cc/sheets/base.xml'): the web page runs from backup/restore.php, so that is the working folder there.
        chdir($CFG->dirroot . '/backup');
        $level = ob_get_level();
        ob_start();  // the converters echo their progress
        $rc = new restore_controller($dir, $courseid, backup::INTERACTIVE_NO, backup::MODE_GENERAL, $USER->id,
            backup::TARGET_NEW_COURSE);
        if ($rc->get_status() == backup::STATUS_REQUIRE_CONV) {
            $rc->convert();
        }
        $rc->execute_precheck();
        $precheck = $rc->get_precheck_results();
        $rc->execute_plan();
        $rc->destroy();
        $log = '';
        while (ob_get_level() > $level) {
            $log = ob_get_clean() . $log;
        }
        out(['log_problems' => array_values(preg_grep('/(?i)exception|error|warning|notice/', explode("\n", $log))),
            ] + ['format' => $format, 'precheck' => $precheck] + course_report($courseid));
    }
    out(['error' => 'unknown action'], 64);
} catch (Throwable $e) {
    out(['exception' => get_class($e), 'message' => $e->getMessage(), 'trace' => $e->getTraceAsString()], 1);
}
