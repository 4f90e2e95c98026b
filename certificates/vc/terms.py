"""Refuse JSON-LD data that a Data Integrity signature would not cover.

A Data Integrity signature covers the canonical N-Quads of a document, not its
JSON. Whatever JSON-LD expansion or RDF conversion silently discards is
therefore unsigned, and could be altered without breaking the signature:

- properties that no context defines (PyLD drops them),
- ``null`` values,
- relative IRIs (an ``id``, a ``type`` or an ``@id``-typed value without a
  scheme: the RDF conversion drops the statement, or the whole node),
- ``@index`` and ``@direction`` (not represented in the RDF under the
  cryptosuite's default options).

:func:`assert_all_terms_defined` finds all of these, and
:func:`certificates.vc.canonical.canonicalize` runs the same check before it
canonicalises, so signing and verifying both refuse such a document.

How the check works, in three passes:

1. A walk of the JSON input, with exact paths. Findings: ``null`` values and
   keywords other than ``@context @id @type @value @language @list @set``.
   Refused at once: size and depth over the limits, values that are not JSON,
   control characters, and any ``@context`` that is not a pinned URL.
2. PyLD expansion with its ``on_property_dropped`` hook, which PyLD calls for
   every key it ignores; the hook reports the term but not where it was.
3. A walk of the expanded form: every node ``@id`` must be an absolute IRI or
   a blank node, every property and ``@type`` an absolute ``http(s)`` IRI,
   every datatype an absolute IRI, every IRI free of characters N-Quads cannot
   carry, every language tag well formed; no ``@index`` or ``@direction``.

Findings of passes 2 and 3 are located in the input by removal probes
(:mod:`certificates.vc.locate`) within ``MAX_LOCATE_WORK``. Findings not
located in that budget, or that move rather than disappear when their cause
is removed, are reported by term without a path.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

from cachetools import LRUCache
from pyld.context_resolver import ContextResolver
from pyld.jsonld import JsonLdError, JsonLdProcessor

from certificates.vc.errors import (
    CanonicalizationError,
    ContextIntegrityError,
    ContextNotAllowedError,
    DocumentTooLargeError,
    TermProblem,
    UndefinedTermError,
    VcError,
)
from certificates.vc.loader import document_loader
from certificates.vc.locate import Path, Signature, Token, locate_findings, without

# Limits on the JSON input; they bound the work an untrusted document causes.
MAX_DEPTH = 32
MAX_VALUES = 2_000
MAX_STRING_LENGTH = 1_000_000
MAX_TOTAL_CHARACTERS = 4_000_000
# Work spent locating findings in the input (error path only), counted in
# JSON values expanded: one probe of an 80-value credential costs 80.
MAX_LOCATE_WORK = 25_000

ALLOWED_KEYWORDS = frozenset(
    {"@context", "@id", "@type", "@value", "@language", "@list", "@set"}
)
VOCABULARY_SCHEMES = frozenset({"http", "https"})
# Drafts of the VC 2.0 context mapped every otherwise undefined term into this
# namespace with "@vocab"; an IRI here means the term was not defined.
REJECTED_VOCABULARY_PREFIXES = ("https://www.w3.org/ns/credentials/issuer-dependent#",)

_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# Characters that an N-Quads IRIREF cannot hold unescaped; PyLD does not escape.
_BAD_IRI_CHAR_RE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LANGUAGE_TAG_RE = re.compile(r"[a-zA-Z]+(-[a-zA-Z0-9]+)*")
# Control characters (other than LF and CR) are escaped differently by RDF
# canonicalisation libraries, and lone surrogates cannot be hashed as UTF-8.
_UNSUPPORTED_CHAR_RE = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_SIMPLE_KEY_RE = re.compile(r"[A-Za-z_@$][A-Za-z0-9_@$:\-]*")

# What PyLD raises, besides JsonLdError, on input shapes it does not expect.
PYLD_INPUT_ERRORS = (TypeError, ValueError, KeyError, AttributeError, IndexError)

_local = threading.local()


def assert_all_terms_defined(document: dict, *, locate_paths: bool = True) -> None:
    """Check that everything in ``document`` would be covered by a signature.

    Returns None when it is. With ``locate_paths`` the findings name where they
    are in the input; without, they name only the term (cheaper).

    Raises UndefinedTermError listing every finding, ContextNotAllowedError,
    DocumentTooLargeError, or CanonicalizationError (refused outright: not
    JSON, not JSON-LD, control characters); ContextIntegrityError if a pinned
    context file was altered. Does not modify ``document``.
    """
    expand_checked(document, locate_paths=locate_paths)


def format_path(tokens: Path | list[Token]) -> str:
    """Render path tokens as ``credentialSubject.identifier[0].salt``."""
    out = ""
    for token in tokens:
        if isinstance(token, int):
            out += f"[{token}]"
        elif _SIMPLE_KEY_RE.fullmatch(token):
            out += f".{token}" if out else token
        else:
            out += "[" + _quote(token) + "]"
    return out or "(document)"


def expand_checked(document: Any, *, locate_paths: bool) -> list:
    """Expand ``document`` after checking it as :func:`assert_all_terms_defined` does.

    Returns the JSON-LD expanded form. Raises what that function raises.
    """
    problems, refused_keys = _check_input(document)
    # Keys already reported (unsupported keywords, null values) are taken out so
    # that PyLD does not report them again; removing object keys, unlike array
    # items, leaves every other path unchanged.
    target = document
    for tokens in refused_keys:
        target = without(target, tokens)
    expanded, dropped = _expand(target)
    findings = Counter(dropped) + Counter(_check_expanded(expanded))
    if findings and locate_paths:
        located = locate_findings(
            target, findings, measure=_measure, max_work=MAX_LOCATE_WORK
        )
        problems.extend(
            _problem(*item.signature, item.path, inside=item.inside) for item in located
        )
    elif findings:
        problems.extend(_problem(*signature, None) for signature in findings.elements())
    if problems:
        problems.sort(key=lambda problem: (problem.path or "~", problem.kind))
        raise UndefinedTermError(problems)
    return expanded


def jsonld_options() -> dict[str, Any]:
    """PyLD options: pinned contexts only, no base IRI (relative IRIs stay so)."""
    # cachetools caches are not thread-safe, so each thread keeps its own
    # resolved-context cache; PyLD's module-level cache is never used.
    resolver = getattr(_local, "resolver", None)
    if resolver is None:
        resolver = ContextResolver(LRUCache(maxsize=64), document_loader)
        _local.resolver = resolver
    return {
        "base": None,
        "documentLoader": document_loader,
        "contextResolver": resolver,
        "processingMode": "json-ld-1.1",
    }


def _expand(document: Any) -> tuple[list, list[Signature]]:
    dropped: list[Signature] = []

    def on_property_dropped(term: str | None) -> None:
        dropped.append(("undefined_property", term))

    processor = JsonLdProcessor(on_property_dropped=on_property_dropped)
    try:
        expanded = processor.expand(document, jsonld_options())
    except JsonLdError as error:
        raise translate_jsonld_error(error) from error
    except RecursionError as error:
        raise DocumentTooLargeError("document is nested too deeply") from error
    except PYLD_INPUT_ERRORS as error:
        raise CanonicalizationError(f"not valid JSON-LD ({error!r})") from error
    return expanded, dropped


def _measure(document: dict) -> Counter[Signature] | None:
    try:
        expanded, dropped = _expand(document)
    except CanonicalizationError:
        return None
    return Counter(dropped) + Counter(_check_expanded(expanded))


def translate_jsonld_error(error: JsonLdError) -> VcError:
    """The package error for a PyLD error, keeping a refused context as such."""
    cause: BaseException | None = error
    messages = []
    while cause is not None:
        if isinstance(cause, ContextNotAllowedError | ContextIntegrityError):
            return type(cause)(str(cause))
        if isinstance(cause, JsonLdError):
            code = f" [{cause.code}]" if cause.code else ""
            messages.append(f"{cause.args[0] if cause.args else cause.type}{code}")
        cause = cause.__cause__ or cause.__context__
    return CanonicalizationError("not valid JSON-LD: " + " <- ".join(messages))


# Pass 1: the JSON input.


def _check_input(
    document: Any,
) -> tuple[list[TermProblem], list[Path]]:
    if not isinstance(document, dict):
        raise CanonicalizationError("a JSON-LD document must be a JSON object")
    problems: list[TermProblem] = []
    refused_keys: list[Path] = []
    values = 0
    characters = 0
    stack: list[tuple[Any, Path]] = [(document, ())]
    while stack:
        value, path = stack.pop()
        values += 1
        if values > MAX_VALUES:
            raise DocumentTooLargeError(f"document has more than {MAX_VALUES} values")
        if len(path) > MAX_DEPTH:
            raise DocumentTooLargeError(f"document is nested deeper than {MAX_DEPTH}")
        if isinstance(value, dict):
            for key, child in value.items():
                if not isinstance(key, str):
                    raise CanonicalizationError(
                        f"{format_path(path)}: object keys must be strings"
                    )
                characters += len(key)
                _check_string(key, path)
                child_path = (*path, key)
                if key == "@context":
                    _check_context(child, child_path)
                elif key.startswith("@") and key not in ALLOWED_KEYWORDS:
                    problems.append(_problem("unsupported_keyword", key, child_path))
                    refused_keys.append(child_path)
                else:
                    stack.append((child, child_path))
        elif isinstance(value, list):
            stack.extend((child, (*path, index)) for index, child in enumerate(value))
        elif value is None:
            problems.append(_problem("null_value", _last_key(path), path))
            if path and isinstance(path[-1], str):
                refused_keys.append(path)
        elif isinstance(value, str):
            characters += len(value)
            _check_string(value, path)
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise CanonicalizationError(
                    f"{format_path(path)}: numbers must be finite"
                )
        elif not isinstance(value, int):  # bool is an int
            raise CanonicalizationError(
                f"{format_path(path)}: {type(value).__name__} is not a JSON value"
            )
        if characters > MAX_TOTAL_CHARACTERS:
            raise DocumentTooLargeError(
                f"document has more than {MAX_TOTAL_CHARACTERS} characters"
            )
    return problems, refused_keys


def _check_string(value: str, path: Path) -> None:
    if len(value) > MAX_STRING_LENGTH:
        raise DocumentTooLargeError(
            f"{format_path(path)}: string longer than {MAX_STRING_LENGTH}"
        )
    bad = _UNSUPPORTED_CHAR_RE.search(value)
    if bad:
        raise CanonicalizationError(
            f"{format_path(path)}: unsupported character U+{ord(bad.group()):04X}"
        )


def _check_context(value: Any, path: Path) -> None:
    urls = value if isinstance(value, list) else [value]
    for url in urls:
        if not isinstance(url, str):
            raise ContextNotAllowedError(
                f"{format_path(path)}: only pinned context URLs are allowed, "
                "not inline contexts or null"
            )
        if url not in document_loader.urls:
            raise ContextNotAllowedError(
                f"{format_path(path)}: JSON-LD context {url!r} is not pinned"
            )


# Pass 3: the expanded form.


def _check_expanded(expanded: list) -> Iterator[Signature]:
    stack: list[Any] = [expanded]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        if "@value" in item:
            yield from _check_value_object(item)
            continue
        if "@list" in item:
            if "@index" in item:
                yield ("unsigned_index", _text(item["@index"]))
            stack.append(item["@list"])
            continue
        for key, value in item.items():
            if key == "@id":
                yield from _check_node_id(value)
            elif key == "@type":
                for type_iri in value:
                    if not _is_vocabulary_iri(type_iri):
                        yield ("undefined_type", _text(type_iri))
            elif key in ("@graph", "@included"):
                stack.append(value)
            elif key == "@reverse":
                for property_iri, values in value.items():
                    if not _is_vocabulary_iri(property_iri):
                        yield ("undefined_property", property_iri)
                    stack.append(values)
            elif key == "@index":
                yield ("unsigned_index", _text(value))
            elif key.startswith("@"):
                yield ("unsupported_keyword", key)
            elif not _is_vocabulary_iri(key):
                yield ("undefined_property", key)
            else:
                stack.append(value)


def _check_value_object(item: dict) -> Iterator[Signature]:
    datatype = item.get("@type")
    if datatype is not None and datatype != "@json" and not _is_iri(datatype):
        yield ("invalid_datatype", _text(datatype))
    language = item.get("@language")
    if language is not None and not (
        isinstance(language, str) and _LANGUAGE_TAG_RE.fullmatch(language)
    ):
        yield ("invalid_language", _text(language))
    if "@direction" in item:
        yield ("unsigned_direction", _text(item["@direction"]))
    if "@index" in item:
        yield ("unsigned_index", _text(item["@index"]))


def _check_node_id(value: Any) -> Iterator[Signature]:
    if not isinstance(value, str):
        yield ("invalid_iri", _text(value))
    elif value.startswith("_:"):
        return
    elif not _SCHEME_RE.match(value):
        yield ("relative_iri", value)
    elif _BAD_IRI_CHAR_RE.search(value):
        yield ("invalid_iri", value)


def _is_iri(value: Any) -> bool:
    return (
        isinstance(value, str)
        and _SCHEME_RE.match(value) is not None
        and not _BAD_IRI_CHAR_RE.search(value)
    )


def _is_vocabulary_iri(value: Any) -> bool:
    if not _is_iri(value):
        return False
    scheme = _SCHEME_RE.match(value).group(1).lower()
    return scheme in VOCABULARY_SCHEMES and not value.startswith(
        REJECTED_VOCABULARY_PREFIXES
    )


_DETAILS = {
    "undefined_property": "property {term} is not defined by the document's contexts",
    "undefined_type": "type {term} is not defined by the document's contexts",
    "relative_iri": "{term} is not an absolute IRI, so its statements are dropped",
    "invalid_iri": "{term} contains characters an IRI cannot hold",
    "invalid_datatype": "datatype {term} is not an absolute IRI",
    "invalid_language": "language tag {term} is not well formed",
    "unsigned_index": "@index values are not signed",
    "unsigned_direction": "@direction values are not signed",
    "unsupported_keyword": "keyword {term} is not supported",
    "null_value": "null values are dropped and not signed",
}


def _problem(
    kind: str,
    term: str | None,
    tokens: Path | None,
    *,
    inside: bool = False,
) -> TermProblem:
    if term is None and tokens and isinstance(tokens[-1], str) and not inside:
        term = tokens[-1]
    shown = _quote(term) if term is not None else "(unnamed)"
    detail = _DETAILS.get(kind, kind).format(term=shown)
    if inside:
        detail = f"somewhere in here, {detail}"
    return TermProblem(
        kind=kind,
        term=term,
        path=format_path(tokens) if tokens is not None else None,
        detail=detail,
    )


def _last_key(path: Path) -> str | None:
    for token in reversed(path):
        if isinstance(token, str):
            return token
    return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
