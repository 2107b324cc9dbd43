"""Environment versions in the emulator, over plain HTTP (mfe.json 2025-12-01, EnvironmentVersion examples)."""

from __future__ import annotations

from typing import Any

import pytest

from emulator_helpers import Arm, workspace_path

IMAGE = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest"
CONDA = "name: scoring\ndependencies:\n  - python=3.11\n  - pip:\n    - scikit-learn\n"


def version_path(name: str, version: str) -> str:
    return f"{workspace_path()}/environments/{name}/versions/{version}"


def image_env(**extra: Any) -> dict[str, Any]:
    return {"properties": {"image": IMAGE, "condaFile": CONDA, **extra}}


def test_put_creates_201_with_server_filled_values_then_200(arm: Arm, workspace: dict[str, Any]) -> None:
    created = arm.put(version_path("sklearn", "1"), image_env(description="first"))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["name"] == "1"
    assert body["type"] == "Microsoft.MachineLearningServices/workspaces/environments/versions"
    properties = body["properties"]
    assert properties["environmentType"] == "UserCreated"
    assert properties["osType"] == "Linux"
    assert properties["autoRebuild"] == "Disabled"
    assert properties["isArchived"] is False and properties["isAnonymous"] is False
    assert properties["provisioningState"] == "Succeeded"
    again = arm.put(version_path("sklearn", "1"), image_env(description="second", tags={"t": "1"}, stage="Production"))
    assert again.status_code == 200, again.text
    assert again.json()["properties"]["description"] == "second"
    assert again.json()["properties"]["stage"] == "Production"
    assert arm.get(version_path("sklearn", "1")).json()["properties"]["tags"] == {"t": "1"}


def test_the_container_exists_because_a_version_does(arm: Arm, workspace: dict[str, Any]) -> None:
    container = f"{workspace_path()}/environments/sklearn"
    assert arm.get(container).status_code == 404
    arm.put(version_path("sklearn", "1"), image_env())
    arm.put(version_path("sklearn", "2"), image_env())
    got = arm.get(container)
    assert got.status_code == 200
    assert got.json()["properties"]["latestVersion"] == "2"
    assert got.json()["properties"]["nextVersion"] == "3"
    assert [item["name"] for item in arm.get(f"{workspace_path()}/environments").json()["value"]] == ["sklearn"]
    assert [item["name"] for item in arm.get(f"{container}/versions").json()["value"]] == ["1", "2"]
    assert arm.delete(version_path("sklearn", "1")).status_code == 200
    assert arm.delete(version_path("sklearn", "2")).status_code == 200
    assert arm.get(container).status_code == 404


def test_build_context_gets_its_default_dockerfile(arm: Arm, workspace: dict[str, Any]) -> None:
    body = {"properties": {"build": {"contextUri": "https://storage.blob.core.windows.net/ctx/"}}}
    created = arm.put(version_path("built", "1"), body)
    assert created.status_code == 201, created.text
    assert created.json()["properties"]["build"]["dockerfilePath"] == "Dockerfile"


@pytest.mark.parametrize(
    ("change", "member"),
    [
        ({"image": "other:1"}, "image"),
        ({"condaFile": "name: other\n"}, "condaFile"),
        ({"osType": "Windows"}, "osType"),
        ({"inferenceConfig": {"scoringRoute": {"path": "/score", "port": 5001}}}, "inferenceConfig"),
        ({"properties": {"k": "v"}}, "properties"),
    ],
)
def test_versions_are_immutable(arm: Arm, workspace: dict[str, Any], change: dict[str, Any], member: str) -> None:
    arm.put(version_path("sklearn", "1"), image_env())
    answer = arm.put(version_path("sklearn", "1"), image_env(**change))
    assert answer.status_code == 409, answer.text
    assert answer.json()["error"]["target"] == f"properties.{member}"
    assert "immutable" in answer.json()["error"]["message"]


def test_archived_versions_leave_the_default_list(arm: Arm, workspace: dict[str, Any]) -> None:
    arm.put(version_path("sklearn", "1"), image_env())
    arm.put(version_path("sklearn", "1"), image_env(isArchived=True))
    versions = f"{workspace_path()}/environments/sklearn/versions"
    assert arm.get(versions).json()["value"] == []
    assert len(arm.get(versions, params={"listViewType": "All"}).json()["value"]) == 1


@pytest.mark.parametrize(
    ("properties", "target"),
    [
        ({}, "properties.image"),
        ({"image": IMAGE, "build": {"contextUri": "https://x/ctx/"}}, "properties.build"),
        ({"build": {"contextUri": "https://x/ctx/"}, "condaFile": CONDA}, "properties.condaFile"),
        ({"image": IMAGE, "osType": "Mac"}, "properties.osType"),
        ({"image": IMAGE, "inferenceConfig": {"scoringRoute": {"path": "/s", "port": 1.0}}}, None),
        (
            {"image": IMAGE, "inferenceConfig": {"scoringRoute": {"port": 1}}},
            "properties.inferenceConfig.scoringRoute.path",
        ),
        ({"image": IMAGE, "build": None, "unknown": 1}, "properties.unknown"),
        ({"image": IMAGE, "autoRebuild": "Always"}, "properties.autoRebuild"),
    ],
)
def test_bad_bodies_are_refused(
    arm: Arm, workspace: dict[str, Any], properties: dict[str, Any], target: str | None
) -> None:
    answer = arm.put(version_path("sklearn", "1"), {"properties": properties})
    assert answer.status_code == 400, answer.text
    if target is not None:
        assert answer.json()["error"]["target"] == target


def test_missing_version_and_delete_answers(arm: Arm, workspace: dict[str, Any]) -> None:
    missing = arm.get(version_path("sklearn", "9"))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "UserError"
    assert arm.delete(version_path("sklearn", "9")).status_code == 204
    assert arm.put(f"{workspace_path()}/environments/-bad/versions/1", image_env()).status_code == 400


def test_environment_names_and_versions_are_case_sensitive(arm: Arm, workspace: dict[str, Any]) -> None:
    """mfe.json: container names and version identifiers are case-sensitive."""
    assert arm.put(version_path("Sklearn", "1"), image_env()).status_code == 201
    assert arm.get(version_path("sklearn", "1")).status_code == 404
    assert arm.put(version_path("sklearn", "1"), image_env()).status_code == 201
    assert arm.get(version_path("Sklearn", "1")).json()["name"] == "1"
