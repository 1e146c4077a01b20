"""Near-duplicate detection: stable fingerprints, the similarity invariants, and the verdict on copies."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.clean import dedup

# Our own short wire report (invented names and places), and the kinds of text it is confused with.
REPORT = (
    "HARBAL — At least 12 people were killed and 31 wounded when a car bomb exploded near the central market "
    "in the northern city of Harbal on Tuesday, the Interior Ministry said in a statement. The blast struck "
    "shortly after 9 a.m., when the market was crowded with shoppers, witnesses said. Most of the wounded "
    "were "
    "taken to the main hospital, where six remained in critical condition, a hospital official said. "
    '"Those responsible will be brought to justice, wherever they are," Interior Minister Farid Qurtab told '
    "reporters. No group immediately claimed responsibility for the attack, but the Green Valley Brigades "
    "have "
    "carried out similar bombings in Nahrun province this year. Security was tightened around government "
    "buildings across the province on Tuesday evening, and the road between Harbal and Qasrin was closed for "
    "several hours. The ministry said an investigation had been opened and that it would publish its "
    "findings "
    "within ten days. Residents said they feared more attacks in the coming weeks."
)

# The same event written up independently: same names, figures, place and quote, different wording.
SAME_EVENT = (
    "A car bomb tore through a busy market in Harbal on Tuesday morning, killing 12 people and injuring 31, "
    "according to officials. The explosion went off around 9 a.m. near the central market as people shopped "
    "for the weekend, local residents told our correspondent. Interior Minister Farid Qurtab vowed that "
    '"those responsible will be brought to justice, wherever they are." Hospital staff reported that six of '
    "the injured were in a serious state. Suspicion fell on the Green Valley Brigades, an armed group active "
    "in Nahrun province, although nobody has said it was behind the blast. Police closed the Harbal-Qasrin "
    "road for much of the day and extra checkpoints went up in the city centre. It was the deadliest attack "
    "in the province since the spring, when a similar bombing killed nine people."
)


# Background an outlet adds to a longer version of the report.
BACKGROUND = (
    "Nahrun province has seen a rise in violence since a truce between the government and several armed "
    "groups collapsed in March. Aid agencies say more than 4,000 families have left villages along the "
    "border since then, many of them for camps outside Qasrin. The provincial council has called for an "
    "independent inquiry into the security services, and lawmakers from the province have demanded that the "
    "Interior Ministry brief parliament next week. Analysts at the Centre for Security Policy say the armed "
    "groups have grown stronger as reconstruction money promised after the war has failed to arrive, leaving "
    "young men with few jobs outside the militias. Electricity cuts of up to twelve hours a day have added "
    "to "
    "the anger in Harbal, where protesters blocked the main road twice last month."
)


def _dressed(body: str, outlet: str) -> str:
    """The body with one outlet's header and footer, as a syndicating site would run it."""
    return (
        f"{outlet} | World | Tuesday\nBy Staff Writer\nShare this article\n\n{body}\n\n"
        f"© 2024 {outlet}. All rights reserved. Subscribe to the {outlet} newsletter for daily updates."
    )


def test_fingerprint_is_deterministic_across_calls() -> None:
    first, second = dedup.fingerprint(REPORT), dedup.fingerprint(REPORT)
    assert first.signature.dtype == np.uint32
    assert first.signature.shape == (dedup.NUM_PERM,)
    assert np.array_equal(first.signature, second.signature)
    assert dedup.bands(first.signature) == dedup.bands(second.signature)


# Computed once in another process: Python's salted hash() would give other values in every process.
PINNED_FIRST_SHINGLE = 1644065180238082924
PINNED_SIGNATURE_PREFIX = [305164587, 233981573, 493796803, 52097329]
PINNED_BANDS_PREFIX = [(0, 6635383673209783077), (1, 3264359797975056396)]


def test_fingerprint_scheme_is_pinned() -> None:
    # Stored bands and edge methods depend on these exact values: if this fails, the scheme changed, so bump
    # METHOD to a new version (v3) and then update the pins.
    text = "The minister said in a statement on Tuesday that talks would resume."
    fp = dedup.fingerprint(text)
    assert dedup.METHOD == "clean.near_duplicates.minhash.v2"
    assert fp.shingle_count == 9
    assert int(dedup.shingles(text)[0]) == PINNED_FIRST_SHINGLE
    assert fp.signature[:4].tolist() == PINNED_SIGNATURE_PREFIX
    assert dedup.bands(fp.signature)[:2] == PINNED_BANDS_PREFIX


def test_bands_fit_sqlite_integer_and_cover_every_band() -> None:
    result = dedup.bands(dedup.fingerprint(REPORT).signature)
    assert [band for band, _ in result] == list(range(dedup.BANDS))
    assert all(0 <= bucket < 2**63 for _, bucket in result)
    assert len({bucket for _, bucket in result}) == dedup.BANDS


def test_bands_reject_a_signature_of_the_wrong_size() -> None:
    with pytest.raises(ValueError, match=f"a signature has {dedup.NUM_PERM} slots"):
        dedup.bands(np.zeros(7, dtype=np.uint32))


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ('He said: "We will rebuild."', "he said “we will rebuild”"),  # quotes, case
        ("Ｈａｒｂａｌ market — reopened", "harbal market reopened"),  # full-width letters (NFKC), dash
        ("the cease\u00adfire held", "the ceasefire held"),  # soft hyphen
        ("a  b\n\tc   d e", "a b c d e"),  # white space
        ("© 2024 Meridian Wire | $20m deal +3", "2024 meridian wire 20m deal 3"),  # symbols
    ],
)
def test_shingles_ignore_punctuation_case_and_spacing(left: str, right: str) -> None:
    assert np.array_equal(dedup.shingles(left), dedup.shingles(right))


