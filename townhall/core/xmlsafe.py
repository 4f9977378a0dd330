"""The one way Townhall parses XML it is given (BPMN and DMN from the process designer, the
library and imports): lxml with every door shut.

No DTD is loaded and no document with a DOCTYPE is accepted at all, so there are no entities to
expand (billion laughs) or to resolve (external entities such as file:///etc/passwd, or URLs
the server would fetch). The network is off, lxml's limits on depth and node size stay on
(no huge_tree), and a document over the size limit is refused whole, never cut short and
parsed as something else."""

import re

from django.conf import settings
from lxml import etree

DEFAULT_MAX_BYTES = 1_000_000
# A DOCTYPE is refused before parsing, so libxml2 never reads an internal subset either.
DOCTYPE = re.compile(r"<!DOCTYPE", re.IGNORECASE)


class XmlRefused(ValueError):
    """An XML document Townhall will not parse; the message says why, for whoever sent it."""


def xml_max_bytes() -> int:
    return int(getattr(settings, "XML_MAX_BYTES", DEFAULT_MAX_BYTES))


def _parser() -> etree.XMLParser:
    # A new parser each time: lxml parsers must not be shared between threads.
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_blank_text=False,
    )


def xml_parse(text: str | bytes, *, what: str = "XML document") -> etree._Element:
    """Parse `text` and return its root element. Raises XmlRefused when it is over the size
    limit (settings.XML_MAX_BYTES), declares a DOCTYPE (so any DTD or entity), uses an entity
    or is not well-formed; `what` names the document in the message ("the BPMN file")."""
    data = text.encode() if isinstance(text, str) else text
    limit = xml_max_bytes()
    if len(data) > limit:
        raise XmlRefused(
            f"The {what} is {len(data):,} bytes; the limit is {limit:,}. Nothing was read."
        )
    if DOCTYPE.search(text if isinstance(text, str) else data.decode("utf-8", "replace")):
        raise XmlRefused(
            f"The {what} declares a DOCTYPE; DTDs and entities are not accepted. Remove the "
            "<!DOCTYPE ...> declaration."
        )
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise XmlRefused(f"The {what} is not well-formed XML: {error}") from error
    # Belt and braces: whatever slipped past the text check (another encoding) shows here.
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise XmlRefused(f"The {what} declares a DOCTYPE; DTDs and entities are not accepted.")
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise XmlRefused(f"The {what} uses an entity; entities are not accepted.")
    return root
