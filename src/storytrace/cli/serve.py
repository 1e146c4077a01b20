"""`storytrace serve`: the local web workspace over a store (src/storytrace/web)."""

from __future__ import annotations

import click

from storytrace.cli.output import db_option
from storytrace.web.server import is_loopback, make_server

__all__ = ["serve_command"]


@click.command("serve")
@db_option
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to bind; beyond loopback, writes need a token."
)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free port).")
@click.option(
    "--token",
    envvar="STORYTRACE_TOKEN",
    help="Write token (env: STORYTRACE_TOKEN); made and printed when bound beyond loopback.",
)
@click.option(
    "--pack",
    "packs",
    multiple=True,
    help="Domain pack folder or name, for roles, affiliations and map coordinates (repeatable).",
)
@click.option("--no-resolve", is_flag=True, help="Only record judgements; run `storytrace resolve` yourself.")
def serve_command(
    db_path: str, host: str, port: int, token: str | None, packs: tuple[str, ...], no_resolve: bool
) -> None:
    """Explore and correct the dossier in a browser: propositions, timeline, actors, map, reader, search.

    Binds 127.0.0.1 by default. Merges, splits and stance corrections made in the pages are stored as judgements
    (as `storytrace merge/split/stance` do) and the dossier is re-resolved in the background.
    """
    server = make_server(
        db_path, host=host, port=port, token=token, packs=packs, resolve_after_judgement=not no_resolve
    )
    click.echo(f"storytrace workspace on {server.url}/ (store {db_path}); Ctrl-C stops it.", err=True)
    if server.app.write_token is not None:
        click.echo(f"write token: {server.app.write_token}  (give it on {server.url}/login to edit)", err=True)
    if not is_loopback(host):
        click.echo("warning: reachable from other machines; pages are readable without the token.", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
