"""An information page's advice: paragraphs, headings, bullet lists and links to web pages
become GOV.UK markup; anything else a designer types is shown as typed (escaped)."""

from townhall.catalogue.advice import advice_html


def test_lines_are_paragraphs_and_lists_headings_and_links_are_govuk_markup():
    html = advice_html(
        "Pay online.\n"
        "## If you cannot pay\n"
        "Talk to us first:\n"
        "- by phone\n"
        "- at a council office\n"
        "Read [how to pay on GOV.UK](https://www.gov.uk/pay-penalty-charge-notice)."
    )

    assert html == (
        '<p class="govuk-body">Pay online.</p>\n'
        '<h2 class="govuk-heading-m">If you cannot pay</h2>\n'
        '<p class="govuk-body">Talk to us first:</p>\n'
        '<ul class="govuk-list govuk-list--bullet">\n<li>by phone</li>\n'
        "<li>at a council office</li>\n</ul>\n"
        '<p class="govuk-body">Read <a href="https://www.gov.uk/pay-penalty-charge-notice" '
        'class="govuk-link">how to pay on GOV.UK</a>.</p>\n'
    )


def test_html_scripts_and_unsafe_links_are_shown_as_typed():
    html = advice_html(
        '<script>alert("x")</script> <a href="https://x.example">a</a>\n'
        "[click](javascript:alert(1)) [plain](http://x.example) [data](data:text/html,x)\n"
        "**bold** `code` ![photo](https://x.example/p.png)\n"
        "1. first\n"
        "> quoted"
    )

    assert "<script" not in html and '<a href="https://x.example">' not in html
    assert "&lt;script&gt;" in html
    assert "javascript:" not in html.split("[click]")[0]
    assert html.count("<a ") == 1  # the image's link text only: no <img>, no unsafe href
    assert "<img" not in html and "<strong>" not in html and "<code>" not in html
    assert "<ol" not in html and '<p class="govuk-body">1. first</p>' in html
    assert "<blockquote>" not in html and "&gt; quoted" in html


def test_a_top_level_heading_does_not_compete_with_the_pages_title():
    assert advice_html("# Fees\n### Discounts") == (
        '<h2 class="govuk-heading-m">Fees</h2>\n<h3 class="govuk-heading-s">Discounts</h3>\n'
    )
