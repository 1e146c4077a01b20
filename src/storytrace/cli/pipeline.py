"""`storytrace components` (the registered components), and the pipeline options shared by ingest, extract, process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from storytrace.cli.output import emit, output_options
from storytrace.pipeline import PIPELINES, pack_config, registered_components

__all__ = ["components_command", "pack_config", "pipeline_names", "pipeline_options"]

F = TypeVar("F", bound=Callable[..., Any])


def pipeline_names(value: str) -> tuple[str, ...]:
    """A named pipeline ("default", "fast", …) or a comma-separated list of component names."""
    if value in PIPELINES:
        return PIPELINES[value]
    return tuple(name.strip() for name in value.split(",") if name.strip())


def pipeline_options(func: F) -> F:
    """``--pipeline NAME|a,b,c`` and ``--pack PATH`` (repeatable)."""
    func = click.option(
        "--pack",
        "packs",
        multiple=True,
        help="A domain pack folder (or name) to use besides the built-in mideast pack; repeatable.",
    )(func)
    return click.option(
        "--pipeline",
        "pipeline",
        default="default",
        show_default=True,
        help="A named pipeline ("
        + ", ".join(sorted(PIPELINES))
        + ") or component names separated by commas; see `storytrace components`.",
    )(func)


@click.command("components")
@output_options
def components_command(fmt: str) -> None:
    """List the registered components (name with version, requires, assigns, default or not)."""
    rows = [
        {
            "name": info.name,
            "default": "yes" if info.name in PIPELINES["default"] else "",
            "requires": ", ".join(info.requires),
            "assigns": ", ".join(info.assigns),
            "description": info.description,
        }
        for info in registered_components()
    ]
    emit(rows, fmt, ["name", "default", "requires", "assigns", "description"], wide="description")
