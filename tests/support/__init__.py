"""Helpers shared by the test folders: sample curricula and packages, headless Chromium, answering the
player, the SCORM data model."""
