"""config.sanitise against a corpus of hostile HTML, checked by parsing the output."""

import html
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bleach import html5lib_shim

from config.sanitise import (
    ALLOWED_TAGS,
    MAX_ATTRIBUTES_PER_TAG,
    MAX_HTML_CHARS,
    MAX_NESTING_DEPTH,
    html_to_text,
    sanitise_html,
    word_count,
)

PAYLOAD_FILE = Path(__file__).parent / "data" / "xss_payloads.txt"
PLACEHOLDERS = {
    "{NL}": "\n",
    "{CR}": "\r",
    "{TAB}": "\t",
    "{NUL}": "\x00",
    "{FF}": "\x0c",
    "{ESC}": "\x1b",
}


def load_payloads() -> list[str]:
    payloads = []
    for line in PAYLOAD_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        for placeholder, char in PLACEHOLDERS.items():
            line = line.replace(placeholder, char)
        payloads.append(line)
    return payloads


PAYLOADS = load_payloads()


def parse(markup: str):
    """Parse like a browser does (html5lib, the parser bleach ships)."""
    parser = html5lib_shim.HTMLParser(namespaceHTMLElements=False)
    return parser.parseFragment(markup)


def elements(root):
    return [el for el in root.iter() if isinstance(el.tag, str)]


def text_of(root) -> str:
    return "".join(root.itertext())


def browser_href(value: str) -> str:
    """What a browser's URL parser would see, made stricter still."""
    value = html.unescape(value)
    # Drop C0 controls, space, DEL, C1 controls, NBSP, soft hyphen and the
    # invisible/bidi formatting characters wherever they are.
    value = re.sub(
        r"[\x00-\x20\x7f-\xa0\xad\u200b-\u200f\u2028-\u202e\ufeff]", "", value
    )
    return value.lower()


def script_bodies(markup: str) -> list[str]:
    """Text a browser would treat as script or style in the original input."""
    bodies = []
    for el in elements(parse(markup)):
        local_name = el.tag.rsplit("}", 1)[-1].lower()
        if local_name in ("script", "style"):
            body = text_of(el).strip()
            if body:
                bodies.append(body)
    return bodies


def test_corpus_is_big_enough():
    assert len(PAYLOADS) >= 120
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_html_is_neutralised(payload):
    output = sanitise_html(payload)
    tree = parse(output)

    for el in elements(tree)[1:]:  # [0] is the fragment's own container
        assert el.tag in ALLOWED_TAGS, f"{el.tag!r} survived in {output!r}"
        for name in el.attrib:
            assert not name.lower().startswith("on"), output
        allowed_attributes = {"href", "rel"} if el.tag == "a" else set()
        assert set(el.attrib) <= allowed_attributes, output
        if el.tag == "a":
            assert el.attrib["rel"] == "noopener nofollow", output
            if "href" in el.attrib:
                href = browser_href(el.attrib["href"])
                assert urlsplit(href).scheme in {"http", "https", "mailto"}, output
                assert "script:" not in href, output

    output_text = text_of(tree)
    for body in script_bodies(payload):
        assert body not in output_text, f"script body {body!r} kept: {output!r}"
    assert not re.search(
        r"<\s*/?\s*(script|style|iframe|svg|math|img|object|embed|base|meta|form)\b",
        output,
        re.IGNORECASE,
    ), output
    assert "<!--" not in output

    assert sanitise_html(output) == output, "not idempotent"


def test_script_bodies_are_dropped_not_kept_as_text():
    assert sanitise_html("<script>alert(1)</script>") == ""
    assert sanitise_html("a<style>p{color:red}</style>b") == "ab"
    assert sanitise_html("<p>x<svg><script>alert(1)</script></svg>y</p>") == "<p>xy</p>"
    assert sanitise_html("<template><p>hidden</p></template>shown") == "shown"


def test_disallowed_tags_are_stripped_but_their_text_kept():
    assert sanitise_html("<div><span>Hej</span> <font>där</font></div>") == "Hej där"
    assert sanitise_html("<h1>Rubrik</h1>") == "Rubrik"


def test_allowed_markup_is_preserved():
    markup = (
        "<h2>Title</h2><h3>Sub</h3><h4>Minor</h4>"
        "<p><strong>a</strong> <b>b</b> <em>c</em> <i>d</i> <u>e</u> <s>f</s>"
        "<br>g <code>h()</code></p>"
        "<ul><li>one</li><li>two<ol><li>nested</li></ol></li></ul>"
        "<blockquote><p>quoted</p></blockquote>"
        "<pre><code>line 1\n  line 2</code></pre>"
    )
    assert sanitise_html(markup) == markup


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        (
            '<a href="https://example.org/a?b=1&amp;c=2">x</a>',
            '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener nofollow">x</a>',
        ),
        (
            '<a href="http://example.org" target="_blank" rel="opener">x</a>',
            '<a href="http://example.org" rel="noopener nofollow">x</a>',
        ),
        (
            '<a href="mailto:coach@example.se">mail</a>',
            '<a href="mailto:coach@example.se" rel="noopener nofollow">mail</a>',
        ),
        (
            '<a href="  HTTPS://example.org  ">x</a>',
            '<a href="HTTPS://example.org" rel="noopener nofollow">x</a>',
        ),
        # Relative links, fragments and other schemes lose their href.
        ('<a href="/admin/">x</a>', '<a rel="noopener nofollow">x</a>'),
        ('<a href="#top">x</a>', '<a rel="noopener nofollow">x</a>'),
        ('<a href="tel:+4612345">x</a>', '<a rel="noopener nofollow">x</a>'),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener nofollow">x</a>'),
        ("<a>x</a>", '<a rel="noopener nofollow">x</a>'),
    ],
)
def test_links(markup, expected):
    assert sanitise_html(markup) == expected


