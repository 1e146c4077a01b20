"""The merged entities layer: pack identities first, model names where no pack knows them."""

from __future__ import annotations

from storytrace.extract.entity_merge import entity_spans, merge_entities
from storytrace.model import Document, Span

TEXT = "Fighters of Kataib Hezbollah hit the Tesra General Hospital near Harbal, said Omar Badri."


def _at(text: str, label: str, **attrs: object) -> Span:
    start = TEXT.index(text)
    return Span(start, start + len(text), label, tuple(attrs.items()))


MENTIONS = [_at("Kataib Hezbollah", "ORG", entity_id="mideast:org/kataib-hezbollah", name="Kata'ib Hezbollah")]


def test_pack_mentions_keep_their_identity_and_models_add_the_rest() -> None:
    crf = [
        _at("Kataib Hezbollah", "PER", confidence=0.8, model="crf"),  # the pack wins the overlap
        _at("Harbal", "LOC", confidence=0.9, model="crf"),
        _at("Omar Badri", "PER", confidence=0.95, model="crf"),
    ]
    merged = merge_entities(TEXT, MENTIONS, [crf])
    got = [(TEXT[s.start_char : s.end_char], s.label, dict(s.attrs)["entity_id"], dict(s.attrs)["via"]) for s in merged]
    assert got == [
        ("Kataib Hezbollah", "ORG", "mideast:org/kataib-hezbollah", "gazetteer"),
        ("Harbal", "LOC", None, "crf"),
        ("Omar Badri", "PER", None, "crf"),
    ]
    assert dict(merged[0].attrs)["name"] == "Kata'ib Hezbollah"


def test_the_better_model_wins_an_overlap_and_facilities_are_typed() -> None:
    better = [_at("Tesra General Hospital", "ORG", confidence=0.9, model="minilm")]
    worse = [
        _at("Tesra General", "PER", confidence=0.6, model="crf"),
        _at("Harbal", "LOC", confidence=0.9, model="crf"),
    ]
    merged = merge_entities(TEXT, [], [better, worse])
    assert [(TEXT[s.start_char : s.end_char], s.label) for s in merged] == [
        ("Tesra General Hospital", "FAC"),
        ("Harbal", "LOC"),
    ]


def test_a_repeated_name_keeps_its_first_type() -> None:
    text = "Omar Badri spoke. Later Omar Badri left."
    second = text.rindex("Omar Badri")
    spans = [Span(0, 10, "PER", (("model", "crf"),)), Span(second, second + 10, "ORG", (("model", "crf"),))]
    assert [s.label for s in merge_entities(text, [], [spans])] == ["PER", "PER"]


def test_entity_spans_prefers_the_stored_layer_and_orders_model_layers() -> None:
    doc = Document(id="d", text=TEXT, locator="t")
    doc.spans["mentions"] = MENTIONS
    doc.spans["entities_crf"] = [_at("Omar Badri", "ORG", model="crf")]
    doc.spans["entities_minilm"] = [_at("Omar Badri", "PER", model="minilm")]
    assert [s.label for s in entity_spans(doc)] == ["ORG", "PER"]  # minilm before crf
    doc.spans["entities"] = [Span(0, 8, "MISC")]
    assert entity_spans(doc) == [Span(0, 8, "MISC")]


def test_v2_drops_a_model_name_inside_a_date_and_trims_a_possessive() -> None:
    text = "On Mar. 9 Parliament's committee met in Varn."
    month = Span(text.index("Mar"), text.index("Mar") + 3, "LOC", (("confidence", 0.7),))
    house = Span(text.index("Parliament"), text.index(" committee"), "ORG", (("confidence", 0.9),))
    date = Span(text.index("Mar"), text.index(" Parliament"), "DATE", (("value", "XXXX-03-09"),))
    merged = merge_entities(text, [], [[month, house]], times=[date], possessives=True)
    assert [(text[s.start_char : s.end_char], s.label) for s in merged] == [("Parliament", "ORG")]
    kept = merge_entities(text, [], [[month, house]])  # v1: both, as the model gave them
    assert [text[s.start_char : s.end_char] for s in kept] == ["Mar", "Parliament's"]
