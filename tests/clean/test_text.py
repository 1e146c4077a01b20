from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.clean.text import TrimResult, load_boilerplate_rules, normalize_lines, trim_boilerplate
from storytrace.errors import PipelineError
from storytrace.model import Trim

FIXTURES = Path(__file__).parent / "fixtures"

BODY = (
    "The river port of Harbal reopened to cargo ships on Friday, six weeks after the floods, they said.\n"
    "\n"
    "Director Samir Okonedo said two of the four berths were working again and the rest would follow soon.\n"
    "\n"
    "Traders said the closure had doubled the price of flour in the market, where grain arrives by boat.\n"
)


def kept_lines(result: TrimResult) -> list[str]:
    return [line for line in result.text.split("\n") if line]


def test_trim_boilerplate_wire_story_keeps_the_article_and_records_every_trim() -> None:
    result = trim_boilerplate((FIXTURES / "wire_story.txt").read_text(encoding="utf-8"))

    assert result.text.startswith("Harbal port reopens six weeks after floods\n\nHARBAL, March 14")
    assert result.text.endswith(
        "The regional council has promised 40 million dinars for repairs.\n\nIt was not enough, she said."
    )
    assert result.source_line == "Meridian Wire"
    assert [(t.position, t.rule) for t in result.trims] == [
        ("head", "masthead-repeat"),
        ("head", "nav-words"),
        ("head", "nav-run"),
        ("head", "nav-run"),
        ("head", "nav-run"),
        ("head", "page-tools"),
        ("inline", "photo-credit"),
        ("inline", "advertisement"),
        ("tail", "source-line"),
        ("tail", "share-line"),
        ("tail", "mobile-version"),
        ("tail", "nav-run"),
        ("tail", "copyright"),
        ("tail", "terms-of-use"),
    ]


def test_trim_boilerplate_keeps_footnotes_and_cuts_below_the_paywall_marker() -> None:
    result = trim_boilerplate((FIXTURES / "report_with_footnotes.txt").read_text(encoding="utf-8"))

    lines = kept_lines(result)
    assert lines[0] == "Lake Ardis Water Board Denies Plan To Sell Northern Wells: Report"
    assert lines[1] == "June 24, 2024"
    assert lines[-2:] == ["[1] Channel Nine, June 11, 2024.", "[2] Ardis Water Board, June 13, 2024."]
    assert [t.rule for t in result.trims] == [
        "page-tools",
        "click-here",
        "subscribers-only",
        "login-request",
        "after-subscribers-only",
        "after-subscribers-only",
        "after-subscribers-only",
        "read-more",
    ]


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Share.", "share-line"),
        ("Share this article", "share-line"),
        ("Exit mobile version", "mobile-version"),
        ("Please enter your comment!", "comment-form"),
        ("Please enter your name here", "comment-form"),
        ("Most Popular", "more-stories"),
        ("Similar Articles", "more-stories"),
        ("Source link", "source-link"),
        ("Read more…", "read-more"),
        ("Click here and receive updates on WhatsApp", "click-here"),
        ("Follow us on Valley News social channels at X, Telegram", "follow-us"),
        ("Sign in or  Create a free account", "sign-in"),
        ("The full text of this post is available to subscribers.", "subscribers-only"),
        ("© 2024 Valley Courier, LLC. All rights reserved.", "copyright"),
        ("Copyright 2024 Valley Courier", "copyright"),
        ("Use of this site constitutes acceptance of our Terms of Use and Privacy Policy.", "terms-of-use"),
        ("By continuing you agree to our Privacy Policy and Terms of Use", "terms-consent"),
        ("print", "page-tools"),
        ("Harbal Port Authority via AP", "photo-credit"),
        ("Tags: Harbal, floods, ports", "nav-words"),
        ("Home | News | Sport | Weather", "nav-bar"),
        ("We use cookies to improve your experience on our site.", "cookie"),
    ],
)
def test_trim_boilerplate_removes_tail_boilerplate_line(line: str, rule: str) -> None:
    result = trim_boilerplate(BODY + "\n" + line + "\n")

    assert result.text == BODY.rstrip("\n")
    assert result.trims == [Trim(position="tail", text=line.strip(), rule=rule)]


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("print", "page-tools"),
        ("Skip to content", "nav-words"),
        ("Home | News | Sport | Weather", "nav-bar"),
        ("Exit mobile version", "mobile-version"),
    ],
)
def test_trim_boilerplate_removes_head_boilerplate_line(line: str, rule: str) -> None:
    result = trim_boilerplate(f"Harbal port reopens\n{line}\n\n{BODY}")

    assert result.text == "Harbal port reopens\n\n" + BODY.rstrip("\n")
    assert result.trims == [Trim(position="head", text=line, rule=rule)]


