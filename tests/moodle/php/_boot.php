<?php
// What coursepack's Moodle test helpers share: a CLI session on the site at MOODLE_DIR as the admin, the
// libraries they all use, and one way to print the JSON report and exit.
define('CLI_SCRIPT', true);
require((getenv('MOODLE_DIR') ?: '/tmp/moodle-src') . '/config.php');
require_once($CFG->libdir . '/clilib.php');
require_once($CFG->dirroot . '/user/lib.php');
require_once($CFG->dirroot . '/mod/scorm/lib.php');
require_once($CFG->dirroot . '/mod/scorm/locallib.php');
\core\session\manager::set_user(get_admin());

function out(array $data, int $rc = 0): void {
    echo json_encode($data, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
    exit($rc);
}
