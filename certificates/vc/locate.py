"""Find which part of a JSON document causes a finding, by removal probes.

A finding is something a check reports about a whole document without saying
where (PyLD's dropped-property hook, a walk of the expanded form). A key or an
array item is to blame for a finding when removing it from a copy makes the
finding disappear without making any new one appear. The search goes top-down
and descends only into subtrees that are to blame and that mention the
offending key or string, so a document with one mistake costs a few probes.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

Token = str | int
Path = tuple[Token, ...]
# (kind, term): term is the offending key, type, IRI or value, when known.
Signature = tuple[str, str | None]
Measure = Callable[[dict], Counter[Signature] | None]


@dataclass(frozen=True, slots=True)
class Located:
    """Where one finding comes from.

    ``path`` is None when it was not found; ``inside`` means the search ran out
    of budget and the finding is somewhere within ``path``.
    """

    signature: Signature
    path: Path | None
    inside: bool = False


def locate_findings(
    document: dict,
    findings: Counter[Signature],
    *,
    measure: Measure,
    max_work: int,
) -> list[Located]:
    """Locate each of ``findings`` (with multiplicity) in ``document``.

    ``measure(probe)`` re-runs the check on a modified copy and returns its
    findings, or None if the probe cannot be checked. Each probe costs the
    number of JSON values in the document; the search stops after
    ``max_work``. Does not modify ``document``.
    """
    located: list[Located] = []
    document_size = count_values(document)
    work_left = [max_work]
    mentioned_anywhere = _mentions(document)

    def findings_without(tokens: Path) -> Counter[Signature] | None:
        if work_left[0] < document_size:
            return None
        work_left[0] -= document_size
        return measure(without(document, tokens))

    def may_hold(token: Token, child: Any, suspects: Counter[Signature]) -> bool:
        # Findings name the key or string they come from, so a subtree that
        # mentions none of them cannot be to blame; skipping it saves a probe.
        terms = set()
        for _, term in suspects:
            if term is None or term.lower() not in mentioned_anywhere:
                return True
            terms.add(term.lower())
        return bool(terms & ({str(token).lower()} | _mentions(child)))

    def search(node: Any, tokens: Path, suspects: Counter[Signature]) -> Counter:
        explained: Counter[Signature] = Counter()
        for token, child in _children(node):
            unexplained = suspects - explained
            if not unexplained:
                break
            if not may_hold(token, child, unexplained):
                continue
            child_tokens = (*tokens, token)
            remaining = findings_without(child_tokens)
            if remaining is None or remaining == findings:
                continue
            if remaining - findings:
                # Removing it made other data undefined (it was a ``type`` that
                # brings a scoped context): not to blame itself, but an item
                # inside it may be.
                explained += search(child, child_tokens, unexplained)
                continue
            cleared = (findings - remaining) & unexplained
            if not cleared:
                continue
            deeper = search(child, child_tokens, cleared)
            inside = work_left[0] < document_size
            located.extend(
                Located(signature, child_tokens, inside)
                for signature in (cleared - deeper).elements()
            )
            explained += cleared
        return explained

    explained = search(document, (), findings)
    located.extend(
        Located(signature, None) for signature in (findings - explained).elements()
    )
    return located


def without(document: dict, tokens: Path) -> dict:
    """A deep copy of ``document`` with the key or item at ``tokens`` removed."""
    probe = copy.deepcopy(document)
    parent: Any = probe
    for token in tokens[:-1]:
        parent = parent[token]
    del parent[tokens[-1]]
    return probe


def count_values(node: Any) -> int:
    """The number of JSON values in ``node``, containers included."""
    count = 0
    stack = [node]
    while stack:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def _mentions(node: Any) -> set[str]:
    """Every key and string in ``node``, in lower case (language tags are)."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.update(key.lower() for key in item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            found.add(item.lower())
    return found


def _children(node: Any) -> Iterator[tuple[Token, Any]]:
    if isinstance(node, dict):
        # In a value object the qualifiers (@language, @direction) are more
        # likely to blame than the value, and removing either clears a finding.
        for key in sorted(node, key=lambda key: key == "@value"):
            if key != "@context":
                yield key, node[key]
    elif isinstance(node, list):
        yield from enumerate(node)
