"""The data export (Art. 15 and 20 DSGVO) as JSON, and the JSON Schema that documents it.

Both are built from the registry, so a new table or column appears in the export and in
its schema without changes here. docs/personal-data-export.md describes the format.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from flask import current_app
from sqlalchemy import JSON, Boolean, Date, DateTime, Integer

from .. import clock
from ..personal_data import Part
from ..templating import external_url
from . import registry
from .queries import Records
from .settings import PrivacySettings

FORMAT = "ki-akademie/personal-data"
VERSION = 1


def document(records: Records, settings: PrivacySettings) -> dict:
    config = current_app.config["SETTINGS"]
    return {
        "$schema": external_url("privacy.export_schema"),
        "format": FORMAT,
        "version": VERSION,
        "generated_at": _value(clock.utcnow()),
        "controller": {"organisation": config.organisation, "platform": config.public_url},
        "person_id": records.person_id,
        "records": {
            table: [{k: _value(v) for k, v in row.items()} for row in rows]
            for table, rows in records.rows.items()
        },
        "acted_on": [
            {"table": table, "id": row_id, "column": column}
            for table, row_id, column in records.acted
        ],
        "withheld": {
            table: sorted(registry.tables()[table].items(Part.SECRET))
            for table in records.rows
            if registry.tables()[table].items(Part.SECRET)
        },
        "retention": {name: getattr(settings, name) for name in RETENTION_NAMES},
    }


RETENTION_NAMES = (
    "answers_days",
    "sign_ins_days",
    "deactivated_months",
    "evidence_years",
    "audit_years",
)


def to_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)


def _value(value):
    """Times are stored in UTC without a zone: written with the Z that says so."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- the schema -----------------------------------------------------------------------


def schema() -> dict:
    """A JSON Schema (draft 2020-12) of the export, with each column described."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": external_url("privacy.export_schema"),
        "title": "Personal data export",
        "type": "object",
        "required": ["format", "version", "generated_at", "person_id", "records"],
        "properties": {
            "format": {"const": FORMAT},
            "version": {"const": VERSION},
            "generated_at": {"type": "string", "format": "date-time"},
            "controller": {"type": "object"},
            "person_id": {"type": "integer", "description": "the person's account number"},
            "records": {
                "type": "object",
                "description": "rows that belong to the person, by table",
                "properties": {name: _table_schema(name) for name in registry.tables()},
                "additionalProperties": False,
            },
            "acted_on": {
                "type": "array",
                "description": "rows about other people in which the person acted: ids only",
                "items": {
                    "type": "object",
                    "properties": {
                        "table": {"type": "string"},
                        "id": {"type": "integer"},
                        "column": {"type": "string"},
                    },
                },
            },
            "withheld": {
                "type": "object",
                "description": "columns stored but never exported (password and link hashes)",
            },
            "retention": {"type": "object", "description": "the retention settings in force"},
        },
    }


def _table_schema(name: str) -> dict:
    table = registry.tables()[name]
    model = registry.model_table(name)
    shown = table.items(Part.ITEM, Part.REFERENCE)
    properties = {}
    for column in model.columns:
        if column.name in shown or column.primary_key:
            properties[column.name] = _column_schema(column, table.columns[column.name])
    return {
        "type": "array",
        "description": str(table.title),
        "items": {"type": "object", "properties": properties, "additionalProperties": False},
    }


def _column_schema(column, described) -> dict:
    kinds = {
        Integer: {"type": "integer"},
        Boolean: {"type": "boolean"},
        DateTime: {"type": "string", "format": "date-time"},
        Date: {"type": "string", "format": "date"},
        JSON: {"type": ["object", "array"]},
    }
    schema = next((dict(s) for t, s in kinds.items() if isinstance(column.type, t)), None)
    schema = schema or {"type": "string"}
    if column.nullable:
        schema["type"] = [*_as_list(schema["type"]), "null"]
    if described.part is Part.REFERENCE:
        schema["description"] = "the id of a person or of another row this row refers to"
    elif described.label:
        schema["description"] = str(described.label)
    return schema


def _as_list(value) -> list:
    return list(value) if isinstance(value, list) else [value]
