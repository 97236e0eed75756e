"""Check a request body against one API version's published contract, the way Google's JSON parser does.

Every field must exist in the requested version (by its proto name or its JSON name, as proto3 JSON
allows), nested messages, repeated fields and maps are walked, a oneof takes one member, enum values must
be known, scalars must have their JSON type. Violations read like Google's (sources):
- ``Invalid JSON payload received. Unknown name "systemInstruction": Cannot find field.`` (top level; v1,
  googleapis/python-genai#425, vercel/ai#2256), ``... Unknown name "const" at
  'tools[0].function_declarations[0].parameters.properties[3].value': Cannot find field.`` (nested, with
  ``fieldViolations[].field``; danny-avila/LibreChat#11761);
- ``... Unknown name "text" at 'system_instruction.parts[0]': Proto field is not repeating, cannot start list.``
  (Mirrowel/LLM-API-Key-Proxy#149); ``Invalid value at '...any_of[1].type'
  (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), "null"`` (simonw/llm-gemini#49);
- ``* GenerateContentRequest.contents[0].parts[0].data: required oneof field 'data' must have one
  initialized field`` (boldsoftware/sketch#68), a second stage after parsing.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import re
from dataclasses import dataclass
from typing import Any

from .generate import contract_path

INVALID_JSON = "Invalid JSON payload received. "
_INTEGERS = {"int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32", "sfixed64"}
_FLOATS = {"float", "double"}
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")
_REQUIRED_ONEOFS = {"Part": "data"}  # parts must carry text, inlineData, ... (the boldsoftware/sketch#68 error)


@dataclass(frozen=True)
class Violation:
    """One problem: the proto path (None at the top level) and Google's description of it."""

    field: str | None
    description: str


