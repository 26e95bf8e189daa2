"""The SCORM run-time data model as the tests expect the player to fill it: interaction types per item
type, the value formats of SCORM 1.2 and 2004 (checked with our own patterns: scorm-again accepts more),
and the patterns and learner response an answer should produce, computed from the content JSON."""

from __future__ import annotations

import re
from typing import Any

TYPES = {"single_choice": "choice", "multiple_choice": "choice", "true_false": "true-false",
         "fill_in": "fill-in", "matching": "matching", "ordering": "sequencing"}
SHORT_ID = r"[A-Za-z0-9_.:-]+"
FORMATS: dict[str, dict[str, str]] = {
    "1.2": {  # SCORM 1.2 RTE 3.4 data types
        "time": r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,2})?$",
        "latency": r"^\d{2,4}:[0-5]\d:[0-5]\d(\.\d{1,2})?$",
        "session": r"^\d{2,4}:[0-5]\d:[0-5]\d(\.\d{1,2})?$",
        "result": r"^(correct|wrong|unanticipated|neutral)$",
        "id": r"^[\x21-\x7e]{1,255}$",
        "choice": r"^[0-9a-z](,[0-9a-z])*$",
        "true-false": r"^[01tf]$",
        "fill-in": r"^[^\n]{0,255}$",
        "matching": r"^[0-9a-z]\.[0-9a-z](,[0-9a-z]\.[0-9a-z])*$",
        "sequencing": r"^[0-9a-z](,[0-9a-z])*$",
        "fill-in-pattern": r"^[^\n]{1,255}$",
    },
    "2004": {  # SCORM 2004 4th Ed RTE 4.1 / C.1 data types
        "time": r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d"
                r"(\.\d{1,2})?(Z|[+-]\d{2}(:\d{2})?)?$",
        "latency": r"^P(?=.)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?$",
        "session": r"^P(?=.)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?$",
        "result": r"^(correct|incorrect|unanticipated|neutral)$",
        "id": r"^\S{1,4000}$",
        "choice": rf"^{SHORT_ID}(\[,\]{SHORT_ID})*$",
        "true-false": r"^(true|false)$",
        "fill-in": r"^(\{lang=[A-Za-z]{2,8}(-[A-Za-z0-9]{2,8})?\})?(?!\{)[^\n]{0,250}$",
        "matching": rf"^{SHORT_ID}\[\.\]{SHORT_ID}(\[,\]{SHORT_ID}\[\.\]{SHORT_ID})*$",
        "sequencing": rf"^{SHORT_ID}(\[,\]{SHORT_ID})*$",
        "fill-in-pattern": r"^\{case_matters=(true|false)\}[^\n]{1,250}$",
    },
}




def chosen_keys(it: dict[str, Any], correct: bool) -> list[str]:
    """The keys the Sco driver picks (see Sco.answer)."""
    right = it["correct"]
    if it["type"] in ("single_choice", "multiple_choice", "true_false"):
        return right if correct else [next(o["key"] for o in it["options"] if o["key"] not in right)]
    if it["type"] == "matching":
        return right if correct else right[1:] + right[:1]
    return right if correct else right[::-1]


def expected(it: dict[str, Any], version: str, correct: bool, text: str | None = None) -> tuple[list[str], str]:
    """(correct_responses patterns, learner response) in the version's syntax."""
    v12 = version == "1.2"
    sep, pair = ("," if v12 else "[,]"), ("." if v12 else "[.]")
    kind = it["type"]
    if kind == "fill_in":
        flag = "true" if it["caseSensitive"] else "false"
        patterns = list(it["answers"]) if v12 else [f"{{case_matters={flag}}}{a}" for a in it["answers"]]
        return patterns, text if text is not None else (it["answers"][0] if correct else "no idea")
    if kind == "true_false":
        fmt = (lambda k: k[0]) if v12 else (lambda k: k)  # noqa: E731
        return [fmt(it["correct"][0])], fmt(chosen_keys(it, correct)[0])
    if kind == "matching":
        def source(k: int, key: str) -> str:  # 1.2 identifiers are one character: sources 10-26 become a-q
            return key if not v12 or k < 9 else "abcdefghijklmnopq"[k - 9]

        def join(keys: list[str]) -> str:
            return sep.join(f"{source(n, s['key'])}{pair}{k}"
                            for n, (s, k) in enumerate(zip(it["sources"], keys, strict=True)))
        return [join(it["correct"])], join(chosen_keys(it, correct))
    keys = chosen_keys(it, correct)
    if kind in ("single_choice", "multiple_choice"):
        keys = [o["key"] for o in it["options"] if o["key"] in keys]
    return [sep.join(it["correct"])], sep.join(keys)


def matches(kind: str, version: str, value: str) -> bool:
    return re.fullmatch(FORMATS[version][kind], value) is not None
