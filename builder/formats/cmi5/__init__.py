"""formats/cmi5"""
