"""The learner's player, shipped by the SCORM, cmi5 and web formats."""