@pytest.mark.parametrize(
    "last",
    [
        "It was not enough, she said.",  # the spike's "<= 12 words" tail rule lost a line like this
        "[4] Harbal Courier, June 24, 2024.",
        "(Reporting by Lina Farouk; editing by Tom Ash)",
        "Cost: 12 million dinars",
    ],
)
def test_trim_boilerplate_keeps_a_short_last_content_line_before_boilerplate(last: str) -> None:
    result = trim_boilerplate(f"{BODY}\n{last}\n\nShare.\nExit mobile version\n")

    assert kept_lines(result)[-1] == last
    assert [t.text for t in result.trims] == ["Share.", "Exit mobile version"]


def test_trim_boilerplate_keeps_one_short_last_line_with_nothing_below() -> None:
    result = trim_boilerplate(f"{BODY}\nLina Farouk in Harbal\n")

    assert kept_lines(result)[-1] == "Lina Farouk in Harbal"
    assert result.trims == []


def test_trim_boilerplate_removes_a_run_of_short_lines_at_the_end() -> None:
    result = trim_boilerplate(f"{BODY}\nMore on this story\nPorts\nFloods\n")

    assert result.text == BODY.rstrip("\n")
    assert [(t.position, t.rule) for t in result.trims] == [("tail", "nav-run")] * 3


def test_trim_boilerplate_removes_short_lines_between_footer_lines() -> None:
    result = trim_boilerplate(f"{BODY}\nThe Valley Courier\n© 2024 The Valley Courier\nThe Valley Courier\nor\n")

    assert result.text == BODY.rstrip("\n")
    assert [t.rule for t in result.trims] == ["nav-run", "copyright", "after-copyright", "or-line"]


def test_trim_boilerplate_removes_only_strong_patterns_in_the_body() -> None:
    paragraphs = BODY.split("\n\n")
    text = "\n\n".join([paragraphs[0], paragraphs[1], "Advertisement", "Most Popular", "Read more", paragraphs[2]])

    result = trim_boilerplate(text)

    assert result.trims == [Trim(position="inline", text="Advertisement", rule="advertisement")]
    assert "Most Popular\n\nRead more" in result.text


def test_trim_boilerplate_end_marker_in_a_long_text_does_not_cut_it() -> None:
    long_tail = " ".join(["The council met again on Monday and agreed to pay for the repairs in full."] * 30)
    result = trim_boilerplate(f"{BODY}\nSource link\n\n{long_tail}\n")

    assert result.trims == []
    assert result.text.endswith(long_tail)


def test_trim_boilerplate_source_line_names_the_outlet() -> None:
    result = trim_boilerplate(f"{BODY}\nSource: Amber Valley Times\n\nShare.\n")

    assert result.source_line == "Amber Valley Times"
    assert [t.rule for t in result.trims] == ["source-line", "share-line"]


def test_trim_boilerplate_source_line_in_the_body_is_content() -> None:
    result = trim_boilerplate(f"{BODY}\nSource: Harbal Port Authority\n\n{BODY}")

    assert result.source_line is None
    assert result.trims == []


def test_trim_boilerplate_normalises_line_ends_spaces_and_blank_runs() -> None:
    raw = "Harbal port reopens  \r\n\r\n\r\n\r\n  The port reopened on Friday after six weeks.\t\r\nShare.\r\n"

    result = trim_boilerplate(raw)

    assert result.text == "Harbal port reopens\n\nThe port reopened on Friday after six weeks."


@pytest.mark.parametrize("text", ["", "\n\n", "Share.\nExit mobile version\n"])
def test_trim_boilerplate_may_leave_nothing(text: str) -> None:
    assert trim_boilerplate(text).text == ""


def test_load_boilerplate_rules_reads_a_custom_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.txt"
    path.write_text("# site rules\n\nharbal-promo\tanywhere\tvisit harbal\\.example.*\n", encoding="utf-8")

    rules = load_boilerplate_rules(path)
    result = trim_boilerplate(f"{BODY}\nVisit harbal.example for more\n\n{BODY}", rules=rules)

    assert [r.name for r in rules] == ["harbal-promo"]
    assert result.trims == [Trim(position="inline", text="Visit harbal.example for more", rule="harbal-promo")]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("promo\tsomewhere\tx", "rules.txt:1: a rule is 'name<TAB>scope<TAB>regex' with scope one of edge"),
        ("promo anywhere x", "rules.txt:1: a rule is 'name<TAB>scope<TAB>regex'"),
        ("promo\tanywhere\t(x", "rules.txt:1: bad regex in rule 'promo': missing ), unterminated subpattern"),
    ],
)
def test_load_boilerplate_rules_reports_a_bad_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "rules.txt"
    path.write_text(line + "\n", encoding="utf-8")

    with pytest.raises(PipelineError) as caught:
        load_boilerplate_rules(path)

    assert message in caught.value.message
    assert caught.value.hint == "fix the line in the rules file"


