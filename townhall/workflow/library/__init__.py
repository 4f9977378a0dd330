"""The default process library a council starts from: one BPMN file (plus its DMN tables)
per service, named by the service's slug, which is also the process key.

The `.bpmn`/`.dmn` files beside this module are the only source of truth: edit them directly
(bpmn-js, the designer's editor, opens them as they are); nothing generates them."""

import re
from pathlib import Path
from typing import Any

from townhall.accounts.models import User
from townhall.workflow.publishing import process_version_publish

LIBRARY_DIR = Path(__file__).resolve().parent
_NAME = re.compile(r'<bpmn:process [^>]*name="([^"]+)"')


def library_files() -> list[tuple[str, str, list[str]]]:
    """(key, BPMN text, [DMN texts]) for every process in the library, by key."""
    found = []
    for bpmn in sorted(LIBRARY_DIR.glob("*.bpmn")):
        dmns = [
            p.read_text(encoding="utf-8") for p in sorted(LIBRARY_DIR.glob(f"{bpmn.stem}*.dmn"))
        ]
        found.append((bpmn.stem, bpmn.read_text(encoding="utf-8"), dmns))
    return found


def library_process(key: str) -> tuple[str, str, list[str]] | None:
    """(name, BPMN text, [DMN texts]) of the library process `key`, or None if there is none.
    Service files name a library process by its key rather than copy it (ADR 0009)."""
    bpmn_path = LIBRARY_DIR / f"{key}.bpmn"
    if "/" in key or not bpmn_path.is_file():
        return None
    bpmn = bpmn_path.read_text(encoding="utf-8")
    dmns = [p.read_text(encoding="utf-8") for p in sorted(LIBRARY_DIR.glob(f"{key}*.dmn"))]
    return library_process_name(key, bpmn), bpmn, dmns


def library_process_name(key: str, bpmn: str) -> str:
    """The name a library process is published under: its BPMN process's name, or its key."""
    match = _NAME.search(bpmn)
    return match.group(1) if match else key


def library_publish(*, published_by: Any = None) -> list[Any]:
    """Publish every library process whose file differs from its live version (idempotent:
    an unchanged file publishes nothing). A process edited in the designer since is kept
    live only until the file changes: the files are the defaults."""
    published_by = published_by or User.objects.filter(email="admin@example.gov.uk").first()
    versions = []
    for key, bpmn, dmns in library_files():
        versions.append(
            process_version_publish(
                key=key,
                name=library_process_name(key, bpmn),
                bpmn_xml=bpmn,
                dmn_xmls=dmns,
                published_by=published_by,
                note="Default process library",
            )
        )
    return versions
