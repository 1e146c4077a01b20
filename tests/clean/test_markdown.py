from pathlib import Path

import pytest

from storytrace.clean.markdown import markdown_to_text

FIXTURES = Path(__file__).parent / "fixtures"


def test_markdown_to_text_field_notes_become_plain_text_with_front_matter() -> None:
    converted = markdown_to_text((FIXTURES / "field_notes.md").read_text(encoding="utf-8"))

    lines = [line for line in converted.text.split("\n") if line]
    assert lines == [
        "Field notes: the Harbal quay",
        "The southern quay is still under water, and the port authority says it will stay closed until "
        "the embankment is inspected.",
        "What traders told us",
        "- Flour prices have doubled since February.",
        "- Most grain now comes by lorry from Tamar.",
        '"We had no boats," said a trader near the quay_side market.',
    ]
    assert converted.front_matter == {
        "title": "Field notes: the Harbal quay",
        "date": "2025-03-16",
        "author": "Lina Farouk",
        "source": "Valley Courier Blog",
    }


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("# Harbal port reopens #", "Harbal port reopens"),
        ("###### A small heading", "A small heading"),
        ("#hashtag is not a heading", "#hashtag is not a heading"),
        ("Harbal port reopens\n===", "Harbal port reopens"),
        ("Harbal port reopens\n---", "Harbal port reopens"),
        ("one\n\n---\n\ntwo", "one\n\n\n\ntwo"),
        ("See [the report](https://example.org/a_(b)) now", "See the report now"),
        ("See [the report][1] now\n\n[1]: https://example.org/report", "See the report now\n"),
        ("Mail <mailto:desk@example.org>", "Mail mailto:desk@example.org"),
        ("![chart](c.png) Prices rose", "Prices rose"),
        ("**bold**, __strong__, *em*, _em_ and ~~gone~~", "bold, strong, em, em and gone"),
        ("snake_case_name and 5 * 3 * 2", "snake_case_name and 5 * 3 * 2"),
        ("Use `grep` here", "Use grep here"),
        ("> > nested quote", "nested quote"),
        ("* item one\n+ item two\n1. numbered", "- item one\n- item two\n1. numbered"),
        ("\\*not emphasis\\*", "*not emphasis*"),
        ("```\n# not a heading\n```", "# not a heading"),
        ("line one<br>line two", "line one line two"),
    ],
)
def test_markdown_to_text_strips_syntax_and_keeps_words(markdown: str, text: str) -> None:
    assert markdown_to_text(markdown).text == text


def test_markdown_to_text_without_front_matter_keeps_a_leading_rule_line() -> None:
    converted = markdown_to_text("---\nNo front matter here, just a rule above.")

    assert converted.front_matter == {}
    assert converted.text == "\nNo front matter here, just a rule above."


def test_markdown_to_text_front_matter_skips_nested_values_and_unquotes() -> None:
    converted = markdown_to_text("---\ntitle: 'Quay'\nauthors:\n  - A\nempty:\n---\nBody text.")

    assert converted.front_matter == {"title": "Quay"}
    assert converted.text == "Body text."


def test_markdown_to_text_keeps_footnotes_as_references() -> None:
    converted = markdown_to_text(
        "The port reopened.[^1][^2]\n\n[^1]: *Amber Post*, 14 March 2025.\n[^2]: See [the notice](https://x.example)."
    )

    assert converted.text == "The port reopened.[1][2]\n\n[1] Amber Post, 14 March 2025.\n[2] See the notice."


def test_markdown_to_text_marks_what_stands_below_the_last_rule() -> None:
    converted = markdown_to_text("# Port reopens\n\nBody.\n\n---\n\nMore body.\n\n***\n\n*About us.*\n\n© 2025 Amber\n")

    assert converted.text == "Port reopens\n\nBody.\n\n\n\nMore body.\n\n\n\nAbout us.\n\n© 2025 Amber\n"
    assert converted.above_footer == "Port reopens\n\nBody.\n\n\n\nMore body.\n\n\n"
    assert converted.footer == "\nAbout us.\n\n© 2025 Amber\n"


@pytest.mark.parametrize("markdown", ["Body.", "Body.\n\n---\n\n", "Title\n---\n\nBody."])
def test_markdown_to_text_without_anything_below_a_rule_has_no_footer(markdown: str) -> None:
    converted = markdown_to_text(markdown)

    assert converted.footer_offset is None
    assert (converted.footer, converted.above_footer) == ("", converted.text)
