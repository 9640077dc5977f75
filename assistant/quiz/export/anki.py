"""Anki deck (genanki) with stable model and deck ids, one note per item (guid = item id)."""
from __future__ import annotations

import hashlib
import html
from pathlib import Path

from ..items import QuizItem
from .printable import LETTERS

MODEL_NAME = "ktgs quiz item v1"


def stable_id(name: str) -> int:
    """A 31-bit id derived from a name, so re-exports update the same deck and model in Anki."""
    return int(hashlib.sha1(name.encode("utf-8")).hexdigest()[:8], 16) & 0x7FFFFFFF | 1 << 30


def _model():
    import genanki

    return genanki.Model(
        stable_id(MODEL_NAME), MODEL_NAME,
        fields=[{"name": "Question"}, {"name": "Answer"}, {"name": "Source"}, {"name": "ItemId"}],
        templates=[{"name": "Card 1", "qfmt": "{{Question}}",
                    "afmt": "{{FrontSide}}<hr id=answer>{{Answer}}<br><small>{{Source}}</small>"}])


def _front(item: QuizItem) -> str:
    s = html.escape(item.stem)
    if item.type != "cloze":
        s += "<br>" + "<br>".join(f"{LETTERS[i]}. {html.escape(o)}" for i, o in enumerate(item.options))
    return s


def _back(item: QuizItem) -> str:
    return f"<b>{html.escape(item.key)}</b><br>{html.escape(item.explanation)}"


def _source(item: QuizItem) -> str:
    return "<br>".join(f"{html.escape(c.label)}: “{html.escape(c.quote)}”" for c in item.citations)


def write(items: list[QuizItem], path: Path, title: str = "Đề ôn tập") -> list[str]:
    import genanki

    model = _model()
    deck = genanki.Deck(stable_id(f"ktgs deck {title}"), title)
    for it in items:
        deck.add_note(genanki.Note(model=model, fields=[_front(it), _back(it), _source(it), it.id],
                                   guid=genanki.guid_for("ktgs", it.id), tags=[t.replace(" ", "_") for t in it.tags]))
    genanki.Package(deck).write_to_file(str(path))
    return []
