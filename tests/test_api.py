"""The public Python API: what `import storytrace` offers, and that it works on a real store."""

from __future__ import annotations

from pathlib import Path

import storytrace
from storytrace.store import DocumentFilter


def test_api_exports_are_the_documented_ones() -> None:
    assert sorted(storytrace.__all__) == sorted(
        [
            "Annotator",
            "Document",
            "IngestOptions",
            "IngestReport",
            "Store",
            "StorytraceError",
            "__version__",
            "ingest_inputs",
            "load",
            "open_store",
        ]
    )
    for name in storytrace.__all__:
        assert getattr(storytrace, name) is not None


def test_api_ingest_and_read_back(pile: Path, tmp_path: Path) -> None:
    with storytrace.open_store(tmp_path / "s.db") as store:
        report = storytrace.ingest_inputs(store, [str(pile)])
        assert report.counts["added"] == 4 and not report.failures
        [row] = store.search("depot", DocumentFilter())
        assert store.get_document(row["id"]).outlet == "Meridian Wire"


def test_ingest_annotates_new_reports_with_the_default_pipeline(pile: Path, tmp_path: Path) -> None:
    with storytrace.open_store(tmp_path / "s.db") as store:
        storytrace.ingest_inputs(store, [str(pile)])
        [row] = store.search("depot", DocumentFilter())
        doc = store.get_document(row["id"])
        assert doc.spans["sentences"] and doc.layer_sources["entities"] == "extract.entities.merge.v3"


def test_load_annotates_text_like_extract() -> None:
    nlp = storytrace.load("fast")
    doc = nlp(
        "BAGHDAD, Jan. 5 - A drone struck a base near Erbil on Sunday, two Iraqi officials said.",
        published="2025-01-07",
    )
    assert doc.published is not None and doc.published.value == "2025-01-07"
    assert {doc.span_text(s) for s in doc.spans["entities"]} >= {"BAGHDAD", "Erbil"}
    times = {doc.span_text(s): dict(s.attrs)["value"] for s in doc.spans["times"]}
    assert times == {"Jan. 5": "2025-01-05", "Sunday": "2025-01-05"}
    [attribution] = doc.spans["attributions"]
    assert dict(attribution.attrs)["source"]["text"] == "two Iraqi officials"
    assert [d.id for d in nlp.pipe(["One line of text about Erbil."])] == [nlp("One line of text about Erbil.").id]


def test_load_takes_component_names_and_packs(tmp_path: Path) -> None:
    nlp = storytrace.load(
        ["extract.sentences.rules.v1", "extract.entities.gazetteer.v1"], packs=["examples/packs/ain-bashura"]
    )
    doc = nlp("Fighters of the KSH entered Ain Bashoura.")
    assert [dict(s.attrs)["entity_id"] for s in doc.spans["mentions"]] == [
        "ain-bashura:org/kataib-sayf-al-hudhud",
        "ain-bashura:gpe/ain-bashura",
    ]
