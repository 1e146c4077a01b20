"""Tests for the MiniLM attribution tagger (invented sentences only; the shipped model, no dataset)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from storytrace.errors import PipelineError
from storytrace.extract.attributions import extract_attributions
from storytrace.extract.attributions_crf import (
    _CUE_LIKE,
    DEFAULT_MODEL_PATH,
    Paragraph,
    attributions_from_tags,
    extract_attributions_crf,
    paragraphs,
    rule_spans,
    rules_tags,
)
from storytrace.extract.attributions_crf import (
    load_tagger as load_crf,
)
from storytrace.extract.attributions_minilm import (
    DEFAULT_MODEL_DIR,
    GATE_WORDS_FILE,
    LABELS,
    V2_CONTEXT,
    V2_MODEL_DIR,
    AttributionTagger,
    GatedAttributionTagger,
    Unit,
    extract_attributions_minilm,
    extract_attributions_minilm_v2,
    feature_id,
    is_candidate,
    load_attribution_tagger,
    load_gate_words,
    load_gated_tagger,
    paragraph_units,
    with_rules_fallback,
    without_dateline,
)
from storytrace.extract.ner_minilm import CASE_CLASSES
from storytrace.extract.sentences import split_sentences
from storytrace.model import Document, Span, make_id
from storytrace.pipeline import Pipeline, get_component

LAYERS = ("attributions", "cues", "sources", "contents")


def tagger() -> AttributionTagger:
    return load_attribution_tagger(DEFAULT_MODEL_DIR, threads=1)


def layers(text: str) -> dict[str, Any]:
    return extract_attributions_minilm(tagger(), text, split_sentences(text))


def attributions(text: str) -> list[dict[str, Any]]:
    """Each attribution as a flat dict: label, cue, speaker, speaker kind, content text (pieces joined), polarity."""
    out = []
    for span in layers(text)["attributions"]:
        attrs = dict(span.attrs)
        out.append(
            {
                "label": span.label,
                "cue": attrs["cue"]["text"],
                "speaker": attrs["speaker"]["text"],
                "speaker_kind": attrs["speaker"]["kind"],
                "content": " ".join(text[a:b] for a, b in attrs["content"]["pieces"]),
                "polarity": attrs["polarity"],
                "resolved_to": (attrs["resolved_to"] or {}).get("text"),
            }
        )
    return out


def only(text: str) -> dict[str, Any]:
    found = attributions(text)
    assert len(found) == 1, found
    return found[0]


def test_model_is_shipped_small_and_describes_itself() -> None:
    model = DEFAULT_MODEL_DIR / "model.onnx"
    assert model.is_file(), "the shipped model is missing: see the model folder's README.md"
    assert model.stat().st_size <= 25_000_000
    config = json.loads((DEFAULT_MODEL_DIR / "config.json").read_text(encoding="utf-8"))
    assert tuple(config["labels"]) == LABELS
    assert config["decoding"] in {"viterbi", "argmax"}
    assert (DEFAULT_MODEL_DIR / "README.md").is_file()


def test_feature_id_keeps_case_and_rule_tag_apart_and_zero_for_padding_only() -> None:
    ids = {feature_id(word, tag) for word in ("said", "Said", "S", "SAID", "1999", "“", "McKay") for tag in LABELS}
    assert len(ids) == 7 * len(LABELS)  # every (case, rule tag) pair is its own id
    assert 0 not in ids  # 0 is the padding and [CLS]/[SEP] id
    assert max(ids) < len(CASE_CLASSES) * len(LABELS)  # the model's embedding table
    assert feature_id("said", "B-CUE") - feature_id("said", "O") == 3 * len(CASE_CLASSES)


def test_paragraph_units_are_the_sentences_with_their_offsets_and_the_rules_tags() -> None:
    text = "Ona Vell said the well was dry. Nobody came.\n\nThe road is closed."
    sentences = split_sentences(text)
    parts = paragraphs(text, sentences)
    rules = rule_spans(extract_attributions(text, sentences))
    tags = [rules_tags(p, rules) for p in parts]
    units = paragraph_units(text, parts, tags)
    assert [(u.paragraph, u.first, u.words[0]) for u in units] == [(0, 0, "Ona"), (0, 8, "Nobody"), (1, 0, "The")]
    assert units[0].words[2] == "said" and tags[0][2] == "B-CUE"
    assert units[0].features[2] == feature_id("said", "B-CUE")
    assert units[2].features == [feature_id(w, "O") for w in units[2].words]


def test_decoding_repairs_a_stray_source_or_cue_but_lets_a_content_resume_after_a_gap() -> None:
    t = tagger()
    index = {label: i for i, label in enumerate(LABELS)}

    def probs(tags: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        out = np.full((len(tags), len(LABELS)), 0.05, dtype=np.float32)
        for i, tag in enumerate(tags):
            out[i, index[tag]] = 0.7
        return out

    # "“A,” he said, “B.”": the second piece of the content starts with I-CONTENT after O.
    resumed = ["B-CONTENT", "I-CONTENT", "O", "B-SOURCE", "B-CUE", "O", "I-CONTENT", "I-CONTENT"]
    assert [tag for tag, _ in t.decode(probs(resumed), "viterbi")] == resumed
    # An I-SOURCE after O cannot open a source: the path becomes valid, argmax keeps it.
    stray = ["O", "I-SOURCE", "B-CUE"]
    assert [tag for tag, _ in t.decode(probs(stray), "argmax")] == stray
    assert [tag for tag, _ in t.decode(probs(stray), "viterbi")][1] in {"O", "B-SOURCE"}


def test_direct_quote_with_a_named_speaker_after_the_cue() -> None:
    a = only("“The bridge will stay closed until the spring,” said Mara Velliot, the mayor of Teluna.")
    assert a["cue"] == "said"
    assert a["speaker"].startswith("Mara Velliot")
    assert a["speaker_kind"] == "named"
    assert "The bridge will stay closed until the spring" in a["content"]
    assert a["label"] == "direct"


def test_indirect_speech_with_an_anonymous_source() -> None:
    a = only("Two officials in the provincial council said that the harvest had failed for a second year.")
    assert a["cue"] == "said"
    assert a["speaker"].endswith("officials in the provincial council")
    assert a["content"].endswith("the harvest had failed for a second year")
    assert a["label"] == "indirect"


def test_a_belief_cue_the_rules_do_not_know_is_found() -> None:
    # PolNeAR annotates beliefs and intentions; the rules only know speech verbs.
    text = "The fishermen of Korvan believe that the new harbour wall will ruin the catch."
    assert extract_attributions(text, split_sentences(text))["attributions"] == []
    a = only(text)
    assert a["cue"] == "believe"
    assert a["speaker"] == "The fishermen of Korvan"
    assert a["content"].endswith("the new harbour wall will ruin the catch")


def test_denial_and_a_pronoun_resolved_to_the_named_speaker() -> None:
    text = (
        "Dorian Kell, the harbour master, said the ferry had left on time.\n\n"
        "He denied that the crew had ignored the storm warning."
    )
    found = attributions(text)
    last = found[-1]
    assert (last["speaker"], last["polarity"]) == ("He", "denies")
    assert last["resolved_to"] is not None and last["resolved_to"].startswith("Dorian Kell")
    assert "the crew had ignored the storm warning" in last["content"]


def test_a_headline_attribution_is_kept_from_the_rules() -> None:
    text = "Harbour authority denies ferry sank near Teluna\n\nThe ferry was seen leaving the port on Monday."
    a = attributions(text)[0]
    assert (a["speaker"], a["cue"], a["polarity"]) == ("Harbour authority", "denies", "denies")
    assert a["content"] == "ferry sank near Teluna"


def test_layers_have_the_shape_of_the_crf_component() -> None:
    text = (
        "“The road is open again,” said Ines Marl, a spokeswoman for the ministry.\n\n"
        "Residents told reporters that the water supply had been cut for three days."
    )
    ours = layers(text)
    crf = extract_attributions_crf(load_crf(DEFAULT_MODEL_PATH), text, split_sentences(text))
    assert set(ours) == set(crf) == set(LAYERS)
    assert len(ours["attributions"]) == len(ours["cues"]) == len(ours["contents"]) >= 2
    for a, b in zip(ours["attributions"], crf["attributions"], strict=False):
        assert [k for k, _ in a.attrs] == [k for k, _ in b.attrs]
        assert {k: type(v) for k, v in a.attrs if v is not None} == {k: type(v) for k, v in b.attrs if v is not None}
    speakers = [s for s in ours["sources"] if dict(s.attrs)["role"] == "speaker"]
    assert len(speakers) == len(ours["attributions"])


def test_text_without_attribution_gives_empty_layers() -> None:
    found = layers("The river rose by two metres overnight.\n\nSchools in the valley stayed shut.")
    assert all(found[name] == [] for name in LAYERS)
    assert all(found[name] == [] for name in layers(""))


def test_attributions_from_tags_builds_the_layers_from_any_tagger() -> None:
    text = "Ona Vell said the well was dry.\n\nThe road is closed."
    seen: list[int] = []

    def rules_only(text: str, parts: Any, rule_tags: Any, quotes: Any) -> list[list[str]]:
        seen.append(len(parts))
        return [list(tags) for tags in rule_tags]

    found = attributions_from_tags(text, split_sentences(text), rules_only)
    assert seen == [2]
    [attribution] = found["attributions"]
    attrs = dict(attribution.attrs)
    assert (attrs["speaker"]["text"], attrs["cue"]["text"]) == ("Ona Vell", "said")
    assert text[attrs["content"]["start_char"] : attrs["content"]["end_char"]] == "the well was dry"


def test_component_is_registered_and_assigns_the_four_layers() -> None:
    text = "Sources told the Mirror that the envoy had left the capital."
    doc = Document(id=make_id("doc", text), text=text, locator="t")
    doc = Pipeline.from_names(["extract.sentences.rules.v1", "extract.attributions.minilm.v1"])(doc)
    assert [doc.span_text(s) for s in doc.spans["cues"]] == ["told"]
    assert "the envoy had left the capital" in doc.span_text(doc.spans["contents"][0])
    info = get_component("extract.attributions.minilm.v1")
    assert info.requires == ("spans.sentences",)
    assert set(info.assigns) == {f"spans.{name}" for name in LAYERS}


def test_missing_model_dir_says_how_to_rebuild(tmp_path: Path) -> None:
    with pytest.raises(PipelineError) as info:
        get_component("extract.attributions.minilm.v1").factory(model_dir=str(tmp_path))
    message = info.value.line()
    assert "attribution model file not found" in message
    assert "python scripts/train_attributions_minilm.py" in message


def test_an_ner_model_dir_is_refused() -> None:
    from storytrace.extract.ner_minilm import DEFAULT_MODEL_DIR as NER_DIR

    with pytest.raises(PipelineError, match="is not an attribution model"):
        AttributionTagger(NER_DIR, threads=1)


# --- v2 (extract.attributions.minilm.v2): the gate, the dateline, the rules' fallback, the speaker fixes.


def units_of(text: str) -> tuple[list[Paragraph], list[Unit]]:
    sentences = split_sentences(text)
    parts = paragraphs(text, sentences)
    rules = rule_spans(extract_attributions(text, sentences))
    return parts, paragraph_units(text, parts, [rules_tags(p, rules) for p in parts])


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Ona Vell said the well was dry.", True),  # the rules tag it
        ("The fishermen believe the wall will ruin the catch.", True),  # a cue-like word the rules do not know
        ("“The wall will ruin the catch.”", True),  # a quotation mark
        ("The river rose by two metres overnight.", False),
    ],
)
def test_is_candidate_needs_a_rules_tag_a_cue_word_or_a_quotation_mark(sentence: str, expected: bool) -> None:
    [unit] = units_of(sentence)[1]
    assert is_candidate(unit) is expected


def test_gate_words_widen_the_lexicon() -> None:
    [unit] = units_of("The senator touted the new harbour wall.")[1]
    assert not is_candidate(unit)
    assert is_candidate(unit, frozenset({"touted"}))
    assert load_gate_words(V2_MODEL_DIR) > _CUE_LIKE  # the shipped folder brings its own words


@pytest.mark.parametrize(
    "dateline", ["HARBAL, March 14 (Vell Wire) - ", "TESRA (Vell Wire) — ", "KORVAN CITY, Oct. 5 (VNA) -- "]
)
def test_a_wire_dateline_is_hidden_from_the_tagger(dateline: str) -> None:
    text = dateline + "The convoy was attacked twice, an official said.\n\nHARBAL is quiet. The road is open."
    parts, units = units_of(text)
    first = without_dateline(text, parts, units[0])
    assert first.words[0] == "The" and first.words[-1] == "."
    assert first.first == len(units[0].words) - len(first.words)
    assert first.features == units[0].features[first.first :]
    assert without_dateline(text, parts, units[1]) == units[1]  # no dateline: "HARBAL is quiet."
    assert without_dateline(text, parts, units[2]) == units[2]  # not a paragraph's first sentence


class FakeTagger:
    """Records the units it is asked to read; tags every word ``label`` (O: nothing found; B-CUE: each sentence it
    read is told apart from the others)."""

    labels = LABELS

    def __init__(self, label: str = "O") -> None:
        self.runs: list[list[list[str]]] = []
        self.label = LABELS.index(label)

    def unit_probabilities(self, units: list[Unit]) -> list[np.ndarray[Any, np.dtype[np.float32]]]:
        self.runs.append([u.words for u in units])
        out = []
        for u in units:
            probs = np.zeros((len(u.words), len(LABELS)), dtype=np.float32)
            probs[:, self.label] = 1.0
            out.append(probs)
        return out

    def decode(self, probs: Any) -> list[tuple[str, float]]:
        return [(LABELS[int(k)], 1.0) for k in probs.argmax(axis=-1)]


def test_the_gated_tagger_encodes_only_the_candidate_sentences() -> None:
    text = (
        "The river rose overnight. Ona Vell said the well was dry. Her husband believes it will rain.\n\n"
        "Schools stayed shut. Nobody came.\n\n“We wait,” a farmer said."
    )
    fake = FakeTagger()
    parts, _ = units_of(text)
    tags = GatedAttributionTagger(fake, _CUE_LIKE).tag_paragraphs(  # type: ignore[arg-type]
        text, parts, [rules_tags(p, rule_spans(extract_attributions(text, split_sentences(text)))) for p in parts]
    )
    assert [[words[0] for words in run] for run in fake.runs] == [["Ona", "Her", "“"]]  # one document
    assert [len(t) for t in tags] == [len(p.starts) for p in parts]
    assert all(tag == "O" for t in tags for tag in t)


def tagged(text: str, marks: dict[str, str]) -> dict[str, list[Span]]:
    """The layers ``attributions_from_tags`` builds when a tagger tags each word as ``marks`` says (else O)."""

    def tagger(text: str, parts: Any, rule_tags: Any, quotes: Any) -> list[list[str]]:
        out = []
        for p in parts:
            words = [text[a:b] for a, b in zip(p.starts, p.ends, strict=True)]
            out.append([marks.get(w, "O") for w in words])
        return out

    return attributions_from_tags(text, split_sentences(text), tagger, rules_headlines=True)


def described(text: str, layers: dict[str, list[Span]]) -> list[tuple[str, str, str, str]]:
    out = []
    for span in layers["attributions"]:
        attrs = dict(span.attrs)
        content = " ".join(text[a:b] for a, b in attrs["content"]["pieces"])
        out.append((attrs["speaker"]["text"], attrs["speaker"]["kind"], attrs["cue"]["text"], content))
    return out


def test_the_rules_fallback_adds_a_clear_wire_attribution_only_where_the_tagger_found_none() -> None:
    text = (
        "The convoy was attacked twice, a provincial official said on Friday.\n\n"
        "Doctors warned of cholera in the camps.\n\n"
        "Mara Velliot fears the talks will fail."
    )
    sentences = split_sentences(text)
    rules = extract_attributions(text, sentences)
    assert [a[2] for a in described(text, rules)] == ["said", "warned"]
    mine = tagged(text, {"Mara": "B-SOURCE", "Velliot": "I-SOURCE", "fears": "B-CUE", "talks": "B-CONTENT"})
    assert [a[2] for a in described(text, mine)] == ["fears"]
    merged = with_rules_fallback(text, sentences, mine, rules)
    assert [a[2] for a in described(text, merged)] == ["said", "fears"]  # "warned" is not a clear cue
    assert len(merged["cues"]) == len(merged["contents"]) == 2 and len(merged["sources"]) == 2
    # Where the tagger has an attribution in the sentence, the rules' is not added again.
    again = with_rules_fallback(text, sentences, merged, rules)
    assert described(text, again) == described(text, merged)


def test_a_content_stops_at_the_end_of_a_title_line() -> None:
    text = "Account claims leader wounded in strike\nPosted on March 12 by the desk\n\nThe road is open."
    marks = {"Account": "B-SOURCE", "claims": "B-CUE", "leader": "B-CONTENT", "wounded": "I-CONTENT"}
    marks |= {"in": "I-CONTENT", "strike": "I-CONTENT", "Posted": "I-CONTENT", "on": "I-CONTENT"}
    layers = tagged(text, marks)
    assert described(text, layers)[0][3] == "leader wounded in strike\nPosted on"
    fixed = with_rules_fallback(text, split_sentences(text), layers, extract_attributions(text, []))
    [(speaker, _, cue, content)] = described(text, fixed)
    assert (speaker, cue, content) == ("Account", "claims", "leader wounded in strike")
    [attribution] = fixed["attributions"]
    assert text[attribution.start_char : attribution.end_char] == "Account claims leader wounded in strike"
    assert text[fixed["contents"][0].start_char : fixed["contents"][0].end_char] == "leader wounded in strike"


@pytest.mark.parametrize("speaker", ["Organisers", "One", "Most"])
def test_a_one_word_group_speaker_is_anonymous(speaker: str) -> None:
    text = f"{speaker} said the march would go ahead on Sunday."
    sentences = split_sentences(text)
    rules = extract_attributions(text, sentences)
    assert described(text, rules)[0][:2] == (speaker, "named")  # what the rules read
    fixed = with_rules_fallback(text, sentences, rules, rules)
    [(who, kind, _, _)] = described(text, fixed)
    assert (who, kind) == (speaker, "anonymous")
    assert [s.label for s in fixed["sources"]] == ["anonymous"]
    assert dict(fixed["attributions"][0].attrs)["chain"] == [{"text": speaker, "kind": "anonymous"}]


def test_a_number_before_claims_is_a_heading_not_a_speaker() -> None:
    text = "Three claims to treat with care\n\nThe bridge is closed."
    layers = tagged(text, {"Three": "B-SOURCE", "claims": "B-CUE", "treat": "B-CONTENT"})
    assert described(text, layers)[0][:3] == ("Three", "named", "claims")
    fixed = with_rules_fallback(text, split_sentences(text), layers, extract_attributions(text, []))
    assert fixed == {"attributions": [], "cues": [], "sources": [], "contents": []}


def v2_attributions(text: str) -> list[tuple[str, str, str, str]]:
    gated = load_gated_tagger(V2_MODEL_DIR, threads=1)
    return described(text, extract_attributions_minilm_v2(gated, text, split_sentences(text)))


def test_v2_reads_a_wire_lede_after_its_dateline() -> None:
    text = (
        "HARBAL, March 14 (Vell Wire) - The armed group holding the bridge has received drones from Korvan, "
        "a senior security official said on Friday, a claim likely to anger the neighbours."
    )
    found = v2_attributions(text)
    [(speaker, _, _, content)] = [a for a in found if a[2] == "said"]
    assert speaker == "a senior security official"
    # The lede before the cue, not the dateline, nor the apposition after it (v1's reading). Its far end is where
    # the small model is weak: it stops this content at "bridge" (a known gap, see the model card).
    assert content.startswith("The armed group holding the bridge")
    assert "HARBAL" not in content and "claim likely" not in content


def test_v2_model_is_shipped_with_its_card_and_gate_words() -> None:
    model = V2_MODEL_DIR / "model.onnx"
    assert model.is_file(), "the shipped v2 model is missing: see the model folder's README.md"
    assert model.stat().st_size <= 25_000_000
    config = json.loads((V2_MODEL_DIR / "config.json").read_text(encoding="utf-8"))
    assert tuple(config["labels"]) == LABELS
    assert config["windows"]["context"] == V2_CONTEXT
    assert (V2_MODEL_DIR / "README.md").is_file()
    assert len((V2_MODEL_DIR / GATE_WORDS_FILE).read_text(encoding="utf-8").split()) > 100


def test_v2_component_is_registered_and_v1_is_kept() -> None:
    text = "Sources told the Mirror that the envoy had left the capital.\n\nThe river rose overnight."
    doc = Document(id=make_id("doc", text), text=text, locator="t")
    doc = Pipeline.from_names(["extract.sentences.rules.v1", "extract.attributions.minilm.v2"])(doc)
    assert [doc.span_text(s) for s in doc.spans["cues"]] == ["told"]
    assert "the envoy had left the capital" in doc.span_text(doc.spans["contents"][0])
    for name in ("extract.attributions.minilm.v1", "extract.attributions.minilm.v2"):
        info = get_component(name)
        assert info.requires == ("spans.sentences",)
        assert set(info.assigns) == {f"spans.{layer}" for layer in LAYERS}
    with pytest.raises(PipelineError, match="attribution model file not found"):
        get_component("extract.attributions.minilm.v2").factory(model_dir="/nonexistent/model")


def chain_of(layers: dict[str, list[Span]], k: int = 0) -> list[str]:
    return [hop["text"] for hop in dict(layers["attributions"][k].attrs)["chain"]]


def test_quoted_as_saying_is_a_chain_from_the_agency_to_the_official() -> None:
    text = (
        "The allegation was carried by the Vell Wire news agency, which quoted an unnamed official as saying "
        "that the convoy had been attacked twice. He gave no evidence."
    )
    marks = {"which": "B-SOURCE", "quoted": "B-CUE", "an": "B-CONTENT", "unnamed": "I-CONTENT"}
    layers = tagged(text, marks | {"official": "I-CONTENT"})
    fixed = with_rules_fallback(text, split_sentences(text), layers, extract_attributions(text, []))
    [(speaker, kind, cue, content)] = described(text, fixed)
    assert (speaker, kind, cue) == ("the Vell Wire news agency", "outlet", "quoted")
    assert content == "the convoy had been attacked twice"
    assert chain_of(fixed) == ["the Vell Wire news agency", "an unnamed official"]
    assert [(text[s.start_char : s.end_char], dict(s.attrs)["role"]) for s in fixed["sources"]] == [
        ("the Vell Wire news agency", "speaker"),
        ("an unnamed official", "via"),
    ]


def test_quoted_by_makes_the_outlet_the_speaker() -> None:
    text = "The claim rests on one anonymous official quoted by the Vell Wire, and Korvan has denied it."
    marks = {"one": "B-SOURCE", "anonymous": "I-SOURCE", "official": "I-SOURCE", "quoted": "B-CUE"}
    layers = tagged(text, marks | {"by": "I-CUE", "The": "B-CONTENT", "claim": "I-CONTENT"})
    fixed = with_rules_fallback(text, split_sentences(text), layers, extract_attributions(text, []))
    [(speaker, kind, _, content)] = described(text, fixed)
    assert (speaker, kind, content) == ("the Vell Wire", "outlet", "The claim")
    assert chain_of(fixed) == ["the Vell Wire", "one anonymous official"]


def test_a_content_gap_without_cue_source_or_quotation_is_joined() -> None:
    text = "The army has received drones from Korvan, a senior official said on Friday."
    marks = {"The": "B-CONTENT", "army": "I-CONTENT", "drones": "I-CONTENT", "from": "I-CONTENT"}
    marks |= {"a": "B-SOURCE", "senior": "I-SOURCE", "official": "I-SOURCE", "said": "B-CUE"}
    layers = tagged(text, marks)
    assert described(text, layers)[0][3] == "The army drones from"  # two pieces around "has received"
    fixed = with_rules_fallback(text, split_sentences(text), layers, extract_attributions(text, []))
    assert described(text, fixed)[0][3] == "The army has received drones from"
