"""Exceptions raised by the verifiable-credential package.

Every error derives from :class:`VcError`, so a caller can catch the whole family
at a boundary. :func:`certificates.vc.eddsa.verify` never raises these on bad
input: it turns them into a failed :class:`~certificates.vc.eddsa.VerificationResult`.
"""

from __future__ import annotations

from dataclasses import dataclass


class VcError(Exception):
    """Base class of every error in :mod:`certificates.vc`."""


class EncodingError(VcError, ValueError):
    """A multibase, base58btc, base64url or Multikey value is malformed."""


class KeyNotFound(VcError, LookupError):
    """A key resolver does not know the requested verification method."""


class ContextIntegrityError(VcError):
    """A pinned context file does not match its recorded SHA-256 digest.

    This is a broken deployment, not bad input, so verification lets it raise.
    """


class CanonicalizationError(VcError):
    """A document cannot be canonicalised (not JSON-LD, or refused by policy)."""


class ContextNotAllowedError(CanonicalizationError):
    """A JSON-LD context is not one of the pinned context URLs."""


class DocumentTooLargeError(CanonicalizationError):
    """A document exceeds a size, depth or canonicalisation work limit."""


@dataclass(frozen=True, slots=True)
class TermProblem:
    """One piece of a document that the signature would not cover faithfully.

    ``path`` is where it is in the compacted input (``credentialSubject.type[1]``),
    or ``None`` when it could not be located. ``term`` is the offending key, type
    or IRI; ``kind`` is a stable machine code; ``detail`` is for people.
    """

    kind: str
    term: str | None
    path: str | None
    detail: str

    def __str__(self) -> str:
        return self.detail if self.path is None else f"{self.path}: {self.detail}"


class UndefinedTermError(CanonicalizationError):
    """Some data in the document is not defined by its JSON-LD contexts.

    JSON-LD processors silently drop properties that no context defines and
    RDF conversion silently drops relative IRIs, so that data would not be
    signed. ``problems`` lists every finding.
    """

    def __init__(self, problems: list[TermProblem]) -> None:
        self.problems = list(problems)
        shown = "; ".join(str(problem) for problem in self.problems[:10])
        more = len(self.problems) - 10
        if more > 0:
            shown += f"; and {more} more"
        super().__init__(f"document has data its contexts do not define: {shown}")
