"""``tenbin scan``: show what the privacy detector finds in a file and how it would be masked."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tenbin.privacy import Detector, Masker, PrivacyConfig


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    return Path(source).read_text(encoding="utf-8")


def scan_command(
    file: Annotated[str, typer.Argument(help="Text file to scan, or - for stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    no_ner: Annotated[
        bool, typer.Option("--no-ner", help="Structured identifiers only (fast tier).")
    ] = False,
    redact: Annotated[bool, typer.Option("--redact", help="Irreversible 〔氏名〕 placeholders.")] = False,
    term: Annotated[
        list[str] | None, typer.Option("--term", help="Custom confidential term (repeatable).")
    ] = None,
) -> None:
    """Print findings, the data class and the masked text (the text never leaves this machine)."""
    text = _read(file)
    det = Detector(PrivacyConfig(ner=not no_ner, custom_terms=term or ()))
    messages = [{"role": "user", "content": text}]
    scan = det.scan_messages(messages)
    session = Masker("redact" if redact else "pseudonymize").mask_messages(messages, scan)
    masked = session.messages[0]["content"]
    if as_json:
        payload = {
            "data_class": str(scan.data_class),
            "classes": sorted(str(c) for c in scan.classes),
            "counts": scan.counts(),
            "findings": [
                {"label": f.label, "start": f.start, "end": f.end, "text": f.text, "score": round(f.score, 3)}
                for f in scan.findings
            ],
            "masked": masked,
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    console = Console()
    table = Table(title=f"{len(scan.findings)} findings")
    for col in ("label", "start", "end", "score", "text"):
        table.add_column(col, justify="right" if col in ("start", "end", "score") else "left")
    for f in scan.findings:
        table.add_row(f.label, str(f.start), str(f.end), f"{f.score:.2f}", f.text)
    console.print(table)
    classes = ", ".join(str(c) for c in sorted(scan.classes))
    console.print(f"data class: [bold]{scan.data_class}[/bold] ({classes})")
    console.rule("masked")
    console.print(masked, markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Attach the ``scan`` command to the main CLI app."""
    app.command("scan")(scan_command)
