<?php
// coursepack's results helper for the item-analysis tests: a cohort of learners whose SCORM attempts are stored
// through Moodle's own tracking API (scorm_insert_track(), element by element, as mod/scorm/datamodel.php does for a
// SCO's commits), and a trainer who downloads the reports. Prints one JSON object. MOODLE_DIR points at the dirroot.
//   php cp_results.php --file=/abs/cohort.json                  SCORM attempts (below)
//   php cp_results.php --action=quiz --file=/abs/quiz.json      a quiz of imported questions and finished attempts
// quiz.json: {"course": SHORT, "trainer": U, "items": [IDNUMBER..], "learners": [{"username": U,
//   "answers": {IDNUMBER: {"choices": [answer index in file order..]} | {"text": T}}}]}
// cohort.json: {"course": SHORT, "cmid": N, "trainer": USERNAME, "learners": [{"username": U, "version": "1.2"|"2004",
//   "interactions": [{"id", "type", "objectives": [..], "patterns": [..], "response", "result", "latency",
//   "weighting", "time"}], "raw": R, "max": M, "status": "passed"|"failed"}]}
require(__DIR__ . '/_boot.php');

[$o] = cli_get_params(['file' => null, 'password' => 'Learner#1234', 'action' => 'scorm'], []);

function enrolled_user(stdClass $course, string $username, string $role, string $password): int {
    global $DB, $CFG;
    if (!$user = $DB->get_record('user', ['username' => $username])) {
        $id = user_create_user((object)['username' => $username, 'password' => $password,
            'firstname' => 'Learner', 'lastname' => $username, 'email' => $username . '@example.com',
            'auth' => 'manual', 'confirmed' => 1, 'mnethostid' => $CFG->mnet_localhost_id]);
        $user = $DB->get_record('user', ['id' => $id]);
    }
    $roleid = $DB->get_field('role', 'id', ['shortname' => $role], MUST_EXIST);
    $instance = $DB->get_record('enrol', ['courseid' => $course->id, 'enrol' => 'manual'], '*', MUST_EXIST);
    enrol_get_plugin('manual')->enrol_user($instance, $user->id, $roleid);
    return (int)$user->id;
}

// The element names Moodle's own run-time stores: 1.2's datamodel posts "cmi.interactions_0.id" (its JS keeps
// arrays as "interactions_0" objects), 2004's posts "cmi.interactions.0.id".
function elements(array $learner): array {
    $v12 = $learner['version'] === '1.2';
    $p = fn(int $n) => $v12 ? "cmi.interactions_$n." : "cmi.interactions.$n.";
    $sub = fn(string $name, int $k) => $v12 ? "{$name}_$k." : "$name.$k.";
    $out = [];
    foreach ($learner['interactions'] as $n => $i) {
        $out[$p($n) . 'id'] = $i['id'];
        $out[$p($n) . 'type'] = $i['type'];
        foreach ($i['objectives'] as $k => $objective) {
            $out[$p($n) . $sub('objectives', $k) . 'id'] = $objective;
        }
        $out[$p($n) . ($v12 ? 'time' : 'timestamp')] = $i['time'];
        $out[$p($n) . 'weighting'] = (string)$i['weighting'];
        foreach ($i['patterns'] as $k => $pattern) {
            $out[$p($n) . $sub('correct_responses', $k) . 'pattern'] = $pattern;
        }
        $out[$p($n) . ($v12 ? 'student_response' : 'learner_response')] = $i['response'];
        $out[$p($n) . 'result'] = $i['result'];
        $out[$p($n) . 'latency'] = $i['latency'];
    }
    $score = $v12 ? 'cmi.core.score.' : 'cmi.score.';
    $out[$score . 'raw'] = (string)$learner['raw'];
    $out[$score . 'min'] = '0';
    $out[$score . 'max'] = (string)$learner['max'];
    if ($v12) {
        $out['cmi.core.lesson_status'] = $learner['status'];
    } else {
        $out['cmi.score.scaled'] = (string)round($learner['raw'] / $learner['max'], 4);
        $out['cmi.completion_status'] = 'completed';
        $out['cmi.success_status'] = $learner['status'];
    }
    return $out;
}

// What a learner types or ticks, as the question's own response summary (what the quiz Responses report shows).
function summary(question_definition $q, array $answer): string {
    if (isset($answer['text'])) {
        return $answer['text'];
    }
    if ($q->get_type_name() === 'truefalse') {
        return $answer['choices'][0] === 0 ? get_string('true', 'qtype_truefalse') : get_string('false', 'qtype_truefalse');
    }
    $answers = array_values($q->answers);  // ids ascend in file order: the YAML's order of choices
    return implode('; ', array_map(fn($k) => $q->html_to_text($answers[$k]->answer, $answers[$k]->answerformat),
        $answer['choices']));
}

