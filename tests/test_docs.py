"""The docs keep up with the code: the CLI reference is current, every error code is documented."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import storytrace.errors as errors_module
from storytrace.errors import StorytraceError

ROOT = Path(__file__).resolve().parents[1]


def test_docs_cli_reference_is_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "cli_reference.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_docs_every_error_code_is_documented() -> None:
    documented = set(re.findall(r"\| (ST\d{3}) \|", (ROOT / "docs" / "errors.md").read_text()))
    classes = [c for _, c in inspect.getmembers(errors_module, inspect.isclass) if issubclass(c, StorytraceError)]
    raised = {c.code for c in classes if c.code not in {"ST000", "ST100", "ST200"}}
    web = (ROOT / "src" / "storytrace" / "ingest" / "web.py").read_text()
    raised |= set(re.findall(r'"(ST2\d\d)"', web))
    assert raised - documented == set()


def test_docs_readme_commands_exist() -> None:
    readme = (ROOT / "README.md").read_text()
    from storytrace.cli import cli

    blocks = "\n".join(re.findall(r"```[a-z]*\n(.*?)```", readme, flags=re.DOTALL))
    names = re.findall(r"^(?:\$ )?storytrace ([a-z]+)", blocks, flags=re.MULTILINE)
    assert "ingest" in names
    for name in names:
        assert name in cli.commands, f"README uses `storytrace {name}`, which does not exist"
