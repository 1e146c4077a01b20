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
    DEFAULT_MODEL_PATH,
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
    LABELS,
    AttributionTagger,
    extract_attributions_minilm,
    feature_id,
    load_attribution_tagger,
    paragraph_units,
)
from storytrace.extract.ner_minilm import CASE_CLASSES
from storytrace.extract.sentences import split_sentences
from storytrace.model import Document, make_id
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