def test_comments_are_stripped():
    assert sanitise_html("<p>a<!-- secret -->b</p>") == "<p>ab</p>"


def test_text_that_looks_like_markup_keeps_its_meaning():
    assert (
        sanitise_html("1 &lt; 2 &amp;&amp; &amp;lt;") == "1 &lt; 2 &amp;&amp; &amp;lt;"
    )
    assert sanitise_html("fish & chips") == "fish &amp; chips"


@pytest.mark.parametrize(
    "markup",
    [
        "<p>Hej på dig! Åsa såg ödlan vid ån.</p>",
        '<p>مرحبا بكم في <a href="https://example.org/ar">الأكاديمية</a></p>',
        "<p>Blandat: svenska och العربية i samma mening.</p>",
    ],
)
def test_swedish_and_arabic_text_is_preserved(markup):
    output = sanitise_html(markup)
    assert text_of(parse(output)) == text_of(parse(markup))


@pytest.mark.parametrize(
    "markup",
    [
        # Stripping a tag can leave markup that parses into a different tree.
        "<ul><li>a<table><tr><td><li>b</li></td></tr></table></li></ul>",
        '<a href="https://a.example"><div><a href="https://b.example">b</a></div></a>',
        "<p>a<button><p>b</p></button></p>",
        "<h2>a<span><h3>b</h3></span></h2>",
        "<pre>\n\nleading newlines</pre>",
        "<pre><span>\nnewline after a stripped tag</span></pre>",
        "<b><p>misnested</b></p>",
        "<p>x\x01y\x7fz</p>",
        "<em>unclosed",
        "",
        "   ",
    ],
)
def test_output_is_idempotent(markup):
    once = sanitise_html(markup)
    assert sanitise_html(once) == once


def test_input_size_is_capped():
    at_limit = "a" * MAX_HTML_CHARS
    assert sanitise_html(at_limit) == at_limit
    with pytest.raises(ValueError, match="limit"):
        sanitise_html(at_limit + "a")
    with pytest.raises(ValueError, match="limit"):
        word_count(at_limit + "a")


def test_pathological_nesting_is_refused_quickly():
    # Unbounded, html5lib needs about a minute for 200,000 characters of this.
    assert sanitise_html(
        "<b>" * MAX_NESTING_DEPTH + "x"
    ) == "<b>" * MAX_NESTING_DEPTH + ("x" + "</b>" * MAX_NESTING_DEPTH)
    with pytest.raises(ValueError, match="nested"):
        sanitise_html("<div>" * 30_000)


def test_tags_with_too_many_attributes_are_refused():
    names = " ".join(f"a{i}" for i in range(MAX_ATTRIBUTES_PER_TAG))
    assert sanitise_html(f"<p {names}>x</p>") == "<p>x</p>"
    with pytest.raises(ValueError, match="attributes"):
        sanitise_html("<p " + "a=1 " * 30_000 + ">")


def test_non_string_input_is_refused():
    with pytest.raises(TypeError):
        sanitise_html(b"<p>x</p>")


def test_html_to_text():
    markup = (
        "<h2>Reflektion</h2><p>Första   stycket<br>ny rad.</p>"
        "<ul><li>ett</li><li>två</li></ul><ol><li>a</li><li>b</li></ol>"
        '<p>Se <a href="https://example.org/x">länken</a> och '
        '<a href="mailto:coach@example.se">coach@example.se</a>.</p>'
        "<script>alert(1)</script><p>&lt;slut&gt; &amp; klart</p>"
    )
    assert html_to_text(markup) == (
        "Reflektion\n\n"
        "Första stycket\nny rad.\n\n"
        "- ett\n- två\n\n"
        "1. a\n2. b\n\n"
        "Se länken <https://example.org/x> och coach@example.se.\n\n"
        "<slut> & klart"
    )


def test_html_to_text_keeps_preformatted_text():
    assert html_to_text("<pre>  a\n    b</pre><p>c</p>") == "  a\n    b\n\nc"


@pytest.mark.parametrize(
    ("markup", "count"),
    [
        ("", 0),
        ("<p>   </p>", 0),
        ("<p>Hej på dig</p>", 3),
        ("<p>ett</p><p>två</p>", 2),  # blocks never glue words together
        ("<p>ett<br>två</p>", 2),
        ("<ul><li>ett</li><li>två</li></ul>", 2),  # list markers do not count
        ('<p><a href="https://example.org">en länk</a></p>', 2),  # nor addresses
        ("<p>مرحبا بكم في الأكاديمية</p>", 4),
        ("<p>ord\u00a0med\u2003mellanslag\u3000här</p>", 4),  # Unicode spaces
        ("<p>a<script>one two three</script>b</p>", 1),
    ],
)
def test_word_count(markup, count):
    assert word_count(markup) == count
