from __future__ import annotations

from collections import Counter

from storytrace.resolve.event_coref import (
    CorefMention,
    cluster_documents,
    cluster_mentions,
    lemma_clusters,
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
