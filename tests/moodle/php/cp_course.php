<?php
// coursepack's Moodle test helper for whole-course backups: restore an .mbz with Moodle's own CLI, read a course back.
// Prints one JSON object. Not a Moodle file: MOODLE_DIR points at the site's dirroot.
//   php cp_course.php --action=read --courseid=N     the course, its sections in order, every activity with its
//                                                    settings, SCORM learning objects, grade item and completion rule
require(__DIR__ . '/_boot.php');
require_once($CFG->dirroot . '/course/lib.php');
require_once($CFG->libdir . '/gradelib.php');
require_once($CFG->libdir . '/completionlib.php');
require_once($CFG->dirroot . '/grade/grading/lib.php');

[$o] = cli_get_params(['action' => null, 'courseid' => null], []);

try {
    switch ($o['action']) {
    case 'read':
        $course = get_course((int)$o['courseid']);
        $modinfo = get_fast_modinfo($course);
        $sections = [];
        foreach ($modinfo->get_section_info_all() as $section) {
            $activities = [];
            foreach ($modinfo->sections[$section->section] ?? [] as $cmid) {
                $cm = $modinfo->get_cm($cmid);
                $row = ['cmid' => (int)$cm->id, 'modname' => $cm->modname, 'name' => $cm->name,
                    'idnumber' => $cm->idnumber, 'completion' => (int)$cm->completion];
                if ($cm->modname === 'scorm') {
                    $scorm = $DB->get_record('scorm', ['id' => $cm->instance], '*', MUST_EXIST);
                    $row['scorm'] = $scorm;
                    $row['scoes'] = array_values($DB->get_records('scorm_scoes', ['scorm' => $scorm->id], 'sortorder'));
                    $row['sco_count'] = $DB->count_records('scorm_scoes', ['scorm' => $scorm->id, 'scormtype' => 'sco']);
                    $launch = $DB->get_record('scorm_scoes', ['id' => $scorm->launch]);
                    $row['launch_sco'] = $launch ? $launch->identifier : null;
                    $row['sco_data'] = $DB->get_records_menu('scorm_scoes_data', ['scoid' => $scorm->launch], 'name',
                        'name, value');
                    $fs = get_file_storage();
                    $context = context_module::instance($cm->id);
                    $row['package_files'] = array_values(array_map(fn($f) => $f->get_filename(),
                        $fs->get_area_files($context->id, 'mod_scorm', 'package', 0, 'filename', false)));
                    $row['content_files'] = array_values(array_map(fn($f) => ltrim($f->get_filepath(), '/') .
                        $f->get_filename(), $fs->get_area_files($context->id, 'mod_scorm', 'content', 0,
                        'filepath, filename', false)));
                    $row['package_sha1_matches'] = (bool)array_filter(
                        $fs->get_area_files($context->id, 'mod_scorm', 'package', 0, 'filename', false),
                        fn($f) => $f->get_contenthash() === $scorm->sha1hash);
                    $item = grade_item::fetch(['itemtype' => 'mod', 'itemmodule' => 'scorm', 'iteminstance' => $scorm->id,
                        'courseid' => $course->id]);
                    $row['grade_item'] = $item ? ['grademax' => (float)$item->grademax, 'gradepass' => (float)$item->gradepass,
                        'itemname' => $item->itemname] : null;
                }
                if ($cm->modname === 'quiz') {
                    $quiz = $DB->get_record('quiz', ['id' => $cm->instance], '*', MUST_EXIST);
                    $item = grade_item::fetch(['itemtype' => 'mod', 'itemmodule' => 'quiz', 'iteminstance' => $quiz->id,
                        'courseid' => $course->id]);
                    $row['quiz'] = ['grade' => (float)$quiz->grade, 'sumgrades' => (float)$quiz->sumgrades,
                        'gradetype' => $item ? (int)$item->gradetype : null,
                        'completionminattempts' => (int)$quiz->completionminattempts,
                        'preferredbehaviour' => $quiz->preferredbehaviour];
                    $row['slots'] = [];
                    $context = context_module::instance($cm->id);
                    foreach ($DB->get_records('quiz_slots', ['quizid' => $quiz->id], 'slot') as $slot) {
                        $ref = $DB->get_record('question_set_references', ['itemid' => $slot->id,
                            'component' => 'mod_quiz', 'questionarea' => 'slot', 'usingcontextid' => $context->id]);
                        $fixed = $DB->get_record('question_references', ['itemid' => $slot->id,
                            'component' => 'mod_quiz', 'questionarea' => 'slot', 'usingcontextid' => $context->id]);
                        $category = null;
                        if ($ref) {
                            $filter = json_decode($ref->filtercondition, true);
                            $category = $DB->get_record('question_categories',
                                ['id' => $filter['filter']['category']['values'][0]]);
                        }
                        $row['slots'][] = ['slot' => (int)$slot->slot, 'maxmark' => (float)$slot->maxmark,
                            'random' => (bool)$ref, 'fixed' => (bool)$fixed,
                            'category' => $category ? $category->idnumber : null,
                            'category_context_is_course' => $category ?
                                (int)$category->contextid === (int)context_course::instance($course->id)->id : null];
                    }
                    // what Moodle itself would put in front of a learner: each random slot resolved to questions
                    $structure = \mod_quiz\quiz_settings::create($quiz->id)->get_structure();
                    $row['slot_count'] = count($structure->get_slots());
                }
                if ($cm->modname === 'resource') {
                    $fs = get_file_storage();
                    $files = $fs->get_area_files(context_module::instance($cm->id)->id, 'mod_resource', 'content', 0,
                        'sortorder DESC, id ASC', false);
                    $row['files'] = array_values(array_map(fn($f) => ['filename' => $f->get_filename(),
                        'mimetype' => $f->get_mimetype(), 'filesize' => (int)$f->get_filesize(),
                        'sha1' => $f->get_contenthash(), 'sortorder' => (int)$f->get_sortorder()], $files));
                }
                $row['competencies'] = array_values(array_map(fn($r) => [$r->framework, $r->idnumber,
                    (int)$r->ruleoutcome], $DB->get_records_sql('SELECT cmc.id, c.idnumber, f.idnumber AS framework,
                    cmc.ruleoutcome FROM {competency_modulecomp} cmc JOIN {competency} c ON c.id = cmc.competencyid
                    JOIN {competency_framework} f ON f.id = c.competencyframeworkid WHERE cmc.cmid = ?
                    ORDER BY cmc.sortorder', [$cm->id])));
                if ($cm->modname === 'assign') {
                    $assign = $DB->get_record('assign', ['id' => $cm->instance], '*', MUST_EXIST);
                    $row['assign'] = ['grade' => (int)$assign->grade, 'completionsubmit' => (int)$assign->completionsubmit,
                        'intro' => $assign->intro];
                    $row['plugins_enabled'] = array_values($DB->get_fieldset_select('assign_plugin_config',
                        "subtype || '_' || plugin", "assignment = ? AND name = 'enabled' AND value = '1'", [$assign->id]));
                    sort($row['plugins_enabled']);
                    $manager = get_grading_manager(context_module::instance($cm->id), 'mod_assign', 'submissions');
                    $row['grading_method'] = $manager->get_active_method();
                    $row['rubric'] = null;
                    if ($row['grading_method'] === 'rubric') {
                        $controller = $manager->get_controller('rubric');
                        $definition = $controller->get_definition();
                        $row['rubric_ready'] = $controller->is_form_defined() && $controller->is_form_available();
                        $row['rubric'] = ['name' => $definition->name, 'criteria' => array_values(array_map(
                            fn($c) => ['description' => $c['description'], 'levels' => array_values(array_map(
                                fn($l) => ['score' => (float)$l['score'], 'definition' => $l['definition']], $c['levels']))],
                            $definition->rubric_criteria))];
                    }
                }
                $activities[] = $row;
            }
            $sections[] = ['number' => (int)$section->section, 'name' => $section->name, 'summary' => $section->summary,
                'visible' => (int)$section->visible, 'activities' => $activities];
        }
        $categories = [];
        $coursecontext = context_course::instance($course->id);
        foreach ($DB->get_records('question_categories', ['contextid' => $coursecontext->id], 'id') as $cat) {
            $qtypes = $DB->get_records_sql_menu('SELECT q.qtype, COUNT(1) FROM {question} q
                JOIN {question_versions} qv ON qv.questionid = q.id
                JOIN {question_bank_entries} qbe ON qbe.id = qv.questionbankentryid
                WHERE qbe.questioncategoryid = ? GROUP BY q.qtype', [$cat->id]);
            $parent = $cat->parent ? $DB->get_record('question_categories', ['id' => $cat->parent]) : null;
            $categories[] = ['name' => $cat->name, 'idnumber' => $cat->idnumber,
                'parent' => $parent ? $parent->name : null, 'qtypes' => array_map('intval', $qtypes),
                'questions' => array_values($DB->get_fieldset_sql('SELECT qbe.idnumber FROM {question_bank_entries} qbe
                    WHERE qbe.questioncategoryid = ? ORDER BY qbe.idnumber', [$cat->id]))];
        }
        $competencies = array_values(array_map(fn($r) => [$r->framework, $r->idnumber, (int)$r->ruleoutcome],
            $DB->get_records_sql('SELECT cc.id, c.idnumber, f.idnumber AS framework, cc.ruleoutcome
            FROM {competency_coursecomp} cc JOIN {competency} c ON c.id = cc.competencyid
            JOIN {competency_framework} f ON f.id = c.competencyframeworkid WHERE cc.courseid = ?
            ORDER BY cc.sortorder', [$course->id])));
        out(['categories' => $categories, 'course_competencies' => $competencies,
            'course' => ['id' => (int)$course->id, 'fullname' => $course->fullname, 'shortname' => $course->shortname,
            'format' => $course->format, 'enablecompletion' => (int)$course->enablecompletion,
            'summary' => $course->summary], 'completion_enabled' => (new completion_info($course))->is_enabled(),
            'sections' => $sections]);
    }
    out(['error' => 'unknown action'], 64);
} catch (Throwable $e) {
    out(['exception' => get_class($e), 'message' => $e->getMessage(), 'trace' => $e->getTraceAsString()], 1);
}
