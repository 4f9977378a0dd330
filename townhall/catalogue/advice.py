"""An information service's advice (its description) as GOV.UK-styled HTML.

A designer writes one paragraph a line, and may use a small, safe part of Markdown:
headings (`## Heading`), bullet lists (`- item`, one line each) and links to web pages
(`[text](https://...)`). Nothing else is markup: any HTML, images, emphasis, code or numbered
lists show as the text that was typed (escaped). Parsed by markdown-it-py with everything
but those rules switched off, so nothing a designer types can add a script or a style.
"""

import re
from collections.abc import Sequence
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

_LIST_ITEM = re.compile(r"^\s*[-*+]\s")
# "1. " or "1) " at a line's start would begin a numbered list, which is not in the subset.
_NUMBERED = re.compile(r"^(\s*\d{1,9})([.)])(?=\s|$)")
_SAFE_LINK = re.compile(r"^(https://|/)", re.IGNORECASE)
# A heading's level on the page: the page's own title is the only <h1>.
_HEADING_TAG = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h3", "h5": "h3", "h6": "h3"}
_HEADING_CLASS = {"h2": "govuk-heading-m", "h3": "govuk-heading-s"}


def _validate_link(url: str) -> bool:
    """Links go to web pages over HTTPS or to pages of this site: no javascript:, data:,
    mailto: or plain http."""
    return bool(_SAFE_LINK.match(url)) and not url.startswith("//")


def _classed(css: str) -> Any:
    def render(
        self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        tokens[idx].attrSet("class", css)
        return self.renderToken(tokens, idx, options, env)

    return render


def _heading(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    token.tag = _HEADING_TAG[token.tag]
    if token.nesting == 1:
        token.attrSet("class", _HEADING_CLASS[token.tag])
    return self.renderToken(tokens, idx, options, env)


def _parser() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False})
    md.enable(["heading", "list", "link", "escape"])
    md.validateLink = _validate_link  # type: ignore[method-assign]
    rules = md.add_render_rule
    rules("paragraph_open", _classed("govuk-body"))
    rules("bullet_list_open", _classed("govuk-list govuk-list--bullet"))
    rules("link_open", _classed("govuk-link"))
    rules("heading_open", _heading)
    rules("heading_close", _heading)
    return md


_MARKDOWN = _parser()


def _blocks(text: str) -> str:
    """One paragraph a line (as descriptions have always been written): a blank line between
    lines, except between the items of one list; a line's leading number kept as text."""
    lines = [_NUMBERED.sub(r"\1\\\2", line.rstrip()) for line in text.splitlines() if line.strip()]
    out: list[str] = []
    for line in lines:
        if out and not (_LIST_ITEM.match(line) and _LIST_ITEM.match(out[-1])):
            out.append("")
        out.append(line)
    return "\n".join(out)


def advice_html(text: str) -> SafeString:
    """The advice `text` as HTML: paragraphs, headings, bullet lists and links only, with
    GOV.UK Frontend classes; everything else escaped."""
    html = _MARKDOWN.render(_blocks(text))
    return mark_safe(html)  # nosec B703 B308 # noqa: S308 (markdown-it escapes all text; raw HTML is off)
