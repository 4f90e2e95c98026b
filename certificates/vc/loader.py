"""A PyLD document loader that serves only the pinned JSON-LD contexts.

Contexts are never fetched at run time: a remote context could change the
meaning of every signed credential, or make verification depend on a third
party's server. The files in ``contexts/`` are byte-for-byte copies of the
published contexts; each is checked against its SHA-256 digest when first
read, then parsed once and kept in memory.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from certificates.vc.errors import ContextIntegrityError, ContextNotAllowedError

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
STATUS_LIST_V1 = "https://www.w3.org/ns/credentials/status/v1"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"


@dataclass(frozen=True, slots=True)
class PinnedContext:
    """A context file shipped in the repository and its expected SHA-256."""

    filename: str
    sha256: str


PINNED_CONTEXTS: Mapping[str, PinnedContext] = {
    CREDENTIALS_V2: PinnedContext(
        "credentials-v2.jsonld",
        "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f",
    ),
    OB_V3P0_CONTEXT: PinnedContext(
        "ob-context-3.0.3.json",
        "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
    ),
    STATUS_LIST_V1: PinnedContext(
        "bsl-v1.jsonld",
        "fd08cbf28ddd829ab2f1978c48f43ab07a112c1c90245a0cfac7ba721c65170c",
    ),
    EXAMPLES_V2: PinnedContext(
        "examples-v2.jsonld",
        "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c",
    ),
}


class PinnedDocumentLoader:
    """Callable PyLD document loader over a fixed set of context files.

    ``loader(url, options)`` returns a PyLD ``RemoteDocument`` for a pinned URL
    (exact string match, no redirects, no scheme or trailing-slash variants).
    It raises ContextNotAllowedError for any other URL and ContextIntegrityError
    when a file does not match its digest. It never touches the network.
    Thread-safe; each call returns a fresh copy, so callers may mutate it.
    """

    def __init__(
        self,
        *,
        contexts: Mapping[str, PinnedContext] = PINNED_CONTEXTS,
        directory: Path = CONTEXTS_DIR,
    ) -> None:
        self._contexts = dict(contexts)
        self._urls = frozenset(self._contexts)
        self._directory = directory
        self._parsed: dict[str, Any] = {}
        self._lock = threading.Lock()

    @property
    def urls(self) -> frozenset[str]:
        """The URLs this loader serves."""
        return self._urls

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict:
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": copy.deepcopy(self.load(url)),
        }

    def load(self, url: str) -> Any:
        """Return the parsed context for ``url`` (shared; do not mutate it).

        Raises ContextNotAllowedError or ContextIntegrityError.
        """
        parsed = self._parsed.get(url)
        if parsed is not None:
            return parsed
        pinned = self._contexts.get(url) if isinstance(url, str) else None
        if pinned is None:
            raise ContextNotAllowedError(
                f"JSON-LD context {url!r} is not pinned; only "
                f"{', '.join(sorted(self._contexts))} may be used"
            )
        with self._lock:
            parsed = self._parsed.get(url)
            if parsed is None:
                raw = (self._directory / pinned.filename).read_bytes()
                digest = hashlib.sha256(raw).hexdigest()
                if digest != pinned.sha256:
                    raise ContextIntegrityError(
                        f"pinned context {pinned.filename} has SHA-256 {digest}, "
                        f"expected {pinned.sha256}"
                    )
                parsed = json.loads(raw)
                self._parsed[url] = parsed
        return parsed


document_loader = PinnedDocumentLoader()
