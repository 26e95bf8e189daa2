"""formats/scorm"""
