"""formats/moodle"""
