"""Write docs/cli.md from the commands' own --help, so the reference cannot drift from the code.

python scripts/cli_reference.py          # rewrite docs/cli.md
python scripts/cli_reference.py --check  # exit 1 when docs/cli.md is stale (the test suite runs this)
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from storytrace.cli import cli

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def render() -> str:
    parts = [
        "# CLI reference\n",
        "Generated from `storytrace --help` by `python scripts/cli_reference.py`; do not edit by hand.\n",
        "Every listing command takes the same output flags: the default aligned table, `--json` (one array),",
        "`--jsonl` (one object per line) or `--csv`. Data goes to stdout; progress, logs and errors to stderr.\n",
    ]
    ctx = click.Context(cli, info_name="storytrace", terminal_width=100, max_content_width=100)
    parts += ["## storytrace\n", "```", cli.get_help(ctx), "```\n"]
    for name in sorted(cli.list_commands(ctx)):
        command = cli.get_command(ctx, name)
        assert command is not None
        sub = click.Context(command, info_name=name, parent=ctx, terminal_width=100, max_content_width=100)
        parts += [f"## storytrace {name}\n", "```", command.get_help(sub), "```\n"]
    return "\n".join(parts)


def main() -> None:
    text = render()
    if "--check" in sys.argv:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC} is stale: run python scripts/cli_reference.py", file=sys.stderr)
            sys.exit(1)
        return
    DOC.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
