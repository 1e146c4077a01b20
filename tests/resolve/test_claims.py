from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from storytrace.errors import PipelineError
from storytrace.model.dossier import ClaimRecord, Hop
from storytrace.resolve.claims import (
    ClaimClusterer,
    Embedder,
    default_embedder,
    order_for_clustering,
    representative,
    signature_words,
)
from storytrace.resolve.stance import is_negated, rule_stance
from tests.resolve.records import claim, restart_ids


def together(a: ClaimRecord, b: ClaimRecord) -> bool:
    assert a.proposition_id and b.proposition_id
    return a.proposition_id == b.proposition_id


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return default_embedder()


def test_embeddings_are_unit_vectors_and_paraphrases_are_close(embedder: Embedder) -> None:
    vectors = embedder.encode(
        [
            "Gunmen of the Red Hand Brigade seized the Tamar bridge before dawn on Monday.",
            "The Red Hand Brigade took control of the Tamar bridge early on Monday.",
            "Heavy rain flooded three hundred homes in the lowlands of Zor.",
        ]
    )
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert vectors[0] @ vectors[1] > 0.75
    assert vectors[0] @ vectors[2] < 0.3


def test_paraphrases_join_and_other_propositions_stay_apart(embedder: Embedder) -> None:
    seized = claim(
        "Gunmen of the Red Hand Brigade seized the Tamar bridge before dawn on Monday",
        day=1,
        entities=("ent_rhb", "ent_tamar"),
    )
    took = claim(
        "The Red Hand Brigade took control of the Tamar bridge early on Monday",
        day=2,
        entities=("ent_rhb", "ent_tamar"),
    )
    led = claim(
        "The Red Hand Brigade is led by Omar Feld, a former customs officer", day=2, entities=("ent_rhb", "ent_feld")
    )
    flood = claim("Heavy rain flooded three hundred homes in the lowlands of Zor", day=3)
    propositions = ClaimClusterer(embedder=embedder).add_all([flood, led, took, seized])
    assert together(seized, took)
    assert not together(seized, led)
    assert not together(seized, flood)
    assert len(propositions) == 3
    merged = next(p for p in propositions if seized.id in p.claim_ids)
    assert merged.claim_ids == [seized.id, took.id]  # oldest first
    assert merged.text == seized.text


def test_a_claim_reporting_another_kind_of_happening_scores_lower(embedder: Embedder) -> None:
    """A story's claims share its setting ("the militia besieging Tamar"); the happening tells them apart."""
    met = claim("Envoys of the council and the militia besieging Tamar met secretly in the border town", day=1)
    met.event_types = ("meeting", "siege")
    clusterer = ClaimClusterer(embedder=embedder)
    clusterer.add(met)
    text = "The militia besieging Tamar received armed drones through the border town"
    vector = embedder.encode([text])[0]

    def score(*event_types: str) -> float:
        other = claim(text, day=2)
        other.event_types = event_types
        return clusterer.score(0, vector, signature_words(text), other)

    setting = score("siege")  # nothing of its own beside the setting: the shared type's bonus, no conflict
    assert setting == pytest.approx(score() + clusterer.event_bonus)
    assert score("arms_transfer", "siege") == pytest.approx(setting - clusterer.event_conflict)
    assert score("statement", "siege") == pytest.approx(setting)  # a statement is said of anything
    assert score("talks") == pytest.approx(score())  # talks and a meeting are one family


def test_denial_by_the_party_refutes(embedder: Embedder) -> None:
    report = claim("The Red Hand Brigade shelled the market in Tamar on Friday", day=1, entities=("ent_rhb",))
    denial = claim(
        "the Red Hand Brigade shelled the market in Tamar",
        day=2,
        polarity="denies",
        speaker=Hop("a Red Hand Brigade spokesman", "named", "ent_rhb"),
        entities=("ent_rhb",),
    )
    clusterer = ClaimClusterer(embedder=embedder)
    clusterer.add_all([report, denial])
    assert together(report, denial)
    assert (report.stance, denial.stance) == ("supports", "refutes")
    assert denial.stance_reason.startswith("denial by a Red Hand Brigade spokesman")


