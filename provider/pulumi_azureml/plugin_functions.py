"""The lookups (:mod:`pulumi_azureml.lookups`) as the plugin's functions: their schema and their invoke (issue 25).

Derived, never re-declared: every public ``get_*``/``list_*`` lookup becomes ``azureml:index:<camelName>``
(``get_compute`` is ``getCompute``). Its arguments are the lookup's parameters (camelCase, typed from the
annotations; required when they have no default), its result the result dataclass's fields; a ``list_*`` lookup
returns ``{"items": [...]}`` (a Pulumi function returns an object). A result class with fields hidden from ``repr``
(keys, tokens, datastore secrets) is a secret result: all its values are marked secret. An invoke calls the lookup
itself, with the provider's configuration as the settings the lookup would otherwise read from the stack.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

from pulumi_azureml import lookups
from pulumi_azureml.lookups._common import using_settings
from pulumi_azureml.settings import Settings

ANY = {"$ref": "pulumi.json#/Any"}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def lookup_functions() -> dict[str, Callable[..., Any]]:
    """``{token: lookup}`` for every public lookup, sorted by token."""
    names = sorted(
        name for name in lookups.__all__ if name.startswith(("get_", "list_")) and not name.endswith("_output")
    )
    return {f"azureml:index:{_camel(name)}": getattr(lookups, name) for name in names}


def _returns(function: Callable[..., Any]) -> tuple[type[Any], bool]:
    """The result dataclass of a lookup, and whether the lookup returns a list of them."""
    returned = typing.get_type_hints(function)["return"]
    if typing.get_origin(returned) is list:
        return typing.get_args(returned)[0], True
    return returned, False


def is_secret_result(result: type[Any]) -> bool:
    return any(not f.repr and f.name != "raw" for f in dataclasses.fields(result))


def _type_of(annotation: Any, types_: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        present = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _type_of(present[0], types_) if len(present) == 1 else dict(ANY)
    if annotation is str:
        return {"type": "string"}
    if annotation is bool:
        return {"type": "boolean"}
    if annotation is int:
        return {"type": "integer"}
    if annotation is float:
        return {"type": "number"}
    if origin is list:
        (item,) = typing.get_args(annotation) or (Any,)
        return {"type": "array", "items": _type_of(item, types_)}
    if origin is dict:
        _, value = typing.get_args(annotation) or (str, Any)
        return {"type": "object", "additionalProperties": _type_of(value, types_)}
    if dataclasses.is_dataclass(annotation) and isinstance(annotation, type):
        token = f"azureml:index:{annotation.__name__}"
        if token not in types_:
            types_[token] = {}  # placeholder first: a recursive type refers to itself
            types_[token] = {"type": "object", **_object_of(annotation, types_)}
        return {"$ref": f"#/types/{token}"}
    return dict(ANY)


def _object_of(result: type[Any], types_: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(result)
    secret = is_secret_result(result)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for field_ in dataclasses.fields(result):
        prop = _type_of(hints[field_.name], types_)
        if secret:
            prop["secret"] = True
        properties[_camel(field_.name)] = prop
        if type(None) not in typing.get_args(hints[field_.name]):
            required.append(_camel(field_.name))
    return {"properties": properties, "required": sorted(required)}


def functions_schema(types_: dict[str, Any]) -> dict[str, Any]:
    """The schema's ``functions`` (``types_`` receives the result types a list refers to)."""
    functions: dict[str, Any] = {}
    for token, function in lookup_functions().items():
        signature = inspect.signature(function)
        hints = typing.get_type_hints(function)
        inputs = {_camel(name): _type_of(hints[name], types_) for name in signature.parameters}
        required = sorted(
            _camel(name)
            for name, parameter in signature.parameters.items()
            if parameter.default is inspect.Parameter.empty
        )
        result, many = _returns(function)
        if many:
            outputs = {
                "properties": {"items": {"type": "array", "items": _type_of(result, types_)}},
                "required": ["items"],
            }
        else:
            outputs = _object_of(result, types_)
        description = (inspect.getdoc(function) or "").split("\n\n")[0].replace("\n", " ")
        functions[token] = {
            "description": description,
            "inputs": {"properties": inputs, "required": required},
            "outputs": outputs,
        }
    return functions


def invoke(token: str, arguments: Mapping[str, Any], settings: Settings) -> tuple[dict[str, Any], bool]:
    """Run the lookup ``token`` names with ``arguments`` (camelCase, plain values); its result as a camelCase
    object, and whether it is secret. ``KeyError`` for an unknown token, ``TypeError`` for unknown arguments."""
    function = lookup_functions()[token]
    hints = typing.get_type_hints(function)
    by_camel = {_camel(name): name for name in inspect.signature(function).parameters}
    unknown = sorted(set(arguments) - set(by_camel))
    if unknown:
        raise TypeError(f"{token} takes no argument {', '.join(unknown)} (it takes {', '.join(sorted(by_camel))})")
    kwargs = {by_camel[key]: _argument(hints[by_camel[key]], value) for key, value in arguments.items()}
    with using_settings(settings):
        answer = function(**kwargs)
    result, many = _returns(function)
    if many:
        return {"items": [_plain(item) for item in answer]}, is_secret_result(result)
    return _plain(answer), is_secret_result(result)


def _argument(annotation: Any, value: Any) -> Any:
    """The engine sends every number as a float: a whole number for an ``int`` parameter is an ``int``."""
    wants_int = annotation is int or int in typing.get_args(annotation)
    if wants_int and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _plain(value: Any) -> Any:
    """A result dataclass as a camelCase object (nested results too); mappings such as ``raw`` and ``tags`` keep
    their keys."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {_camel(f.name): _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
