"""The example CI workflow is valid YAML and runs exactly the documented commands."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import yaml

from site_builder.cli import build_parser

WORKFLOW = Path(__file__).parent.parent / ".github" / "workflows" / "publish.yml"


def load() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def steps(data: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in data["jobs"].values() for step in job["steps"]]


def site_builder_commands(data: dict[Any, Any]) -> list[str]:
    lines = [line.strip() for step in steps(data) for line in step.get("run", "").splitlines()]
    return [line for line in lines if "site-builder" in line]


def test_workflow_runs_exactly_check_and_build() -> None:
    assert site_builder_commands(load()) == [
        "site-builder check --frozen --format github",
        "site-builder build --frozen --check-links",
    ]


def test_workflow_commands_are_real_options() -> None:
    for command in site_builder_commands(load()):
        args = build_parser().parse_args(shlex.split(command)[1:])
        assert args.frozen


def test_workflow_publishes_public_with_github_pages() -> None:
    data = load()
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "push" in triggers
    uses = {step["uses"].split("@")[0]: step for step in steps(data) if "uses" in step}
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "public/"
    assert "actions/deploy-pages" in uses
    deploy = data["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build"