# --- property: nothing is lost silently -------------------------------------------------------------

_LINES = st.sampled_from(
    [
        "",
        "Share.",
        "Exit mobile version",
        "Source: Amber Valley Times",
        "© 2024 Valley Courier. All rights reserved.",
        "Source link",
        "Most Popular",
        "Home",
        "print",
        "The Valley Courier",
        "Advertisement",
        "Photo: Lina Farouk",
        "It was not enough, she said.",
        "[1] Harbal Courier, June 24, 2024.",
        "HARBAL, March 14 (Meridian Wire) - The port reopened on Friday after six long weeks of repairs.",
        "Traders said the closure had doubled the price of flour in the market, where grain arrives by boat.",
    ]
)
_NOISE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@cache
def _interleaves(whole: tuple[str, ...], left: tuple[str, ...], right: tuple[str, ...]) -> bool:
    """Whether ``whole`` is ``left`` and ``right`` merged with each one's order kept."""
    if not whole:
        return not left and not right
    head, rest = whole[0], whole[1:]
    return bool(
        (left and left[0] == head and _interleaves(rest, left[1:], right))
        or (right and right[0] == head and _interleaves(rest, left, right[1:]))
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_LINES, _NOISE), max_size=30), st.sampled_from(["\n", "\r\n", "\n\n"]))
def test_trim_boilerplate_accounts_for_every_input_line_in_order(parts: list[str], newline: str) -> None:
    text = newline.join(parts)

    result = trim_boilerplate(text)

    source = tuple(line for line in normalize_lines(text) if line)
    kept = tuple(line for line in result.text.split("\n") if line)
    trimmed = tuple(t.text for t in result.trims)
    assert _interleaves(source, kept, trimmed)
    assert all(t.position in ("head", "tail", "inline") for t in result.trims)
    assert trim_boilerplate(text) == result


def test_trim_boilerplate_removes_a_menu_at_the_head_but_keeps_short_title_lines() -> None:
    menu = trim_boilerplate(f"Home\nWorld\nBusiness\nSport\nHarbal port reopens after floods\n\n{BODY}")
    short_top = trim_boilerplate(f"WORLD\nPort reopens\nLina Farouk\n\n{BODY}")

    assert [(t.text, t.rule) for t in menu.trims] == [
        ("Home", "nav-words"),
        ("World", "nav-run"),
        ("Business", "nav-run"),
        ("Sport", "nav-run"),
    ]
    assert menu.text.startswith("Harbal port reopens after floods\n\nThe river port")
    assert short_top.trims == []


# --- mastheads, date lines, origin links, syndication credits, Markdown footers ---------------------


@pytest.mark.parametrize(
    ("masthead", "outlet"),
    [
        ("THE AMBER VALLEY TIMES · The valley's own paper since 1952", "The Amber Valley Times"),
        ("RIVERSIDE MIRROR — Regional", "Riverside Mirror"),
        ("HARBAL PORT MONITOR | tracking shipping on the Amber river", "Harbal Port Monitor"),
        ("BBC NEWS | Home", "BBC News"),
    ],
)
def test_trim_boilerplate_masthead_is_trimmed_and_names_the_outlet(masthead: str, outlet: str) -> None:
    result = trim_boilerplate(f"{masthead}\nHarbal port reopens after floods\nBy Lina Farouk\n\n{BODY}")

    assert result.trims == [Trim(position="head", text=masthead, rule="masthead")]
    assert result.masthead == outlet
    assert result.text.startswith("Harbal port reopens after floods\nBy Lina Farouk\n\nThe river port")


def test_trim_boilerplate_masthead_without_tagline_needs_its_name_again_below() -> None:
    named = trim_boilerplate(f"THE AMBER POST\nHarbal port reopens\n\n{BODY}\nSource: Amber Post\n")
    alone = trim_boilerplate(f"THE AMBER POST\nHarbal port reopens\n\n{BODY}")

    assert (named.masthead, [t.rule for t in named.trims]) == ("The Amber Post", ["masthead", "source-line"])
    assert (alone.masthead, alone.trims) == (None, [])


