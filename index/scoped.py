"""A searcher seen through one user's rights.

`ScopedSearcher(searcher, viewer)` offers the reading methods the assistant, the quiz and the UI
use (search, get_unit, get_document, children, units, documents) and nothing else: every store
query carries the viewer's `must` filter (ktgs.access.restrict), and every catalog read drops the
units of documents the viewer may not see. It deliberately exposes no `catalog` or `store`, so code
that would read them directly gets no data instead of all of it (reference expansion is off for a
scoped viewer for that reason). Many viewers can share one loaded Searcher.
"""
from __future__ import annotations

from typing import Any

from ktgs.access import Viewer, restrict
from ktgs.contracts import Document, Hit, Unit
from ktgs.errors import KtgsError


class ScopedSearcher:
    def __init__(self, searcher: Any, viewer: Viewer):
        self._searcher = searcher
        self.viewer = viewer

    # what the assistant reads besides the methods below
    @property
    def settings(self) -> Any:
        return self._searcher.settings

    @property
    def embedder(self) -> Any:
        return self._searcher.embedder

    @property
    def embedder_name(self) -> str:
        return self._searcher.embedder_name

    @property
    def last_timings(self) -> dict[str, float]:
        return self._searcher.last_timings

    # validity (ktgs.index.validity): the graph's statuses, and what the last search left out
    @property
    def graph(self) -> Any:
        return self._searcher.graph

    @property
    def last_as_of(self) -> str:
        return self._searcher.last_as_of

    @property
    def last_excluded(self) -> list[Hit]:
        return [h for h in self._searcher.last_excluded if self.viewer.sees(h.document)]

    @property
    def hidden_numbers(self) -> set[str]:
        """Numbers and ids of catalogued documents this viewer may not see (for status notes)."""
        return {key for d in self._searcher.documents() if not self.viewer.sees(d)
                for key in (d.doc_id, d.doc_number) if key}

    def unit_status(self, unit: Unit, as_of: Any = None) -> Any:
        return self._searcher.unit_status(unit, as_of)

    def card(self, number_or_id: str, as_of: Any = None, with_cites: bool = False) -> dict:
        """The validity card as this viewer may see it (see `visible_card`)."""
        return visible_card(self._searcher.graph.card(number_or_id, as_of, with_cites=with_cites), self.hidden_numbers)

    def search(self, query: str, k: int | None = None, mode: str = "hybrid", filters: Any = None,
               group_by_doc: bool = False, **kwargs: Any) -> list[Hit]:
        hits = self._searcher.search(query, k=k, mode=mode, filters=restrict(filters, self.viewer),
                                     group_by_doc=group_by_doc, **kwargs)
        # the store already filtered; a catalog row that disagrees with its payload is dropped too
        return [h for h in hits if self.viewer.sees(h.document)]

    def get_document(self, doc_id: str) -> Document | None:
        document = self._searcher.get_document(doc_id)
        return document if self.viewer.sees(document) else None

    def get_unit(self, unit_id: str) -> Unit | None:
        unit = self._searcher.get_unit(unit_id)
        return unit if unit is not None and self.get_document(unit.doc_id) is not None else None

    def children(self, unit_id: str) -> list[Unit]:
        return [u for u in self._searcher.children(unit_id) if self.get_document(u.doc_id) is not None]

    def units(self, doc_id: str) -> list[Unit]:
        return self._searcher.units(doc_id) if self.get_document(doc_id) is not None else []

    def documents(self) -> list[Document]:
        return [d for d in self._searcher.documents() if self.viewer.sees(d)]

    def close(self) -> None:
        self._searcher.close()


def scoped(searcher: Any, viewer: Viewer | None) -> Any:
    """The searcher itself for the local single user (no viewer), else its scoped view."""
    return searcher if viewer is None else ScopedSearcher(searcher, viewer)


def visible_card(card: dict, hidden: set[str]) -> dict:
    """A legal-graph card without what a viewer may not see: a document above their level is "not
    found" with exactly the words a number nobody knows gets (no existence oracle), and relations
    to such documents are left out (no number, title or count of them)."""
    if card["doc_id"] in hidden or card["doc_number"] in hidden:
        raise KtgsError(f"không có văn bản {card['doc_number']!r} trong kho, và không văn bản nào nhắc đến nó")
    card = dict(card)
    card["relations"] = [r for r in card["relations"] if r.get("doc_id") not in hidden and r.get("doc_number") not in hidden]
    if (card.get("status_unit_id") or "").split("/", 1)[0] in hidden:
        card["status_unit_id"] = ""
    return card