class Contract:
    """One API version's methods and messages, from a checked-in list (see generate.py)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.source = data["source"]
        self.methods: dict[str, Any] = data["methods"]
        self.messages: dict[str, dict[str, Any]] = data["messages"]
        self.enums: dict[str, list[str]] = data["enums"]

    def request_type(self, op: str) -> str | None:
        """The request message of an op ("generateContent", "get", ...), None if this version lacks it."""
        method = self.methods.get(op)
        return method["request"] if method else None

    def check(self, op: str, body: Any, bound: frozenset[str] = frozenset({"model"})) -> list[Violation]:
        """Violations of `body` as the JSON body of `op`; `bound` are fields the URL path already sets."""
        request = self.request_type(op)
        if request is None or body is None:
            return []
        out: list[Violation] = []
        if isinstance(body, dict):
            body = {k: v for k, v in body.items() if k not in bound}
        self._message(body, request, "", out)
        if not out:
            self._required_oneofs(body, request, request.rsplit(".", 1)[-1], out)
        return out

    # -- parsing stage

    def _message(self, value: Any, type_name: str, path: str, out: list[Violation]) -> None:
        if not isinstance(value, dict):
            out.append(_invalid(path, f"type.googleapis.com/{type_name}", value))
            return
        fields = self.messages[type_name]
        by_json = {spec["json"]: name for name, spec in fields.items()}
        oneofs: dict[str, str] = {}
        for key, item in value.items():
            name = key if key in fields else by_json.get(key)
            if name is None:
                out.append(_unknown(key, path, "Cannot find field."))
                continue
            spec = fields[name]
            if item is None:  # JSON null is the field's default
                continue
            if "oneof" in spec:
                if spec["oneof"] in oneofs:
                    # Wording modelled on Google's parser errors; not seen verbatim in a public report.
                    out.append(Violation(_join(path, name), f"{INVALID_JSON}Oneof field '{spec['oneof']}' is "
                                                            f"already set. Cannot set '{key}'"))
                    continue
                oneofs[spec["oneof"]] = name
            self._field(key, item, spec, path, _join(path, name), out)

    def _field(self, key: str, item: Any, spec: dict, parent: str, path: str, out: list[Violation]) -> None:
        if "map" in spec:
            if not isinstance(item, dict):
                out.append(_invalid(path, "map", item))
                return
            for i, entry in enumerate(item.values()):
                self._value(entry, spec["map"]["value"], f"{path}[{i}].value", out)
        elif spec.get("repeated"):
            if not isinstance(item, list):
                out.append(_invalid(path, _type_label(spec), item))
                return
            for i, element in enumerate(item):
                self._value(element, spec, f"{path}[{i}]", out)
        elif isinstance(item, list):
            out.append(_unknown(key, parent, "Proto field is not repeating, cannot start list."))
        else:
            self._value(item, spec, path, out)

    def _value(self, item: Any, spec: dict, path: str, out: list[Violation]) -> None:
        kind = spec["kind"]
        if kind == "message":
            self._message(item, spec["type"], path, out)
        elif kind == "enum":
            names = self.enums[spec["type"]]
            known = item in names if isinstance(item, str) else isinstance(item, int) and not isinstance(item, bool)
            if not known:
                out.append(_invalid(path, f"type.googleapis.com/{spec['type']}", item))
        elif kind == "wkt" or _scalar_ok(kind, item):
            return
        else:
            out.append(_invalid(path, f"TYPE_{kind.upper()}", item))

    # -- validation stage

    def _required_oneofs(self, value: Any, type_name: str, path: str, out: list[Violation]) -> None:
        if not isinstance(value, dict):
            return
        fields = self.messages[type_name]
        short = type_name.rsplit(".", 1)[-1]
        required = _REQUIRED_ONEOFS.get(short)
        by_json = {spec["json"]: name for name, spec in fields.items()}
        present = {key if key in fields else by_json[key] for key, item in value.items() if item is not None}
        if required and not any(fields[name].get("oneof") == required for name in present):
            out.append(Violation(f"{path}.{required}", f"* {path}.{required}: required oneof field "
                                                       f"'{required}' must have one initialized field"))
        for name in present:
            spec = fields[name]
            if spec.get("kind") != "message" or "map" in spec:
                continue
            items = value.get(name, value.get(spec["json"]))
            for i, item in enumerate(items if spec.get("repeated") else [items]):
                suffix = f"[{i}]" if spec.get("repeated") else ""
                self._required_oneofs(item, spec["type"], f"{path}.{name}{suffix}", out)


def _scalar_ok(kind: str, item: Any) -> bool:
    """Proto3 JSON: 64-bit integers may be strings, floats may be "NaN"/"Infinity", bytes are base64."""
    if kind == "string":
        return isinstance(item, str)
    if kind == "bool":
        return isinstance(item, bool)
    if isinstance(item, bool):
        return False
    if kind in _INTEGERS:
        if isinstance(item, float):
            return item.is_integer()
        return isinstance(item, int) or (isinstance(item, str) and re.fullmatch(r"-?\d+", item) is not None)
    if kind in _FLOATS:
        return isinstance(item, int | float) or (
            isinstance(item, str) and (item in ("NaN", "Infinity", "-Infinity") or bool(_NUMBER.match(item))))
    if kind == "bytes" and isinstance(item, str):
        try:
            base64.b64decode(item.replace("-", "+").replace("_", "/") + "=" * (-len(item) % 4), validate=True)
        except (binascii.Error, ValueError):
            return False
        return True
    return False


def _type_label(spec: dict) -> str:
    if spec["kind"] in ("message", "enum"):
        return f"type.googleapis.com/{spec['type']}"
    return f"TYPE_{spec['kind'].upper()}"


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _unknown(key: str, path: str, why: str) -> Violation:
    where = f" at '{path}'" if path else ""
    return Violation(path or None, f'{INVALID_JSON}Unknown name "{key}"{where}: {why}')


def _invalid(path: str, type_label: str, item: Any) -> Violation:
    return Violation(path or None, f"Invalid value at '{path}' ({type_label}), {json.dumps(item)[:100]}")


def error_message(violations: list[Violation]) -> str:
    """The `error.message` Google sends: every description, one per line."""
    text = "\n".join(v.description for v in violations)
    return text if text.startswith((INVALID_JSON, "* ")) else INVALID_JSON + text


def bad_request_details(violations: list[Violation]) -> list[dict[str, Any]]:
    """`error.details`: one google.rpc.BadRequest whose fieldViolations name each path (none at the top)."""
    violations = [v for v in violations if not v.description.startswith("* ")]
    if not violations:
        return []
    return [{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [
        ({"field": v.field} if v.field else {}) | {"description": v.description} for v in violations]}]


@functools.cache
def contract(family: str, version: str) -> Contract | None:
    """The checked-in contract of "gemini" (API key) or "vertex" at `version`; None for an unknown version."""
    path = contract_path(family, version)
    return Contract(json.loads(path.read_text())) if path.exists() else None
