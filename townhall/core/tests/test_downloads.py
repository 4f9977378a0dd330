"""Files handed to people are downloads with safe names, never pages."""

import pytest

from townhall.core.downloads import download_filename, download_response


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("tip.png", "image/png", "tip.png"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        ("C:\\Users\\me\\letter.pdf", "application/pdf", "letter.pdf"),
        ("photo.html", "image/jpeg", "photo.jpg"),  # the checked type names the extension
        ("invoice.pdf.exe", "application/pdf", "invoice-pdf.pdf"),
        ('a"b;c\r\nSet-Cookie: x=1.png', "image/png", "a-b-c-Set-Cookie-x-1.png"),
        (".htaccess", "text/plain", "htaccess.txt"),
        ("", "image/png", "download.png"),
        ("...", "text/csv; charset=utf-8", "download.csv"),
        ("Llythyr Cyngor – café.pdf", "application/pdf", "Llythyr-Cyngor-café.pdf"),
    ],
)
def test_a_download_name_cannot_climb_folders_break_the_header_or_change_type(
    name, content_type, expected
):
    assert download_filename(name, content_type) == expected


def test_a_download_is_an_attachment_and_not_sniffed():
    response = download_response(b"a,b\n", filename="payments 2026", content_type="text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="payments-2026.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_name_outside_ascii_is_sent_encoded():
    response = download_response(b"%PDF", filename="café", content_type="application/pdf")
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''caf%C3%A9.pdf"
