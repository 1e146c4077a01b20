"""Tests for extract.times.rules_crf.v1 (invented sentences; no article text): the rules' spans kept, the extra
spans normalised by the rules as trusted spans, the CRF's features and training, and that v3 did not change."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from storytrace.errors import PipelineError
from storytrace.extract.sentences import split_sentences
from storytrace.extract.times import TimeExpr, find_times
from storytrace.extract.times_crf import (
    DEFAULT_MODEL_PATH,
    crf_spans,
    load_times_tagger,
    sentence_features,
    token_labels,
    train_crf,
    training_sequences,
)
from storytrace.model import DateVia, Document, PublishedDate, Span
from storytrace.pipeline import Pipeline

TUESDAY = date(2009, 2, 3)


def with_extra(text: str, phrases: Sequence[str], reference: date | None = TUESDAY) -> list[TimeExpr]:
    """find_times v3 with ``phrases`` (their first occurrence) offered as extra spans, as a CRF would."""
    wanted = [(text.index(p), text.index(p) + len(p)) for p in phrases]

    def extra(sentence: Span, found: Sequence[TimeExpr]) -> list[tuple[int, int]]:
        return [(a, b) for a, b in wanted if sentence.start_char <= a < sentence.end_char]

    return find_times(text, split_sentences(text), reference, [], 3, extra)


def by_text(text: str, found: Sequence[TimeExpr]) -> dict[str, tuple[str, str]]:
    return {text[t.start_char : t.end_char]: (t.value, t.rule) for t in found}


def test_no_extra_span_changes_nothing() -> None:
    text = "The talks resumed on Monday. Sales fell 35% in January. The envoy will return next week."
    plain = find_times(text, split_sentences(text), TUESDAY, [], 3)
    assert with_extra(text, []) == plain
    assert [t.rule for t in plain] == ["weekday", "month", "this-unit"]


@pytest.mark.parametrize(
    ("text", "phrase", "value", "rule"),
    [
        # A bare month with no preposition: the rules refuse it (a capitalised "March" may be a verb).
        ("Carmakers reported their January sales on Monday.", "January", "2009-01", "crf+month"),
        # "recently" before a verb: the rules take it for an adverb of manner.
        ("The Harbal plant recently opens its gates to visitors.", "recently", "PAST_REF", "crf+vague-ref"),
    ],
)
def test_an_extra_span_the_rules_refused_is_read_as_trusted(text: str, phrase: str, value: str, rule: str) -> None:
    assert phrase not in by_text(text, find_times(text, split_sentences(text), TUESDAY, [], 3))
    assert by_text(text, with_extra(text, [phrase]))[phrase] == (value, rule)


def test_guards_that_change_the_meaning_stay() -> None:
    # A name after a month-like word, an age and a rate are not times, trusted or not.
    text = "Thousands joined the March for Peace. The 55 years old pilot flies four flights a week."
    found = by_text(text, with_extra(text, ["March", "55 years", "a week"]))
    assert "March" not in found and "55 years" not in found and "a week" not in found


def test_an_extra_span_no_rule_reads_is_dropped_and_one_over_a_rule_span_is_ignored() -> None:
    text = "Profit rose in the latest period, the company said on Monday."
    found = with_extra(text, ["the latest period", "said on Monday"])
    assert by_text(text, found) == {"Monday": ("2009-02-02", "weekday")}


def test_an_added_date_is_what_later_expressions_count_from() -> None:
    # The trusted "January" gives later "that month" its month, as a rule span would.
    text = "Carmakers reported their January sales. Prices fell that month."
    found = by_text(text, with_extra(text, ["January"]))
    assert found["January"][0] == "2009-01"
    assert found["that month"][0] == "2009-01"


def test_token_labels_are_bio_over_overlapping_tokens() -> None:
    tokens = [(0, 3), (4, 8), (9, 14), (15, 19)]  # "The last three days"
    assert token_labels(tokens, [(4, 19)]) == ["O", "B-T", "I-T", "I-T"]
    assert token_labels(tokens, [(0, 3), (9, 12)]) == ["B-T", "O", "B-T", "O"]


def test_features_hold_the_lexicons_and_the_neighbours() -> None:
    text = "Fighting stopped in March 2019"
    tokens = [(0, 8), (9, 16), (17, 19), (20, 25), (26, 30)]
    features = sentence_features(text, tokens)
    assert "c=month" in features[3] and "c=year" in features[4]
    assert "-1:w=in" in features[3] and "1:c=year" in features[3]
    assert "-2:edge" in features[0] and "c=none" in features[0]


def test_training_and_tagging_round_trip(tmp_path: Path) -> None:
    # A tiny invented corpus: the CRF learns to tag the weekday and "yesterday" it is shown.
    texts = [
        ("The envoy arrived on Monday and left yesterday.", ["Monday", "yesterday"]),
        ("Talks began on Friday in the capital.", ["Friday"]),
        ("The minister spoke yesterday about the budget.", ["yesterday"]),
        ("Rebels withdrew on Sunday from the town.", ["Sunday"]),
    ] * 5
    sequences = []
    for text, phrases in texts:
        gold = [(text.index(p), text.index(p) + len(p)) for p in phrases]
        sequences += training_sequences(text, split_sentences(text), gold)
    model = tmp_path / "tiny.crfsuite"
    train_crf(sequences, model, iterations=50)
    tagger = load_times_tagger(model)
    text = "The convoy arrived on Monday."
    spans = crf_spans(tagger, text, split_sentences(text)[0])
    assert [text[a:b] for a, b in spans] == ["Monday"]


class _RefusingTagger:
    """A tagger that fails if asked: the sentence should be skipped before tagging."""

    def set(self, features: object) -> None:
        raise AssertionError("the CRF was run on a sentence with no time word")

    def tag(self) -> list[str]:
        raise AssertionError("the CRF was run on a sentence with no time word")


def test_a_sentence_with_no_time_word_is_not_tagged() -> None:
    tagger = load_times_tagger(DEFAULT_MODEL_PATH)
    text = "The minister spoke to reporters in the capital."
    assert crf_spans(tagger, text, split_sentences(text)[0]) == []
    # Skipped before the CRF runs (not merely tagged all O), while a sentence with a time word is tagged.
    assert crf_spans(_RefusingTagger(), text, split_sentences(text)[0]) == []
    with pytest.raises(AssertionError, match="no time word"):
        crf_spans(
            _RefusingTagger(), "The minister spoke on Monday.", split_sentences("The minister spoke on Monday.")[0]
        )


def test_component_keeps_the_rules_spans_and_adds_the_crfs() -> None:
    text = (
        "Harbal carmakers reported their January sales on Tuesday. The ministry said exports fell 4% last year "
        "and will recover in the near term."
    )
    doc = Document(id="t", text=text, locator="t", published=PublishedDate("2009-02-03", DateVia.USER))
    rules = Pipeline.from_names(["extract.sentences.rules.v1", "extract.times.rules.v3"])(doc)
    doc = Document(id="t", text=text, locator="t", published=PublishedDate("2009-02-03", DateVia.USER))
    merged = Pipeline.from_names(["extract.sentences.rules.v1", "extract.times.rules_crf.v1"])(doc)
    rule_spans = rules.spans["times"]
    merged_spans = merged.spans["times"]
    assert all(span in merged_spans for span in rule_spans)
    added = [s for s in merged_spans if s not in rule_spans]
    assert all(str(dict(s.attrs)["rule"]).startswith("crf+") for s in added)
    assert {text[s.start_char : s.end_char]: dict(s.attrs)["value"] for s in added} == {"January": "2009-01"}


def test_a_missing_model_is_a_pipeline_error(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match="model file not found"):
        Pipeline.from_names(
            ["extract.sentences.rules.v1", "extract.times.rules_crf.v1"],
            {"extract.times.rules_crf.v1": {"model_path": str(tmp_path / "none.crfsuite")}},
        )(Document(id="t", text="On Monday.", locator="t"))
