"""The ways Azure ML re-spells what it stores, applied to a resource's GET answer: the refresh-safety property.

Twice a kind written from the docs passed every test and broke against the service's real answers (re-spelt URIs,
filled defaults, ``{}`` as null: refresh, then a REPLACE). Each function here takes a spec, the inputs the program
gave and the service's answer, and returns the answer re-spelt one way the service is known to re-spell, driven by
the spec's declarations only (wire paths, types, ``equivalent``, ``unordered``, ``server_adds_keys``): a new kind
joins every re-spelling without any edit here. The recordings each one follows are listed in
``../shared/docs/azure-ml-recorded-facts.md`` (for the team; user-facing text cites the public recordings).

This is test machinery and shares nothing with the emulator: the emulator answers as the recordings show for the
cases recorded; this makes up every *combination* of those re-spellings for every field of every kind.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import yaml

from pulumi_azureml import schema
from pulumi_azureml.schema import Field, ResourceSpec, get_path, set_path

Body = dict[str, Any]
Respelling = Callable[[ResourceSpec, Mapping[str, Any], Body], Body]

# ARM path segments as the service spells them in one answer or another ("resourcegroups" in a model URI it
# stored, "Microsoft.Keyvault" in a workspace's key vault id).
_SEGMENT_SPELLINGS = {
    "subscriptions": "Subscriptions",
    "resourcegroups": "resourceGroups",
    "providers": "Providers",
    "workspaces": "Workspaces",
    "computes": "Computes",
    "batchendpoints": "batchEndpoints",
    "onlineendpoints": "onlineEndpoints",
    "deployments": "Deployments",
    "datastores": "Datastores",
    "storageaccounts": "storageAccounts",
    "vaults": "Vaults",
    "registries": "Registries",
}


def _flip_segment(segment: str) -> str:
    lowered = segment.lower()
    if lowered in _SEGMENT_SPELLINGS:
        return lowered if segment != lowered else _SEGMENT_SPELLINGS[lowered]
    if lowered.startswith("microsoft."):
        return lowered if segment != lowered else segment.upper()
    return segment


def respell_arm_path(text: str) -> str:
    """Flip the case of every ARM collection segment and provider namespace in an id or a URI embedding one;
    names (a workspace's, an asset's, a version) keep their spelling."""
    if "/subscriptions/" not in text.lower():
        return text
    return "/".join(_flip_segment(part) for part in text.split("/"))


# -- walking the declared fields of a body -----------------------------------------------------------------------


def _declared(spec: ResourceSpec) -> Iterator[Field]:
    yield from (field_ for field_ in spec.fields if field_.wire)


def _map_wires(spec: ResourceSpec) -> set[str]:
    """Wire paths of user-keyed bags (tags, property bags, environment variables): their values are the user's
    and the service never re-spells them."""
    return {f.wire for f in _declared(spec) if f.type in ("map", "any") and f.wire}


def _walk_strings(value: Any, change: Callable[[str], str], skip: set[str], at: str = "") -> Any:
    if at in skip:
        return value
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {key: _walk_strings(item, change, skip, f"{at}.{key}" if at else key) for key, item in value.items()}
    if isinstance(value, list):
        return [_walk_strings(item, change, skip, at) for item in value]
    return value


def _for_each_value(spec: ResourceSpec, body: Body, wanted: Callable[[Field], bool], change: Callable[[Any], Any]):
    """Apply ``change`` to the value at every declared field (top level and object members) that ``wanted``."""

    def visit(field_: Field, holder: dict[str, Any], wire: str) -> None:
        value = get_path(holder, wire)
        if value is None:
            return
        if wanted(field_):
            set_path(holder, wire, change(value))
            return
        if field_.type == "object" and field_.fields and isinstance(value, dict):
            for sub in field_.fields:
                if sub.wire:
                    visit(sub, value, sub.wire)
        if field_.type == "list" and field_.item is not None and isinstance(value, list):
            for item in value:
                if isinstance(item, dict) and field_.item.type == "object":
                    for sub in field_.item.fields:
                        if sub.wire:
                            visit(sub, item, sub.wire)

    for field_ in _declared(spec):
        assert field_.wire is not None
        visit(field_, body, field_.wire)


# -- the re-spellings --------------------------------------------------------------------------------------------


def arm_id_segment_case(spec: ResourceSpec, inputs: Mapping[str, Any], body: Body) -> Body:
    """ARM ids and URIs that embed them come back with other segment case ([MOD26]: a model URI sent with
    ``resourcegroups`` reads back ``resourceGroups``; a workspace's ``Microsoft.Keyvault``)."""
    return _walk_strings(body, respell_arm_path, _map_wires(spec))


def _plausible(field_: Field, spec: ResourceSpec) -> Any:
    """A value the service might fill into a field the program left unset."""
    if field_.choices:
        return field_.choices[-1]
    if field_.equivalent is schema.duration_equivalent:
        return "PT5S"
    if field_.type == "integer":
        return int(field_.minimum) if field_.minimum is not None else 1
    if field_.type == "number":
        return float(field_.minimum) if field_.minimum is not None else 1.0
    if field_.type == "boolean":
        return True
    if field_.type == "map":
        return {"filledByService": "yes"}
    if field_.type == "any":
        return {"filledByService": True}
    if field_.type == "list":
        return []
    if field_.type == "object":
        filled: dict[str, Any] = {}
        for sub in field_.fields:
            if sub.wire and not (sub.secret or sub.write_only):
                set_path(filled, sub.wire, _plausible(sub, spec))
        return filled
    return "filled-by-service"


def _fills(field_: Field) -> bool:
    return bool(field_.wire) and not (
        field_.secret or field_.write_only or field_.default_from_workspace or field_.drift_when_unset
    )


def server_fills_unset(spec: ResourceSpec, inputs: Mapping[str, Any], body: Body) -> Body:
    """Fields the program left unset come back filled ([OE26]: an online endpoint's ``kind: Managed``; [DSG2]: an
    ADLS Gen2 datastore's ``resourceUrl``; [ENV24]: ``stage``; [OD22]: a deployment's request settings and probes)."""

    def fill(field_: Field, given: Any, holder: dict[str, Any]) -> None:
        if not _fills(field_):
            return
        assert field_.wire is not None
        if given is None:
            if get_path(holder, field_.wire) in (None, {}, []):
                set_path(holder, field_.wire, _plausible(field_, spec))
            return
        served = get_path(holder, field_.wire)
        if field_.type == "object" and field_.fields and isinstance(given, Mapping) and isinstance(served, dict):
            for sub in field_.fields:
                fill(sub, given.get(sub.name), served)

    if spec.discriminator:
        # The discriminator's value selects which other fields exist: leave fields of other types alone.
        selector = str(inputs.get(spec.discriminator) or "")
    else:
        selector = ""
    for field_ in spec.fields:
        if field_.applies_to and selector and selector not in field_.applies_to:
            continue
        fill(field_, inputs.get(field_.name), body)
    return body


def _empty_to_null(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: None if item in ({}, []) else _empty_to_null(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_empty_to_null(item) for item in value]
    return value


def empty_as_null(spec: ResourceSpec, inputs: Mapping[str, Any], body: Body) -> Body:
    """``{}`` and ``[]`` come back ``null`` (test_batch_deployment.yaml: a sent ``resources.properties: {}``;
    [DSG2]: a datastore's empty ``properties``)."""
    result: Body = _empty_to_null(body)
    return result


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _drop_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_drop_nulls(item) for item in value]
    return value


def null_as_absent(spec: ResourceSpec, inputs: Mapping[str, Any], body: Body) -> Body:
    """A ``null`` member comes back absent (the 2023 compute echoes drop ``provisioningWarnings``)."""
    result: Body = _drop_nulls(_empty_to_null(body))
    return result


def _reversed_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _reversed_keys(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed_keys(item) for item in value]
    return value


def reordered(spec: ResourceSpec, inputs: Mapping[str, Any], body: Body) -> Body:
    """Lists the service does not keep in order come back re-ordered (test_compute_compute_instance_with_
    schedules.yaml), and every object's keys in another order (test_batch_deployment.yaml)."""
    _for_each_value(spec, body, lambda f: f.type == "list" and f.unordered, lambda v: list(reversed(v)))
    result: Body = _reversed_keys(body)
    return result


def _yaml_as_json(value: Any) -> Any:
    try:
        document = yaml.safe_load(value) if isinstance(value, str) else None
    except yaml.YAMLError:
        return value
    return json.dumps(document) if isinstance(document, dict | list) else value


def _is_document(value: Any) -> bool:
    if not isinstance(value, str) or "\n" not in value.strip():
        return False
    try:
        return isinstance(yaml.safe_load(value), dict | list)
    except yaml.YAMLError:
        return False


def documents_as_json(spec: ResourceSpec, inputs: Mapping[str, Any], body: Body) -> Body:
    """A YAML document comes back as JSON text of the same data ([ENV24]: an environment's conda file). Chosen by
    the value's shape (multi-line text that is a YAML mapping or list), not by any declaration."""
    _for_each_value(spec, body, lambda f: f.type == "string", lambda v: _yaml_as_json(v) if _is_document(v) else v)
    return body


_SHORT_DATASTORE_URI = re.compile(r"^azureml://datastores/(?P<rest>.+)$", re.IGNORECASE)


def _long_form(arm_id: str) -> Callable[[str], str]:
    workspace = re.match(r"^(/subscriptions/[^/]+/resourceGroups/[^/]+/providers/[^/]+/workspaces/[^/]+)", arm_id, re.I)

    def change(value: str) -> str:
        if workspace is None or not value.lower().startswith("azureml://"):
            return value
        short = _SHORT_DATASTORE_URI.match(value)
        if short is None:
            return value.rstrip("/") + "/" if "/paths/" in value.lower() else value
        owner = workspace.group(1).split("/")
        return (
            f"azureml://subscriptions/{owner[2]}/resourcegroups/{owner[4]}/workspaces/{owner[8]}/datastores/"
            f"{short['rest'].rstrip('/')}/"
        )

    return change


def uris_in_long_form(spec: ResourceSpec, inputs: Mapping[str, Any], body: Body) -> Body:
    """A short datastore URI comes back in the long form, and any datastore path with a trailing ``/``
    ([DATA26]). Chosen by the value's shape (``azureml://``), not by any declaration."""
    result: Body = _walk_strings(body, _long_form(str(body.get("id"))), _map_wires(spec))
    return result


def extra_server_fields(spec: ResourceSpec, inputs: Mapping[str, Any], body: Body) -> Body:
    """Members nobody sent, at the top and in ``properties`` (every recording: ``systemData``, ``notebookInfo``,
    ``osImageMetadata``, ``privateNetworkConnection`` ...)."""
    body["serverOnlyMember"] = {"since": "2026"}
    properties = body.get("properties")
    if isinstance(properties, dict):
        properties["serverOnlyMember"] = "filled"
    return body


def bags_gain_keys(spec: ResourceSpec, inputs: Mapping[str, Any], body: Body) -> Body:
    """Property bags gain the service's own keys ([D]: ``BatchEndpointCreationApiVersion``; [OD22]:
    ``azureml.onlineendpointid``, ``AzureAsyncOperationUri``; [ENV24]: ``azureml.labels``)."""
    for field_ in _declared(spec):
        if field_.server_adds_keys and field_.wire:
            bag = get_path(body, field_.wire)
            set_path(body, field_.wire, {**(bag if isinstance(bag, dict) else {}), "azureml.addedByService": "1"})
    return body


def durations_respelt(spec: ResourceSpec, inputs: Mapping[str, Any], body: Body) -> Body:
    """Durations come back in another spelling of the same length (``PT120S`` as ``PT2M``)."""

    def change(value: Any) -> Any:
        seconds = schema._duration_seconds(value)  # noqa: SLF001 - the spelling, not the rule, is under test
        return f"PT{int(seconds)}S" if seconds is not None and seconds == int(seconds) else value

    _for_each_value(spec, body, lambda f: f.equivalent is schema.duration_equivalent, change)
    return body


def _is_split(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(share, int | float) and not isinstance(share, bool) for share in value.values())
    )