def test_hedged_relay_reports_and_negation_refutes(embedder: Embedder) -> None:
    met = claim("Envoys of the government and the Red Hand Brigade met in the town of Sela on Sunday", day=1)
    relay = claim(
        "Envoys of the government and the Red Hand Brigade reportedly met in Sela on Sunday",
        day=2,
        hedges=("reportedly",),
    )
    no_meeting = claim("Envoys of the government and the Red Hand Brigade did not meet in Sela on Sunday", day=3)
    ClaimClusterer(embedder=embedder).add_all([met, relay, no_meeting])
    assert together(met, relay) and together(met, no_meeting)
    assert [met.stance, relay.stance, no_meeting.stance] == ["supports", "reports", "refutes"]


def test_stance_rules_without_clustering() -> None:
    # The rules alone (the fallback when no stance model is shipped); stance_of with the model: test_stance.py.
    anchor = claim("The Red Hand Brigade released the two engineers")
    no_comment = claim("The Red Hand Brigade did not respond to requests for comment about the engineers")
    assert rule_stance(no_comment, anchor).label == "reports"  # a background negation is not a refutation
    plan = claim("The Red Hand Brigade will release the two engineers", modality="future")
    assert rule_stance(plan, anchor).label == "reports"  # a forecast does not support a past event
    plan_anchor = claim("The minister is due to visit Sela next week", modality="planned")
    same_plan = claim("The minister will visit Sela", modality="future")
    assert rule_stance(same_plan, plan_anchor).label == "supports"
    social = claim("the engineers were freed", speaker=Hop("an anonymous account on social media", "social"))
    assert rule_stance(social, anchor).label == "reports"
    named = claim("the engineers were freed", speaker=Hop("Mayor Dana Iskou", "named"))
    assert rule_stance(named, anchor).label == "supports"
    assert rule_stance(named, anchor).reason == "asserted by Mayor Dana Iskou"
    negated_anchor = claim("There were no talks between the two sides")
    assert rule_stance(claim("There were talks between the two sides"), negated_anchor).label == "refutes"


def test_is_negated_skips_harmless_phrases() -> None:
    assert is_negated("The army did not enter the town")
    assert is_negated("There were no talks")
    assert not is_negated("The town has been without water since May 3")
    assert not is_negated("The ministry did not respond to questions")
    assert not is_negated("Not only the bridge but also the road was closed")


def test_incremental_add_gives_the_same_result_as_batch(embedder: Embedder) -> None:
    texts = [
        "Gunmen of the Red Hand Brigade seized the Tamar bridge before dawn on Monday",
        "The Red Hand Brigade took control of the Tamar bridge early on Monday",
        "Heavy rain flooded three hundred homes in the lowlands of Zor",
        "Floods damaged about 300 houses in Zor, officials said",
        "The Red Hand Brigade is led by Omar Feld",
        "The brigade did not seize the Tamar bridge",
    ]

    def make() -> list[ClaimRecord]:
        restart_ids(1000)
        return [claim(t, day=i + 1) for i, t in enumerate(texts)]

    batch = make()
    ClaimClusterer(embedder=embedder).add_all(batch)
    incremental = make()
    clusterer = ClaimClusterer(embedder=embedder)
    clusterer.add_all(incremental[:3])  # a first crawl
    clusterer.add_all(incremental[3:])  # new reports join the existing propositions
    assert [(c.proposition_id, c.stance) for c in batch] == [(c.proposition_id, c.stance) for c in incremental]
    one_by_one = make()
    clusterer = ClaimClusterer(embedder=embedder)
    for c in one_by_one:
        clusterer.add(c)
    assert [c.proposition_id for c in one_by_one] == [c.proposition_id for c in batch]
    assert together(batch[2], batch[3])  # a paraphrase with a number for the words
    assert not together(batch[0], batch[2])


