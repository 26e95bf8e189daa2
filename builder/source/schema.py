"""JSON Schemas for editors (VS Code's YAML extension reads the `$schema` line)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from builder.source.model import CompetencySet, Program

SCHEMAS: dict[str, type[BaseModel]] = {"competency-set": CompetencySet, "program": Program}


def json_schema(kind: str) -> dict[str, Any]:
    model = SCHEMAS[kind]
    schema: dict[str, Any] = model.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://coursepack.invalid/schema/{kind}.schema.json"
    return schema


def schema_text(kind: str) -> str:
    return json.dumps(json_schema(kind), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
