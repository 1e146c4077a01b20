import pytest

from storytrace.clean import language
from storytrace.clean.language import detect_language
from storytrace.model import Document
from storytrace.pipeline import Pipeline, get_component


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The river port of Harbal reopened to cargo ships on Friday, the port authority said.", "en"),
        ("Le port fluvial de Harbal a rouvert vendredi aux navires de marchandises, selon l'autorité.", "fr"),
        ("أعيد فتح ميناء حربل النهري أمام سفن الشحن يوم الجمعة، بحسب سلطة الميناء.", "ar"),
        ("Der Flusshafen von Harbal wurde am Freitag wieder für Frachtschiffe geöffnet.", "de"),
    ],
)
def test_detect_language_names_the_language_with_a_probability(text: str, lang: str) -> None:
    found, probability = detect_language(text)

    assert found == lang
    assert 0.5 < probability <= 1.0


@pytest.mark.parametrize("text", ["", "Harbal", "12 345 678 -- 2025/03/14 :: 99", "Port reopens"])
def test_detect_language_too_little_text_says_nothing(text: str) -> None:
    assert detect_language(text) == (None, 0.0)


def test_detect_language_loads_the_model_once() -> None:
    detect_language("The river port of Harbal reopened to cargo ships on Friday.")

    assert language._identifier() is language._identifier()
    assert language._identifier.cache_info().currsize == 1


def make_doc(text: str, lang: str | None = None) -> Document:
    return Document(id="doc_test", text=text, locator="test", lang=lang)


def test_language_component_is_registered_with_what_it_assigns() -> None:
    info = get_component("clean.language.py3langid.v1")

    assert info.requires == ("doc.text",)
    assert info.assigns == ("doc.lang", "doc.lang_score")


@pytest.mark.parametrize(
    ("given", "config", "lang"),
    [(None, {}, "fr"), ("en", {}, "en"), ("en", {"overwrite": True}, "fr")],
)
def test_language_component_fills_in_a_missing_language(given: str | None, config: dict[str, bool], lang: str) -> None:
    pipeline = Pipeline.from_names(["clean.language.py3langid.v1"], {"clean.language.py3langid.v1": config})
    text = "Le port fluvial de Harbal a rouvert vendredi aux navires de marchandises."

    doc = pipeline(make_doc(text, lang=given))

    assert doc.lang == lang
    assert doc.text == text
