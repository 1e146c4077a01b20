"""Tests for the rule-based claims extractor (invented sentences only)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.errors import PipelineError
from storytrace.extract.claims import extract_claims
from storytrace.model import Document, Span, make_id
from storytrace.pipeline import Pipeline

BEFORE = Pipeline.from_names(("extract.sentences.rules.v1", "extract.times.rules.v1", "extract.attributions.rules.v3"))


def annotate(text: str, title: str | None = None, **layers: list[Span]) -> Document:
    doc = BEFORE(Document(id=make_id("doc", text), text=text, locator="test", title=title))
    doc.spans.update(layers)
    doc.spans["claims"] = extract_claims(doc)
    return doc


def claims(text: str, title: str | None = None, **layers: list[Span]) -> list[dict[str, Any]]:
    """Each claim as a flat dict: its text, label and attributes."""
    doc = annotate(text, title, **layers)
    out = []
    for span in doc.spans["claims"]:
        attrs = dict(span.attrs)
        out.append({"text": doc.span_text(span), "label": span.label, **attrs})
    return out


def only(text: str, title: str | None = None, **layers: list[Span]) -> dict[str, Any]:
    found = claims(text, title, **layers)
    assert len(found) == 1, [(c["label"], c["text"]) for c in found]
    return found[0]


def test_claims_attributed_claim_over_the_content_with_speaker_and_chain() -> None:
    text = "The city police said on Monday that three men had been arrested over the market bombing."
    c = only(text)
    assert (c["label"], c["text"]) == ("attributed", "three men had been arrested over the market bombing")
    assert c["attribution"] == 0
    assert c["speaker"] == {"text": "The city police", "kind": "named"}
    assert c["chain"] == [c["speaker"]]
    assert (c["polarity"], c["modality"], c["hedges"]) == ("asserts", "asserted", [])
    s, e = c["sentence"]
    assert text[s:e] == text


def test_claims_chain_keeps_every_hop() -> None:
    c = only("The Valley Post, citing a reliable source, reported that the dam had been closed for repairs.")
    assert c["text"] == "the dam had been closed for repairs"
    assert [(h["text"], h["kind"]) for h in c["chain"]] == [
        ("The Valley Post", "outlet"),
        ("a reliable source", "anonymous"),
    ]


def test_claims_pronoun_speaker_resolved_to_the_named_person() -> None:
    text = "Interior Minister Rafiq Dorran said the border was calm. He said the crossing would reopen on Friday."
    second = claims(text)[1]
    assert second["text"] == "the crossing would reopen on Friday"
    assert second["speaker"]["text"] == "Interior Minister Rafiq Dorran"
    assert second["modality"] == "future"


def test_claims_outlet_claim_drops_dateline_connective_and_stop() -> None:
    c = only("LORVIK, June 3 (Coastline News) — However, fighting broke out again in the port district on Tuesday.")
    assert (c["label"], c["text"]) == ("outlet", "fighting broke out again in the port district on Tuesday")
    assert c["speaker"] is None and c["chain"] == [] and c["attribution"] is None
    assert [t["text"] for t in c["times"]] == ["Tuesday"]


@pytest.mark.parametrize(
    ("text", "content", "polarity"),
    [
        (
            "The interior ministry denied that its forces had fired on the protesters.",
            "its forces had fired on the protesters",
            "denies",
        ),
        (
            "The army said it had not carried out any strike in the valley.",
            "it had not carried out any strike in the valley",
            "denies",
        ),
        ("“We did not order the evacuation,” the mayor told reporters.", "We did not order the evacuation", "denies"),
        (
            "Officials said there had been no casualties in the blast.",
            "there had been no casualties in the blast",
            "denies",
        ),
        (
            "The foreign ministry rejected the accusation that it had armed the rebels.",
            "it had armed the rebels",
            "denies",
        ),
        (
            "A spokesman said the report of a cholera outbreak was false.",
            "the report of a cholera outbreak was false",
            "refutes",
        ),
        ("The governor dismissed the allegations as baseless.", "the allegations", "refutes"),
        ("Monitors refuted the claim that the camp had been emptied.", "the camp had been emptied", "refutes"),
        (
            "“The story is a complete fabrication,” a palace official said.",
            "The story is a complete fabrication",
            "refutes",
        ),
        ("The mayor called the reports of a curfew “pure fiction”.", "the reports of a curfew", "refutes"),
        # A negative statement by someone else is an assertion, not a denial.
        ("Officials said the road was not open to trucks.", "the road was not open to trucks", "asserts"),
        # Declining to comment denies nothing.
        ("The minister said he would not comment on the case.", "he would not comment on the case", "asserts"),
    ],
)
def test_claims_polarity(text: str, content: str, polarity: str) -> None:
    c = only(text)
    assert (c["label"], c["text"], c["polarity"]) == ("attributed", content, polarity)


def test_claims_outlet_voice_always_asserts() -> None:
    c = only("The official did not provide any evidence for the claim.")
    assert (c["label"], c["polarity"]) == ("outlet", "asserts")


@pytest.mark.parametrize(
    ("text", "hedges"),
    [
        ("The rebel commander was reportedly killed in an air strike near the river.", ["reportedly"]),
        ("The militia allegedly seized two fuel trucks at the checkpoint.", ["allegedly"]),
        ("The video appears to show soldiers firing into the crowd.", ["appears to"]),
        ("The former minister is said to have left the country last month.", ["is said to"]),
        ("It is believed the envoy carried a letter from the king.", ["it is believed"]),
        ("The purportedly leaked memo was shared widely on Friday.", ["purportedly"]),
        # "could not be reached" and the month of May hedge nothing.
        ("The spokesman could not be reached for comment on Sunday.", []),
        ("The talks were held in May at the old palace.", []),
    ],
)
def test_claims_hedges_in_the_outlet_voice(text: str, hedges: list[str]) -> None:
    c = only(text)
    assert c["label"] == "outlet"
    assert c["hedges"] == hedges


def test_claims_hedges_of_an_attribution_come_from_its_sentence_and_cue() -> None:
    assert only("Unconfirmed reports said the airport had been closed to flights.")["hedges"] == ["unconfirmed"]
    assert only("The group claimed that its fighters had shot down a helicopter.")["hedges"] == ["claimed"]


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("The minister will visit the flooded districts on Thursday, his office said.", "future"),
        ("The company plans to reopen the northern mine next spring.", "planned"),
        ("The coalition is due to announce its candidate on Wednesday.", "planned"),
        ("The central bank is expected to raise interest rates on Thursday.", "planned"),
        ("The ceasefire could collapse within days, a senior diplomat warned.", "possible"),
        ("Residents said the water supply might be restored by the weekend.", "possible"),
        ("The union said the strike would end if the wage offer was raised.", "conditional"),
        ("The committee asked whether the contract had been signed before the vote.", "question"),
        ("The rebels vowed to retake the city before the winter.", "future"),
        ("Shops reopened in the centre of the old town on Saturday.", "asserted"),
    ],
)
def test_claims_modality(text: str, modality: str) -> None:
    assert only(text)["modality"] == modality


def test_claims_headline_repeated_in_the_text_is_a_claim() -> None:
    title = "Dam breach floods three villages"
    text = f"{title}\n\nBy Mira Solen | 4 May 2024\n\nWater from the breached dam flooded three villages on Tuesday."
    found = claims(text, title)
    assert [(c["text"], c["headline"]) for c in found] == [
        ("Dam breach floods three villages", True),
        ("Water from the breached dam flooded three villages on Tuesday", False),
    ]


def test_claims_headline_report_tail_is_cut_and_hedges() -> None:
    title = "Border talks to resume next week – report"
    c = claims(f"{title}\n\nNegotiators are expected to meet in the capital on Monday.", title)[0]
    assert (c["text"], c["headline"], c["hedges"]) == ("Border talks to resume next week", True, ["reportedly"])


def test_claims_headline_kicker_is_cut_and_unverified_hedges() -> None:
    title = "Unverified: anonymous account says rebel leader wounded"
    c = claims(f"{title}\n\nThe account gave no source for the claim.", title)[0]
    assert (c["label"], c["text"], c["headline"]) == ("attributed", "rebel leader wounded", True)
    assert c["speaker"] == {"text": "anonymous account", "kind": "social"}
    assert c["hedges"] == ["unverified"]


def test_claims_headline_attributed_and_question_headline() -> None:
    title = "Government and militia held secret talks, sources say"
    c = claims(f"{title}\n\nThe talks lasted about four hours on Sunday.", title)[0]
    assert (c["label"], c["text"], c["headline"]) == ("attributed", "Government and militia held secret talks", True)
    question = "Who are the Valley Brigades?"
    assert claims(f"{question}\n\nThe brigades were formed in the north in 2019.", question)[0]["headline"] is False


def test_claims_a_title_missing_from_the_text_gives_no_headline_claim() -> None:
    found = claims("Water from the breached dam flooded three villages on Tuesday.", "Dam breach floods villages")
    assert [c["headline"] for c in found] == [False]


@pytest.mark.parametrize(
    "text",
    [
        "By Mira Solen | 4 May 2024",
        "Photo: Displaced families wait for aid outside the school (Reuters)",
        "Reporting by Ana Veld; Editing by Tom Hask",
        "Who will pay for the damage?",
        "Regions · Northern valley",
        "Updated 14:05 GMT",
    ],
)
def test_claims_fragments_questions_and_bylines_give_none(text: str) -> None:
    assert claims(text) == []


def test_claims_no_outlet_duplicate_of_an_attributed_sentence() -> None:
    found = claims("Rescue teams pulled 14 survivors from the rubble, officials said.")
    assert [(c["label"], c["text"]) for c in found] == [
        ("attributed", "Rescue teams pulled 14 survivors from the rubble")
    ]


def test_claims_clause_after_the_attribution_is_the_outlet_s_own() -> None:
    text = (
        "Rescue teams pulled 14 survivors from the rubble, officials said, and the search continued through the night."
    )
    assert [(c["label"], c["text"]) for c in claims(text)] == [
        ("attributed", "Rescue teams pulled 14 survivors from the rubble"),
        ("outlet", "the search continued through the night"),
    ]


def test_claims_quotation_over_two_sentences_gives_two_claims() -> None:
    text = "“Our forces did not enter the village,” a military spokesman said. “The footage was filmed elsewhere.”"
    found = claims(text)
    assert [(c["text"], c["attribution"], c["polarity"]) for c in found] == [
        ("Our forces did not enter the village", 0, "denies"),
        ("The footage was filmed elsewhere", 0, "asserts"),
    ]


def test_claims_split_quotation_in_one_sentence_is_one_claim_with_pieces() -> None:
    text = "“We have water for two days,” the teacher said, “and then nothing at all.”"
    c = only(text)
    pieces = [text[a:b] for a, b in c["pieces"]]
    assert pieces == ["We have water for two days", "and then nothing at all"]


def test_claims_sentence_inside_someone_s_quotation_is_not_the_outlet_s() -> None:
    text = "“They came with two pickups. Then they cut the line to the pumping station,” the engineer said."
    assert all(c["label"] == "attributed" for c in claims(text))


def entity(text: str, surface: str, label: str, entity_id: str | None = None) -> Span:
    start = text.index(surface)
    return Span(start, start + len(surface), label, (("entity_id", entity_id), ("name", surface), ("via", "test")))


def test_claims_entities_and_places_inside_the_claim() -> None:
    text = "Officials in Mezrab said Ibdara had sent drones to the militia in Qasr Numayr."
    ents = [
        entity(text, "Mezrab", "GPE", "x:gpe/mezrab"),
        entity(text, "Ibdara", "GPE", "x:gpe/ibdara"),
        entity(text, "Qasr Numayr", "GPE", "x:gpe/qasr-numayr"),
    ]
    c = only(text, entities=ents)
    assert c["text"] == "Ibdara had sent drones to the militia in Qasr Numayr"
    assert [(e["text"], e["entity_id"], e["label"]) for e in c["entities"]] == [
        ("Ibdara", "x:gpe/ibdara", "GPE"),
        ("Qasr Numayr", "x:gpe/qasr-numayr", "GPE"),
    ]
    # Ibdara acts; Qasr Numayr is where; Mezrab is outside the claim (it places the speakers).
    assert [p["text"] for p in c["places"]] == ["Qasr Numayr"]


def test_claims_times_inside_the_claim_with_their_values() -> None:
    doc = BEFORE(
        Document(id="d1", text="Two journalists were detained on 5 March 2025, a press group said.", locator="t")
    )
    c = dict(extract_claims(doc)[0].attrs)
    assert c["times"] == [{"text": "5 March 2025", "value": "2025-03-05", "precision": "day"}]


def test_claims_events_and_their_figures_are_read_from_the_events_layer() -> None:
    text = "The army said a drone strike killed five fighters. Talks resumed later in the capital city."
    trigger = text.index("strike")
    figure = {"kind": "killed", "text": "five", "low": 5, "high": 5, "approximate": False}
    figure |= {"start_char": text.index("five"), "end_char": text.index("five") + 4}
    talks = text.index("Talks")
    events = [
        Span(talks, talks + 5, "MEET", (("figures", []), ("place", None))),
        Span(trigger, trigger + 6, "ATTACK", (("figures", [figure]), ("place", None))),
    ]
    found = claims(text, events=events)
    assert [(c["text"], c["events"]) for c in found] == [
        ("a drone strike killed five fighters", [1]),
        ("Talks resumed later in the capital city", [0]),
    ]
    assert found[0]["figures"] == [figure]


def test_claims_figures_without_an_events_layer() -> None:
    c = only("At least 12 people were killed and 30 wounded when a car bomb exploded outside a bank.")
    assert [(f["kind"], f["text"], f["low"], f["high"], f["approximate"]) for f in c["figures"]] == [
        ("killed", "At least 12", 12, None, True),
        ("wounded", "30", 30, 30, False),
    ]
    assert only("Officials said the convoy had 22 trucks and 40 drivers.")["figures"] == []


def test_claims_component_requires_attributions() -> None:
    with pytest.raises(PipelineError, match=r"spans\.attributions"):
        Pipeline.from_names(("extract.sentences.rules.v1", "extract.claims.rules.v2"))
    pipeline = Pipeline.from_names((*BEFORE.names, "extract.claims.rules.v2"))
    doc = pipeline(Document(id="d2", text="The bridge over the river collapsed late on Sunday.", locator="t"))
    assert doc.layer_sources["claims"] == "extract.claims.rules.v2"
    assert [s.label for s in doc.spans["claims"]] == ["outlet"]


_VOCABULARY = "the army said officials denied that it had not reportedly could will if killed 12 in Lorvik on Monday"
WORDS = st.sampled_from(
    [*_VOCABULARY.split(), "“", "”", ",", ".", "?", "\n\n", "—", ":", "according to", "report", "was", "false"]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=40))
def test_claims_spans_stay_in_bounds_and_inside_their_sentence(words: list[str]) -> None:
    text = " ".join(words)
    doc = annotate(text)
    for span in doc.spans["claims"]:
        attrs = dict(span.attrs)
        assert 0 <= span.start_char < span.end_char <= len(text)
        for a, b in attrs["pieces"]:
            assert span.start_char <= a < b <= span.end_char
        s, e = attrs["sentence"]
        assert s <= span.start_char and span.end_char <= e
        assert attrs["polarity"] in {"asserts", "denies", "refutes"}
        assert attrs["modality"] in {"asserted", "future", "planned", "possible", "conditional", "question"}


@pytest.mark.parametrize(
    ("text", "polarity"),
    [
        ("No, the governor has not been arrested in the capital.", "refutes"),
        ("Reports of the governor's arrest on Monday were completely false.", "refutes"),
        ("The video of the burning tanker turned out to be a hoax from 2019.", "refutes"),
        ("The viral photo of the flooded airport was exposed as a fake within hours.", "refutes"),
        ("No new cases were recorded in the northern districts on Monday.", "asserts"),
    ],
)
def test_claims_outlet_refutes_only_in_a_fact_check(text: str, polarity: str) -> None:
    outlet = [c for c in claims(text) if c["label"] == "outlet"]
    assert [c["polarity"] for c in outlet] == [polarity]


@pytest.mark.parametrize(
    ("title", "claim", "hedges"),
    [
        ("New border crossing to open next month: sources", "New border crossing to open next month", ["reportedly"]),
        ("Rumour: the president will resign on Friday", "the president will resign on Friday", ["rumour"]),
        ("Harbour Strike May Be Over By Friday", "Harbour Strike May Be Over By Friday", ["may"]),
        ("Harbour strike to end in May", "Harbour strike to end in May", []),
    ],
)
def test_claims_headline_tails_kickers_and_title_case(title: str, claim: str, hedges: list[str]) -> None:
    c = claims(f"{title}\n\nThe dockers' union met the port authority on Tuesday.", title)[0]
    assert (c["text"], c["headline"], c["hedges"]) == (claim, True, hedges)


def test_claims_event_place_counts_only_inside_the_claim() -> None:
    text = "A medical source in Harbal said the convoy was ambushed near Jisr al-Wahi."
    trigger = text.index("ambushed")

    def arg(surface: str) -> dict[str, Any]:
        start = text.index(surface)
        return {
            "text": surface,
            "start_char": start,
            "end_char": start + len(surface),
            "entity_id": None,
            "label": "LOC",
        }

    inside = Span(trigger, trigger + 8, "ATTACK", (("figures", []), ("place", arg("Jisr al-Wahi"))))
    outside = Span(trigger, trigger + 8, "ATTACK", (("figures", []), ("place", arg("Harbal"))))
    assert [p["text"] for p in only(text, events=[inside])["places"]] == ["Jisr al-Wahi"]
    assert only(text, events=[outside])["places"] == []


def test_claims_a_claim_relayed_from_social_media_by_a_noun_rests_on_the_unnamed_posts() -> None:
    text = (
        "Asked about unverified claims circulating on social media that the mayor of Kefr Sala had fled the city, "
        "the governor said he would not comment."
    )
    relayed = [c for c in claims(text) if c["text"] == "the mayor of Kefr Sala had fled the city"]
    assert len(relayed) == 1, [c["text"] for c in claims(text)]
    c = relayed[0]
    assert c["label"] == "attributed" and c["attribution"] is None
    assert c["speaker"] == {"text": "claims circulating on social media", "kind": "social"}
    assert c["chain"] == [c["speaker"]] and "unverified" in c["hedges"]


def test_claims_a_social_media_relay_already_claimed_by_its_sentence_is_not_repeated() -> None:
    c = only("Claims on social media that the mayor had fled the city could not be verified.")
    assert c["label"] == "outlet"


def test_claims_a_report_that_names_no_online_source_is_no_social_relay() -> None:
    text = "Reports that the mayor had fled the city reached the capital on Monday."
    assert all(c["speaker"] is None for c in claims(text))


def test_claims_a_post_quoted_with_read_rests_on_the_account_named_before() -> None:
    text = (
        'Late on Monday, an account calling itself "Hill Watch" (@hillwatch) claimed that the dam had burst. '
        'The post, published at 22:10, read: "The dam at Kefr Sala has burst."'
    )
    post = next(c for c in claims(text) if "Kefr Sala" in c["text"])
    assert post["speaker"] == {"text": "@hillwatch", "kind": "social"}
    assert post["chain"] == [post["speaker"]]


@settings(max_examples=300, deadline=None)
@given(
    stretches=st.lists(st.tuples(st.integers(0, 100), st.integers(0, 30)), max_size=10),
    start=st.integers(0, 110),
    length=st.integers(0, 40),
)
def test_uncovered_matches_a_scan_of_every_stretch(stretches: list[tuple[int, int]], start: int, length: int) -> None:
    import itertools

    from storytrace.extract.claims import _uncovered

    covered = sorted((a, a + n) for a, n in stretches)
    end = start + length
    expected: list[tuple[int, int]] = []
    cursor = start
    for a, b in covered:
        if b <= cursor or a >= end:
            continue
        if a > cursor:
            expected.append((cursor, a))
        cursor = max(cursor, b)
    if cursor < end:
        expected.append((cursor, end))
    assert _uncovered(start, end, covered, list(itertools.accumulate((b for _, b in covered), max))) == expected


@pytest.mark.parametrize(
    ("text", "v3"),
    [
        # An official's negated statement about the state or group it speaks for: a denial in v3.
        ("«Varnia has not sent weapons to any armed group,» ministry spokeswoman Lena Oss said.", "denies"),
        ("Varnia did not send weapons to the rebels, a government official said.", "denies"),
        # A speaker who speaks for no side, a content that does not open on an actor, or no negation: as in v2.
        ("Varnia has not sent weapons to any armed group, a shopkeeper said.", "asserts"),
        ("«The weapons did not come from Varnia,» ministry spokeswoman Lena Oss said.", "asserts"),
        ("«Varnia has sent weapons to the rebels,» ministry spokeswoman Lena Oss said.", "asserts"),
    ],
)
def test_claims_v3_reads_an_officials_negated_statement_about_an_actor_as_a_denial(text: str, v3: str) -> None:
    doc = annotate(text, entities=[entity(text, "Varnia", "GPE", "x:gpe/varnia")])
    [v2_claim] = doc.spans["claims"]
    assert dict(v2_claim.attrs)["polarity"] == "asserts"
    [claim] = extract_claims(doc, version=3)
    assert dict(claim.attrs)["polarity"] == v3, doc.span_text(claim)


@pytest.mark.parametrize(
    ("text", "hedged"),
    [
        ("The council says the reported talks with the rebels in Varn never took place at all.", True),
        ("Timeline.\n\n- 9 March: reported talks between the council and the rebels in Varn.", True),
        ("The Valley Post reported talks had taken place between the council and the rebels.", False),
        ("The talks were reported by the Valley Post on Monday, two days after they took place.", False),
    ],
)
def test_claims_v3_hedges_reported_before_a_noun(text: str, hedged: bool) -> None:
    doc = annotate(text)
    v2 = {doc.span_text(c): dict(c.attrs)["hedges"] for c in doc.spans["claims"]}
    v3 = {doc.span_text(c): dict(c.attrs)["hedges"] for c in extract_claims(doc, version=3)}
    assert v2.keys() == v3.keys() and v2, v2
    assert all("reported" not in h for h in v2.values())
    assert any("reported" in h for h in v3.values()) == hedged, v3
