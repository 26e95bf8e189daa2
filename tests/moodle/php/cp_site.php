<?php
// coursepack's own Moodle test helper: learners and SCORM activities with chosen settings, through Moodle's APIs.
// Prints one JSON object. Not a Moodle file: MOODLE_DIR points at the site's dirroot.
//   php cp_site.php --action=learner  --course=SHORT --username=U            create a student, enrol in the course
//   php cp_site.php --action=activity --course=SHORT --zip=/abs.zip --settings='{"grademethod":1,...}'
//   php cp_site.php --action=state    --cmid=N --username=U                  tracks per attempt, grade, completion
require(__DIR__ . '/_boot.php');
require_once($CFG->dirroot . '/course/lib.php');
require_once($CFG->libdir . '/gradelib.php');
require_once($CFG->libdir . '/completionlib.php');

[$o] = cli_get_params(['action' => null, 'course' => null, 'username' => null, 'password' => 'Learner#1234',
    'zip' => null, 'settings' => '{}', 'cmid' => null, 'name' => null], []);

function course_by_shortname(string $short): stdClass {
    global $DB;
    if ($c = $DB->get_record('course', ['shortname' => $short])) {
        return $c;
    }
    return create_course((object)['fullname' => "coursepack $short", 'shortname' => $short,
        'category' => core_course_category::get_default()->id, 'format' => 'topics', 'numsections' => 1,
        'enablecompletion' => 1]);
}