def test_a_claim_close_to_one_member_joins_though_far_from_the_anchor() -> None:
    """The member link: a later wording that matches one claim of a proposition joins it, even when the anchor
    and the centroid are worded apart (a headline anchor, a lede in more words)."""

    def unit(*xs: float) -> np.ndarray:
        v = np.zeros(384, dtype=np.float32)
        v[: len(xs)] = xs
        return v / np.linalg.norm(v)

    headline, lede = unit(1.0), unit(0.8, 0.6)  # the lede joins its headline at cosine 0.8
    later = unit(0.3, 0.954)  # 0.81 from the lede, 0.3 from the headline, 0.59 from their centroid
    apart = unit(0.0, 0.0, 1.0)
    claims = [claim(f"Tamar bridge {w}", day=i + 1) for i, w in enumerate(("cut", "closed", "shut", "rebuilt"))]
    clusterer = ClaimClusterer()
    for c, vector in zip(claims, (headline, lede, later, apart), strict=True):
        clusterer.add(c, vector)
    assert together(claims[0], claims[1]) and together(claims[0], claims[2])
    assert not together(claims[0], claims[3])
    assert clusterer.clusters[0].member_ids == [claims[0].id, claims[1].id, claims[2].id]


def test_a_long_claim_whose_words_the_proposition_holds_joins_though_its_vocabulary_is_larger() -> None:
    """Containment: Dice between a claim's 7 content words and a proposition's 20-word core is under a half even
    when the core holds every one of them; the share of the claim's words in the core is not."""

    def unit(*xs: float) -> np.ndarray:
        v = np.zeros(384, dtype=np.float32)
        v[: len(xs)] = xs
        return v / np.linalg.norm(v)

    texts = (
        "Pumps at the Varnel waterworks stopped after the feeder cable was cut",
        "Residents of Varnel queued for tanker water on the third day",
        "The waterworks engineer said repairs would take several weeks",
        "Varnel waterworks pumps stopped when the feeder cable was cut",
    )
    later = unit(0.55, 0.835)  # cosine 0.55 with each earlier claim: under the threshold on its own
    for words, joins in ((6, True), (99, False)):
        claims = [claim(t, day=i + 1) for i, t in enumerate(texts)]
        clusterer = ClaimClusterer(containment_words=words)
        for c, vector in zip(claims, (unit(1.0), unit(1.0), unit(1.0), later), strict=True):
            clusterer.add(c, vector)
        assert together(claims[0], claims[2])
        assert together(claims[0], claims[3]) is joins


def test_blocking_compares_only_propositions_sharing_a_key(embedder: Embedder) -> None:
    same = [claim("Heavy rain flooded homes in Zor", day=1), claim("Heavy rain flooded homes in Zor", day=2)]
    assert len(ClaimClusterer(embedder=embedder).add_all(same)) == 1
    # Posting lists over the limit are skipped like stop words: with none left, nothing is a candidate.
    again = [claim("Heavy rain flooded homes in Zor", day=1), claim("Heavy rain flooded homes in Zor", day=2)]
    assert len(ClaimClusterer(embedder=embedder, max_postings=0).add_all(again)) == 2
    clusterer = ClaimClusterer(embedder=embedder)
    clusterer.add_all([claim("Heavy rain flooded homes in Zor")])
    assert clusterer._candidates({"w:zzzz"}) == []
    assert clusterer._candidates(set(clusterer._by_key)) == [0]


def test_representative_prefers_an_affirmative_unhedged_claim() -> None:
    hedged = claim("The bridge was reportedly seized", hedges=("reportedly",))
    hedged.stance = "reports"
    firm = claim("The bridge was seized")
    firm.stance = "supports"
    assert representative([hedged, firm]) == firm.text
    assert representative([hedged]) == hedged.text
    assert representative([]) is None


def test_signature_words_fold_spelling_variants() -> None:
    assert signature_words("Kata'ib arrested") == signature_words("Kataib arrests")
    assert "the" not in signature_words("the Tamar bridge")


