from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from storytrace.errors import PipelineError
from storytrace.resolve.claims import default_embedder
from storytrace.resolve.event_coref import (
    FEATURES,
    VIEWS,
    CorefMention,
    FloatArray,
    PairModel,
    cluster_documents,
    cluster_mentions,
    embed_mentions,
    lemma_clusters,
    load_pair_model,
    mention_texts,
    pair_features,
    trigger_lemma,
    trigger_stem,
    trigger_type,
)


def test_lemma_strips_inflection_and_picks_the_head() -> None:
    assert trigger_lemma(("arrested",)) == trigger_lemma(("arrests",)) == "arrest"
    assert trigger_lemma(("stopped",)) == "stop"
    assert trigger_lemma(("said",)) == "say"
    assert trigger_lemma(("took", "place")) == "take"  # a verb phrase: its verb
    assert trigger_lemma(("heart", "attack")) == "attack"  # a noun compound: its last word
    assert trigger_lemma(("hired",)) == trigger_lemma(("hiring",)) == trigger_lemma(("hire",))
    assert trigger_lemma(("election",)) != trigger_lemma(("elected",))
    assert trigger_stem(("election",)) == trigger_stem(("elected",))


def test_type_comes_from_the_ontology() -> None:
    assert trigger_type(("killed",)) == "killing"
    assert trigger_type(("bombing",)) == "bombing"
    assert trigger_type(("said",)) is None


def _m(key: str, doc: str, *tokens: str, names: tuple[str, ...] = (), date: str | None = None) -> CorefMention:
    return CorefMention(key, doc, tokens, frozenset(names), date)


def _groups(clusters: list[list[CorefMention]]) -> set[frozenset[object]]:
    return {frozenset(m.key for m in c) for c in clusters}


def test_lemma_baseline_groups_one_lemma_per_group() -> None:
    ms = [_m("a", "d1", "arrested"), _m("b", "d2", "arrest"), _m("c", "d3", "arrested")]
    assert _groups(lemma_clusters(ms)) == {frozenset("abc")}
    split = lemma_clusters(ms, group=lambda m: m.doc_id == "d3")
    assert _groups(split) == {frozenset("ab"), frozenset("c")}


def test_cluster_mentions_links_lemma_and_family_within_a_document_group() -> None:
    ms = [
        _m("a", "d1", "shot", names=("kessara",)),
        _m("b", "d2", "killed", names=("kessara",)),  # killing, bombing, attack: the violence family
        _m("c", "d2", "bombing", names=("kessara",)),
        _m("d", "d3", "attack", names=("kessara",)),
        _m("e", "d4", "attack"),  # same lemma as d, but another document group
    ]
    groups = {"d1": 0, "d2": 0, "d3": 0, "d4": 1}
    got = _groups(cluster_mentions(ms, groups, threshold=0.6))
    # one family and a shared name: 0.5 + 0.1 >= 0.6; "shot" is no one-word trigger of the ontology; "e" is in
    # another document group although it has the lemma of "d"
    assert got == {frozenset("a"), frozenset("bcd"), frozenset("e")}
    assert _groups(cluster_mentions(ms, groups, threshold=0.7)) == {frozenset(k) for k in "abcde"}


def test_different_dates_veto_a_link() -> None:
    ms = [_m("a", "d1", "arrested", date="2024-03-01"), _m("b", "d2", "arrested", date="2024-05-09")]
    assert _groups(cluster_mentions(ms, {"d1": 0, "d2": 0})) == {frozenset("a"), frozenset("b")}
    ms = [_m("a", "d1", "arrested", date="2024-03-01"), _m("b", "d2", "arrested")]
    assert _groups(cluster_mentions(ms, {"d1": 0, "d2": 0})) == {frozenset("ab")}


def test_cluster_documents_separates_two_stories() -> None:
    quake = Counter("earthquake magnitude coast tremor villages collapsed".split())
    trial = Counter("court judge verdict jury defendant appeal".split())
    bags = {
        "q1": quake,
        "q2": quake + Counter(["tsunami"]),
        "t1": trial,
        "t2": trial + Counter(["sentence"]),
    }
    groups = cluster_documents(bags, threshold=0.2)
    assert groups["q1"] == groups["q2"] != groups["t1"] == groups["t2"]


def test_cluster_documents_attaches_a_lone_report_to_its_closest_story() -> None:
    quake = Counter("earthquake magnitude coast tremor villages collapsed rescue".split())
    trial = Counter("court judge verdict jury defendant appeal prison".split())
    bags = {
        "q1": quake,
        "q2": quake + Counter(["tsunami"]),
        "t1": trial,
        "t2": trial + Counter(["sentence"]),
        # a short report sharing one word with the quake story: too little for the average link at 0.2
        "q3": Counter("aftershock rescue teams hospitals".split()),
        "x": Counter("football league goal striker".split()),  # shares nothing: stays alone
    }
    plain = cluster_documents(bags, threshold=0.2)
    assert len({plain["q3"], plain["q1"], plain["t1"]}) == 3
    groups = cluster_documents(bags, threshold=0.2, attach=0.02)
    assert groups["q3"] == groups["q1"] == groups["q2"] != groups["t1"] == groups["t2"]
    assert groups["x"] not in {groups["q1"], groups["t1"]}


def _in(key: str, doc: str, sentence: str, trigger: str, date: str | None = None) -> CorefMention:
    start = sentence.index(trigger)
    return CorefMention(
        key, doc, tuple(trigger.split()), date=date, sentence=sentence, span=(start, start + len(trigger))
    )


