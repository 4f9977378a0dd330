"""Every XML document Townhall is given goes through one parser that refuses DTDs, entities
and oversize documents with a clear reason instead of expanding, fetching or truncating."""

import pytest

from townhall.core.xmlsafe import XmlRefused, xml_parse

GOOD = '<?xml version="1.0" encoding="UTF-8"?><root xmlns="urn:x"><a id="1">text</a></root>'
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lolz>&lol4;</lolz>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE root [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<root>&xxe;</root>"""
REMOTE_DTD = '<?xml version="1.0"?><!DOCTYPE root SYSTEM "http://169.254.169.254/x.dtd"><root/>'
PARAMETER = """<?xml version="1.0"?>
<!DOCTYPE root [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]><root/>"""


def test_a_plain_document_parses():
    root = xml_parse(GOOD)
    assert root.find("{urn:x}a").text == "text"


@pytest.mark.parametrize(
    "document", [LAUGHS, EXTERNAL, REMOTE_DTD, PARAMETER, LAUGHS.replace("DOCTYPE", "doctype")]
)
def test_a_document_with_a_doctype_is_refused_before_anything_is_expanded(document):
    with pytest.raises(XmlRefused, match="The BPMN file declares a DOCTYPE"):
        xml_parse(document, what="BPMN file")


def test_a_doctype_in_another_encoding_is_still_refused():
    data = EXTERNAL.replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16")
    with pytest.raises(XmlRefused, match="DOCTYPE"):
        xml_parse(data)


def test_an_oversize_document_is_refused_whole_not_truncated(settings):
    settings.XML_MAX_BYTES = 1000
    big = GOOD.replace("text", "x" * 2000)
    with pytest.raises(XmlRefused) as refused:
        xml_parse(big, what="decision table file 1")
    assert str(refused.value) == (
        f"The decision table file 1 is {len(big):,} bytes; the limit is 1,000. Nothing was read."
    )


def test_a_document_that_is_not_well_formed_says_so():
    with pytest.raises(XmlRefused, match="The BPMN file is not well-formed XML"):
        xml_parse("<root><a></root>", what="BPMN file")