def test_missing_model_is_a_pipeline_error(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match="sentence-embedding model is missing"):
        Embedder(tmp_path)


def test_a_lede_scores_higher_against_its_own_headlines_proposition(embedder: Embedder) -> None:
    headline = claim("Council and rebels held secret talks in Varn", doc="doc_courier")
    headline.lead = "headline"
    clusterer = ClaimClusterer(embedder=embedder)
    clusterer.add(headline)
    text = "Envoys of the council and the rebel militia met secretly last Sunday in the border city of Varn"
    vector = embedder.encode([text])[0]

    def score(doc: str, lead: str | None) -> float:
        lede = claim(text, doc=doc)
        lede.lead = lead
        return clusterer.score(0, vector, signature_words(text), lede)

    assert score("doc_courier", "lede") == pytest.approx(score("doc_courier", None) + clusterer.lede_bonus)
    assert score("doc_other", "lede") == pytest.approx(score("doc_courier", None))  # another report's lede


def test_a_reports_headline_and_lede_are_marked() -> None:
    from storytrace.resolve.job import _mark_lead

    text = "Rebels seize the Varn bridge\n\nVARN — Rebels seized the bridge on Monday. They said it would stay shut."
    records = []
    for sentence in ("Rebels seize the Varn bridge", "Rebels seized the bridge on Monday.", "They said it"):
        start = text.index(sentence)
        record = claim(sentence, doc="doc_varn")
        record.sentence_start, record.sentence_end = start, start + len(sentence)
        records.append(record)
    _mark_lead(text, records)
    assert [r.lead for r in records] == ["headline", "lede", None]
    plain = "Rebels seized the bridge on Monday. They said it would stay shut."  # no headline: no lede either
    unmarked = [claim("Rebels seized the bridge on Monday.", doc="doc_plain"), claim("They said it", doc="doc_plain")]
    unmarked[1].sentence_start = plain.index("They")
    unmarked[0].sentence_end = plain.index(".") + 1
    _mark_lead(plain, unmarked)
    assert [r.lead for r in unmarked] == [None, None]


def _at(record: ClaimRecord, start: int, lead: str | None = None) -> ClaimRecord:
    record.start_char, record.lead = start, lead
    return record


def test_a_headline_denial_joins_the_proposition_its_lede_denies(embedder: Embedder) -> None:
    scoop = claim("Envoys of the council met commanders of the rebel militia secretly in Varn on Sunday", day=1)
    council = Hop("The council", "named", "ent_council")
    headline = _at(claim("talks with rebels", day=2, doc="doc_d", polarity="denies", speaker=council), 0, "headline")
    lede = claim("its envoys had met commanders of the rebel militia in Varn", day=2, doc="doc_d", polarity="denies")
    lede = _at(lede, 80, "lede")
    lede.chain = (council,)
    clusterer = ClaimClusterer(embedder=embedder)
    # The short headline alone is too far from the scoop to join it: it would found a proposition of its own.
    vector = embedder.encode([headline.text])[0]
    clusterer.add(scoop)
    assert clusterer.score(0, vector, signature_words(headline.text), headline) < clusterer.threshold
    clusterer.add_all([headline, lede])
    assert together(scoop, lede) and together(scoop, headline)
    assert headline.stance == "refutes"
    assert "placed with the report's lede" in (headline.stance_reason or "")


def test_a_headline_denial_over_an_asserting_lede_is_not_moved(embedder: Embedder) -> None:
    scoop = claim("Envoys of the council met commanders of the rebel militia secretly in Varn on Sunday", day=1)
    headline = _at(claim("talks with rebels", day=2, doc="doc_e", polarity="denies"), 0, "headline")
    lede = _at(claim("the bridge at Varn reopened to traffic on Monday morning", day=2, doc="doc_e"), 80, "lede")
    clusterer = ClaimClusterer(embedder=embedder)
    clusterer.add_all([scoop, headline, lede])
    assert not together(scoop, headline) and not together(lede, headline)


