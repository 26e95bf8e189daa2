"""coursepack: competency-based curricula in YAML → SCORM packages and PDF study guides."""

__version__ = "0.1.0"
