"""The one place user-written HTML is made safe (submissions, feedback, reflections).

Every rich-text value a person types passes ``sanitise_html`` before it is stored
or rendered; ``html_to_text`` and ``word_count`` read the sanitised text.

How it works
============

The input is parsed once with html5lib (bleach's vendored copy), which builds
the same tree a browser would. That tree is then streamed through:

1. ``_DropElementsWithContent`` — removes ``script``, ``style``, ``template``,
   ``iframe``, ``object``, ``embed``, ``svg``, ``math``, ``noscript`` (and a few
   other raw-text or fallback containers) *together with everything inside
   them*, plus any element outside the HTML namespace. bleach's own
   ``strip=True`` keeps the text of a stripped element, which would leave the
   body of a ``<script>`` behind as visible text; removing whole subtrees from
   the parsed tree avoids that. Dropping ``svg``/``math``/``noscript`` with
   their content also removes the namespace-confusion and ``noscript``
   mutation-XSS tricks, because none of that markup reaches the output.
2. bleach's ``BleachSanitizerFilter`` with the fixed allow-list — strips every
   other tag (keeping its text), every attribute but ``href`` on ``a``,
   comments, and hrefs whose scheme is not allowed.
3. ``_LinkPolicy`` — a second, stricter href check that mirrors how a browser
   reads a URL (control characters and spaces trimmed, tabs and newlines
   removed anywhere): an href survives only when it is absolute and starts
   with ``http:``, ``https:`` or ``mailto:``. Relative links and fragments
   are dropped too: a submission has no business linking into the site.
   Every ``a`` then gets ``rel="noopener nofollow"`` and nothing else.

The stream is serialised with html5lib's serializer: text and attribute
values are escaped from the parsed (entity-decoded) values, so what is
checked is exactly what is written out.

Stripping a tag can leave markup that a browser re-parses into a different
tree (an ``li`` that was nested through a stripped ``table`` closes its
parent). ``sanitise_html`` therefore re-runs the pipeline until the output is
stable, which makes it idempotent: ``sanitise_html(sanitise_html(x)) ==
sanitise_html(x)``. Each pass is safe on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bleach import html5lib_shim
from bleach._vendor.html5lib.treebuilders import getTreeBuilder
from bleach.sanitizer import BleachSanitizerFilter

__all__ = [
    "ALLOWED_TAGS",
    "MAX_ATTRIBUTES_PER_TAG",
    "MAX_HTML_CHARS",
    "MAX_NESTING_DEPTH",
    "html_to_text",
    "sanitise_html",
    "word_count",
]

#: Longest input accepted, in characters. Larger input raises ``ValueError``.
MAX_HTML_CHARS = 200_000

#: Deepest element nesting accepted while parsing (any element, allowed or
#: not). html5lib scans the stack of open elements for most tags, so parse
#: time grows with tags x depth: 200,000 characters of unclosed ``<b>`` take
#: a minute to parse. Real writing, even pasted from a word processor, stays
#: far below this; deeper input raises ``ValueError``.
MAX_NESTING_DEPTH = 100

#: Most attributes accepted on one tag. html5lib compares each attribute
#: name with all earlier ones on the same tag, so a single tag with 30,000
#: attributes takes seconds to tokenise. Deeper or wider input raises
#: ``ValueError``.
MAX_ATTRIBUTES_PER_TAG = 100

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "s",
        "ul",
        "ol",
        "li",
        "blockquote",
        "h2",
        "h3",
        "h4",
        "a",
        "code",
        "pre",
    }
)
ALLOWED_ATTRIBUTES = {"a": ["href"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener nofollow"

#: Removed with everything inside them. Script and style bodies, embedded
#: documents and plugins, foreign content (SVG/MathML) and raw-text or
#: fallback containers whose text is never meant to be read as prose.
DROP_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "template",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "svg",
        "math",
        "noscript",
        "noembed",
        "noframes",
        "xmp",
        "plaintext",
        "textarea",
        "title",
    }
)

# Enough passes for every structure seen in the tests to settle (usually 1);
# if a pathological input has not settled by then, the last (safe) pass wins.
_MAX_PASSES = 4

_HTML_NAMESPACE = html5lib_shim.namespaces["html"]
# A URL parser trims leading/trailing C0 controls and spaces and removes tab,
# LF and CR from anywhere, so "java\tscript:" is "javascript:" to a browser.
_URL_TRIM = "".join(chr(c) for c in range(0x21))
_URL_TAB_NEWLINE_RE = re.compile(r"[\t\n\r]")
_SAFE_HREF_RE = re.compile(r"^(?:https?|mailto):", re.IGNORECASE)
_WHITESPACE_RE = re.compile(r"\s+")

_BLOCK_TAGS = frozenset({"p", "h2", "h3", "h4", "blockquote", "pre", "ul", "ol"})


def sanitise_html(html: str) -> str:
    """Return ``html`` reduced to the allow-list; idempotent.

    Raises ``TypeError`` for non-strings and ``ValueError`` when ``html`` is
    longer than ``MAX_HTML_CHARS`` characters, nests elements more than
    ``MAX_NESTING_DEPTH`` deep or has a tag with more than
    ``MAX_ATTRIBUTES_PER_TAG`` attributes.
    """
    if not isinstance(html, str):
        raise TypeError(f"sanitise_html() expects str, not {type(html).__name__}")
    if len(html) > MAX_HTML_CHARS:
        raise ValueError(
            f"HTML is {len(html)} characters long; the limit is {MAX_HTML_CHARS}."
        )
    cleaned = _clean_once(html)
    for _ in range(_MAX_PASSES - 1):
        again = _clean_once(cleaned)
        if again == cleaned:
            break
        cleaned = again
    return cleaned


def html_to_text(html: str) -> str:
    """Plain text of ``html`` after sanitising, for plain-text e-mails.

    Paragraphs and headings are separated by a blank line, list items start
    with "- " (or "1. " in an ordered list) and a link's address follows its
    text in angle brackets when the two differ. Raises like ``sanitise_html``.
    """
    return _extract_text(sanitise_html(html), decorate=True)


def word_count(html: str) -> int:
    """Number of words in the sanitised text of ``html``.

    Words are runs of characters between Unicode whitespace, so Swedish,
    Arabic and other space-separated scripts count naturally. Link addresses
    and list markers are not counted. Raises like ``sanitise_html``.
    """
    return len(_extract_text(sanitise_html(html), decorate=False).split())


# --- pipeline --------------------------------------------------------------


class _DepthLimitedTreeBuilder(getTreeBuilder("etree")):
    """html5lib's ElementTree builder that refuses to nest past a limit.

    Every element the parser opens (including elements re-opened while
    repairing misnested formatting tags) goes through one of these methods.
    """

    def insertElementNormal(self, token):
        element = super().insertElementNormal(token)
        self._check_depth()
        return element

    def insertElementTable(self, token):
        element = super().insertElementTable(token)
        self._check_depth()
        return element

    def _check_depth(self) -> None:
        # The fragment parser's own root element is on the stack too.
        if len(self.openElements) > MAX_NESTING_DEPTH + 1:
            raise ValueError(
                f"HTML is nested more than {MAX_NESTING_DEPTH} elements deep."
            )


class _AttributeLimitedTokenizer(html5lib_shim.HTMLTokenizer):
    """html5lib's tokenizer that refuses tags with too many attributes.

    Every new attribute is appended to the current tag and then read in
    ``attributeNameState``, so checking there bounds the duplicate-name scan.
    """

    def attributeNameState(self):
        if len(self.currentToken["data"]) > MAX_ATTRIBUTES_PER_TAG:
            raise ValueError(
                f"An HTML tag has more than {MAX_ATTRIBUTES_PER_TAG} attributes."
            )
        return super().attributeNameState()


class _Parser(html5lib_shim.HTMLParser):
    def reset(self):
        # html5lib's parse creates a plain tokenizer and then calls reset()
        # before reading any input; that is the one place to swap in the
        # limited subclass (same state, one overridden method) without
        # copying html5lib's parse loop. tests/test_sanitise.py checks
        # that the limit still applies.
        tokenizer = getattr(self, "tokenizer", None)
        if type(tokenizer) is html5lib_shim.HTMLTokenizer:
            tokenizer.__class__ = _AttributeLimitedTokenizer
        super().reset()


def _parse(html: str):
    # A parser keeps state while parsing, so each call gets its own.
    parser = _Parser(tree=_DepthLimitedTreeBuilder, namespaceHTMLElements=False)
    return parser.parseFragment(html)


def _clean_once(html: str) -> str:
    if not html:
        return ""
    stream = html5lib_shim.getTreeWalker("etree")(_parse(html))
    stream = _DropElementsWithContent(stream)
    stream = _SanitizerFilter(
        source=stream,
        allowed_tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_protocols=ALLOWED_PROTOCOLS,
        strip_disallowed_tags=True,
        strip_html_comments=True,
    )
    stream = _LinkPolicy(stream)
    serializer = html5lib_shim.HTMLSerializer(
        quote_attr_values="always",
        omit_optional_tags=False,
        escape_lt_in_attrs=True,
        escape_rcdata=True,
        resolve_entities=False,
        sanitize=False,
        alphabetical_attributes=False,
    )
    return serializer.render(stream)


def _is_html(token: dict) -> bool:
    return token.get("namespace") in (None, _HTML_NAMESPACE)


class _DropElementsWithContent(html5lib_shim.Filter):
    """Drop whole subtrees of dangerous or non-HTML elements.

    The tree walker emits balanced start/end tokens (void elements come as a
    single ``EmptyTag``), so counting depth inside a dropped subtree is exact.
    """

    def __iter__(self) -> Iterator[dict]:
        depth = 0
        for token in super().__iter__():
            kind = token["type"]
            if depth:
                if kind == "StartTag":
                    depth += 1
                elif kind == "EndTag":
                    depth -= 1
                continue
            if kind in ("StartTag", "EmptyTag") and (
                not _is_html(token) or token["name"].lower() in DROP_WITH_CONTENT
            ):
                if kind == "StartTag":
                    depth = 1
                continue
            if kind == "EndTag" and not _is_html(token):
                continue
            yield token


# bleach's choice for control characters in text: visible, never interpreted.
_INVISIBLE_TO_REPLACEMENT = {c: "?" for c in range(32) if chr(c) not in "\t\n\r"}


class _SanitizerFilter(BleachSanitizerFilter):
    """bleach's sanitizer for a tree parsed by a standard HTML parser.

    bleach's own parser leaves character references undecoded and this
    method turns them back into entity tokens. Here the parser has already
    decoded them, so only the invisible-character replacement is kept:
    otherwise typed text such as "&amp;lt;" would change meaning.
    """

    def sanitize_characters(self, token: dict) -> dict:
        data = token.get("data", "")
        if data:
            token["data"] = data.translate(_INVISIBLE_TO_REPLACEMENT)
        return token


def _safe_href(value: str) -> str | None:
    normalised = _URL_TAB_NEWLINE_RE.sub("", value.strip(_URL_TRIM))
    if _SAFE_HREF_RE.match(normalised):
        return normalised
    return None


class _LinkPolicy(html5lib_shim.Filter):
    """Strict hrefs and a fixed ``rel`` on links; keep ``pre``'s first newline.

    A parser drops one newline directly after ``<pre>``, so a ``pre`` whose
    text starts with a newline is written with an extra one to keep the
    output stable when it is parsed again.
    """

    def __iter__(self) -> Iterator[dict]:
        after_pre = False
        for token in super().__iter__():
            kind = token["type"]
            if (
                after_pre
                and kind in ("Characters", "SpaceCharacters")
                and token["data"].startswith("\n")
            ):
                token = {**token, "data": "\n" + token["data"]}
            after_pre = kind == "StartTag" and token["name"] == "pre"
            if kind == "StartTag" and token["name"] == "a":
                attrs = {}
                href = _safe_href(token["data"].get((None, "href"), ""))
                if href is not None:
                    attrs[(None, "href")] = href
                attrs[(None, "rel")] = LINK_REL
                token = {**token, "data": attrs}
            yield token


# --- plain text --------------------------------------------------------------


def _extract_text(clean_html: str, *, decorate: bool) -> str:
    """Text of already sanitised HTML, with blocks on their own lines."""
    out: list[str] = []
    pending_newlines = 0
    at_line_start = True
    in_pre = 0
    lists: list[int | None] = []  # None for ul, next number for ol
    link_href: str | None = None
    link_text: list[str] = []

    def write(text: str) -> None:
        nonlocal pending_newlines, at_line_start
        if not in_pre:
            text = _WHITESPACE_RE.sub(" ", text)
            if at_line_start:
                text = text.lstrip(" ")
        if not text:
            return
        if pending_newlines and out:
            out.append("\n" * pending_newlines)
        pending_newlines = 0
        out.append(text)
        at_line_start = text.endswith("\n")
        if link_href is not None:
            link_text.append(text)

    def line_break(count: int) -> None:
        nonlocal pending_newlines, at_line_start
        pending_newlines = max(pending_newlines, count)
        at_line_start = True

    for token in html5lib_shim.getTreeWalker("etree")(_parse(clean_html)):
        kind = token["type"]
        name = token.get("name")
        if kind in ("Characters", "SpaceCharacters"):
            write(token["data"])
        elif kind == "EmptyTag" and name == "br":
            # Unlike block breaks, consecutive <br>s each start a new line.
            if out:
                out.append("\n" * max(pending_newlines, 1))
            pending_newlines = 0
            at_line_start = True
        elif kind == "StartTag":
            if name == "li":
                line_break(1)
                if decorate:
                    number = lists[-1] if lists else None
                    if number is None:
                        write("- ")
                    else:
                        write(f"{number}. ")
                        lists[-1] = number + 1
            elif name in _BLOCK_TAGS:
                line_break(1 if lists else 2)
                if name in ("ul", "ol"):
                    lists.append(None if name == "ul" else 1)
                elif name == "pre":
                    in_pre += 1
            elif name == "a":
                link_href = token["data"].get((None, "href"))
                link_text = []
        elif kind == "EndTag":
            if name == "li":
                line_break(1)
            elif name in _BLOCK_TAGS:
                if name in ("ul", "ol") and lists:
                    lists.pop()
                elif name == "pre" and in_pre:
                    in_pre -= 1
                line_break(1 if lists else 2)
            elif name == "a":
                href = link_href
                link_href = None
                if (
                    decorate
                    and href
                    and _link_label(href) != "".join(link_text).strip()
                ):
                    write(f" <{_link_label(href)}>")

    lines = "".join(out).split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _link_label(href: str) -> str:
    return href[len("mailto:") :] if href.lower().startswith("mailto:") else href
