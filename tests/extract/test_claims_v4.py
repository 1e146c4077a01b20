"""Tests for ``extract.claims.rules.v4``: a clause that states its own fact about a named phrase is its own claim
(invented sentences only)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from storytrace.extract.claims import extract_claims
from storytrace.model import Document, Span, make_id
from storytrace.pipeline import Pipeline

BEFORE = Pipeline.from_names(("extract.sentences.rules.v1", "extract.times.rules.v1", "extract.attributions.rules.v3"))


def claims(text: str, version: int = 4, entities: Sequence[tuple[str, str]] = ()) -> list[dict[str, Any]]:
    """Each claim as a flat dict; ``entities``: (surface, label) pairs marked as entity spans by hand."""
    doc = BEFORE(Document(id=make_id("doc", text), text=text, locator="test"))
    spans = []
    for surface, label in entities:
        start = text.index(surface)
        spans.append(Span(start, start + len(surface), label, (("entity_id", f"ent_{surface}"),)))
    if spans:
        doc.spans["entities"] = spans
    out = []
    for span in extract_claims(doc, version=version):
        attrs = dict(span.attrs)
        pieces = " | ".join(text[a:b] for a, b in attrs["pieces"])
        out.append({"text": doc.span_text(span), "label": span.label, "joined": pieces, **attrs})
    return out


def joined(found: list[dict[str, Any]]) -> list[str]:
    return [c["joined"] for c in found]


def test_relative_clause_about_a_name_is_its_own_claim_and_leaves_the_main_claim() -> None:
    text = (
        "The Falcon Brigade has closed the roads into Morvaya since Tuesday to demand the release of its "
        "commander, Idris Kavelli, who was arrested in Sorrento Bay on 4 June."
    )
    found = claims(text)
    assert joined(found) == [
        "The Falcon Brigade has closed the roads into Morvaya since Tuesday to demand the release of its "
        "commander, Idris Kavelli",
        "Idris Kavelli | was arrested in Sorrento Bay on 4 June",
    ]
    clause = found[1]
    assert clause["text"] == "Idris Kavelli, who was arrested in Sorrento Bay on 4 June"  # reads alone
    assert clause["label"] == "outlet" and clause["polarity"] == "asserts" and clause["modality"] == "asserted"
    assert clause["times"] and clause["times"][0]["text"] == "4 June"  # the clause's own date stays with it
    assert all("4 June" not in t["text"] for t in found[0]["times"])
    # v3 keeps its one claim
    assert joined(claims(text, version=3)) == [text[:-1]]


def test_clause_in_the_middle_is_not_split() -> None:
    # the stored claim text runs from the first piece to the last, so the main claim would still hold the clause
    text = "The Dunmore militia, which has held the Keshet bridge since 2019, refused to meet the envoys."
    assert joined(claims(text)) == joined(claims(text, version=3)) == [text[:-1]]


def test_attributed_clause_keeps_speaker_hedges_and_takes_its_own_polarity() -> None:
    text = (
        "The ministry reportedly said the convoy was stopped near Ralsk on the orders of Ortan Velis, "
        "who has not left the capital since May."
    )
    found = [c for c in claims(text, entities=[("Ortan Velis", "PER")]) if c["label"] == "attributed"]
    clause = next(c for c in found if c["text"].startswith("Ortan Velis, who"))
    main = next(c for c in found if c is not clause)
    assert clause["speaker"] == main["speaker"] and clause["speaker"]["text"] == "The ministry"
    assert clause["attribution"] == main["attribution"]
    assert "reportedly" in clause["hedges"]
    assert clause["joined"] == "Ortan Velis | has not left the capital since May"
    assert main["joined"].endswith("on the orders of Ortan Velis") and "has not left" not in main["text"]


def test_participle_after_a_short_role_noun_is_a_claim() -> None:
    found = claims(
        "The police took custody of Amos Treller, the courier detained at the Velka crossing.",
        entities=[("Amos Treller", "PER")],
    )
    assert "Amos Treller | detained at the Velka crossing" in joined(found)
    found = claims("Two years ago the hill town of Kesh fell to the Red Hand group, led by Sava Orlin.")
    assert sorted(joined(found)) == [
        "Two years ago the hill town of Kesh fell to the Red Hand group",
        "the Red Hand group | led by Sava Orlin",
    ]


def test_whose_clause_keeps_its_relative_word() -> None:
    found = claims(
        "The talks turned on the fate of Lina Osk, whose detention in Tarvo last week set off the standoff.",
        entities=[("Lina Osk", "PER")],
    )
    assert "Lina Osk | whose detention in Tarvo last week set off the standoff" in joined(found)


@pytest.mark.parametrize(
    "text",
    [
        # plain identifying apposition and role: no verb of its own
        "Its leader, Petr Vannak, has demanded the release of the prisoners held in Oskel.",
        "The group is led by Petr Vannak, a former smuggler from the hill country of Oskel.",
        # restrictive clause: no comma
        "The man who was arrested in Oskel on Monday has been released without charge.",
        # naming, not a fact
        "The envoys did not meet its leader, Petr Vannak, who is known as the Heron, on Monday.",
        # the source's own situation, and speech (an attribution's to read)
        "The medical worker, who spoke on condition of anonymity, described the wards as overflowing.",
        "The claim first appeared in the Oskel Gazette, which reported that the dam had been mined.",
        # a past-tense main verb after a clause is no participle
        "The ferry terminal, which serves three islands, reopened on Monday after a two-week strike.",
        # an unnamed, indefinite antecedent
        "An engineer at the plant, reached by phone, described the damage as limited to one turbine.",
    ],
)
def test_no_split(text: str) -> None:
    assert len(claims(text)) == len(claims(text, version=3))
    assert joined(claims(text)) == joined(claims(text, version=3))


def test_nothing_left_standing_keeps_the_claim_whole() -> None:
    # the main clause would be two words: the sentence stays one claim
    text = "Vannak, who was arrested in Oskel on Monday, returned."
    assert joined(claims(text)) == joined(claims(text, version=3))


def test_v4_is_registered_and_v3_output_is_unchanged_on_a_plain_sentence() -> None:
    text = "Rebels shelled the market in Oskel on Monday, killing at least four people."
    assert claims(text) == claims(text, version=3)
    pipe = Pipeline.from_names(
        (
            "extract.sentences.rules.v1",
            "extract.times.rules.v1",
            "extract.attributions.rules.v3",
            "extract.claims.rules.v4",
        )
    )
    doc = pipe(
        Document(
            id=make_id("doc", "x"),
            text="The envoys were turned back by the Dunmore militia, which has held the bridge since 2019.",
            locator="t",
        )
    )
    assert len(doc.spans["claims"]) == 2