def test_mention_texts_are_the_sentence_two_windows_and_the_trigger() -> None:
    sentence = "Early on Monday a strong earthquake struck the coast of Veloria , collapsing dozens of homes ."
    texts = mention_texts(_in("a", "d1", sentence, "struck"))
    assert dict(zip(VIEWS, texts, strict=True)) == {
        "sentence": sentence,
        "window5": "on Monday a strong earthquake struck the coast of Veloria ,",
        "window1": "earthquake struck the",
        "trigger": "struck",
    }
    # without a sentence every view is the trigger
    assert mention_texts(_m("b", "d1", "took", "place")) == ("took place",) * len(VIEWS)


def _fake_encoder(calls: list[list[str]]) -> Callable[[Sequence[str]], FloatArray]:
    def encode(texts: Sequence[str]) -> FloatArray:
        calls.append(list(texts))
        # a unit vector per first letter: texts starting alike are identical, others orthogonal
        out = np.zeros((len(texts), 26), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row, (ord(text.lower()[0]) - ord("a")) % 26] = 1.0
        return out

    return encode


def test_embed_mentions_encodes_each_distinct_text_once() -> None:
    calls: list[list[str]] = []
    ms = [_m("a", "d1", "quake"), _m("b", "d2", "quake"), _m("c", "d3", "fire")]
    vectors = embed_mentions(ms, _fake_encoder(calls))
    assert vectors.shape == (3, len(VIEWS), 26)
    assert calls == [["fire", "quake"]]
    assert np.allclose(vectors[0], vectors[1]) and not np.allclose(vectors[0], vectors[2])


def test_pair_features_read_lemma_family_names_and_cosines() -> None:
    ms = [
        _m("a", "d1", "killed", names=("kessara", "ortu")),
        _m("b", "d2", "bombing", names=("kessara",)),
        _m("c", "d2", "said"),
    ]
    features = pair_features(ms, embed_mentions(ms, _fake_encoder([])))
    assert features.shape == (3, 3, len(FEATURES))
    column = {name: features[..., k] for k, name in enumerate(FEATURES)}
    assert column["family"][0, 1] == 1.0 and column["lemma"][0, 1] == 0.0  # both in the violence family
    assert column["other_family"][0, 1] == 0.0 and column["other_family"][0, 2] == 0.0  # "said": no type
    assert column["names"][0, 1] == pytest.approx(1 / 3)
    assert column["same_doc"][1, 2] == 1.0 and column["same_doc"][0, 1] == 0.0
    assert column["cos_trigger"][0, 1] == 0.0 and column["cos_trigger"][1, 1] == pytest.approx(1.0)
    assert np.allclose(features, features.transpose(1, 0, 2))


def test_learned_scorer_links_synonyms_the_rules_keep_apart() -> None:
    ms = [
        _in("a", "d1", "A strong earthquake struck the coast of Veloria on Monday , collapsing homes .", "earthquake"),
        _in("b", "d2", "Rescuers in Veloria said the quake destroyed homes along the coast .", "quake"),
        _in("c", "d3", "The mining company in Veloria hired a new chief executive on Monday .", "hired"),
    ]
    groups = {"d1": 0, "d2": 0, "d3": 0}
    assert _groups(cluster_mentions(ms, groups)) == {frozenset("a"), frozenset("b"), frozenset("c")}
    vectors = embed_mentions(ms, default_embedder().encode)
    assert _groups(cluster_mentions(ms, groups, vectors=vectors)) == {frozenset("ab"), frozenset("c")}


def test_learned_scorer_keeps_the_date_veto() -> None:
    sentence = "Police arrested the mayor of Veloria ."
    ms = [_in("a", "d1", sentence, "arrested", "2024-03-01"), _in("b", "d2", sentence, "arrested", "2024-05-09")]
    vectors = embed_mentions(ms, _fake_encoder([]))
    model = PairModel(weights=(1.0,) * len(FEATURES), bias=0.0, threshold=0.5)
    assert _groups(cluster_mentions(ms, {"d1": 0, "d2": 0}, vectors=vectors, model=model)) == {
        frozenset("a"),
        frozenset("b"),
    }
    undated = [_in("a", "d1", sentence, "arrested"), _in("b", "d2", sentence, "arrested")]
    assert _groups(cluster_mentions(undated, {"d1": 0, "d2": 0}, vectors=vectors, model=model)) == {frozenset("ab")}


def test_cluster_mentions_rejects_vectors_of_other_mentions() -> None:
    ms = [_m("a", "d1", "arrested"), _m("b", "d2", "arrested")]
    with pytest.raises(ValueError, match="1 vectors for 2 mentions"):
        cluster_mentions(ms, {}, vectors=embed_mentions(ms[:1], _fake_encoder([])))


def test_shipped_pair_model_matches_the_features(tmp_path: Path) -> None:
    model = load_pair_model()
    assert len(model.weights) == len(FEATURES) and 0.0 < model.threshold < 1.0
    stale = tmp_path / "weights.json"
    stale.write_text(json.dumps(model.to_json() | {"features": ["lemma"]}), encoding="utf-8")
    with pytest.raises(PipelineError, match=r"fitted on features \['lemma'\]") as error:
        load_pair_model(stale)
    assert "--split train --fit" in str(error.value.hint)
    with pytest.raises(PipelineError, match="cannot read the event-coreference pair model"):
        load_pair_model(tmp_path / "missing.json")