@pytest.mark.parametrize(
    "headline",
    [
        "HARBAL PORT REOPENS AFTER FLOODS",  # an ALL-CAPS headline: no publication word
        "BREAKING NEWS — Harbal port reopens after floods",  # a kicker, not a name
        "STRIKE SHUTS THE HARBAL POST",  # ends in a publication word, but no tagline and not named again
        "FLOODS: HARBAL TIMES OF HARDSHIP",
        "Harbal Times — a port reopens",  # not ALL CAPS
    ],
)
def test_trim_boilerplate_all_caps_headline_is_not_a_masthead(headline: str) -> None:
    result = trim_boilerplate(f"{headline}\nBy Lina Farouk\n\n{BODY}")

    assert result.trims == []
    assert result.masthead is None
    assert result.text.startswith(f"{headline}\n")


def test_trim_boilerplate_masthead_only_above_everything_kept() -> None:
    result = trim_boilerplate(f"Harbal port reopens\nTHE AMBER POST · since 1952\n\n{BODY}")

    assert result.masthead is None
    assert result.trims == []


@pytest.mark.parametrize(
    "line",
    ["12.03.2025 | 09:40 | Amber Post", "By Lina Farouk | 8 March 2025 | Harbal", "Tuesday, 11 March 2025 | By Lina"],
)
def test_trim_boilerplate_keeps_a_date_line_that_looks_like_a_nav_bar(line: str) -> None:
    result = trim_boilerplate(f"Harbal port reopens\n{line}\n\n{BODY}")

    assert result.trims == []
    assert result.text.startswith(f"Harbal port reopens\n{line}\n\n")


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Share this article: Facebook | X | WhatsApp | Email", "share-bar"),
        ("Share on X · Share on Facebook · Copy link", "share-bar"),
        ("Follow Amber Post on Telegram and WhatsApp for breaking news.", "follow-us"),
        ("Get Amber Post alerts on WhatsApp – tap here to subscribe", "alerts-promo"),
        ("Support independent journalism — become an Amber member.", "support-us"),
        ("Main photo: The quay at dawn. Photo: Amber Post archive", "photo-caption"),
        ("Originally published at https://amberpost.example/2025/03/14/port", "origin-link"),
        ("Read the original at <https://amberpost.example/port>.", "origin-link"),
        ("This story was first published by the Amber Post and is republished with permission.", "syndication-credit"),
        ("© Amber Post 2025", "copyright"),
        ("The full text of this brief, with maps and annexes, is available to Amber members.", "subscribers-only"),
    ],
)
def test_trim_boilerplate_removes_more_tail_furniture(line: str, rule: str) -> None:
    result = trim_boilerplate(BODY + "\n" + line + "\n")

    assert result.text == BODY.rstrip("\n")
    assert result.trims == [Trim(position="tail", text=line, rule=rule)]


def test_trim_boilerplate_photo_caption_above_the_article_goes() -> None:
    caption = "Photo: A boy fills jerrycans at the quay. (Post staff)"

    result = trim_boilerplate(f"Harbal port reopens\n{caption}\n\n{BODY}")

    assert result.trims == [Trim(position="head", text=caption, rule="photo-caption")]


def test_trim_boilerplate_origin_link_gives_the_url_and_a_credit_gives_the_origin() -> None:
    url = "https://amberpost.example/news/2025/03/14/port-reopens"
    result = trim_boilerplate(
        f"{BODY}\nThis article was first published by the Amber Post under a sharing agreement.\n"
        f"Originally published at {url}\n© 2025 Valley Courier Media Group. All rights reserved.\n"
    )

    assert result.origin_url == url
    assert result.credited_origin == "Amber Post"
    assert result.source_line is None  # a credit names where the copy came from, not who published it
    assert [t.rule for t in result.trims] == ["syndication-credit", "origin-link", "copyright"]


def test_trim_boilerplate_short_footer_below_a_rule_goes_whole() -> None:
    footer = (
        "\nThe Amber Institute is an independent research centre.\n\n© 2025 Amber Institute. All rights reserved.\n"
    )

    result = trim_boilerplate(BODY, footer=footer)

    assert result.text == BODY.rstrip("\n")
    assert [(t.position, t.rule) for t in result.trims] == [("tail", "after-markdown-rule"), ("tail", "copyright")]


def test_trim_boilerplate_long_part_below_a_rule_is_text() -> None:
    footer = "\n" + BODY + BODY

    result = trim_boilerplate(BODY, footer=footer)

    assert result.trims == []
    assert result.text == (BODY + "\n" + BODY + BODY).rstrip("\n")


def test_trim_boilerplate_source_line_below_an_end_marker_names_the_outlet() -> None:
    result = trim_boilerplate(f"{BODY}\nShare.\nPlease enter your comment!\nSource: Amber Post\n© 2025 Amber Post\n")

    assert result.source_line == "Amber Post"
    assert [t.rule for t in result.trims] == ["share-line", "comment-form", "source-line", "copyright"]