def test_a_refutation_by_reference_joins_the_claim_it_points_to(embedder: Embedder) -> None:
    minister = Hop("the minister", "named", "ent_minister")
    relayed = _at(claim("the council had paid the rebels for the release of two hostages", doc="doc_r"), 10)
    relayed.chain = (Hop("The Valley Post", "outlet"),)
    own = _at(claim("the army would reopen the road to Varn within a week", doc="doc_r", speaker=minister), 60)
    rebuttal = _at(claim("The story is invented from beginning to end", doc="doc_r", polarity="refutes"), 120)
    rebuttal.chain = (minister,)
    clusterer = ClaimClusterer(embedder=embedder)
    clusterer.add_all([relayed, own, rebuttal])
    # The minister's own claim is skipped: a speaker does not call his own words invented.
    assert together(relayed, rebuttal) and not together(own, rebuttal)
    assert rebuttal.stance == "refutes"
    assert "refers to an earlier claim of the report" in (rebuttal.stance_reason or "")
    # A refutation that states what it refutes is clustered as before.
    stated = _at(claim("no money was paid to anyone", doc="doc_s", polarity="denies", speaker=minister), 0)
    lone = ClaimClusterer(embedder=embedder)
    lone.add_all([stated])
    assert "refers to" not in (stated.stance_reason or "")


def test_a_caveat_on_the_evidence_goes_with_the_claim_it_qualifies(embedder: Embedder) -> None:
    """ "He did not provide evidence" after two reports' different allegations: each caveat qualifies its own
    report's allegation, relays it without endorsing it, and never makes a proposition of its own."""
    official = Hop("a senior official", "anonymous")
    boats = _at(claim("the navy had seized four smuggling boats off Cape Lorn", doc="doc_a", speaker=official), 0)
    caveat_a = _at(claim("He did not provide evidence", doc="doc_a"), 80)
    bribes = _at(claim("the mayor of Varn took bribes from a building firm", doc="doc_b", day=2, speaker=official), 0)
    caveat_b = _at(claim("The official did not provide evidence", doc="doc_b", day=2), 70)
    clusterer = ClaimClusterer(embedder=embedder)
    clusterer.add_all([boats, caveat_a, bribes, caveat_b])
    assert together(boats, caveat_a) and together(bribes, caveat_b) and not together(caveat_a, caveat_b)
    assert caveat_a.stance == caveat_b.stance == "reports"
    assert "a caveat on an earlier claim of the report" in (caveat_b.stance_reason or "")
    # Alone in its report, a caveat has nothing to qualify: it stays a claim of its own.
    lone = _at(claim("No evidence was offered", doc="doc_c"), 0)
    ClaimClusterer(embedder=embedder).add_all([lone])
    assert lone.proposition_id and lone.stance == "reports"


def test_order_for_clustering_puts_a_headline_denial_after_its_denying_lede() -> None:
    headline = _at(claim("talks with rebels", doc="doc_o", polarity="denies"), 0, "headline")
    lede = _at(claim("its envoys met the rebels", doc="doc_o", polarity="denies"), 50, "lede")
    later = _at(claim("the bridge stays shut", doc="doc_o"), 90)
    assert order_for_clustering([later, lede, headline]) == [lede, headline, later]
    lede.polarity = "asserts"  # a lede that does not deny: report order
    assert order_for_clustering([later, lede, headline]) == [headline, lede, later]


def test_a_headline_ending_in_a_quote_is_a_headline() -> None:
    from storytrace.extract.sentences import is_headline

    text = 'Varn rejects drone claim as "baseless"\n\nVARN — The council said on Monday: "We will stay."\n'
    end = text.index("\n")
    assert not is_headline(text, 0, end)  # the extractors' strict reading, kept for their stored outputs
    assert is_headline(text, 0, end, quoted_end=True)
    start = text.index("VARN")
    assert not is_headline(text, start, text.index("\n", start), quoted_end=True)