try {
    switch ($o['action']) {
    case 'learner':
        $course = course_by_shortname($o['course']);
        if (!$user = $DB->get_record('user', ['username' => $o['username']])) {
            $id = user_create_user((object)['username' => $o['username'], 'password' => $o['password'],
                'firstname' => 'Learner', 'lastname' => $o['username'], 'email' => $o['username'] . '@example.com',
                'auth' => 'manual', 'confirmed' => 1, 'mnethostid' => $CFG->mnet_localhost_id]);
            $user = $DB->get_record('user', ['id' => $id]);
        }
        $student = $DB->get_field('role', 'id', ['shortname' => 'student']);
        $manual = enrol_get_plugin('manual');
        $instance = $DB->get_record('enrol', ['courseid' => $course->id, 'enrol' => 'manual'], '*', MUST_EXIST);
        $manual->enrol_user($instance, $user->id, $student);
        out(['userid' => (int)$user->id, 'courseid' => (int)$course->id]);

    case 'activity':
        $course = course_by_shortname($o['course']);
        $zip = realpath($o['zip']);
        $usercontext = context_user::instance($USER->id);
        $draftid = file_get_unused_draft_itemid();
        $draft = get_file_storage()->create_file_from_pathname(['contextid' => $usercontext->id, 'component' => 'user',
            'filearea' => 'draft', 'itemid' => $draftid, 'filepath' => '/', 'filename' => basename($zip)], $zip);
        if ($errors = scorm_validate_package($draft)) {
            out(['validation_errors' => array_values($errors)], 2);
        }
        // Everything the activity form would submit untouched: its defaults are the site's scorm settings.
        $cfg = get_config('scorm');
        $mi = (object)[
            'modulename' => 'scorm', 'course' => $course->id, 'section' => 0, 'visible' => 1, 'visibleoncoursepage' => 1,
            'name' => $o['name'] ?? pathinfo($zip, PATHINFO_FILENAME),
            'introeditor' => ['text' => '', 'format' => FORMAT_HTML, 'itemid' => file_get_unused_draft_itemid()],
            'cmidnumber' => '', 'groupmode' => 0, 'groupingid' => 0, 'availability' => null, 'completion' => 0,
            'scormtype' => SCORM_TYPE_LOCAL, 'packagefile' => $draftid, 'packageurl' => '', 'updatefreq' => $cfg->updatefreq,
            'popup' => $cfg->popup, 'width' => $cfg->framewidth, 'height' => $cfg->frameheight, 'skipview' => $cfg->skipview,
            'hidebrowse' => $cfg->hidebrowse, 'displaycoursestructure' => $cfg->displaycoursestructure,
            'hidetoc' => $cfg->hidetoc, 'nav' => $cfg->nav, 'navpositionleft' => $cfg->navpositionleft,
            'navpositiontop' => $cfg->navpositiontop, 'displayattemptstatus' => $cfg->displayattemptstatus,
            'timeopen' => 0, 'timeclose' => 0, 'grademethod' => $cfg->grademethod, 'maxgrade' => $cfg->maxgrade,
            'maxattempt' => $cfg->maxattempt, 'whatgrade' => $cfg->whatgrade, 'forcenewattempt' => $cfg->forcenewattempt,
            'lastattemptlock' => $cfg->lastattemptlock, 'forcecompleted' => $cfg->forcecompleted,
            'masteryoverride' => $cfg->masteryoverride, 'auto' => $cfg->auto, 'autocommit' => $cfg->autocommit,
        ];
        foreach (json_decode($o['settings'], true) as $k => $v) {
            $mi->$k = $v;
        }
        ob_start();
        $mi = create_module($mi);
        $output = trim(ob_get_clean());
        $scorm = $DB->get_record('scorm', ['id' => $mi->instance], '*', MUST_EXIST);
        out(['cmid' => (int)$mi->coursemodule, 'courseid' => (int)$course->id, 'version' => $scorm->version,
            'output' => $output, 'settings' => $scorm]);

    case 'passmark':
        // What scorm_13lib.php hands a SCO as cmi.scaled_passing_score: the same query and loop as Moodle's
        // get_scorm_default(), over the objectives the manifest parser stored.
        $cm = get_coursemodule_from_id('scorm', $o['cmid'], 0, false, MUST_EXIST);
        $scorm = $DB->get_record('scorm', ['id' => $cm->instance], '*', MUST_EXIST);
        $rows = $DB->get_records('scorm_seq_objective', ['scoid' => $scorm->launch]);
        $passing = null;
        foreach ($rows as $objective) {
            if (!empty($objective->minnormalizedmeasure)) {
                $passing = $objective->minnormalizedmeasure;
            }
        }
        out(['scaled_passing_score' => $passing, 'objectives' => array_values(array_map(fn($r) => [
            'id' => $r->objectiveid, 'primary' => (int)$r->primaryobj, 'min' => $r->minnormalizedmeasure], $rows))]);

    case 'questions':
        // Every question of the course's bank, loaded through the question bank, with what grades it.
        require_once($CFG->libdir . '/questionlib.php');
        $course = course_by_shortname($o['course']);
        $context = context_course::instance($course->id);
        $ids = $DB->get_fieldset_sql("SELECT q.id FROM {question} q
            JOIN {question_versions} qv ON qv.questionid = q.id
            JOIN {question_bank_entries} qbe ON qbe.id = qv.questionbankentryid
            JOIN {question_categories} qc ON qc.id = qbe.questioncategoryid
            WHERE qc.contextid = ? ORDER BY q.id", [$context->id]);
        $questions = [];
        foreach ($ids as $id) {
            $q = question_bank::load_question($id);
            $row = ['idnumber' => $q->idnumber, 'name' => $q->name, 'qtype' => $q->qtype->name(),
                'defaultmark' => (float)$q->defaultmark, 'category' => $DB->get_field('question_categories', 'name',
                ['id' => $q->category])];
            if (isset($q->answers) && is_array($q->answers)) {
                $row['answers'] = array_values(array_map(fn($a) => ['text' => html_to_text($a->answer, 0, false),
                    'fraction' => (float)$a->fraction], $q->answers));
            }
            if ($row['qtype'] === 'match') {
                $row['pairs'] = [];
                foreach ($q->stems as $k => $stem) {
                    $row['pairs'][] = [html_to_text($stem, 0, false), html_to_text($q->choices[$q->right[$k]], 0, false)];
                }
            }
            if ($row['qtype'] === 'truefalse') {
                $row['right'] = $q->rightanswer ? 'true' : 'false';
            }
            $questions[] = $row;
        }
        out(['questions' => $questions]);

    case 'state':
        $cm = get_coursemodule_from_id('scorm', $o['cmid'], 0, false, MUST_EXIST);
        $user = $DB->get_record('user', ['username' => $o['username']], '*', MUST_EXIST);
        $rows = $DB->get_records_sql("SELECT v.id, a.attempt, e.element, v.value
            FROM {scorm_attempt} a JOIN {scorm_scoes_value} v ON v.attemptid = a.id
            JOIN {scorm_element} e ON e.id = v.elementid
            WHERE a.scormid = ? AND a.userid = ? ORDER BY a.attempt, e.element", [$cm->instance, $user->id]);
        $tracks = [];
        foreach ($rows as $r) {
            $tracks[$r->attempt][$r->element] = $r->value;
        }
        $grades = grade_get_grades($cm->course, 'mod', 'scorm', $cm->instance, $user->id);
        $g = $grades->items[0]->grades[$user->id] ?? null;
        $course = $DB->get_record('course', ['id' => $cm->course]);
        $completion = new completion_info($course);
        $cminfo = get_fast_modinfo($course, $user->id)->get_cm($cm->id);
        $state = $completion->is_enabled($cminfo) ? (int)$completion->get_data($cminfo, false, $user->id)->completionstate : null;
        out(['tracks' => (object)$tracks, 'grade' => $g ? $g->grade : null, 'str_grade' => $g ? $g->str_grade : null,
            'completion' => $state, 'gradepass' => $grades->items[0]->gradepass ?? null]);
    }
    out(['error' => 'unknown action'], 64);
} catch (Throwable $e) {
    out(['exception' => get_class($e) . ': ' . $e->getMessage(), 'debuginfo' => $e->debuginfo ?? null], 1);
}