function quiz_cohort(array $cohort, string $password): array {
    global $DB, $CFG;
    require_once($CFG->dirroot . '/mod/quiz/locallib.php');
    require_once($CFG->libdir . '/testing/generator/lib.php');
    $course = $DB->get_record('course', ['shortname' => $cohort['course']], '*', MUST_EXIST);
    $trainer = enrolled_user($course, $cohort['trainer'], 'editingteacher', $password);
    $generator = new testing_data_generator();
    $quizgen = $generator->get_plugin_generator('mod_quiz');
    $qgen = $generator->get_plugin_generator('core_question');
    $quiz = $quizgen->create_instance(['course' => $course->id, 'name' => 'Practice quiz', 'questionsperpage' => 0,
        'grade' => 100, 'preferredbehaviour' => 'deferredfeedback']);
    $context = context_course::instance($course->id);
    foreach ($cohort['items'] as $idnumber) {
        $qid = $DB->get_field_sql("SELECT MAX(q.id) FROM {question} q
            JOIN {question_versions} qv ON qv.questionid = q.id
            JOIN {question_bank_entries} qbe ON qbe.id = qv.questionbankentryid
            JOIN {question_categories} qc ON qc.id = qbe.questioncategoryid
            WHERE qc.contextid = ? AND qbe.idnumber = ?", [$context->id, $idnumber], MUST_EXIST);
        quiz_add_quiz_question($qid, $quiz, 0);
    }
    \mod_quiz\quiz_settings::create($quiz->id)->get_grade_calculator()->recompute_quiz_sumgrades();
    foreach ($cohort['learners'] as $learner) {
        $userid = enrolled_user($course, $learner['username'], 'student', $password);
        \core\session\manager::set_user($DB->get_record('user', ['id' => $userid]));
        $attempt = $quizgen->create_attempt($quiz->id, $userid);
        $attemptobj = \mod_quiz\quiz_attempt::create($attempt->id);
        $postdata = [];  // what the attempt page posts: each question's fields, then "Submit all and finish"
        foreach ($attemptobj->get_slots() as $slot) {
            $qa = $attemptobj->get_question_attempt($slot);
            $summary = summary($qa->get_question(), $learner['answers'][$qa->get_question()->idnumber]);
            $postdata += $qgen->get_simulated_post_data_for_question_attempt($qa, $summary, false);
        }
        $attemptobj->process_submitted_actions(time(), false, $postdata);
        $attemptobj->process_finish(time(), false);
    }
    \core\session\manager::set_user(get_admin());
    $cm = get_coursemodule_from_instance('quiz', $quiz->id);
    return ['cmid' => (int)$cm->id, 'learners' => count($cohort['learners']), 'trainer' => $trainer];
}

try {
    $cohort = json_decode(file_get_contents($o['file']), true, 512, JSON_THROW_ON_ERROR);
    if ($o['action'] === 'quiz') {
        out(quiz_cohort($cohort, $o['password']));
    }
    $cm = get_coursemodule_from_id('scorm', $cohort['cmid'], 0, false, MUST_EXIST);
    $course = $DB->get_record('course', ['id' => $cm->course], '*', MUST_EXIST);
    $scorm = $DB->get_record('scorm', ['id' => $cm->instance], '*', MUST_EXIST);
    $trainer = enrolled_user($course, $cohort['trainer'], 'editingteacher', $o['password']);
    $stored = 0;
    foreach ($cohort['learners'] as $learner) {
        $userid = enrolled_user($course, $learner['username'], 'student', $o['password']);
        $transaction = $DB->start_delegated_transaction();  // one commit per learner, as one LMSCommit would be
        $attempt = scorm_get_attempt($userid, $scorm->id, 1);
        // As datamodel.php does: the attempt's stored values first, handed to every scorm_insert_track() call.
        $trackdata = $DB->get_records_sql("SELECT e.element, v.value, v.timemodified, v.id as valueid
                  FROM {scorm_scoes_value} v JOIN {scorm_element} e on e.id = v.elementid
                  WHERE v.attemptid = :attemptid AND v.scoid = :scoid",
            ['attemptid' => $attempt->id, 'scoid' => $scorm->launch]);
        foreach (elements($learner) as $element => $value) {
            if (scorm_insert_track($userid, $scorm->id, $scorm->launch, $attempt, $element, $value, false,
                    $trackdata) === false) {
                out(['error' => "scorm_insert_track refused $element for {$learner['username']}"], 2);
            }
            $stored++;
        }
        $transaction->allow_commit();
        scorm_update_grades($scorm, $userid);
    }
    out(['stored' => $stored, 'learners' => count($cohort['learners']), 'trainer' => $trainer,
        'scormid' => (int)$scorm->id, 'version' => $scorm->version]);
} catch (Throwable $e) {
    out(['exception' => get_class($e) . ': ' . $e->getMessage(), 'debuginfo' => $e->debuginfo ?? null], 1);
}