def test_shingles_keep_combining_marks_inside_words() -> None:
    # Arabic with short vowels: the marks must not split a word into letters.
    vowelled = "\u0628\u064e\u064a\u0652\u062a \u0643\u064e\u0628\u0650\u064a\u0631"
    assert dedup._words(vowelled) == [vowelled.split()[0], vowelled.split()[1]]


@pytest.mark.parametrize("text", ["", "   ", "!!! — ...", "Hi", "Three word item", "Exactly four words here"])
def test_short_texts_do_not_crash(text: str) -> None:
    fp = dedup.fingerprint(text)
    assert fp.signature.shape == (dedup.NUM_PERM,)
    bands = dedup.bands(fp.signature)
    sim = dedup.compare(text, text)
    if fp.shingle_count == 0:
        assert bands == []  # empty texts must not all collide in one bucket
        assert not dedup.is_near_duplicate(sim)
    else:
        assert fp.shingle_count == 1  # fewer than k+1 words: one shingle, the whole text
        assert len(bands) == dedup.BANDS
        assert dedup.is_near_duplicate(sim)


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        ("Explosion reported in Harbal market on Tuesday evening", True),  # one word changed at the end
        ("Protest reported in Harbal market on Tuesday evening", False),  # a shared phrase, another item
    ],
)
def test_short_texts_match_only_when_nearly_identical(other: str, expected: bool) -> None:
    sim = dedup.compare("Explosion reported in Harbal market on Tuesday morning", other)
    assert sim.shared < dedup.MIN_SHARED  # judged by SHORT_JACCARD_MIN
    assert dedup.is_near_duplicate(sim) is expected


_words = st.sampled_from(("the", "minister", "said", "on", "tuesday", "that", "talks", "in", "harbal", "12"))
_texts = st.lists(_words, max_size=60).map(" ".join) | st.text(max_size=200)


@settings(max_examples=60, deadline=None)
@given(_texts)
def test_compare_with_itself_is_jaccard_one(text: str) -> None:
    sim = dedup.compare(text, text)
    if dedup.shingles(text).size:
        assert sim.jaccard == 1.0
        assert sim.containment == 1.0
    else:
        assert sim.shared == 0


@settings(max_examples=60, deadline=None)
@given(_texts, _texts)
def test_compare_is_symmetric_and_containment_bounds_jaccard(a: str, b: str) -> None:
    ab, ba = dedup.compare(a, b), dedup.compare(b, a)
    assert ab == ba
    assert 0.0 <= ab.jaccard <= ab.containment <= 1.0
    assert dedup.is_near_duplicate(ab) == dedup.is_near_duplicate(ba)


def test_copy_with_other_boilerplate_is_a_near_duplicate() -> None:
    sim = dedup.compare(_dressed(REPORT, "Meridian Wire"), _dressed(REPORT, "Northgate Post"))
    assert dedup.is_near_duplicate(sim)
    assert sim.containment > 0.8


def test_same_event_reported_independently_is_not_a_near_duplicate() -> None:
    sim = dedup.compare(_dressed(REPORT, "Meridian Wire"), _dressed(SAME_EVENT, "Meridian Wire"))
    assert sim.shared > 0  # they do share the quote, the names and the outlet's boilerplate …
    assert not dedup.is_near_duplicate(sim)  # … but not the wording


def test_truncated_copy_is_found_by_containment() -> None:
    long_version = f"{REPORT} {BACKGROUND}"
    brief = REPORT.split(". ")[0] + "."  # the first sentence, as a news brief runs it
    sim = dedup.compare(long_version, brief)
    assert sim.jaccard < dedup.JACCARD_MIN  # Jaccard alone would miss it
    assert sim.containment == 1.0
    assert dedup.is_near_duplicate(sim)


def test_stock_phrases_alone_do_not_make_a_copy() -> None:
    stock = "the Interior Ministry said in a statement"  # a phrase every wire report contains
    sim = dedup.compare(REPORT, stock)
    assert sim.containment == 1.0
    assert sim.shared < dedup.MIN_SHARED
    assert not dedup.is_near_duplicate(sim)


def test_explain_names_containment_and_jaccard() -> None:
    sim = dedup.Similarity(jaccard=0.71, containment=0.82, shared=164)
    assert dedup.explain(sim) == (
        "82% of the shorter text's 4-word sequences also occur in the other (164 shared, Jaccard 0.71)"
    )


def test_index_returns_matches_with_earlier_documents_only() -> None:
    index = dedup.NearDuplicateIndex()
    assert index.add("doc_a", _dressed(REPORT, "Meridian Wire")) == []
    assert index.add("doc_b", _dressed(SAME_EVENT, "Northgate Post")) == []
    matches = index.add("doc_c", _dressed(REPORT, "Coastline Daily"))
    assert [(m.doc_id, m.other_id) for m in matches] == [("doc_c", "doc_a")]
    assert matches[0].score == dedup.score(matches[0].similarity) == matches[0].similarity.containment
    assert matches[0].explanation.startswith(f"{matches[0].score:.0%} of the shorter text")
    assert len(index) == 3
    assert "doc_b" in index


def test_index_refuses_the_same_document_twice() -> None:
    index = dedup.NearDuplicateIndex()
    index.add("doc_a", REPORT)
    with pytest.raises(ValueError, match="'doc_a' is already in the index"):
        index.add("doc_a", REPORT)


def test_index_ignores_empty_texts() -> None:
    index = dedup.NearDuplicateIndex()
    assert index.add("doc_a", "") == []
    assert index.add("doc_b", "— —") == []
    assert index.candidates_checked == 0