def keys_lowercased(spec: ResourceSpec, inputs: Mapping[str, Any], body: Body) -> Body:
    """Names the service lower-cases come back lower-cased: the deployment names that key a traffic split
    (Azure/azure-sdk-for-python PR #28715). Chosen by shape: an untyped mapping of names to numbers."""
    _for_each_value(
        spec,
        body,
        lambda f: f.type == "any",
        lambda v: {str(k).lower(): item for k, item in v.items()} if _is_split(v) else v,
    )
    return body


RESPELLINGS: dict[str, Respelling] = {
    "arm_id_segment_case": arm_id_segment_case,
    "server_fills_unset": server_fills_unset,
    "empty_as_null": empty_as_null,
    "null_as_absent": null_as_absent,
    "reordered": reordered,
    "documents_as_json": documents_as_json,
    "uris_in_long_form": uris_in_long_form,
    "extra_server_fields": extra_server_fields,
    "bags_gain_keys": bags_gain_keys,
    "durations_respelt": durations_respelt,
    "keys_lowercased": keys_lowercased,
}


def respelt(names: list[str] | tuple[str, ...], spec: ResourceSpec, inputs: Mapping[str, Any], body: Body) -> Body:
    """``body`` re-spelt by each of ``names`` in turn (all of them: ``tuple(RESPELLINGS)``)."""
    result = copy.deepcopy(body)
    for name in names:
        result = RESPELLINGS[name](spec, inputs, result)
    return result
