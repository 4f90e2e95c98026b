"""RDF Dataset Canonicalization (RDFC-1.0) of JSON-LD with pinned contexts.

The canonical N-Quads are what a Data Integrity proof signs. Before
canonicalising, :func:`canonicalize` checks the document exactly as
:func:`certificates.vc.terms.assert_all_terms_defined` (re-exported here)
does, so no caller can sign or verify data the canonical form leaves out.

PyLD's URDNA2015 implementation is used: RDFC-1.0 is that algorithm
standardised, and the published test vectors reproduce with it.
"""

from __future__ import annotations

import math

from pyld.canon import URDNA2015
from pyld.jsonld import JsonLdError, JsonLdProcessor

from certificates.vc.errors import CanonicalizationError, DocumentTooLargeError
from certificates.vc.terms import (
    PYLD_INPUT_ERRORS,
    assert_all_terms_defined,
    expand_checked,
    jsonld_options,
    translate_jsonld_error,
)

__all__ = ["assert_all_terms_defined", "canonicalize"]

# Limits on RDFC-1.0: blank nodes whose first-degree hashes collide are ordered
# by trying permutations, which a crafted ("poison") graph makes factorial.
MAX_BLANK_NODES = 256
MAX_RDFC_PERMUTATIONS = 20_000


def canonicalize(document: dict, *, locate_paths: bool = True) -> str:
    """Return the RDFC-1.0 canonical N-Quads of a JSON-LD document.

    Contexts come from the pinned loader only. The document is checked first,
    exactly as :func:`assert_all_terms_defined` does (``locate_paths`` is passed
    on). Does not modify
    ``document``; deterministic.

    Raises UndefinedTermError, ContextNotAllowedError, DocumentTooLargeError,
    or CanonicalizationError (not a JSON object, not valid JSON-LD); and
    ContextIntegrityError if a pinned context file was altered.
    """
    expanded = expand_checked(document, locate_paths=locate_paths)
    processor = JsonLdProcessor()
    options = jsonld_options()
    options["produceGeneralizedRdf"] = False
    try:
        dataset = processor.to_rdf(expanded, options)
    except JsonLdError as error:
        raise translate_jsonld_error(error) from error
    except RecursionError as error:
        raise DocumentTooLargeError("document is nested too deeply") from error
    except PYLD_INPUT_ERRORS as error:
        raise CanonicalizationError(f"not valid JSON-LD ({error!r})") from error
    _check_blank_nodes(dataset)
    try:
        return _BoundedCanonicalizer().main(dataset, {"format": "application/n-quads"})
    except RecursionError as error:
        raise DocumentTooLargeError(
            "RDF canonicalisation recursed too deeply"
        ) from error


def _check_blank_nodes(dataset: dict) -> None:
    blank_nodes = set()
    for graph_name, triples in dataset.items():
        if graph_name.startswith("_:"):
            blank_nodes.add(graph_name)
        for triple in triples:
            for position in ("subject", "object"):
                component = triple[position]
                if component["type"] == "blank node":
                    blank_nodes.add(component["value"])
    if len(blank_nodes) > MAX_BLANK_NODES:
        raise DocumentTooLargeError(
            f"document has more than {MAX_BLANK_NODES} blank nodes"
        )


class _BoundedCanonicalizer(URDNA2015):
    """PyLD's URDNA2015 (the algorithm RDFC-1.0 standardised) with a work cap.

    Hash N-Degree Quads tries every permutation of each group of related blank
    nodes; the groups are known before the loop runs, so their factorials are
    charged against ``MAX_RDFC_PERMUTATIONS`` up front.
    """

    def __init__(self) -> None:
        super().__init__()
        self._permutations_left = MAX_RDFC_PERMUTATIONS

    def create_hash_to_related(self, id_, issuer):
        hash_to_related = super().create_hash_to_related(id_, issuer)
        for blank_nodes in hash_to_related.values():
            if len(blank_nodes) > 8:
                self._permutations_left = -1
            else:
                self._permutations_left -= math.factorial(len(blank_nodes))
            if self._permutations_left < 0:
                raise DocumentTooLargeError(
                    "RDF canonicalisation needs too much work (blank nodes "
                    "that cannot be told apart)"
                )
        return hash_to_related
