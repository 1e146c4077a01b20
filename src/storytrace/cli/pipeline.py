"""`storytrace components`: the registered pipeline components, with what each requires and assigns."""

from __future__ import annotations

import click

from storytrace.cli.output import emit, output_options
from storytrace.pipeline import DEFAULT_INGEST_PIPELINE, registered_components

__all__ = ["components_command"]


@click.command("components")
@output_options
def components_command(fmt: str) -> None:
    """List the registered components (name with version, requires, assigns, default or not)."""
    rows = [
        {
            "name": info.name,
            "default": "yes" if info.name in DEFAULT_INGEST_PIPELINE else "",
            "requires": ", ".join(info.requires),
            "assigns": ", ".join(info.assigns),
            "description": info.description,
        }
        for info in registered_components()
    ]
    emit(rows, fmt, ["name", "default", "requires", "assigns", "description"], wide="description")
