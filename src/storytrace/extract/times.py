"""Time expressions in news text, normalised to TimeML (TIMEX3) values against the report's date and anchor events.

Rules, not a model. Every sentence is scanned by a list of named patterns; overlapping candidates are settled
longest first; the survivors are resolved in document order, so "two days later" can lean on the last date
already resolved. Each span (label DATE, TIME, DURATION or SET) carries these attrs:

``value``      the TIMEX3 value: ``2025-03-09``, ``2025-03``, ``2025-W10``, ``2025-03-07TMO``, ``P48H``, ``PAST_REF``,
               or ``XXXX-03-03`` when no year can be known (no reference date): nothing is invented
``precision``  ``minute``, ``hour``, ``day-part``, ``day``, ``week``, ``weekend``, ``month``, ``quarter``, ``season``,
               ``half`` (v3), ``year``, ``decade``, ``century`` (v3), ``range`` (a part of a month: "late January"),
               ``duration``, ``set``, ``vague``
``start``/``end`` ISO dates bounding what the value means, when known ("the past 48 hours", "late January")
``rule``       the pattern that fired
``anchor``     what the value was resolved against: ``doc:published``, ``previous:<value>`` (the last date
               resolved earlier in the text; v3 also the last value with a year, for "that year"), ``event:<id>``
               (an anchor event), or ``none`` (absolute or unresolved)

The year rule. Year-less dates ("On November 17", "Mar. 3") and bare weekdays take the latest such day on or
before the reference date (news reports the past), unless the sentence before them says future ("will", "is
due", "scheduled", "next"…), in which case they take the first one after it. One exception, measured on
TempEval-3 training data: a year-less date at most 45 days ahead is read as future even without a future cue (a
report of 7 January citing "Jan. 14" means next week, not a year ago); likewise a bare month ("in April") up to
three months ahead. Weekdays have no such window: a bare "Saturday" is the past one. "last Sunday" is the
latest Sunday strictly before the reference, "next Monday" the first strictly after. Ordinal event days ("the
tenth day of the siege") count the event's start as day 1; "now in its ninth day" uses the anchor event named
last before it. Anchor events are the built-ins (``BUILTIN_ANCHORS``), the ``anchors`` config of the component
and ``doc.meta["anchors"]`` (dicts with ``id``, ``names``, ``start``).

Seven versions (``VERSIONS``), all registered: ``extract.times.rules.v1`` to ``.v6`` keep their outputs for the
reports made with them; ``extract.times.rules.v7`` is what ``find_times`` runs unless told otherwise. v2 changed,
measured on TempEval-3's TBAQ-cleaned and MEANTIME (benchmarks/eval_tempeval3.py):

* the tense. v1 looked for its future cue with an offset off by the sentence's start, so only a document's
  first sentence could say future. v2 reads the tense at the expression: the nearest marker before it (future:
  modals, "is due", "set to", "plans to", "scheduled", "until", "as soon as"; past: past auxiliaries, common
  irregular pasts, a verb in "-ed" close before it; a participle after "be" is a passive, not a past), else a
  verb in "-ed" further back, else the first marker after it in its clause; "since March" is always past. The
  near-future windows stay; a bare weekday in a future sentence is the next one ("is set to resume Monday").
* new forms: years in words ("nineteen ninety-six", "the year two thousand"), a clock time with its date ("5
  p.m. EST Nov. 9") or day ("noon Thursday"), "18:00 UTC" (value ending in ``Z``), "July last year", "the summer
  of 1994", halves ("5 1/2 hours" is ``PT5H30M``), "in years" / "within weeks" / "over the years" (``PXY``).
* changed values: "recent years" is the duration ``PXY`` (v1: ``PAST_REF``), "fiscal 1989" is ``1989`` (v1:
  ``FY1989``), "a year earlier" after "a year ago" compares with the quarter named before (v1 counted back
  twice), "now" and "currently" are kept before a verb ("Iraq now controls"), "in the past" gives "the past"
  (``PAST_REF``), "soon" in a future sentence is ``FUTURE_REF``.
* ages are left out: "52 years old" is not a duration (TBAQ-cleaned marks 2 of its 41 ages).

v3 changes, measured the same way (value F1, TBAQ-cleaned 79.13 -> 80.32, MEANTIME 74.57 -> 80.16):

* a length counted from an event is a duration: "two days before the vote", "72 hours after the blast" (v2
  found nothing there; "three days before." at a clause's end is still a date counted from the last one);
  "six straight days", "two more weeks", "eight trading days"; a spelled count before a noun ("a five year
  low", "a three hour meeting"); the bound is part of it ("at least 72 hours", "nearly two months": "just" and
  "only" are not); a rate is not a length ("$2 million a year", "four flights a week" give nothing).
* the day of a market report: "ended the day", "for the day", "later in the day", "late in the day", "the start
  of the day" are the day named last in the text, else the report's.
* anaphora: "that year", "later that year", "the following year/month" take the year (month) of the value with a
  year resolved last; "the previous year/month", "the year before", "the year previous" the one before it (else
  before the report's); "the same period last year", "the same month a year ago" that value a year earlier
  ("February" gives the February before, "the third quarter of 2025" ``2024-Q3``).
* new forms: "mid-1996" (the year rule refuses a year after a hyphen), the first year of "from 1991 to 1997",
  "the 20th century" (``19``), "the first
  quarter of last year", "the final quarter of 2009", "the year-ago third quarter", "the last half of 1989"
  (``1989-H2``), "the full year" (the year of the period named last), "the 1988 quarter" (v2 read 1988
  quarters), "decades-long" and "several-year" (``PXY``), "day-long" and "single-day" (``P1D``), "for years"
  (``PXY``), "in the near term" (``FUTURE_REF``), "for the time being" (``PRESENT_REF``).
* tried and left out, measured: letting a past tense override the near-future windows (value F1 fell on both
  sets: the tense guess is wrong too often); "last week" as ``XXXX-WXX`` and "Friday night" as the bare day,
  which TimeBank often writes (they lose the week and the part of the day an analyst needs).
* second round (v3 not yet released, so changed in place; value F1 TBAQ-cleaned 80.32 -> 80.49, MEANTIME 80.16 ->
  81.49): counts in several words are read whole ("a few days", "a couple of years" is ``P2Y``: the rules compile
  verbose, so v1 and v2 read "a few" as "afew" and still do); "twice a month" is a ``SET``; short decades ("the
  70s", "the 1970s and 80s", "the nineties": not "in his 30s" nor a temperature) and years ("since '82"); "in
  the morning" (the day named last), "4 in the morning"; "overnight" (the night ending on the report's day, or
  on an earlier day the text tells of); "in just minutes", "for hours", "after months of talks", "the weeks
  ahead" (``PTXM``, ``PXM``…); "half an hour" (``PT30M``); results news' "annual profit" (``P1Y``); "that
  week", "the following week" (the week of the day named last). Tried and left out, measured: a rate ("$2
  million a year") as a ``SET`` (TimeBank marks 3 of 11: value F1 fell on TBAQ-cleaned); "annually",
  "quarterly" and "annual" elsewhere (TBAQ-cleaned marks 3 of 23); "dawn" (TBAQ-cleaned marks none of its 2).

v4 changes, measured the same way (value F1, TBAQ-cleaned 80.49 -> 80.70, MEANTIME 81.49 -> 81.49):

* a year-less date at most 31 days back is that one even in a future sentence: "to repatriate the child by Jan.
  14" in a report of 15 January is the deadline just passed (v3 read 14 January of the next year); a date a year
  ahead is written with its year.
* a weekday in the possessive names what happened: "get around Wednesday's ruling" is the Wednesday just past
  even after "would" (all 22 possessive weekdays TBAQ-cleaned and MEANTIME annotate are on or before the
  report's day).
* "the previous Friday" is the Friday before the day named last (else before the report's day), "the following
  Monday" the Monday after it (v3 read the bare "Friday").
* looked at and not changed: most weekdays TimeBank resolves a week away from ours are whole documents whose
  creation time is not the day they were written (AP900815-0044: 7, APW20000115.0209: 5), not a wrong direction;
  the weekday rule reads 290 of TBAQ-cleaned's weekdays right. Tried and left out, measured: a past tense
  overriding the near-future window of a bare month ("in January" in a past sentence: value F1 fell on both sets,
  as it did for v3).

v5 changes, measured the same way (value F1, TBAQ-cleaned 80.70 -> 81.09, MEANTIME 81.49 -> 81.88); forms the
TIMEX3 guidelines mark that v4 missed or misread, most of them rare in both sets:

* holidays: those counted from Easter (Palm Sunday, Good Friday, Easter Monday, Holy Week and "Easter week" as
  the ISO week ending on Easter Sunday), fixed ones (St. Patrick's Day, Veterans Day, Boxing Day...), US weekday
  ones (Labor Day, Memorial Day...) and Election Day; a bare holiday up to 45 days ahead is the coming one, as a
  year-less date is (v1-v4 read "from now to Election Day" in late October as last year's).
* new forms: "by year-end", "since year end" (the report's year, the one before after "since"); count-less
  "years ago", "months earlier" (``PAST_REF``; "weeks later" is left out: past as often as future); the second
  day of "March 19-20", "April 24 and 25, 2024" (the first takes the year written at the range's end); "on the
  16th." (digits only, at a clause's end: the month named last, else the report's); "on Sundays" and "on
  weekends" (``SET``); "mid-afternoon yesterday", "in the late afternoon"; "in Q4", "Q1 2025"; "this past
  weekend"; "since the weekend", and "by the weekend" in a future sentence is the coming one; "the current
  fiscal year", "the latest fiscal year" (a bare "for the fiscal year" is ``P1Y``); "the week of March 6", "the
  last week of March" (ISO weeks); "earlier in the week", "later in the month", "early in the year".
* fixes: "1,000 years" is ``P1000Y`` (v1-v4: "000 years", ``P0Y``); "8 p.m. ET" keeps its zone in the span; "a
  quarter of the market" is a share, not a length; "the Arab Spring" is a name, not this year's spring; "is set
  for", "is planned for" say future.
* tried and left out: "weeks later" as ``FUTURE_REF`` (the way v3 reads "a few days later"), spelled ordinal days
  ("on the first" is too often not a day), "the weeks before the shooting" (TimeBank gives such spans the
  event's date, which the rules cannot know: a span with a wrong value lowers value F1), "the financial year"
  after "of" ("the very beginning of the financial year": a part of a year we cannot value; MEANTIME fell).

v6 changes, measured the same way (value F1, TBAQ-cleaned 81.09 -> 81.42, MEANTIME 81.88 -> 82.44); the tense and
the day of a clock time, and numbers that are not years:

* the tense: a future marker after "had" or "had been" is a past ("It had been due to expire Friday evening": v5
  read the coming Friday); "effective" right before a date says future ("a new office, effective Feb. 1", said in
  October, is next February); a present tense of a scheduled act right before the expression says future when no
  marker stands nearer ("they meet separately Monday", "talks resume on Tuesday": v1-v5 read the Monday past).
* a clock time takes the day named right after it: "at 10:15 a.m. on Wednesday", "16:15 UTC, June 1st",
  "10:35 a.m. (0735 GMT) Friday" (v5 gave them the report's day).
* new forms: "It's the second day of the offensive", "the strike is in its fourth day", "today is the eighth day
  of ..." with no anchor event named: said in the present, the report's day (week); "more recently" is one
  ``PAST_REF``, before a verb too.
* not years: a number after a noun that numbers things ("Flight 2013", "Resolution 1973", "Article 2011"), and a
  year between two capitalised words where the first is not one a date follows ("the Russell 2000 Index"; "In
  1998 Congress" stays a year).
* tried and left out, measured: "the latest period" as the quarter reported (TBAQ value F1 unchanged: 2 of its 5
  values right, and a found span with a wrong value costs what a right one gains); "the quarter" as the quarter
  the text named last (TBAQ fell to 80.66: the last quarter named is often the year-ago one); a clock time with
  no day near it taking the day named last in the text (nothing gained once the day after it is read: the other
  TBAQ cases are wrong either way); "vowed to", "hopes to", "is forecast to" as future markers (no case in
  either set: left out without evidence); "at the moment" and "for the foreseeable future" (neither set
  annotates any of its 5).

v7 changes, measured the same way (value F1, TBAQ-cleaned 81.42 -> 81.74, MEANTIME 82.44 -> 82.77); text wrapped at
a fixed width, and forms the TIMEX3 guidelines mark that v6 missed or misread:

* wrapped text: a paragraph hard-wrapped at a fixed width reaches the rules one line per "sentence" (the sentence
  splitter ends one at every short line: a headline, a dateline), which cut "last week" in two at a line break and
  lost the tense. v7 joins a line to the next when it ends without a stop (or with an abbreviation's, "due Oct.")
  and the next starts in lower case or with a digit, or the line ends with a word no headline ends with ("on",
  "the", "said"); a line break inside a sentence reads as a space ("nineteen seventy-nine" broken after "nineteen").
  Value F1 on the texts wrapped at 72 columns (``eval_tempeval3.py --wrap 72``): TBAQ-cleaned v6 78.17, v7 81.33;
  MEANTIME 78.64, 82.61.
* below a day, a count before "later" or "earlier" is the length it is ("just over an hour later" is ``PT1H``, "a
  minute and a half later" ``PT1M30S``: v6 gave ``FUTURE_REF``); "a week or so ago" is a date (v6: ``P1W``); "two
  and a half years ago" counts the half; "the past year and a half" is ``P1Y6M`` (v6 found nothing).
* new forms: a month that modifies a noun after a determiner ("a June agreement", "the March accession", "their
  January sales"; "the March of the Mothers" stays a name); a day in words ("Sunday, March eighth", "the
  twenty-first of June"); "each July" (``XXXX-07``) and "every other week" (``P2W``) as sets; "that afternoon", "the
  same afternoon"; "7/8/07" and slashed dates either order reads, the reading in the month up to the report when
  only one is, else the only one within a month of it either way; "FY2013"; spans of years, "1980-88", "2012-13", as
  two years (TimeBank marks "between 1994 and 1997" as two dates); clock zones beyond North America's ("10am BST on
  Tuesday", "9 a.m. AST"), so the day after them is read; a time of day ("Friday night") names its day for "the next
  day".
* left out: "high noon"; "that day", "the next day" with no day named before them (v6: ``XXXX-XX-XX``, which no
  reader can use and no annotation has); "the day before returning" (the end of "later in the day").
* tried and left out, measured: "the morning of March 3", "the night of Oct. 23" as a ``TIME`` with its part of the
  day (TimeBank marks the date alone, 2 of 2; TBAQ value F1 81.74 -> 81.57, and a ``TIME`` did not count as the day
  "the day after" leans on); joining every line that ends without a stop to the next (wrapped TBAQ 81.33 -> 81.74
  but MEANTIME 82.60 -> 82.28 before the slashed dates: headlines joined to their first sentence lend it their
  tense); "this century" (TBAQ gives both of its ``P100Y``, the guidelines a century's date: no evidence for
  either); "recent years" as ``PAST_REF`` again (counted, not changed: TBAQ and MEANTIME mark 4 so and 2 as ``PXY``;
  "recent days", "weeks", "months" the other way round).

``extract.times.rules_crf.v1`` (storytrace.extract.times_crf) runs the v3 rules and offers ``find_times`` more
spans from a CRF through ``extra``: a span that overlaps no rule span gets its value from the longest rule match
inside it, resolved as a trusted span (``_Context.trusted``: the guards that only ask whether a word is a time
are waived, a bare "January", "recently" or "current" before a verb, "soon" in a past sentence, "fall" with no
modifier, a bare "40s"; those that change what it means, ages, rates, temperatures, stay, and "March for"/"March
of" before a capital is a name). With ``extra`` unset nothing changes for v1-v6.

Known gaps: no part-of-speech tagger, so an adjective in "-ed" right before a date reads as a past ("the
preferred shares on Monday"), and a present tense ("they meet Monday") says nothing; "Friday night" is one
``TIME`` although TimeBank often marks "Friday" alone; week numbers are ISO weeks; vague words ("now", "recent",
"current") are annotated more consistently than TimeBank does. v3: "that year" with nothing dated before it gives
nothing; a duration counted from an event keeps no link to it (the event is not a date); "the day" of a report
filed the morning after the market closed is the report's day unless a date was named before it; "4 in the
morning" in a future sentence is the report's day, not the next; "this weekend" said on a Monday is the one just
past; a year range ("from 2009 to 2011") is two years, not one duration. v4: a present tense still says nothing
("they meet Monday" is the Monday past); a year-less date within 31 days back in a future sentence that does mean
next year ("will reopen on Jan. 3" said on 20 January) is read as the past one. v5: "year-end" is the year
(TimeBank writes the year or its last day about equally); holidays are US and Western Christian ones only (no
Ramadan or Eid: the Islamic calendar needs tables); "on the 16th" after a year with no month takes the report's
month; "the week of March 6" does not count as a day named, so "the day before" after it has no day to lean on.
v6: the present tense counts only for a listed verb right before the expression ("meet", "resume", "open",
"vote"...), and a headline written in the present ("Council votes Monday") reads as future; "it is the third day of
the strike" said in a report filed the next morning is a day late; a capitalised word before a year and one after
it ("Britain 2012 Report") make a name even when the year was meant.
v7: a wrapped line that ends with a content word and goes on with a capital ("a news conference" at a line's end,
"Thursday" at the next one's start) is still read apart (joining those as well joined headlines to their text); a
slashed date whose two readings are both near the report, or both far from it, is left out ("3/4/10" in 2025); a span of
years is two years, not one duration (MEANTIME marks "from 2009 to 2011" as ``P2Y``); "the morning of March 3" is the
date alone.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from storytrace.clean.dates import month_number, parse_date_string
from storytrace.errors import PipelineError
from storytrace.extract.sentences import ABBREVIATIONS
from storytrace.model import Document, Span
from storytrace.packs import load_pack
from storytrace.pipeline import ComponentFn, register

__all__ = [
    "BUILTIN_ANCHORS",
    "AnchorEvent",
    "TimeExpr",
    "TimeFinder",
    "find_times",
    "make_anchored_extractor",
    "make_time_extractor",
]

logger = logging.getLogger(__name__)

# The versions of the rule set (components extract.times.rules.v1 to .v7): a rule or a branch names the
# versions it belongs to, so that older versions keep giving what stored reports made with them hold.
VERSIONS = (1, 2, 3, 4, 5, 6, 7)


@dataclass(frozen=True, slots=True)
class AnchorEvent:
    """An event that dates are counted from: "the 39th day of the Gaza war" is ``start + 38 days``.

    ``names`` are phrases matched case-insensitively with flexible spaces (a leading "the" is optional); a name
    that starts with ``re:`` is a regular expression instead.
    """

    id: str
    names: tuple[str, ...]
    start: date

    def pattern(self) -> str:
        parts: list[str] = []
        for name in self.names:
            if name.startswith("re:"):
                parts.append(f"(?:{name[3:]})")
                continue
            words = name.split()
            if words and words[0].lower() == "the":
                words = words[1:]
            if words:
                parts.append(r"\s+".join(re.escape(word) for word in words))
        return "|".join(parts)


# Real, well-known events only; domain packs and users add the rest (config ``anchors`` or doc.meta["anchors"]).
BUILTIN_ANCHORS: tuple[AnchorEvent, ...] = (
    AnchorEvent(
        "gaza-war-2023",
        ("Gaza war", "war on Gaza", "war in Gaza", "Israel-Hamas war", "war between Israel and Hamas"),
        date(2023, 10, 7),
    ),
    AnchorEvent("russian-invasion-of-ukraine-2022", ("full-scale invasion of Ukraine",), date(2022, 2, 24)),
)


@dataclass(frozen=True, slots=True)
class TimeExpr:
    """One resolved time expression (what a span's attrs hold)."""

    start_char: int
    end_char: int
    type: str
    value: str
    precision: str
    rule: str
    anchor: str = "none"
    start: str | None = None
    end: str | None = None

    def to_span(self) -> Span:
        attrs: list[tuple[str, Any]] = [("value", self.value), ("precision", self.precision)]
        if self.start is not None:
            attrs.append(("start", self.start))
        if self.end is not None:
            attrs.append(("end", self.end))
        attrs += [("rule", self.rule), ("anchor", self.anchor)]
        return Span(self.start_char, self.end_char, self.type, tuple(attrs))


# ---------------------------------------------------------------------------------------------------------------
# Vocabulary

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
    "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90,
    "hundredth": 100,
}  # fmt: skip
_VAGUE_NUMBERS = ("a few", "few", "several", "many", "some", "a couple of", "a number of", "recent", "coming")
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_NUM = (
    rf"(?:\d+(?:\.\d+)?|(?:{_TENS})[- ](?:one|two|three|four|five|six|seven|eight|nine)"
    rf"|{'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))}|{'|'.join(_VAGUE_NUMBERS)})"
)
# v3: the same with its spaced words kept: the rules compile verbose, where a literal space is dropped, so v1 and
# v2 read "a few" as "afew" and never matched "a few days" whole, nor "a couple of years" at all.
_NUM_V3 = _NUM.replace(
    "|".join(_VAGUE_NUMBERS),
    "|".join(sorted((w.replace(" ", r"\s+") for w in (*_VAGUE_NUMBERS, "couple of")), key=len, reverse=True)),
)
# v5: a count with thousands separators ("1,000 years": v1-v4 read "000 years", P0Y).
_NUM_V5 = _NUM_V3.replace(r"(?:\d+(?:\.\d+)?", r"(?:\d{1,3}(?:,\d{3})+(?![\d.])|\d+(?:\.\d+)?", 1)
_ORD = (
    rf"(?:\d{{1,3}}(?:st|nd|rd|th)|(?:{_TENS})[- ](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
    rf"|{'|'.join(sorted(_ORDINAL_WORDS, key=len, reverse=True))})"
)
_UNITS = {
    "second": "S", "minute": "M", "hour": "H", "day": "D", "week": "W", "fortnight": "W", "month": "M",
    "quarter": "Q", "year": "Y", "decade": "DE", "century": "CE", "centurie": "CE", "night": "D",
}  # fmt: skip
_UNIT = r"(?:second|minute|hour|day|night|week|fortnight|month|quarter|year|decade|centur(?:y|ie))"
_TIME_UNITS = {"S", "M_", "H"}

# Month names: full names must be capitalised ("march on the capital" and "it may" are not months).
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
)  # fmt: skip
_MONTH_FULL = rf"(?-i:{'|'.join(_MONTH_NAMES)})"
_MONTH_ABBR = r"(?-i:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\."
_MONTH_ABBR_NODOT = r"(?-i:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)"
_MONTH = rf"(?:{_MONTH_FULL}|{_MONTH_ABBR}|{_MONTH_ABBR_NODOT}(?=\s+\d))"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = r"(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI"}
_PART = r"(?:morning|afternoon|evening|night)"
_SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
_YEAR = r"(?:1[89]\d\d|20\d\d|21\d\d)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_EDGE = r"(?:early|mid|late|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of)"
# Not preceded or followed by something that makes a number an id, a count or a reference: "No. 7/2025",
# "MW-2025-0412", "Harbali_1977", "2,000", "[1]".
_LEFT = r"(?<![\w/.,:\-#$£€])"
_RIGHT = r"(?![\w/:\-]|[.,]\d|%)"

_FUTURE_CUE = re.compile(
    r"\b(?:will|won't|shall|'ll|is\s+due|are\s+due|due\s+to|scheduled|planned|plans?\s+to|expected\s+to|"
    r"going\s+to|set\s+to|upcoming|next|until|till)\b",
    re.IGNORECASE,
)

# v2: the tense of a sentence at an expression, from the nearest tense marker before it (else the first after).
# Future markers: modals, "is due/set/to", "plans to", "as soon as"; past markers: past auxiliaries, common
# irregular past forms and lower-case words in "-ed". No part-of-speech tagger: an adjective in "-ed" ("armed")
# counts as past, the known non-verbs in "-ed" do not.
_FUTURE_MARK = re.compile(
    r"\b(?:will|won't|shall|'ll|(?:would|might|(?-i:may)|can|must|should)(?!\s+(?:not\s+)?have\b)|(?:is|are|was|"
    r"were)\s+(?:due|scheduled|slated|likely|expected|to)|(?:set|going|about|expected|due)\s+to|"
    r"due\s+(?:on|in|for)|scheduled|slated|payable|plan(?:s|ned|ning)?\s+to|intends?\s+to|upcoming|until|till|"
    r"as\s+soon\s+as)\b",
    re.IGNORECASE,
)
# v5: also "is set for", "is planned for", "are slated for" (v2-v4 knew "set to" and "is scheduled" only).
_FUTURE_MARK_V5 = re.compile(
    _FUTURE_MARK.pattern.replace(r"as\s+soon\s+as)", r"as\s+soon\s+as|(?:is|are)\s+(?:set|planned|slated)\s+for)"),
    re.IGNORECASE,
)
_PAST_MARK = re.compile(
    r"\b(?:was|were|had|did|said|told|met|went|came|took|gave|made|left|began|fell|rose|saw|sent|held|won|lost|"
    r"ran|spoke|wrote|struck|broke|got|found|brought|bought|fought|knew|led|paid|sold|stood|kept|became|flew|"
    r"drove|threw|grew|shot|fled|sought|chose|spent|built|felt|heard)\b",
    re.IGNORECASE,
)
# A lower-case word in "-ed" right before the expression (a preposition between): "killed on Friday". Further
# away it is as often an adjective ("preferred shares") as the verb the date belongs to.
_ED_VERB = re.compile(r"\b(?-i:[a-z][a-z]+[a-df-z]ed)\s+(?:(?-i:[a-z]+)\s+){0,3}$")
_ED_WORD = re.compile(r"\b(?-i:[a-z][a-z]+[a-df-z]ed)\b")
_NOT_PAST = frozenset({"hundred", "sacred", "naked", "wicked", "kindred", "rugged", "ragged", "beloved", "learned"})
# A participle after "be" is a passive ("will be paid"), not a past tense.
_PASSIVE = re.compile(r"\b(?:be|been|being|to)\s+$", re.IGNORECASE)
_SINCE = re.compile(r"\bsince\s+(?:the\s+)?$", re.IGNORECASE)
# What follows an expression within its clause; a fronted one ("On Tuesday, the league plans...") reaches past
# its comma.
_FRONTED = re.compile(r"\W*(?:\w+\s+){0,2}")
_CLAUSE = re.compile(r"[^,;:()\u2013\u2014]*")
_CLAUSE_AFTER_FRONTED = re.compile(r"[^,;:()\u2013\u2014]*,?[^,;:()\u2013\u2014]*")


def _markers(
    sentence: str, start: int, end: int, future: re.Pattern[str] = _FUTURE_MARK, perfect: bool = False
) -> list[tuple[int, int, str]]:
    """The tense markers of ``sentence[start:end]``: (start, end, "past" or "future"); when the slice is what
    comes before an expression (``start`` 0), also a verb in "-ed" right before it. With ``perfect`` (v6), a
    future marker after "had" or "had been" is a past ("had been due to expire Friday")."""
    found: list[tuple[int, int, str]] = []
    for pattern, tense in ((_PAST_MARK, "past"), (future, "future")):
        for hit in pattern.finditer(sentence, start, end):
            if tense == "past" and (
                hit.group(0).lower() in _NOT_PAST or _PASSIVE.search(sentence, max(0, hit.start() - 8), hit.start())
            ):
                continue
            if tense == "future" and hit.group(0).lower() in ("until", "till") and not sentence[: hit.start()].strip():
                continue  # "Until Thursday, they had not...": a fronted "until" says nothing of the tense
            if tense == "future" and perfect and _HAD.search(sentence, max(0, hit.start() - 24), hit.start()):
                found.append((hit.start(), hit.end(), "past"))  # v6: a plan that was, not one that is
                continue
            found.append((hit.start(), hit.end(), tense))
    if start > 0:
        # After the expression ("On Friday, the council voted..."): its first verb in "-ed" counts too.
        for hit in _ED_WORD.finditer(sentence, start, end):
            if hit.group(0) not in _NOT_PAST and not _PASSIVE.search(sentence, max(0, hit.start() - 8), hit.start()):
                found.append((hit.start(), hit.end(), "past"))
                break
        return found
    verb = _ED_VERB.search(sentence, max(0, end - 40), end)
    if verb and verb.group(0).split()[0].lower() not in _NOT_PAST and not _PASSIVE.search(sentence, 0, verb.start()):
        found.append((verb.start(), verb.start() + len(verb.group(0).split()[0]), "past"))
    return found


def _tense(
    sentence: str, start: int, end: int, future: re.Pattern[str] = _FUTURE_MARK, perfect: bool = False
) -> str | None:
    """The tense at ``sentence[start:end]``: "future", "past", "since" (a past no window overrides) or None.

    The tense marker nearest before the expression decides (a future one wins over a past one ending at the same
    place: "was scheduled"), else a verb in "-ed" further back, else the first marker after it in its clause.
    """
    if _SINCE.search(sentence, max(0, start - 12), start):
        return "since"
    before = _markers(sentence, 0, start, future, perfect)
    if before:
        return max(before, key=lambda hit: (hit[1], hit[2] == "future"))[2]
    # No marker before: a verb in "-ed" further back ("closed at their lowest level in a decade on Monday").
    for hit in _ED_WORD.finditer(sentence, 0, start):
        if hit.group(0) not in _NOT_PAST and not _PASSIVE.search(sentence, max(0, hit.start() - 8), hit.start()):
            return "past"
    # After it, within its clause: up to the next comma, past the one closing a fronted "On Tuesday,".
    fronted = _FRONTED.fullmatch(sentence, 0, start) is not None
    clause = (_CLAUSE_AFTER_FRONTED if fronted else _CLAUSE).match(sentence, end)
    after = _markers(sentence, end, clause.end() if clause else end, future, perfect)
    return min(after)[2] if after else None


# v6: "had (previously) been due to", "had planned to": the plan of a past, not a future.
_HAD = re.compile(r"\bhad\s+(?:(?:previously|already|originally)\s+)?(?:been\s+)?$", re.IGNORECASE)
# v6: "effective Feb. 1", "effective as of Monday": a date a change takes effect on is ahead of the report.
_EFFECTIVE = re.compile(r"\beffective\s+(?:(?:on|from|as\s+of)\s+)?$", re.IGNORECASE)


# v6: a present tense of a scheduled act right before the expression: "they meet separately Monday", "talks
# resume on Tuesday" (news tells what happened in the past tense).
_PRESENT_PLAN = re.compile(
    r"\b(?-i:meets?|begins?|starts?|resumes?|opens?|visits?|travels?|leaves?|arrives?|returns?|heads?|votes?|"
    r"holds?|hosts?|faces?|expires?|takes\s+effect|take\s+effect)\s+(?:(?-i:[a-z]+)\s+){0,3}$"
)


_GOVERNED = re.compile(r"\b(?:to|will|would|could|should|may|might|must|can|did|does|do|let|lets)\s+$", re.IGNORECASE)


def _tense_v6(sentence: str, start: int, end: int) -> str | None:
    """v6: ``_tense`` with v5's markers, "effective" right before the expression saying future and a future
    marker after "had (been)" saying past."""
    if _EFFECTIVE.search(sentence, max(0, start - 24), start):
        return "future"
    plan = _PRESENT_PLAN.search(sentence, max(0, start - 48), start)
    if plan and _GOVERNED.search(sentence, max(0, plan.start() - 12), plan.start()):
        plan = None  # an infinitive ("due to expire Friday", "will meet Monday"): the verb before it has the tense
    if plan and not any(hit[1] > plan.start() for hit in _markers(sentence, 0, start, _FUTURE_MARK_V5, True)):
        return "future"  # no marker nearer the expression than the present verb ("begin as planned Saturday")
    return _tense(sentence, start, end, _FUTURE_MARK_V5, perfect=True)


# ---------------------------------------------------------------------------------------------------------------
# Resolution context


@dataclass(slots=True)
class _Context:
    text: str
    reference: date | None
    sentence: str
    sentence_start: int
    anchors: Sequence[AnchorEvent]
    previous: date | None = None  # the last day-precision date resolved earlier in the document
    previous_here: date | None = None  # the same, when it is in the current sentence
    quarter: str | None = None  # the last quarter resolved earlier ("2025-Q3"): what "a year ago" compares with
    dated: str | None = None  # v3: the last value with a year resolved earlier ("1995-05-22"): what "that year" is
    version: int = VERSIONS[-1]  # the component's version (see VERSIONS)
    # rules_crf.v1: a span another detector (a CRF) judged a time expression: the guards that only ask whether a
    # word is a time at all ("March" at a sentence's start, "recently" before a verb) are waived; those that
    # change what it means (an age, a rate) stay.
    trusted: bool = False

    def is_future(self, match_start: int) -> bool:
        """Whether the sentence says future before ``match_start`` (an offset in the sentence)."""
        if self.version == 1:
            # v1 took the offset for one in the text: past the first sentence it never saw a cue.
            return bool(_FUTURE_CUE.search(self.sentence, 0, match_start - self.sentence_start))
        return self.tense(match_start) == "future"

    def tense(self, match_start: int) -> str | None:
        """v2: the sentence's tense at ``match_start`` (an offset in the sentence); see ``_tense``."""
        if self.version >= 6:
            return _tense_v6(self.sentence, match_start, match_start)
        return _tense(self.sentence, match_start, match_start, _FUTURE_MARK_V5 if self.version >= 5 else _FUTURE_MARK)


@dataclass(frozen=True, slots=True)
class _Result:
    type: str
    value: str
    precision: str
    anchor: str = "none"
    start: date | None = None
    end: date | None = None


Resolver = Callable[[re.Match[str], _Context], "_Result | None"]


@dataclass(frozen=True, slots=True, eq=False)
class _Need:
    """A cheap test a sentence must pass before a rule's pattern is run on it: one of ``words`` occurs in it.

    ``kind`` is ``lower`` (in the lower-cased sentence: the words are lower-case ASCII letters matched by the
    pattern case-insensitively), ``case`` (in the sentence as it is: case-sensitive names, digits, punctuation)
    ``digit`` (any decimal digit, as ``\\d`` matches) or ``regex`` (the one word is a pattern searched for
    case-insensitively in the sentence as it is). Each word must be a literal (or the pattern must match a part)
    that every match of the rule contains, so a sentence that fails a need cannot match and skipping it changes
    nothing.
    Compared by identity: one object per need, so the per-sentence cache hashes fast.
    """

    kind: str
    words: tuple[str, ...] = ()
    probe: re.Pattern[str] = field(init=False)  # the words as one alternation: faster than a loop of ``in``

    def __post_init__(self) -> None:
        if self.kind == "regex":
            probe = re.compile(self.words[0], re.IGNORECASE)
        else:
            probe = re.compile(r"\d" if self.kind == "digit" else "|".join(re.escape(word) for word in self.words))
        object.__setattr__(self, "probe", probe)


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    pattern: re.Pattern[str]
    resolve: Resolver
    needs: tuple[_Need, ...] = ()  # all must pass (see _Need)
    versions: frozenset[int] = frozenset(VERSIONS)  # the component versions that run this rule


_RULES: list[_Rule] = []


def _rule(
    name: str, pattern: str, *needs: _Need, since: int = 1, until: int = VERSIONS[-1]
) -> Callable[[Resolver], Resolver]:
    def decorator(resolve: Resolver) -> Resolver:
        versions = frozenset(v for v in VERSIONS if since <= v <= until)
        _RULES.append(_Rule(name, re.compile(pattern, re.IGNORECASE | re.VERBOSE), resolve, needs, versions))
        return resolve

    return decorator


@functools.cache
def _rules_of(version: int) -> tuple[_Rule, ...]:
    return tuple(rule for rule in _RULES if version in rule.versions)


# Needs shared by several rules (the per-sentence cache tests each once).
_HAS_DIGIT = _Need("digit")
_HAS_YEAR = _Need("case", ("18", "19", "20", "21"))  # every _YEAR starts so
_HAS_MONTH = _Need("case", ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"))
_HAS_MONTH_NAME = _Need("case", _MONTH_NAMES)
_HAS_UNIT = _Need(
    "lower", ("second", "minute", "hour", "day", "night", "week", "month", "quarter", "year", "decade", "centur")
)
# A unit as a word after a space, as every "<number> <unit>" has it ("today" and "Monday" do not).
_HAS_UNIT_WORD = _Need("regex", (rf"\s{_UNIT}s?\b",))


# ---------------------------------------------------------------------------------------------------------------
# Helpers


def _number(text: str) -> int | None:
    """An integer for "21", "three", "twenty-one"; None for a vague quantity ("several")."""
    word = text.lower().replace("-", " ").strip()
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", word):  # v5's numbers only: v1-v4 patterns never match a comma
        word = word.replace(",", "")
    if word.replace(".", "", 1).isdigit():
        value = float(word)
        return int(value) if value.is_integer() else None
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    parts = word.split()
    if parts in (["a", "couple", "of"], ["couple", "of"]):  # v3 (v1 and v2 never match it): TimeBank counts it as two
        return 2
    if len(parts) == 2 and parts[0] in _NUMBER_WORDS and parts[1] in _NUMBER_WORDS:
        return _NUMBER_WORDS[parts[0]] + _NUMBER_WORDS[parts[1]]
    return None


def _whole_year(year: int) -> _Result:
    """A year as a date of year precision spanning the whole year."""
    return _Result("DATE", f"{year:04d}", "year", start=date(year, 1, 1), end=date(year, 12, 31))


def _four_digit_year(two_digits: int, reference: date | None, ahead: int) -> int:
    """A two-digit year in full: this century's when that is at most ``ahead`` years after the report's, else the
    last century's (no report date: 2000 counts as the report's year)."""
    this_year = reference.year if reference else 2000
    return two_digits + (2000 if 2000 + two_digits <= this_year + ahead else 1900)


def _ordinal(text: str) -> int | None:
    word = text.lower().replace("-", " ").strip()
    digits = re.match(r"\d+", word)
    if digits:
        return int(digits.group(0))
    if word in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[word]
    parts = word.split()
    if len(parts) == 2 and parts[0] in _NUMBER_WORDS and parts[1] in _ORDINAL_WORDS:
        return _NUMBER_WORDS[parts[0]] + _ORDINAL_WORDS[parts[1]]
    return None


def _unit_code(unit: str) -> str:
    unit = unit.lower().rstrip("s")
    return _UNITS.get(unit, "D")


def _duration(amount: int | None, unit: str) -> str:
    code = _unit_code(unit)
    count = "X" if amount is None else str(amount)
    if unit.lower().startswith("fortnight") and amount is not None:
        count = str(2 * amount)
    if code == "DE":
        return f"P{'X' if amount is None else amount * 10}Y"
    if code == "CE":
        return f"P{'X' if amount is None else amount * 100}Y"
    if code == "Q":
        return f"P{'X' if amount is None else amount * 3}M"
    if unit.lower().startswith(("hour", "minute", "second")):
        return f"PT{count}{code}"
    return f"P{count}{code}"


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, _month_length(year, month + 1)))


def _month_length(year: int, month: int) -> int:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def _shift(day: date, amount: int, unit: str) -> date:
    code = _unit_code(unit)
    if unit.lower().startswith(("hour", "minute", "second")):
        per_day = {"h": 24, "m": 24 * 60, "s": 24 * 3600}[unit.lower()[0]]
        days = -(-abs(amount) // per_day)  # whole days touched: the past 48 hours reach back two days
        return day + timedelta(days=days if amount > 0 else -days)
    if unit.lower().startswith("fortnight"):
        return day + timedelta(weeks=2 * amount)
    if code in ("D",):
        return day + timedelta(days=amount)
    if code == "W":
        return day + timedelta(weeks=amount)
    if code == "M":
        return _add_months(day, amount)
    if code == "Q":
        return _add_months(day, 3 * amount)
    if code == "Y":
        return _add_months(day, 12 * amount)
    if code == "DE":
        return _add_months(day, 120 * amount)
    if code == "CE":
        return _add_months(day, 1200 * amount)
    return day


def _value_at(day: date, unit: str) -> tuple[str, str]:
    """The TIMEX3 value of ``day`` at the granularity of ``unit`` ("2 weeks ago" -> a week value)."""
    code = _unit_code(unit)
    if code == "W":
        iso = day.isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}", "week"
    if code in ("M",) and not unit.lower().startswith("minute"):
        return f"{day.year:04d}-{day.month:02d}", "month"
    if code == "Q":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}", "quarter"
    if code == "Y":
        return f"{day.year:04d}", "year"
    if code == "DE":
        return f"{day.year // 10:03d}", "decade"
    if code == "CE":
        return f"{day.year // 100:02d}", "century"
    return day.isoformat(), "day"


# A year-less date in the future is taken without a future tense only when it is this close ahead while its
# past reading is far back: a report of 7 January citing "Jan. 14" means next week, not a year ago.
_NEAR_FUTURE_DAYS = 45
_NEAR_FUTURE_MONTHS = 4
# v4: a year-less date this many days back or less is that one even in a future sentence (a date a year ahead
# is written with its year).
_RECENT_DAYS = 31


def _pick_year(month: int, day: int, ctx: _Context, position: int) -> tuple[date | None, str]:
    """The year of a year-less "March 3": on or before the reference, or after it when the text says future."""
    reference = ctx.reference
    if reference is None:
        return None, "none"
    readings: list[date] = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            readings.append(date(year, month, day))
        except ValueError:  # 29 February
            continue
    past = max((d for d in readings if d <= reference), default=None)
    future = min((d for d in readings if d > reference), default=None)
    if ctx.version >= 2:
        # v2: a tense in the sentence decides; without one, the near-future window.
        tense = ctx.tense(position)
        if tense == "since" and past is not None:
            return past, "doc:published"
        if ctx.version >= 4 and tense == "future" and past is not None and (reference - past).days <= _RECENT_DAYS:
            # v4: "by Jan. 14" in a report of 15 January is the deadline just passed, not one a year away.
            return past, "doc:published"
        if future is not None and (past is None or tense == "future" or (future - reference).days <= _NEAR_FUTURE_DAYS):
            return future, "doc:published"
        return past, "doc:published" if past else "none"
    if future is not None and (
        past is None or ctx.is_future(position) or (future - reference).days <= _NEAR_FUTURE_DAYS
    ):
        return future, "doc:published"
    return past, "doc:published" if past else "none"


def _month_year(month: int, ctx: _Context, position: int) -> int | None:
    reference = ctx.reference
    if reference is None:
        return None
    ahead = (month - reference.month) % 12
    if ctx.version >= 2:
        tense = ctx.tense(position)
        is_future = tense != "since" and (tense == "future" or 0 < ahead < _NEAR_FUTURE_MONTHS)
    else:
        is_future = ctx.is_future(position) or 0 < ahead < _NEAR_FUTURE_MONTHS
    if is_future:
        return reference.year if month >= reference.month else reference.year + 1
    return reference.year if month <= reference.month else reference.year - 1


_POSSESSIVE = re.compile(r"['\u2019]s\b")


def _weekday_day(weekday: int, ctx: _Context, position: int, modifier: str) -> date | None:
    reference = ctx.reference
    if reference is None:
        return None
    delta = (reference.weekday() - weekday) % 7
    if modifier == "last":
        return reference - timedelta(days=delta or 7)
    if modifier in ("next", "coming"):
        return reference + timedelta(days=((weekday - reference.weekday()) % 7) or 7)
    if modifier == "past":
        return reference - timedelta(days=delta)
    if modifier == "this" or ctx.is_future(position):
        return reference + timedelta(days=(weekday - reference.weekday()) % 7)
    return reference - timedelta(days=delta)


def _word_day(word: str, ctx: _Context, position: int) -> date | None:
    """The day a lower-case weekday, "today", "yesterday" or "tomorrow" said at ``position`` names."""
    if word in _WEEKDAYS:
        return _weekday_day(_WEEKDAYS.index(word), ctx, position, "")
    if ctx.reference is None:
        return None
    return ctx.reference + timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[word])


def _week_result(day: date, anchor: str) -> _Result:
    """The ISO week holding ``day``, bounded Monday to Sunday."""
    monday = day - timedelta(days=day.weekday())
    value, precision = _value_at(day, "week")
    return _Result("DATE", value, precision, anchor, monday, monday + timedelta(days=6))


def _edge_range(edge: str, first: date, last: date) -> tuple[date, date, str]:
    edge = " ".join(edge.lower().split())
    span = (last - first).days + 1
    if edge in ("early", "the beginning of", "the start of"):
        return first, first + timedelta(days=span // 3 - 1), "START"
    if edge in ("mid", "the middle of"):
        return first + timedelta(days=span // 3), first + timedelta(days=2 * span // 3 - 1), "MID"
    return first + timedelta(days=2 * span // 3), last, "END"


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, _month_length(year, month))


def _month_of(text: str) -> int | None:
    return month_number(text)


# ---------------------------------------------------------------------------------------------------------------
# Rules: absolute dates


@_rule("iso-date", rf"{_LEFT}(?P<x>\d{{4}}-\d{{2}}-\d{{2}}){_RIGHT}", _HAS_DIGIT, _Need("case", ("-",)))
def _iso_date(m: re.Match[str], ctx: _Context) -> _Result | None:
    parsed = parse_date_string(m["x"])
    if parsed is None:
        return None
    return _Result("DATE", parsed[0], "day")


@_rule(
    "numeric-date",
    rf"{_LEFT}(?P<x>\d{{1,2}}[./]\d{{1,2}}[./](?:19|20)\d\d){_RIGHT}",
    _Need("case", ("19", "20")),
    _Need("case", ("/", ".")),
    until=6,
)
def _numeric_date(m: re.Match[str], ctx: _Context) -> _Result | None:
    parsed = parse_date_string(m["x"])  # dotted forms are day first; ambiguous slashed forms are refused
    if parsed is None:
        return None
    return _Result("DATE", parsed[0], "day")


@_rule(
    "month-day-year",
    rf"(?P<x>(?:{_WEEKDAY},?\s+)?(?:the\s+)?(?P<m1>{_MONTH})\s+(?P<d1>{_DAY}),?\s+(?P<y1>{_YEAR})"
    rf"|(?:{_WEEKDAY},?\s+)?(?:the\s+)?(?P<d2>{_DAY})\s+(?:of\s+)?(?P<m2>{_MONTH}),?\s+(?P<y2>{_YEAR})){_RIGHT}",
    _HAS_MONTH,
    _HAS_YEAR,
)
def _month_day_year(m: re.Match[str], ctx: _Context) -> _Result | None:
    month = _month_of(m["m1"] or m["m2"])
    day = int(re.sub(r"\D", "", m["d1"] or m["d2"]))
    year = int(m["y1"] or m["y2"])
    if month is None:
        return None
    try:
        return _Result("DATE", date(year, month, day).isoformat(), "day")
    except ValueError:
        return None


# v5: the rest of a range of days that ends with its year (", 11, 2024" after "Feb. 10").
_RANGE_YEAR = re.compile(rf"\s*(?:-|\u2013|and|to|through|or)\s*{_DAY},?\s+(?P<y>{_YEAR})(?![\w/:\-]|[.,]\d)")


def _month_day_pattern(after: str) -> str:
    return (
        rf"(?P<x>(?:{_WEEKDAY},?\s+)?(?P<m1>{_MONTH})\s+(?P<d1>{_DAY})(?![\d,]*\d)"
        rf"|(?:{_WEEKDAY},?\s+)?(?:the\s+)?(?P<d2>{_DAY})\s+(?:of\s+)?(?P<m2>{_MONTH})){after}"
    )


@_rule("month-day", _month_day_pattern(r"(?![\w-])"), _HAS_MONTH, _HAS_DIGIT, until=4)
# v5: a hyphen and a digit may follow ("March 19-20": the month-day-range rule reads the second day).
@_rule("month-day", _month_day_pattern(r"(?!\w|-(?!\d))"), _HAS_MONTH, _HAS_DIGIT, since=5)
def _month_day(m: re.Match[str], ctx: _Context) -> _Result | None:
    month = _month_of(m["m1"] or m["m2"])
    day = int(re.sub(r"\D", "", m["d1"] or m["d2"]))
    if month is None or not 1 <= day <= _month_length(2024, month):
        return None
    ranged = _RANGE_YEAR.match(ctx.sentence, m.end("x")) if ctx.version >= 5 and m["m1"] else None
    if ranged:  # v5: "Feb. 10 and 11, 2024": the year written after the range's end
        return _Result("DATE", date(int(ranged["y"]), month, day).isoformat(), "day")
    found, anchor = _pick_year(month, day, ctx, m.start("x"))
    if found is None:
        return _Result("DATE", f"XXXX-{month:02d}-{day:02d}", "day")
    return _Result("DATE", found.isoformat(), "day", anchor)


@_rule(
    "month-year",
    rf"(?P<x>(?:(?P<edge>{_EDGE})[\s-]+)?(?P<m>{_MONTH}),?\s+(?:of\s+)?(?P<y>{_YEAR})){_RIGHT}",
    _HAS_MONTH,
    _HAS_YEAR,
)
def _month_year_rule(m: re.Match[str], ctx: _Context) -> _Result | None:
    month = _month_of(m["m"])
    if month is None:
        return None
    year = int(m["y"])
    first, last = _month_bounds(year, month)
    if m["edge"]:
        start, end, _ = _edge_range(m["edge"], first, last)
        return _Result("DATE", f"{year:04d}-{month:02d}", "range", start=start, end=end)
    return _Result("DATE", f"{year:04d}-{month:02d}", "month", start=first, end=last)


# What may follow the second day of "April 24 and 25" (a count's noun may not: "March 3 and 25 people").
_RANGE_FOLLOWERS = (
    r"(?:in|at|and|to|the|of|when|after|before|for|with|while|as|but|or|on|was|were|is|are|will|would|from|by|"
    r"respectively|this|last|next)"
)


@_rule(
    "month-day-range",
    rf"(?P<m>{_MONTH})\s+(?P<d1>{_DAY})\s*(?:-|\u2013|and|to|through|or)\s*(?P<x>(?P<d2>{_DAY})(?:,?\s+(?P<y>{_YEAR}))?)"
    rf"(?!\w|-\d|[.,]\d|:|%)(?=\s*(?:[.,;:)!?'\"\u2019\u201d]|$)|\s+(?-i:[A-Z])|\s+{_RANGE_FOLLOWERS}\b)",
    _HAS_MONTH,
    _HAS_DIGIT,
    since=5,
)
def _month_day_range(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v5: the second day of "March 19-20", "April 24 and 25" (TimeBank marks the two days apart; the first is
    the month-day rule's): the first day's month and year."""
    month = _month_of(m["m"])
    first, last = int(re.sub(r"\D", "", m["d1"])), int(re.sub(r"\D", "", m["d2"]))
    if month is None or not 1 <= first < last <= _month_length(2024, month):
        return None  # "March 3 and 2" is no range
    if m["y"]:
        try:
            day: date | None = date(int(m["y"]), month, last)
        except ValueError:
            return None
        anchor = "none"
    else:
        start, anchor = _pick_year(month, first, ctx, m.start("m"))
        day = None if start is None else date(start.year, month, last)
    if day is None:
        return _Result("DATE", f"XXXX-{month:02d}-{last:02d}", "day")
    return _Result("DATE", day.isoformat(), "day", anchor, day, day)


# A name goes on after a month-like word: "March for Life", "March of the Combatant Mothers".
_NAME_AFTER = re.compile(r"\s+(?:of|for)\s+(?:the\s+)?(?-i:[A-Z])")
# v7: a month that modifies a noun, "a June agreement", "the March accession", "their January sales" (v1-v6 took
# a bare month only after a preposition): a determiner before it, a lower-case word after it ("the March of the
# Mothers" and "the March for Life" are names).
_DETERMINER_BEFORE = re.compile(r"\b(?:a|an|the|its|their|his|her|our)\s+$", re.IGNORECASE)
_NOUN_AFTER = re.compile(r"\s+(?!(?:of|for|to)\b)(?-i:[a-z])")


@_rule(
    "month",
    rf"(?P<prep>\b(?:in|since|until|till|by|during|from|through|to|before|after|of|for|and|or|between|"
    rf"that|throughout|as\s+of|starting|beginning|ending)\s+(?:the\s+)?)?"
    rf"(?P<x>(?:(?P<mod>last|next|this|past|coming)\s+)?(?:(?P<edge>{_EDGE})[\s-]+)?(?P<m>{_MONTH_FULL}))"
    rf"(?![\w-]|\s+\d)",
    _HAS_MONTH,
    _HAS_MONTH_NAME,
)
def _month_alone(m: re.Match[str], ctx: _Context) -> _Result | None:
    month = _month_of(m["m"])
    edge = m["edge"]
    mod = (m["mod"] or "").lower()
    modifier = ctx.version >= 7 and _DETERMINER_BEFORE.search(ctx.sentence, 0, m.start("x")) is not None
    if modifier and not _NOUN_AFTER.match(ctx.sentence, m.end("x")):
        modifier = False
    if month is None or not (m["prep"] or mod or edge or modifier or ctx.trusted):
        return None  # a bare capitalised "March" or "May" starts sentences as a noun or a verb
    if ctx.trusted and _NAME_AFTER.match(ctx.sentence, m.end("x")):
        return None  # rules_crf.v1: "the March for Life", "the March of the Mothers" are names
    reference = ctx.reference
    if reference is None:
        return _Result("DATE", f"XXXX-{month:02d}", "month")
    position = m.start("x")
    if mod in ("last", "past"):
        year = reference.year if month < reference.month else reference.year - 1
    elif mod in ("next", "coming"):
        year = reference.year if month > reference.month else reference.year + 1
    elif mod == "this":
        year = reference.year
    else:
        found = _month_year(month, ctx, position)
        year = reference.year if found is None else found
    first, last = _month_bounds(year, month)
    if edge:
        start, end, _ = _edge_range(edge, first, last)
        return _Result("DATE", f"{year:04d}-{month:02d}", "range", "doc:published", start, end)
    return _Result("DATE", f"{year:04d}-{month:02d}", "month", "doc:published", first, last)


def _span_group(m: re.Match[str]) -> str | int:
    """The group that is the expression itself (a leading preposition may be matched but is not part of it)."""
    for name in ("x", "x2"):
        if name in m.re.groupindex and m[name] is not None:
            return name
    return 0


# What a number before it counts ("2000 troops", "1990-1995 votes"): no year.
_COUNTED_NOUNS = (
    r"(?:people|persons|troops|soldiers|men|women|children|workers|employees|residents|jobs|cars|trucks|homes|"
    r"houses|units|shares|votes|delegates|km|miles|tons|tonnes|meters|metres|feet|barrels|dollars|euros|points|"
    r"pages|words|students)\b"
)


@_rule(
    "year",
    rf"(?P<x>(?:(?P<edge>{_EDGE})[\s-]+)?(?:(?P<fiscal>fiscal(?:\s+year)?)\s+)?{_LEFT}(?P<y>{_YEAR}))"
    rf"(?![\w/:\-]|[.,]\d|%|\s*(?:-|to)\s*\d|\s+{_COUNTED_NOUNS})",
    _HAS_YEAR,
)
def _year_alone(m: re.Match[str], ctx: _Context) -> _Result | None:
    year = int(m["y"])
    first, last = date(year, 1, 1), date(year, 12, 31)
    if ctx.version >= 6 and not (m["edge"] or m["fiscal"] or ctx.trusted) and _numbers_a_thing(m, ctx):
        return None
    if m["edge"]:
        start, end, _ = _edge_range(m["edge"], first, last)
        return _Result("DATE", f"{year:04d}", "range", start=start, end=end)
    if m["fiscal"]:
        if ctx.version >= 2:  # TimeBank gives "fiscal 1989" the year's value
            return _Result("DATE", f"{year:04d}", "year")
        return _Result("DATE", f"FY{year:04d}", "year")
    return _Result("DATE", f"{year:04d}", "year", start=first, end=last)


# v6: what numbers a thing ("Flight 2013", "Resolution 1973", "Article 2011"): the number after it is no year.
_NUMBERED = re.compile(
    r"\b(?-i:Flight|Article|Route|Resolution|Section|Chapter|Model|Room|Highway|Interstate|Form|Rule|Clause|"
    r"Paragraph|Amendment|Item|No\.|Nos\.|Number|Line|Gate|Platform|Terminal|Suite|Building|Block|Lot|Case|"
    r"Docket|Ward|Precinct|Code)\s+$"
)
# v6: a year between two capitalised words is part of a name ("the Russell 2000 Index", "Orion 1980 Ltd")...
_IN_NAME = re.compile(r"\s+(?-i:[A-Z][a-z]+)\b")
_NAME_WORD_BEFORE = re.compile(r"(?<![.!?]\s)(?<!^)\b(?-i:([A-Z][a-z]+))\s+$")
# ...unless the word before is one a date follows ("In 1998 Congress", "Since 1949 NATO", "March 2012 Summit").
_NOT_NAME_WORDS = frozenset(
    {
        "in", "since", "by", "until", "till", "from", "to", "of", "for", "before", "after", "during", "through",
        "and", "or", "the", "on", "at", "around", "about", "early", "late", "mid", "spring", "summer", "autumn",
        "fall", "winter", "fiscal", "year", "christmas", "easter",
        *(name.lower() for name in _MONTH_NAMES), "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
        "oct", "nov", "dec", *_WEEKDAYS,
    }
)  # fmt: skip


def _numbers_a_thing(m: re.Match[str], ctx: _Context) -> bool:
    """v6: whether a bare year is a number in a name: "Flight 2013", "Resolution 1973", "the Russell 2000 Index"."""
    if _NUMBERED.search(ctx.sentence, max(0, m.start("x") - 60), m.start("x")):
        return True
    if not _IN_NAME.match(ctx.sentence, m.end("x")):
        return False
    before = _NAME_WORD_BEFORE.search(ctx.sentence, max(0, m.start("x") - 40), m.start("x"))
    return before is not None and before.group(1).lower() not in _NOT_NAME_WORDS


@_rule(
    "edge-year",
    rf"(?P<x>\b(?P<edge>early|mid|late)-(?P<y>{_YEAR}))(?![\w/:\-]|[.,]\d|%|s\b)",
    _HAS_YEAR,
    _Need("lower", ("early-", "mid-", "late-")),
    since=3,
)
def _edge_year(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: "mid-1996", "late-2024" (the year rule refuses a year after a hyphen, as in "MW-2025")."""
    year = int(m["y"])
    start, end, _ = _edge_range(m["edge"], date(year, 1, 1), date(year, 12, 31))
    return _Result("DATE", f"{year:04d}", "range", start=start, end=end)


@_rule(
    "year-range-start",
    rf"\b(?:from|between)\s+{_LEFT}(?P<x>{_YEAR})(?=\s+(?:to|through|until|till)\s+{_YEAR}\b)",
    _HAS_YEAR,
    _Need("lower", ("from", "between")),
    since=3,
)
def _year_range_start(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: the first year of "from 1991 to 1997" (the year rule refuses a number before "to <number>": "1500 to
    2000 troops" is a count); the second is a year as any other."""
    year = int(m["x"])
    return _whole_year(year)


_UNITS_WORD = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_TEENS_WORD = r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
_SPOKEN_YY = rf"(?:(?:{_TENS})(?:[- ]{_UNITS_WORD})?|{_TEENS_WORD}|(?:oh|o)[- ]{_UNITS_WORD})"


@_rule(
    "spoken-year",
    rf"(?P<x>\b(?:(?:(?P<m>{_MONTH_FULL})\s+)|(?:the\s+year\s+))?(?:(?P<c19>nineteen)[- ](?P<yy>{_SPOKEN_YY})"
    rf"|two\s+thousand(?:[- ](?:and[- ])?(?P<y2k>{_UNITS_WORD}|{_TEENS_WORD}))?))\b(?![- ]{_UNITS_WORD}\b)",
    _Need("lower", ("nineteen", "thousand")),
    since=2,
)
def _spoken_year(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v2: years said in words, as broadcast transcripts write them: "nineteen ninety-six", "the year two
    thousand", "January nineteen ninety-seven"."""
    if m["c19"]:
        words = m["yy"].lower().replace("-", " ").split()
        if words[0] in ("oh", "o"):
            words = words[1:]
        tail = _number(" ".join(words))
        if tail is None or not 0 <= tail <= 99:
            return None
        year = 1900 + tail
    else:
        if not m["x"].lower().startswith("the") and not m["y2k"] and not m["m"]:
            return None  # a bare "two thousand" is a count
        year = 2000 + ((_number(m["y2k"]) or 0) if m["y2k"] else 0)
    month = _month_of(m["m"]) if m["m"] else None
    if month is not None:
        first, last = _month_bounds(year, month)
        return _Result("DATE", f"{year:04d}-{month:02d}", "month", start=first, end=last)
    return _whole_year(year)


@_rule(
    "century",
    rf"(?P<x>\b(?:the\s+)?(?:(?P<edge>{_EDGE})[\s-]+)?(?P<o>{_ORD})[\s-]+century)\b",
    _Need("lower", ("century",)),
    since=3,
)
def _century(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: "the 20th century" is ``19`` (the years 1900-1999 as TimeML counts them), "the 11th century" ``10``."""
    number = _ordinal(m["o"])
    if number is None or not 1 <= number <= 30:
        return None
    return _Result("DATE", f"{number - 1:02d}", "century")


@_rule(
    "decade",
    rf"(?P<x>(?:the\s+)?(?:(?P<edge>{_EDGE})[\s-]+)?(?:(?P<c>1[89]|20)|')(?P<d>\d)0'?s)\b",
    _Need("lower", ("0s", "0's")),
)
def _decade(m: re.Match[str], ctx: _Context) -> _Result | None:
    century = m["c"] or "19"
    return _Result("DATE", f"{century}{m['d']}", "decade")


_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
                 "eighties": 8, "nineties": 9}  # fmt: skip


@_rule(
    "decade-short",
    rf"(?P<x>\b(?:(?P<the>the)\s+)?(?:(?P<edge>{_EDGE})[\s-]+)?(?:(?<![\w'$£€.,])(?P<d>[2-9])0s"
    rf"|(?P<w>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)))\b",
    _Need("regex", (r"[2-9]0s\b|ties\b",)),
    since=3,
)
def _decade_short(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: "the 70s", "the nineties": a decade of the 1900s; a bare "80s" only after another decade ("the 70s
    and 80s", "the 1970s or 80s"). "in his 30s", "in their early twenties" are ages, left out."""
    before = ctx.sentence[: m.start("x")]
    if _AGE_BEFORE.search(before) or (m["w"] and not m["the"]) or _TEMPERATURE.search(ctx.sentence):
        return None  # an age ("in his 30s"), a temperature ("highs in the 90s")
    if not (m["the"] or m["edge"] or _DECADE_BEFORE.search(before) or ctx.trusted):
        return None  # a bare "40s" is too often not a decade (a score, a temperature)
    digit = m["d"] or str(_DECADE_WORDS[m["w"].lower()])
    return _Result("DATE", f"19{digit}", "decade")


_AGE_BEFORE = re.compile(r"\b(?:his|her|its|our|my|your|their)\s+(?:(?:early|mid|late)[\s-]+)?$", re.IGNORECASE)
_TEMPERATURE = re.compile(r"\b(?:temperatures?|degrees|highs|lows|fahrenheit|celsius)\b", re.IGNORECASE)
# A decade named just before ("the 1970s and 80s", "the '70s or 80s").
_DECADE_BEFORE = re.compile(
    r"(?:\b(?:19|20)\d0'?s|\bthe\s+(?:(?:early|mid|late)[\s-]+)?(?:'?\d0'?s|\w+ties))\s+(?:and|or|to)\s+$",
    re.IGNORECASE,
)


@_rule(
    "short-year",
    r"\b(?:since|in|of|from|until|till|by|to|through|before|after|during)\s+(?P<x>'(?P<yy>\d\d))\b(?!'|s\b|\s*[-\u2013/])",
    _Need("case", ("'",)),
    _HAS_DIGIT,
    since=3,
)
def _short_year(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: "since '82", "the class of '99": the year in the hundred years up to the report's (else the 1900s
    from '30 up, the 2000s below)."""
    yy = int(m["yy"])
    if ctx.reference is not None:
        year = 2000 + yy if 2000 + yy <= ctx.reference.year else 1900 + yy
    else:
        year = 1900 + yy if yy >= 30 else 2000 + yy
    return _whole_year(year)


# ---------------------------------------------------------------------------------------------------------------
# Rules: weekdays, parts of days, clock times


@_rule(
    "weekday",
    rf"(?P<x>(?:(?P<mod>last|next|this|coming|(?:early|late)(?:\s+on)?)\s+)?(?P<w>{_WEEKDAY})"
    rf"(?:\s+(?P<part>{_PART}))?)(?![\w-])",
    _Need("case", ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")),
)
def _weekday(m: re.Match[str], ctx: _Context) -> _Result | None:
    weekday = _WEEKDAYS.index(m["w"].lower())
    raw_mod = (m["mod"] or "").lower()
    modifier = raw_mod if raw_mod in ("last", "next", "this", "coming") else ""
    if ctx.version >= 4 and not modifier and ctx.reference and _POSSESSIVE.match(ctx.sentence, m.end("x")):
        modifier = "past"  # v4: "Wednesday's ruling" names what happened, whatever the sentence's tense
    found = _weekday_day(weekday, ctx, m.start("x"), modifier)
    part = _PARTS.get((m["part"] or "").lower())
    if found is None:
        value = f"XXXX-WXX-{weekday + 1}"
        return _Result("TIME" if part else "DATE", value + (f"T{part}" if part else ""), "day")
    if part:
        return _Result("TIME", f"{found.isoformat()}T{part}", "day-part", "doc:published", found, found)
    return _Result("DATE", found.isoformat(), "day", "doc:published", found, found)


@_rule(
    "weekday-relative",
    rf"(?P<x>\bthe\s+(?P<mod>previous|following)\s+(?P<w>{_WEEKDAY}))(?![\w-])",
    _Need("lower", ("previous", "following")),
    _Need("case", ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")),
    since=4,
)
def _weekday_relative(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v4: "the previous Friday" is the Friday before the day named last (else before the report's day), "the
    following Monday" the Monday after it."""
    base, anchor = (ctx.previous, f"previous:{ctx.previous.isoformat()}") if ctx.previous else (ctx.reference, "")
    weekday = _WEEKDAYS.index(m["w"].lower())
    if base is None:
        return _Result("DATE", f"XXXX-WXX-{weekday + 1}", "day")
    if m["mod"].lower() == "previous":
        day = base - timedelta(days=((base.weekday() - weekday) % 7) or 7)
    else:
        day = base + timedelta(days=((weekday - base.weekday()) % 7) or 7)
    return _Result("DATE", day.isoformat(), "day", anchor or "doc:published", day, day)


def _clock_pattern(zone: str) -> str:
    return (
        rf"(?P<x>(?:(?P<h>[01]?\d|2[0-3])(?:[:.](?P<mi>[0-5]\d))?\s?(?P<ap>[ap]\.?\s?m\b\.?)"
        rf"|(?<=\bat\s)(?P<h2>[01]?\d|2[0-3]):(?P<mi2>[0-5]\d)(?!\d))"
        rf"(?:\s+(?-i:{zone}|GMT|UTC))?(?:,?\s+(?P<wd>{_WEEKDAY}|today|yesterday|tomorrow)\b)?)"
    )


_CLOCK_NEEDS = (_HAS_DIGIT, _Need("regex", (r"\d\s?[ap]|:\d",)))  # "9 a.m.", "9pm", "at 14:30"
# v7: zone abbreviations after a clock time: North America's, Europe's, the Middle East's and Asia's.
_ZONES_V7 = r"[ECMP][SD]?T|[AH]ST|ADT|BST|IST|WES?T|CES?T|EES?T|MSK|TRT|IDT|IRST|GST|PKT|HKT|SGT|JST|KST|AES?T|AEDT|WIB"


@_rule("clock-time", _clock_pattern(r"[ECMP][SD]T"), *_CLOCK_NEEDS, until=4)
# v5: "8 p.m. ET" keeps its zone (US news writes ET, PT, CT, MT).
@_rule("clock-time", _clock_pattern(r"[ECMP][SD]?T"), *_CLOCK_NEEDS, since=5, until=6)
# v7: the zones of Europe, the Middle East and Asia too ("10am BST", "9 a.m. AST"), so the day after them is read.
@_rule("clock-time", _clock_pattern(_ZONES_V7), *_CLOCK_NEEDS, since=7)
def _clock(m: re.Match[str], ctx: _Context) -> _Result | None:
    if m.groupdict().get("h") is not None:  # the clock-utc rule has only the 24-hour groups
        hour, minute = int(m["h"]), int(m["mi"] or 0)
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m["ap"].lower().startswith("p") else 0)
    else:
        hour, minute = int(m["h2"]), int(m["mi2"])
    # The day is the one named with it ("9 a.m. Tuesday"), else a date earlier in the sentence, else the report's.
    day = ctx.previous_here or ctx.reference
    anchor = f"previous:{day.isoformat()}" if ctx.previous_here and day else "doc:published"
    word = (m["wd"] or "").lower()
    if ctx.version >= 6 and not word and ctx.reference is not None:
        named = _day_after_clock(m, ctx)
        if named is not None:
            day, anchor = named, "doc:published"
    if word and ctx.reference is not None:
        anchor = "doc:published"
        day = _word_day(word, ctx, m.start("x"))
    zone = "Z" if ctx.version >= 2 and re.search(r"\b(?:UTC|GMT)\b", m["x"]) else ""  # v2: UTC is ISO's "Z"
    if day is None:
        return _Result("TIME", f"XXXX-XX-XXT{hour:02d}:{minute:02d}{zone}", "minute")
    return _Result("TIME", f"{day.isoformat()}T{hour:02d}:{minute:02d}{zone}", "minute", anchor)


# v6: the day named right after a clock time: "at 10:15 a.m. on Wednesday", "at 9 p.m. local time on March 5",
# "10:35 a.m. (0735 GMT) Friday".
_DAY_AFTER_CLOCK = re.compile(
    rf"(?:\s+local\s+time)?(?:\s*\([^()]{{1,24}}\))?,?\s+(?:on\s+)?(?:(?P<wd>{_WEEKDAY})(?![\w'\u2019-])|(?P<mo>{_MONTH})\s+(?P<d>{_DAY})(?!\d))"
)


def _day_after_clock(m: re.Match[str], ctx: _Context) -> date | None:
    """v6: the day a clock time is on when the text names it after an "on" ("10 a.m. on Wednesday")."""
    after = _DAY_AFTER_CLOCK.match(ctx.sentence, m.end("x"))
    if after is None:
        return None
    if after["wd"]:
        return _word_day(after["wd"].lower(), ctx, after.start("wd"))
    month = _month_of(after["mo"])
    if month is None:
        return None
    found, _ = _pick_year(month, int(re.sub(r"\D", "", after["d"])), ctx, after.start("mo"))
    return found


@_rule(
    "clock-utc",
    rf"(?P<x>(?<![\d:.,])(?P<h2>[01]\d|2[0-3]):?(?P<mi2>[0-5]\d)\s+(?-i:UTC|GMT)"
    rf"(?:,?\s+(?P<wd>{_WEEKDAY}|today|yesterday|tomorrow)\b)?)",
    _HAS_DIGIT,
    _Need("case", ("UTC", "GMT")),
    since=2,
)
def _clock_utc(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v2: "18:00 UTC", "0800 GMT" without a preceding "at"."""
    return _clock(m, ctx)


@_rule(
    "clock-date",
    rf"(?P<x>(?P<h>[01]?\d|2[0-3])(?:[:.](?P<mi>[0-5]\d))?\s?(?P<ap>[ap]\.?\s?m\b\.?)(?:\s+(?-i:[ECMP][SD]T|GMT|UTC))?"
    rf",?\s+(?:on\s+)?(?:{_WEEKDAY},?\s+)?(?P<mo>{_MONTH})\s+(?P<d>{_DAY})(?:,?\s+(?P<y>{_YEAR}))?)(?![\d,]*\d)(?![\w-])",
    _HAS_DIGIT,
    _HAS_MONTH,
    since=2,
)
def _clock_date(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v2: a clock time with its date, "5 p.m. EST Nov. 9", as one TIME."""
    hour, minute = int(m["h"]), int(m["mi"] or 0)
    month = _month_of(m["mo"])
    day_number = int(re.sub(r"\D", "", m["d"]))
    if not 1 <= hour <= 12 or month is None or not 1 <= day_number <= _month_length(2024, month):
        return None
    hour = hour % 12 + (12 if m["ap"].lower().startswith("p") else 0)
    zone = "Z" if re.search(r"\b(?:UTC|GMT)\b", m["x"]) else ""
    if m["y"]:
        try:
            day: date | None = date(int(m["y"]), month, day_number)
        except ValueError:
            return None
        anchor = "none"
    else:
        day, anchor = _pick_year(month, day_number, ctx, m.start("x"))
    if day is None:
        return _Result("TIME", f"XXXX-{month:02d}-{day_number:02d}T{hour:02d}:{minute:02d}{zone}", "minute")
    return _Result("TIME", f"{day.isoformat()}T{hour:02d}:{minute:02d}{zone}", "minute", anchor, day, day)


_NOON_NEEDS = _Need("lower", ("noon", "midday", "midnight"))


@_rule(
    "noon-day",
    rf"(?P<x>\b(?P<n>noon|midday|midnight)\s+(?:on\s+)?(?P<w>{_WEEKDAY}|today|yesterday|tomorrow))\b",
    _Need("lower", ("noon", "midday", "midnight")),
    since=2,
)
def _noon_day(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v2: "noon Thursday", "midnight Friday" as one TIME on that day."""
    clock = "24:00" if m["n"].lower() == "midnight" else "12:00"
    word = m["w"].lower()
    if ctx.reference is None:
        return _Result("TIME", f"XXXX-XX-XXT{clock}", "minute")
    day = _word_day(word, ctx, m.start("x"))
    if day is None:
        return None
    return _Result("TIME", f"{day.isoformat()}T{clock}", "minute", "doc:published", day, day)


def _day_named(ctx: _Context) -> tuple[date | None, str]:
    """The day a part of a day or a clock time belongs to: a date named earlier in the sentence, else the
    report's."""
    if ctx.previous_here is not None:
        return ctx.previous_here, f"previous:{ctx.previous_here.isoformat()}"
    return ctx.reference, "doc:published" if ctx.reference else "none"


@_rule(
    "part-of-day",
    r"\b(?:in|during|early\s+in|late\s+in|later\s+in|earlier\s+in)\s+(?P<x>the\s+(?P<part>morning|afternoon|evening))\b"
    r"(?!\s+(?:of|after|before|when)\b)",
    _Need("lower", ("morning", "afternoon", "evening")),
    since=3,
)
def _part_of_day(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: "in the morning": that part of the day named last ("Prices fell Friday. Buyers came in the
    morning"), else of the report's day."""
    day = ctx.previous or ctx.reference
    anchor = f"previous:{day.isoformat()}" if ctx.previous and day else "doc:published" if day else "none"
    part = _PARTS[m["part"].lower()]
    if day is None:
        return _Result("TIME", f"XXXX-XX-XXT{part}", "day-part")
    return _Result("TIME", f"{day.isoformat()}T{part}", "day-part", anchor, day, day)


@_rule(
    "clock-part",
    r"(?P<x>\b(?P<h>1[0-2]|0?[1-9])(?::(?P<mi>[0-5]\d))?\s+(?:o'clock\s+)?in\s+the\s+(?P<part>morning|afternoon|evening))\b",
    _HAS_DIGIT,
    _Need("lower", ("morning", "afternoon", "evening")),
    since=3,
)
def _clock_part(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: "4 in the morning", "7:30 in the evening": a clock time (12-hour, the part says which half)."""
    hour, minute = int(m["h"]), int(m["mi"] or 0)
    if m["part"].lower() != "morning" and hour != 12:
        hour += 12
    elif m["part"].lower() == "morning" and hour == 12:
        hour = 0
    day, anchor = _day_named(ctx)
    if day is None:
        return _Result("TIME", f"XXXX-XX-XXT{hour:02d}:{minute:02d}", "minute")
    return _Result("TIME", f"{day.isoformat()}T{hour:02d}:{minute:02d}", "minute", anchor, day, day)


@_rule("overnight", r"(?<![\w-])(?P<x>overnight)\b(?!-)", _Need("lower", ("overnight",)), since=3)
def _overnight(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: "died overnight", "overnight losses": the night that ends on the report's day ("late on Wednesday ...
    died overnight" in Thursday's paper is Wednesday night), or on the day the text tells of when that is further
    back (Monday's market report on Friday's trading: Thursday night)."""
    reference = ctx.reference
    told = ctx.previous
    if told is not None and (reference is None or told < reference - timedelta(days=1)):
        end, anchor = told, f"previous:{told.isoformat()}"
    elif reference is not None:
        end, anchor = reference, "doc:published"
    else:
        return _Result("TIME", "XXXX-XX-XXTNI", "day-part")
    night = end - timedelta(days=1)
    return _Result("TIME", f"{night.isoformat()}TNI", "day-part", anchor, night, end)


@_rule("noon", r"(?P<x>\b(?:noon|midday|midnight))\b", _NOON_NEEDS, until=6)
# v7: "high noon" is an idiom (and a film), not twelve o'clock.
@_rule("noon", r"(?<!\bhigh\s)(?P<x>\b(?:noon|midday|midnight))\b", _NOON_NEEDS, since=7)
def _noon(m: re.Match[str], ctx: _Context) -> _Result | None:
    clock = "24:00" if m["x"].lower() == "midnight" else "12:00"
    if ctx.reference is None:
        return _Result("TIME", f"XXXX-XX-XXT{clock}", "minute")
    return _Result("TIME", f"{ctx.reference.isoformat()}T{clock}", "minute", "doc:published")


# ---------------------------------------------------------------------------------------------------------------
# Rules: relative to the reference date


@_rule(
    "deictic-day",
    rf"(?P<x>\b(?:(?:(?:early|late)\s+)?(?P<w>today|tonight|yesterday|tomorrow|the\s+day\s+before\s+yesterday|"
    rf"the\s+day\s+after\s+tomorrow)(?:\s+(?P<part>{_PART}))?"
    rf"|(?P<pm>this|last)\s+(?P<part2>{_PART}|overnight)))\b",
    _Need("lower", ("today", "yesterday", "tomorrow", "morning", "afternoon", "evening", "night")),
)
def _deictic_day(m: re.Match[str], ctx: _Context) -> _Result | None:
    word = " ".join((m["w"] or "").lower().split())
    offsets = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
    offsets |= {"the day before yesterday": -2, "the day after tomorrow": 2}
    if word:
        offset = offsets[word]
        part = _PARTS.get((m["part"] or "").lower()) or ("NI" if word == "tonight" else None)
    else:
        offset = -1 if m["pm"].lower() == "last" and m["part2"].lower() in ("night", "overnight") else 0
        part = _PARTS.get(m["part2"].lower())
    if ctx.reference is None:
        if word == "today" and part is None:
            return _Result("DATE", "PRESENT_REF", "vague")
        return _Result("TIME" if part else "DATE", "XXXX-XX-XX" + (f"T{part}" if part else ""), "day")
    day = ctx.reference + timedelta(days=offset)
    if part:
        return _Result("TIME", f"{day.isoformat()}T{part}", "day-part", "doc:published", day, day)
    return _Result("DATE", day.isoformat(), "day", "doc:published", day, day)


@_rule(
    "this-unit",
    r"(?P<x>\b(?:(?P<edge>earlier|later|early|late|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|"
    r"the\s+middle\s+of)\s+)?(?P<mod>this|last|next|the\s+past|the\s+last|the\s+previous|the\s+coming|"
    r"the\s+next|the\s+current|the\s+same|(?<=of\s)the)\s+(?P<u>week|weekend|month|year|quarter|spring|summer|autumn|fall|"
    r"winter))\b(?!\s+(?:of|and\s+a|or\s+so))",
    _Need("lower", ("week", "month", "year", "quarter", "spring", "summer", "autumn", "fall", "winter")),
)
def _this_unit(m: re.Match[str], ctx: _Context) -> _Result | None:
    mod = " ".join(m["mod"].lower().split()).removeprefix("the ")
    step = {
        "the": 0,
        "this": 0,
        "current": 0,
        "same": 0,
        "last": -1,
        "past": -1,
        "previous": -1,
        "next": 1,
        "coming": 1,
    }[mod]
    unit = m["u"].lower()
    if ctx.version >= 3 and mod == "previous" and unit in ("year", "month") and not m["edge"]:
        before = _before_dated(unit, ctx)
        if before is not None:
            return before
    reference = ctx.reference
    if reference is None:
        value = {"week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "month": "XXXX-XX", "year": "XXXX"}.get(unit, "XXXX")
        return _Result("DATE", value, "vague")
    if unit in _SEASONS:
        year = reference.year + step
        return _Result("DATE", f"{year:04d}-{_SEASONS[unit]}", "season", "doc:published")
    edge = " ".join((m["edge"] or "").lower().split())
    if unit in ("week", "weekend"):
        day = reference + timedelta(weeks=step)
        iso = day.isocalendar()
        monday = day - timedelta(days=day.weekday())
        if unit == "weekend":
            saturday = monday + timedelta(days=5)
            if step == 0 and reference.weekday() < 5 and not ctx.is_future(m.start("x")):
                saturday -= timedelta(days=7)  # "this weekend" said on a Tuesday means the one just past
                iso = saturday.isocalendar()
            return _Result(
                "DATE",
                f"{iso.year:04d}-W{iso.week:02d}-WE",
                "weekend",
                "doc:published",
                saturday,
                saturday + timedelta(days=1),
            )
        first, last = monday, monday + timedelta(days=6)
        value, precision = f"{iso.year:04d}-W{iso.week:02d}", "week"
    elif unit == "month":
        day = _add_months(reference, step)
        first, last = _month_bounds(day.year, day.month)
        value, precision = f"{day.year:04d}-{day.month:02d}", "month"
    elif unit == "quarter":
        day = _add_months(reference, 3 * step)
        quarter = (day.month - 1) // 3 + 1
        first = date(day.year, 3 * quarter - 2, 1)
        last = _month_bounds(day.year, 3 * quarter)[1]
        value, precision = f"{day.year:04d}-Q{quarter}", "quarter"
    else:
        year = reference.year + step
        first, last = date(year, 1, 1), date(year, 12, 31)
        value, precision = f"{year:04d}", "year"
    if m["mod"].lower().startswith("the") and mod in ("past", "last"):
        # "in the past month" is the month up to the report, not the previous calendar month.
        return _Result("DATE", value, precision, "doc:published", _shift(reference, -1, unit), reference)
    if edge == "earlier" and step == 0:
        return _Result("DATE", value, "range", "doc:published", first, max(first, reference - timedelta(days=1)))
    if edge == "later" and step == 0:
        return _Result("DATE", value, "range", "doc:published", min(last, reference + timedelta(days=1)), last)
    if edge:
        start, end, _ = _edge_range(edge, first, last)
        return _Result("DATE", value, "range", "doc:published", start, end)
    return _Result("DATE", value, precision, "doc:published", first, last)


@_rule(
    "that-unit",
    r"(?P<x>\b(?:(?:later|earlier|early|late)\s+(?:in\s+)?)?(?P<mod>that|the\s+following)\s+(?P<u>year|month|week))\b"
    r"(?!\s+(?:of|and|or|ago|earlier|later)\b)",
    _Need("lower", ("that", "following")),
    _Need("lower", ("year", "month", "week")),
    since=3,
)
def _that_unit(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: "later that year", "the following month": the year or month of the date named last before it; "that
    week", "the following week": the week of the day named last."""
    step = 1 if m["mod"].lower().startswith("the") else 0
    if m["u"].lower() == "week":
        if ctx.previous is None:
            return None
        return _week_result(ctx.previous + timedelta(weeks=step), f"previous:{ctx.previous.isoformat()}")
    if ctx.dated is None:
        return None  # nothing to refer to: "that year" is not the report's year
    year, month = int(ctx.dated[:4]), ctx.dated[5:7]
    anchor = f"previous:{ctx.dated}"
    if m["u"].lower() == "year":
        return _Result("DATE", f"{year + step:04d}", "year", anchor, date(year + step, 1, 1), date(year + step, 12, 31))
    if not month.isdigit():
        return None  # "that month" after "1995" or "the third quarter": which month is unknown
    first = _add_months(date(year, int(month), 1), step)
    last = _month_bounds(first.year, first.month)[1]
    return _Result("DATE", f"{first.year:04d}-{first.month:02d}", "month", anchor, first, last)


def _before_dated(unit: str, ctx: _Context) -> _Result | None:
    """v3: "the previous year", "the month before": the year or month before the date named last (None when
    there is none, or it names no month)."""
    if ctx.dated is None:
        return None
    year, month = int(ctx.dated[:4]), ctx.dated[5:7]
    anchor = f"previous:{ctx.dated}"
    if unit == "year":
        return _Result("DATE", f"{year - 1:04d}", "year", anchor, date(year - 1, 1, 1), date(year - 1, 12, 31))
    if not month.isdigit():
        return None
    first = _add_months(date(year, int(month), 1), -1)
    return _Result(
        "DATE", f"{first.year:04d}-{first.month:02d}", "month", anchor, *_month_bounds(first.year, first.month)
    )


@_rule(
    "unit-before",
    r"(?P<x>\bthe\s+(?P<u>year|month)\s+(?:before|previous|earlier|prior))\b(?!\s+(?:to|the|a|an|that|when|he|she|it|they)\b)",
    _Need("lower", ("before", "previous", "earlier", "prior")),
    _Need("lower", ("year", "month")),
    since=3,
)
def _unit_before(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: "the year before", "the year previous": before the date named last, else before the report's."""
    unit = m["u"].lower()
    found = _before_dated(unit, ctx)
    if found is not None or ctx.reference is None:
        return found
    day = _add_months(ctx.reference, -12 if unit == "year" else -1)
    value, precision = _value_at(day, unit)
    return _Result("DATE", value, precision, "doc:published")


@_rule(
    "quarter-of-year",
    rf"(?P<x>\b(?:the\s+)?(?P<o>first|second|third|fourth|final|last|1st|2nd|3rd|4th)[\s-]+quarter\s+of\s+"
    rf"(?:(?P<mod>this|last|next)\s+year|(?P<y>{_YEAR})))\b",
    _Need("lower", ("quarter",)),
    since=3,
)
def _quarter_of_year(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: "the first quarter of last year", "the final quarter of 2009"."""
    word = m["o"].lower()
    quarter = 4 if word in ("final", "last") else _ordinal(word)
    if quarter is None or not 1 <= quarter <= 4:
        return None
    if m["y"]:
        return _Result("DATE", f"{m['y']}-Q{quarter}", "quarter")
    if ctx.reference is None:
        return _Result("DATE", f"XXXX-Q{quarter}", "quarter")
    year = ctx.reference.year + {"this": 0, "last": -1, "next": 1}[m["mod"].lower()]
    return _Result("DATE", f"{year:04d}-Q{quarter}", "quarter", "doc:published")


@_rule(
    "year-ago-quarter",
    r"(?P<x>\bthe\s+(?:year-ago|year-earlier|prior-year)\s+(?P<o>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+quarter)\b",
    _Need("lower", ("year-ago", "year-earlier", "prior-year")),
    since=3,
)
def _year_ago_quarter(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: "the year-ago third quarter": that quarter of the year before the report's."""
    quarter = _ordinal(m["o"])
    if quarter is None or not 1 <= quarter <= 4:
        return None
    if ctx.reference is None:
        return _Result("DATE", f"XXXX-Q{quarter}", "quarter")
    return _Result("DATE", f"{ctx.reference.year - 1:04d}-Q{quarter}", "quarter", "doc:published")


@_rule(
    "same-period-year-ago",
    r"(?P<x>\bthe\s+(?:same|corresponding|comparable)\s+(?:period|month|quarter|week|day)\s+(?:of\s+)?"
    r"(?:(?:the\s+)?(?:last|previous|prior)\s+year|a\s+year\s+(?:ago|earlier|before)))\b",
    _Need("lower", ("same", "corresponding", "comparable")),
    _Need("lower", ("year",)),
    since=3,
)
def _same_period_year_ago(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: "the same period last year", "the same month a year ago": what was named last, a year earlier
    ("February" gives the February before; "the third quarter of 2025" the third quarter of 2024)."""
    if ctx.dated is None:  # compared with nothing named: the year before the report's is all that can be said
        if ctx.reference is None:
            return _Result("DATE", "XXXX", "year")
        year = ctx.reference.year - 1
        return _Result("DATE", f"{year:04d}", "year", "doc:published", date(year, 1, 1), date(year, 12, 31))
    year, rest = int(ctx.dated[:4]) - 1, ctx.dated[4:]
    precision = {"": "year", "-Q": "quarter", "-H": "half", "-W": "week"}.get(rest[:2], "season")
    if re.match(r"-\d\d-\d\d", rest):
        rest, precision = rest[:6].replace("-02-29", "-02-28"), "day"  # a clock time keeps its day
    elif re.fullmatch(r"-\d\d", rest):
        precision = "month"
    elif rest.endswith("-WE"):
        precision = "weekend"
    return _Result("DATE", f"{year:04d}{rest}", precision, f"previous:{ctx.dated}")


@_rule(
    "half-year",
    rf"(?P<x>\bthe\s+(?P<h>first|second|last|latter)\s+half\s+of\s+(?:(?P<y>{_YEAR})|(?P<mod>this|last|next)\s+year))\b",
    _Need("lower", ("half",)),
    since=3,
)
def _half_year(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: "the last half of 1989" (``1989-H2``), "the first half of next year"."""
    half = 1 if m["h"].lower() == "first" else 2
    if m["y"]:
        year = int(m["y"])
    elif ctx.reference is None:
        return _Result("DATE", f"XXXX-H{half}", "half")
    else:
        year = ctx.reference.year + {"this": 0, "last": -1, "next": 1}[m["mod"].lower()]
    first = date(year, 1 if half == 1 else 7, 1)
    return _Result("DATE", f"{year:04d}-H{half}", "half", start=first, end=_month_bounds(year, 6 * half)[1])


@_rule(
    "full-year",
    r"(?P<x>\bthe\s+(?:full|entire|whole)\s+year)\b(?!\s+(?:ago|before|earlier|later|of)\b)",
    _Need("lower", ("year",)),
    _Need("lower", ("full", "entire", "whole")),
    since=3,
)
def _full_year(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: results news, "for the full year": the year of the period named last, else the report's year."""
    if ctx.dated is not None:
        year, anchor = int(ctx.dated[:4]), f"previous:{ctx.dated}"
    elif ctx.reference is not None:
        year, anchor = ctx.reference.year, "doc:published"
    else:
        return _Result("DATE", "XXXX", "year")
    return _Result("DATE", f"{year:04d}", "year", anchor, date(year, 1, 1), date(year, 12, 31))


@_rule(
    "term",
    r"\b(?:in|for|over)\s+(?P<x>the\s+(?P<w>near|short|long|medium)\s+term|the\s+time\s+being)\b(?![\w-])",
    _Need("lower", ("term", "being")),
    since=3,
)
def _term(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: "in the near term", "for the long term" (FUTURE_REF), "for the time being" (PRESENT_REF)."""
    anchor = "doc:published" if ctx.reference else "none"
    value = "FUTURE_REF" if m["w"] else "PRESENT_REF"
    return _Result("DATE", value, "vague", anchor)


@_rule(
    "quarter",
    rf"(?P<x>\b(?:(?:the|(?P<rel>this|last|next)\s+year's)\s+)?(?:(?P<y0>{_YEAR})\s+)?(?:(?:fiscal|calendar)\s+)?"
    rf"(?:(?P<o>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+quarter|(?P<latest>(?<=the\s)(?:latest\s+)?quarter|"
    rf"(?<=the\s)(?:year-ago|year-earlier)\s+(?:quarter|period)))(?:\s+of\s+(?P<y>{_YEAR}))?)\b",
    _Need("lower", ("quarter", "period")),
)
def _quarter(m: re.Match[str], ctx: _Context) -> _Result | None:
    reference = ctx.reference
    if m["latest"]:
        # Business news: "the quarter" is the last one reported, which ends up to a month and a half before the
        # report; "the year-ago quarter" is the same quarter a year before.
        if reference is None:
            return _Result("DATE", "XXXX-QX", "quarter")
        day = reference - timedelta(days=45)
        year = day.year - (1 if "year" in m["latest"].lower() else 0)
        return _Result("DATE", f"{year:04d}-Q{(day.month - 1) // 3 + 1}", "quarter", "doc:published")
    quarter = _ordinal(m["o"])
    if quarter is None or not 1 <= quarter <= 4:
        return None
    if m["y"] or m["y0"]:
        return _Result("DATE", f"{m['y'] or m['y0']}-Q{quarter}", "quarter")
    if reference is None:
        return _Result("DATE", f"XXXX-Q{quarter}", "quarter")
    if m["rel"]:
        year = reference.year + {"this": 0, "last": -1, "next": 1}[m["rel"].lower()]
        return _Result("DATE", f"{year:04d}-Q{quarter}", "quarter", "doc:published")
    current = (reference.month - 1) // 3 + 1
    year = reference.year if quarter <= current or ctx.is_future(m.start("x")) else reference.year - 1
    return _Result("DATE", f"{year:04d}-Q{quarter}", "quarter", "doc:published")


@_rule(
    "year-quarter",
    rf"(?P<x>\bthe\s+(?P<y>{_YEAR})\s+(?:fiscal\s+)?(?P<u>quarter|period))\b",
    _Need("lower", ("quarter", "period")),
    _HAS_YEAR,
    since=3,
)
def _year_quarter(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: results news, "the 1988 quarter" (v2 read a count of 1988 quarters): the quarter named last, or the
    last one reported, in that year; "the 1988 period" likewise when a quarter was named before."""
    year = int(m["y"])
    if ctx.quarter is not None:
        return _Result("DATE", f"{year:04d}-Q{ctx.quarter[-1]}", "quarter", f"previous:{ctx.quarter}")
    if m["u"].lower() == "period" or ctx.reference is None:
        return _whole_year(year)
    day = ctx.reference - timedelta(days=45)
    return _Result("DATE", f"{year:04d}-Q{(day.month - 1) // 3 + 1}", "quarter", "doc:published")


@_rule(
    "year-ago",
    r"(?P<x>\b(?:year-ago|year-earlier))\b(?!\s+(?:quarter|period))",
    _Need("lower", ("year-ago", "year-earlier")),
)
def _year_ago(m: re.Match[str], ctx: _Context) -> _Result | None:
    if ctx.reference is None:
        return _Result("DATE", "XXXX", "year")
    day = ctx.reference - timedelta(days=45)
    return _Result("DATE", f"{day.year - 1:04d}-Q{(day.month - 1) // 3 + 1}", "quarter", "doc:published")


@_rule(
    "the-year",
    r"(?<!\bof\s)(?P<for>\bfor\s+)?(?P<x>\bthe\s+year)\b(?!\s+(?:before|after|earlier|later|ago|in\b|of\b|when|that))",
    _Need("lower", ("year",)),
    _Need("regex", (r"the\s+year\b",)),
)
def _the_year(m: re.Match[str], ctx: _Context) -> _Result | None:
    if m["for"]:
        return _Result("DURATION", "P1Y", "duration")  # results "for the year": a length
    if ctx.reference is None:
        return _Result("DATE", "XXXX", "year")
    year = ctx.reference.year
    return _Result("DATE", f"{year:04d}", "year", "doc:published", date(year, 1, 1), date(year, 12, 31))


def _holiday_day(name: str, year: int) -> date:
    if name.startswith("christmas"):
        return date(year, 12, 25 if "eve" not in name else 24)
    if name.startswith("new year"):
        return date(year, 12, 31) if "eve" in name else date(year, 1, 1)
    if name.startswith("thanksgiving"):
        first = date(year, 11, 1)
        return first + timedelta(days=(3 - first.weekday()) % 7 + 21)  # the fourth Thursday of November
    if name.startswith("independence"):
        return date(year, 7, 4)
    if name.startswith("halloween"):
        return date(year, 10, 31)
    # Easter Sunday (Anonymous Gregorian algorithm).
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


@_rule(
    "holiday",
    r"(?P<x>\b(?:(?P<mod>last|next|this)\s+)?(?-i:Christmas(?:\s+(?:Day|Eve))?|New\s+Year's(?:\s+(?:Day|Eve))?|"
    r"Thanksgiving(?:\s+Day)?|Independence\s+Day|Halloween|Easter(?:\s+Sunday)?))(?!\w)",
    _Need("case", ("Christmas", "New", "Thanksgiving", "Independence", "Halloween", "Easter")),
    until=4,
)
def _holiday(m: re.Match[str], ctx: _Context) -> _Result | None:
    name = " ".join(m["x"].lower().split()[1:] if m["mod"] else m["x"].lower().split())
    reference = ctx.reference
    if reference is None:
        return None
    mod = (m["mod"] or "").lower()
    this_year = _holiday_day(name, reference.year)
    if mod == "last" or (not mod and this_year > reference and not ctx.is_future(m.start("x"))):
        day = _holiday_day(name, reference.year - 1) if this_year >= reference or mod == "last" else this_year
        if mod == "last" and this_year < reference:
            day = this_year
    elif mod == "next" and this_year <= reference:
        day = _holiday_day(name, reference.year + 1)
    else:
        day = this_year
    return _Result("DATE", day.isoformat(), "day", "doc:published", day, day)


# v5: holidays counted from Easter (days after Easter Sunday) and fixed or weekday-counted ones (month, day, or
# month, weekday, which one: -1 the last).
_EASTER_OFFSETS = {"ash wednesday": -46, "palm sunday": -7, "maundy thursday": -3, "holy thursday": -3,
                   "good friday": -2, "holy saturday": -1, "easter monday": 1, "pentecost": 49,
                   "holy week": -2, "easter week": -2}  # fmt: skip
_HOLIDAY_WEEKS = ("holy week", "easter week")  # the week that ends on Easter Sunday: its ISO week
_FIXED_HOLIDAYS = {"valentine's day": (2, 14), "st. patrick's day": (3, 17), "st patrick's day": (3, 17),
                   "may day": (5, 1), "veterans day": (11, 11), "boxing day": (12, 26)}  # fmt: skip
_NTH_WEEKDAY_HOLIDAYS = {"martin luther king day": (1, 0, 3), "presidents day": (2, 0, 3),
                         "mother's day": (5, 6, 2), "memorial day": (5, 0, -1), "father's day": (6, 6, 3),
                         "labor day": (9, 0, 1), "columbus day": (10, 0, 2)}  # fmt: skip


# A word every v5 holiday name holds (the rule's need).
_HOLIDAY_WORDS = ("Christmas", "New", "Thanksgiving", "Independence", "Halloween", "Easter", "Ash", "Palm", "Maundy",
                  "Holy", "Good", "Pentecost", "Valentine", "Patrick", "May", "Veterans", "Boxing", "King", "President",
                  "Mother", "Memorial", "Father", "Labor", "Columbus", "Election")  # fmt: skip


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    if nth > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    last = date(year, month, _month_length(year, month))
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _holiday_day_v5(name: str, year: int) -> date:
    """v5: the day of a holiday in ``year``: v1-v4's, those counted from Easter, fixed days, US weekday holidays,
    and the US Election Day (the Tuesday after the first Monday of November)."""
    name = name.replace("\u2019", "'").replace("presidents' day", "presidents day").replace("president's", "presidents")
    if name in _EASTER_OFFSETS:
        return _holiday_day("easter", year) + timedelta(days=_EASTER_OFFSETS[name])
    if name in _FIXED_HOLIDAYS:
        return date(year, *_FIXED_HOLIDAYS[name])
    if name in _NTH_WEEKDAY_HOLIDAYS:
        return _nth_weekday(year, *_NTH_WEEKDAY_HOLIDAYS[name])
    if name == "election day":
        return _nth_weekday(year, 11, 0, 1) + timedelta(days=1)
    return _holiday_day(name, year)


@_rule(
    "holiday",
    r"(?P<x>\b(?:(?P<mod>last|next|this)\s+)?(?-i:Christmas(?:\s+(?:Day|Eve))?|New\s+Year['\u2019]s(?:\s+(?:Day|Eve))?|"
    r"Thanksgiving(?:\s+Day)?|Independence\s+Day|Halloween|Easter(?:\s+(?:Sunday|Monday|[Ww]eek))?|Holy\s+Week|"
    r"Ash\s+Wednesday|"
    r"Palm\s+Sunday|(?:Maundy|Holy)\s+Thursday|Good\s+Friday|Holy\s+Saturday|Pentecost|Valentine['\u2019]s\s+Day|"
    r"St\.?\s+Patrick['\u2019]s\s+Day|May\s+Day|Veterans\s+Day|Boxing\s+Day|Martin\s+Luther\s+King(?:\s+Jr\.)?\s+Day|"
    r"Presidents['\u2019]?\s+Day|President['\u2019]s\s+Day|Mother['\u2019]s\s+Day|Memorial\s+Day|"
    r"Father['\u2019]s\s+Day|Labor\s+Day|Columbus\s+Day|Election\s+Day))(?!\w)",
    _Need("case", _HOLIDAY_WORDS),
    since=5,
)
def _holiday_v5(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v5: more holidays (Good Friday, Palm Sunday, Labor Day, Election Day...), and the year as for a year-less
    date (``_pick_year``): one up to 45 days ahead is the coming one, whatever the tense ("from now to Election
    Day" in late October); v1-v4 read a bare holiday ahead as last year's unless the sentence said future."""
    words = m["x"].split()
    name = " ".join(words[1:] if m["mod"] else words).lower().replace(" jr.", "")
    name = {"easter sunday": "easter", "martin luther king jr day": "martin luther king day"}.get(name, name)
    reference = ctx.reference
    if reference is None:
        return None
    mod = (m["mod"] or "").lower()
    days = [_holiday_day_v5(name, year) for year in (reference.year - 1, reference.year, reference.year + 1)]
    past = max(d for d in days if d <= reference)  # last year's is always on or before the reference
    future = min(d for d in days if d > reference)  # next year's is always after it
    if mod == "this":
        day = days[1]
    elif mod == "last":
        day = max(d for d in days if d < reference)
    elif mod == "next":
        day = future
    else:
        tense = ctx.tense(m.start("x"))
        ahead = tense == "future" or (future - reference).days <= _NEAR_FUTURE_DAYS
        day = future if ahead and tense != "since" else past
    if name in _HOLIDAY_WEEKS:
        return _week_result(day, "doc:published")
    return _Result("DATE", day.isoformat(), "day", "doc:published", day, day)


@_rule(
    "the-weekend",
    r"\b(?:over|at|during|on|this\s+past)\s+(?P<x>the\s+weekend)\b",
    _Need("lower", ("weekend",)),
    until=4,
)
@_rule(
    "the-weekend",
    r"\b(?:over|at|during|on|this\s+past|since|by|until|till|after|before|through|throughout|for)\s+"
    r"(?P<x>the\s+weekend)\b(?!['\u2019])",
    _Need("lower", ("weekend",)),
    since=5,
)
def _the_weekend(m: re.Match[str], ctx: _Context) -> _Result | None:
    """The weekend just past (v5: "since the weekend"; the coming one in a future sentence, "by the weekend")."""
    reference = ctx.reference
    if reference is None:
        return _Result("DATE", "XXXX-WXX-WE", "weekend")
    if (
        ctx.version >= 5
        and reference.weekday() < 5
        and m.group(0)[:4].lower() != "this"
        and ctx.is_future(m.start("x"))
    ):
        saturday = reference + timedelta(days=5 - reference.weekday())
        end = saturday + timedelta(days=1)
    else:
        saturday = reference - timedelta(days=(reference.weekday() - 5) % 7)
        end = min(reference, saturday + timedelta(days=1))
    iso = saturday.isocalendar()
    return _Result("DATE", f"{iso.year:04d}-W{iso.week:02d}-WE", "weekend", "doc:published", saturday, end)


def _ago_pattern(number: str) -> str:
    return (
        rf"(?P<x>\b(?:(?:about|around|nearly|almost|roughly|some|more\s+than|less\s+than|over|at\s+least)\s+)?"
        rf"(?P<n>{number})\s+(?P<u>{_UNIT})s?\s+(?P<dir>ago|earlier|later|afterwards|from\s+now|hence|"
        rf"(?:before|after)(?=\s*(?:[,.;:)]|$))))\b"
    )


_AGO_NEEDS = (_HAS_UNIT, _HAS_UNIT_WORD, _Need("lower", ("ago", "earlier", "later", "after", "hence", "now", "before")))
# v7: a unit with the units below a day apart (group ``sub``), so that a pattern can treat "an hour later" as the
# length it is (TimeBank marks "over an hour" and "a minute and a half" in "... later": a day cannot be given).
_UNIT_V7 = r"(?P<u>(?P<sub>second|minute|hour)|day|night|week|fortnight|month|quarter|year|decade|centur(?:y|ie))"
# v7: "a week or so ago", "two and a half years ago"; "an hour later" is left to the duration rule.
_AGO_PATTERN_V7 = (
    rf"(?P<x>\b(?:(?:about|around|nearly|almost|roughly|some|more\s+than|less\s+than|over|at\s+least)\s+)?"
    rf"(?P<n>{_NUM_V5})(?P<half>\s+and\s+a\s+half)?\s+{_UNIT_V7}s?(?P<half2>\s+and\s+a\s+half)?(?:\s+or\s+so)?\s+"
    rf"(?P<dir>ago|from\s+now|hence|(?(sub)(?!)|(?:earlier|later|afterwards|(?:before|after)(?=\s*(?:[,.;:)]|$))))))\b"
)


@_rule("ago", _ago_pattern(_NUM), *_AGO_NEEDS, until=2)
@_rule("ago", _ago_pattern(_NUM_V3), *_AGO_NEEDS, since=3, until=4)
@_rule("ago", _ago_pattern(_NUM_V5), *_AGO_NEEDS, since=5, until=6)
@_rule("ago", _AGO_PATTERN_V7, *_AGO_NEEDS, since=7)
def _ago(m: re.Match[str], ctx: _Context) -> _Result | None:
    amount = _number(m["n"])
    unit = m["u"].lower()
    direction = " ".join(m["dir"].lower().split())
    forward = direction in ("later", "after", "afterwards", "from now", "hence")
    if direction in ("ago", "from now", "hence"):
        base, anchor = ctx.reference, "doc:published"
    else:
        base = ctx.previous
        anchor = f"previous:{base.isoformat()}" if base else "none"
    if base is None and (_unit_code(unit) in ("Y", "DE", "CE", "Q") or unit.startswith("month")):
        base, anchor = ctx.reference, "doc:published"  # "a year earlier" with no date before it: the report's year
    quarter = re.fullmatch(r"(\d{4})-Q(\d)", ctx.quarter or "")
    if quarter and amount is not None and _unit_code(unit) == "Y" and direction in ("ago", "earlier"):
        # Results news: "a year ago" after "the third quarter" is that quarter a year before.
        return _Result("DATE", f"{int(quarter[1]) - amount:04d}-Q{quarter[2]}", "quarter", f"previous:{ctx.quarter}")
    if amount is None or unit.startswith(("hour", "minute", "second")):
        value = "PAST_REF" if not forward else "FUTURE_REF"
        if amount is not None and base is not None and direction in ("ago",):
            return _Result("DATE", base.isoformat(), "day", anchor)
        return _Result("DATE", value, "vague", anchor if base else "none")
    if base is None:
        return _Result("DATE", "XXXX-XX-XX" if unit.startswith(("day", "night")) else "XXXX", "vague")
    day = _shift(base, amount if forward else -amount, unit)
    if ctx.version >= 7 and (m["half"] or m["half2"]):
        # v7: "two and a half years ago" is 30 months back ("a month and a half" 45 days)
        sign = 1 if forward else -1
        if _unit_code(unit) == "Y":
            day = _shift(day, 6 * sign, "month")
        elif _unit_code(unit) == "M":
            day += timedelta(days=15 * sign)
    value, precision = _value_at(day, unit)
    return _Result("DATE", value, precision, anchor, day if precision == "day" else None, None)


# v7: a verb in "-ing" right after "the day before" ("later in the day before returning home").
_GERUND_AFTER = re.compile(r"\s+(?-i:[a-z]+ing)\b")


@_rule(
    "day-relative",
    r"(?P<x>\b(?:the\s+(?:next|following|previous|prior|same)\s+(?:day|morning|night|evening)"
    r"|the\s+day\s+(?:before|after)|that\s+(?:day|morning|night|evening)))\b(?!\s+of\b)",
    _Need("lower", ("day", "morning", "night", "evening")),
    _Need("regex", (r"\s(?:day|morning|night|evening)\b",)),
    until=6,
)
# v7: "that afternoon", "the same afternoon" too.
@_rule(
    "day-relative",
    r"(?P<x>\b(?:the\s+(?:next|following|previous|prior|same)\s+(?:day|morning|afternoon|night|evening)"
    r"|the\s+day\s+(?:before|after)|that\s+(?:day|morning|afternoon|night|evening)))\b(?!\s+of\b)",
    _Need("lower", ("day", "morning", "afternoon", "night", "evening")),
    _Need("regex", (r"\s(?:day|morning|afternoon|night|evening)\b",)),
    since=7,
)
def _day_relative(m: re.Match[str], ctx: _Context) -> _Result | None:
    words = m["x"].lower().split()
    base = ctx.previous
    phrase = " ".join(words)
    gerund = phrase in ("the day before", "the day after") and _GERUND_AFTER.match(ctx.sentence, m.end("x"))
    if ctx.version >= 7 and (base is None or gerund):
        # v7: with no day named before it "that day" is generic ("strong redemptions that day") and XXXX-XX-XX
        # tells nothing; "the day before returning" is the end of "later in the day", not a day before another.
        return None
    if base is None:
        return _Result("DATE", "XXXX-XX-XX", "vague")
    offset = 0
    if "next" in words or "following" in words or phrase == "the day after":
        offset = 1
    elif "previous" in words or "prior" in words or phrase == "the day before":
        offset = -1
    day = base + timedelta(days=offset)
    part = _PARTS.get(words[-1])
    if part:
        return _Result("TIME", f"{day.isoformat()}T{part}", "day-part", f"previous:{base.isoformat()}", day, day)
    return _Result("DATE", day.isoformat(), "day", f"previous:{base.isoformat()}", day, day)


@_rule(
    "the-day",
    r"(?:\b(?:(?:later|earlier)\s+in|end|ends|ended|ending|finish|finished|finishing|close|closed|for|during|"
    r"throughout|over)\s+(?P<x>the\s+day)|(?P<x2>\b(?:(?:late|early)\s+in|the\s+(?:start|end|beginning|close|rest)"
    rf"\s+of)\s+the\s+day))\b(?!\s+(?:of|before|that|when|on|in|{_WEEKDAY}|today|yesterday)\b)(?!')",
    _Need("lower", ("day",)),
    since=3,
)
def _the_day(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: "ended the day", "later in the day", "the start of the day": the day last named in the sentence, else
    the report's (market and wire reports close on the day they are dated)."""
    day = ctx.previous or ctx.reference
    if day is None:
        return _Result("DATE", "XXXX-XX-XX", "day")
    anchor = f"previous:{day.isoformat()}" if ctx.previous else "doc:published"
    return _Result("DATE", day.isoformat(), "day", anchor, day, day)


@_rule(
    "vague-ref",
    r"(?P<x>\b(?:(?P<now>now|currently|current|right\s+now|at\s+present|nowadays|these\s+days)"
    r"|(?P<past>recently|recent|lately|the\s+past|formerly|previously|once|in\s+the\s+past)"
    r"|(?P<future>the\s+future|soon|in\s+the\s+near\s+future|in\s+the\s+coming\s+(?:days|weeks|months|years))))\b"
    r"(?!\s+(?:\d|that|\w+s\b))",
    _Need(
        "lower",
        (
            "now",
            "current",
            "present",
            "days",
            "recent",
            "lately",
            "past",
            "formerly",
            "previously",
            "once",
            "future",
            "soon",
            "coming",
        ),
    ),
    until=1,
)
def _vague_ref(m: re.Match[str], ctx: _Context) -> _Result | None:
    if m["now"]:
        return _Result("DATE", "PRESENT_REF", "vague", "doc:published" if ctx.reference else "none")
    if m["past"]:
        if m["past"].lower() in ("once", "previously", "formerly", "lately", "in the past"):
            return None
        return _Result("DATE", "PAST_REF", "vague", "doc:published" if ctx.reference else "none")
    if m["future"].lower() == "soon":
        return None
    return _Result("DATE", "FUTURE_REF", "vague", "doc:published" if ctx.reference else "none")


_VAGUE_WORDS = ("now", "current", "present", "days", "recent", "lately", "past", "formerly", "previously", "once")


@_rule(
    "vague-ref",
    r"(?P<x>\b(?:(?P<now>now|currently|current|right\s+now|at\s+present|nowadays|these\s+days)"
    r"|(?P<past>recently|recent|lately|the\s+past|formerly|previously|once)"
    r"|(?P<future>the\s+future|soon|in\s+the\s+near\s+future|in\s+the\s+coming\s+(?:days|weeks|months|years))))\b"
    r"(?!\s+\d)",
    _Need("lower", (*_VAGUE_WORDS, "future", "soon", "coming")),
    since=2,
)
def _vague_ref_v2(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v2: "now" and "currently" whatever follows ("Iraq now controls"), "in the past", "soon" in a future."""
    anchor = "doc:published" if ctx.reference else "none"
    before_verb = re.match(r"\s+(?:that|\w+s)\b", ctx.sentence[m.end() :]) is not None
    word = " ".join(m["x"].lower().split())
    if m["now"]:
        if word == "current" and before_verb and not ctx.trusted:
            return None  # "current events", "current that": an adjective or a noun
        return _Result("DATE", "PRESENT_REF", "vague", anchor)
    if m["past"]:
        if not ctx.trusted and (
            word in ("once", "previously", "formerly", "lately") or (word != "the past" and before_verb)
        ):
            return None
        return _Result("DATE", "PAST_REF", "vague", anchor)
    if (
        word == "soon"
        and not ctx.trusted
        and (
            re.search(r"\bas\s+$", ctx.sentence[: m.start()])
            or re.match(r"\s+(?:after|afterwards|thereafter)\b", ctx.sentence[m.end() :])
            or ctx.tense(m.start()) != "future"
        )
    ):
        return None  # "as soon as", "soon after": conjunctions; "was soon released": a past
    return _Result("DATE", "FUTURE_REF", "vague", anchor)


# ---------------------------------------------------------------------------------------------------------------
# Rules: durations and sets


def _past_duration_pattern(number: str) -> str:
    return (
        rf"(?P<x>\b(?:the\s+)?(?P<dir>past|last|previous|next|coming|following|first|final)\s+"
        rf"(?:(?P<n>{number})\s+)?(?P<u>{_UNIT})(?P<plural>s)?)\b"
    )


# v7: "the past year and a half", "the next two and a half years".
_PAST_DURATION_PATTERN_V7 = (
    rf"(?P<x>\b(?:the\s+)?(?P<dir>past|last|previous|next|coming|following|first|final)\s+"
    rf"(?:(?P<n>{_NUM_V5})(?P<half>\s+and\s+a\s+half)?\s+)?(?P<u>{_UNIT})(?P<plural>s)?(?P<half2>\s+and\s+a\s+half)?)\b"
)
_PAST_DURATION_NEEDS = (
    _HAS_UNIT,
    _HAS_UNIT_WORD,
    _Need("lower", ("past", "last", "previous", "next", "coming", "following", "first", "final")),
)


@_rule("past-duration", _past_duration_pattern(_NUM), *_PAST_DURATION_NEEDS, until=2)
@_rule("past-duration", _past_duration_pattern(_NUM_V3), *_PAST_DURATION_NEEDS, since=3, until=4)
@_rule("past-duration", _past_duration_pattern(_NUM_V5), *_PAST_DURATION_NEEDS, since=5, until=6)
@_rule("past-duration", _PAST_DURATION_PATTERN_V7, *_PAST_DURATION_NEEDS, since=7)
def _past_duration(m: re.Match[str], ctx: _Context) -> _Result | None:
    amount = _number(m["n"]) if m["n"] else None
    half = ctx.version >= 7 and bool(m["half"] or m["half2"])
    if amount is None and not m["plural"]:
        if m["u"].lower() not in ("decade", "century") and not (half and not m["n"]):
            return None  # "the past year", "last week": a date, left to the this-unit rule
        amount = 1
    unit = m["u"]
    value = _duration(amount, unit)
    code = "MIN" if unit.lower().startswith("minute") else _unit_code(unit)
    if half and amount is not None and code in _HALVES:
        value += _HALVES[code]  # v7: "the past year and a half" is P1Y6M
    direction = m["dir"].lower()
    reference = ctx.reference
    if reference is None or amount is None or direction in ("first", "final", "following"):
        return _Result("DURATION", value, "duration")
    if direction in ("past", "last", "previous"):
        start = _shift(reference, -amount, unit)
        return _Result("DURATION", value, "duration", "doc:published", start, reference)
    return _Result("DURATION", value, "duration", "doc:published", reference, _shift(reference, amount, unit))


@_rule(
    "duration",
    rf"(?P<x>\b(?:the\s+)?"
    rf"(?P<n>{_NUM})(?:\s+and\s+a\s+half)?\s+(?P<u>{_UNIT})s?)\b"
    rf"(?!\s+(?:ago|earlier|before|later|after|afterwards|from\s+now|hence)\b)(?!-)",
    _HAS_UNIT,
    _HAS_UNIT_WORD,
    until=1,
)
def _duration_rule(m: re.Match[str], ctx: _Context) -> _Result | None:
    if m["n"].lower() in ("some",) or (m["n"].lower() in ("a", "an") and not m["u"]):
        return None
    if m["n"].lower() in ("recent", "coming"):  # "in recent years": a vague past, not a length
        value = "PAST_REF" if m["n"].lower() == "recent" else "FUTURE_REF"
        return _Result("DATE", value, "vague", "doc:published" if ctx.reference else "none")
    word = m["u"].lower()
    text = m.group(0).lower()
    if m["n"].lower() in ("a", "an") and word in ("second",):
        return None
    amount = _number(m["n"])
    plural = text.rstrip().endswith("s")
    if amount is not None and amount > 1 and not plural and not m["n"].isdigit():
        return None
    value = _duration(amount, word)
    if "and a half" in text and amount is not None:
        value = _duration(None, word)
    return _Result("DURATION", value, "duration")


@_rule(
    "vague-duration",
    r"\b(?:(?:in|within)\s+(?P<x>(?P<u>year|month|week|day|decade|hour|minute)s)(?!\s+(?:ago|of|before|after|earlier|later)\b)"
    r"|over\s+(?P<x2>the\s+(?P<u2>year|decade)s))\b",
    _Need("lower", ("years", "months", "weeks", "days", "decades", "hours", "minutes")),
    since=2,
)
def _vague_duration(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v2: a length of unknown count, "in years", "within weeks", "over the years" (PXY, PXW)."""
    return _Result("DURATION", _duration(None, m["u"] or m["u2"]), "duration")


@_rule(
    "vague-duration",
    r"\bfor\s+(?P<x>(?P<u>year|month|week|decade)s)\b(?!\s+(?:ago|of|before|after|earlier|later|to\s+come)\b)(?!-)",
    _Need("lower", ("years", "months", "weeks", "decades")),
    since=3,
)
def _for_vague_duration(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: "for years", "for weeks" (PXY, PXW), as "within weeks" is in v2."""
    return _Result("DURATION", _duration(None, m["u"]), "duration")


_PLURAL_UNIT = r"(?P<u>minute|hour|day|week|month|year|decade)s"


@_rule(
    "vague-duration",
    rf"\b(?:in|within)\s+(?:just|only|mere|a\s+matter\s+of)\s+(?P<x>{_PLURAL_UNIT})\b(?!\s+(?:ago|of|before|after)\b)"
    rf"|\bfor\s+(?P<x2>(?P<u2>minute|hour|day)s)\b(?!\s+(?:ago|of|before|after|earlier|later|to\s+come)\b)(?!-)",
    _Need("lower", ("minutes", "hours", "days", "weeks", "months", "years", "decades")),
    since=3,
)
def _vague_duration_v3(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: "in just minutes", "for days" (PTXM, PXD), as "within weeks" and "for years" are."""
    return _Result("DURATION", _duration(None, m["u"] or m["u2"]), "duration")


@_rule(
    "vague-duration",
    rf"\b(?:after|follows|followed|following|amid|despite|ending|ended|ends)\s+(?P<x>{_PLURAL_UNIT})\s+of\b",
    _Need("lower", ("minutes", "hours", "days", "weeks", "months", "years", "decades")),
    _Need("lower", (" of",)),
    since=3,
)
def _units_of(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: "after months of talks", "amid weeks of protests": a length of unknown count."""
    return _Result("DURATION", _duration(None, m["u"]), "duration")


@_rule(
    "vague-duration",
    rf"(?P<x>\bthe\s+(?:(?:next|coming|few|several)\s+)?{_PLURAL_UNIT}\s+ahead)\b",
    _Need("lower", ("ahead",)),
    since=3,
)
def _units_ahead(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: "in the weeks ahead" (PXW): a length of unknown count from the report on."""
    return _Result("DURATION", _duration(None, m["u"]), "duration", "doc:published" if ctx.reference else "none")


# v2: "a half" in the next smaller unit, as TimeML writes it ("5 1/2 hours" is PT5H30M).
_HALVES = {"Y": "6M", "M": "15D", "D": "T12H", "H": "30M", "MIN": "30S"}


@_rule(
    "duration",
    rf"(?P<x>\b(?:the\s+)?"
    rf"(?P<n>{_NUM})(?P<half>\s+and\s+a\s+half|\s+1/2)?\s+(?P<u>{_UNIT})s?(?P<half2>\s+and\s+a\s+half)?)\b"
    rf"(?!\s+(?:ago|earlier|before|later|after|afterwards|from\s+now|hence|old)\b)(?!-)",
    _HAS_UNIT,
    _HAS_UNIT_WORD,
    since=2,
    until=2,
)
def _duration_rule_v2(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v2: "recent years" is a duration of unknown length (PXY, as TimeBank has it), halves are counted, and
    ages ("52 years old", which TimeBank does not annotate) are left out."""
    word = m["n"].lower()
    if word == "recent":
        return _Result("DURATION", _duration(None, m["u"]), "duration")
    if not (m["half"] or m["half2"]):
        return _duration_rule(m, ctx)
    amount = _number(m["n"])
    unit = m["u"].lower()
    code = "MIN" if unit.startswith("minute") else _unit_code(unit)
    if amount is None or code not in _HALVES:
        return _Result("DURATION", _duration(None, unit), "duration")
    return _Result("DURATION", _duration(amount, unit) + _HALVES[code], "duration")


# v3: words between a count and its unit that keep it a length ("six straight days", "two more weeks").
_DURATION_WORDS = r"(?:straight|consecutive|more|additional|full|whole|extra|trading|working|business)"


# v3: a bound or an approximation is part of the expression (TimeML's extent, and what a reader needs: "at least 72
# hours" is not "72 hours"); "just" and "only" are not.
_DURATION_MOD = (
    r"(?:about|around|nearly|almost|roughly|approximately|(?:no\s+)?more\s+than|less\s+than|at\s+least|at\s+most|"
    r"up\s+to|over)"
)
# v3: what comes before "a year" in a rate: a number, an amount or a counted noun ("$2 million", "flights").
_RATE = re.compile(
    r"(?:\d[\d,.]*%?|\b(?:million|billion|trillion|percent|cents|dollars|shares|flights|seats|barrels|hours|times|"
    r"tons|tonnes|jobs|visits|trips|calls|meals|sessions|games|rounds))\s+$",
    re.IGNORECASE,
)


# v3: a count of times before "a week": the expression is how often.
_FREQUENCY = re.compile(rf"\b(?:once|twice|thrice|(?:{_NUM_V3}|\d+)\s+times)\s+$", re.IGNORECASE)


def _duration_pattern(number: str) -> str:
    return (
        rf"(?P<x>\b(?:{_DURATION_MOD}\s+)?(?:the\s+)?(?P<n>{number})(?P<half>\s+and\s+a\s+half|\s+1/2)?\s+"
        rf"(?:{_DURATION_WORDS}\s+)?(?P<u>{_UNIT})(?P<plural>s)?(?P<half2>\s+and\s+a\s+half)?)\b"
        rf"(?!\s+(?:ago|earlier|later|afterwards|from\s+now|hence|old)\b)(?!\s+(?:before|after)\s*(?:[,.;:)]|$))(?!-)"
    )


# v7: below a day, "later" and "earlier" after a count leave it a length ("over an hour later": TimeBank marks "over
# an hour"; no day can be given for it).
_DURATION_PATTERN_V7 = (
    rf"(?P<x>\b(?:{_DURATION_MOD}\s+)?(?:the\s+)?(?P<n>{_NUM_V5})(?P<half>\s+and\s+a\s+half|\s+1/2)?\s+"
    rf"(?:{_DURATION_WORDS}\s+)?{_UNIT_V7}(?P<plural>s)?(?P<half2>\s+and\s+a\s+half)?)\b"
    rf"(?(sub)(?!(?:\s+or\s+so)?\s+(?:ago|from\s+now|hence|old)\b)"
    rf"|(?!\s+(?:ago|earlier|later|afterwards|from\s+now|hence|old)\b)(?!\s+(?:before|after)\s*(?:[,.;:)]|$)))(?!-)"
)


@_rule("duration", _duration_pattern(_NUM_V3), _HAS_UNIT, _HAS_UNIT_WORD, since=3, until=4)
@_rule("duration", _duration_pattern(_NUM_V5), _HAS_UNIT, _HAS_UNIT_WORD, since=5, until=6)
@_rule("duration", _DURATION_PATTERN_V7, _HAS_UNIT, _HAS_UNIT_WORD, since=7)
def _duration_rule_v3(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: a length counted from an event ("two days before the vote", "72 hours after the blast") is a
    duration (v2 left it out: only a date ends "three days before."); "six straight days", "two more weeks";
    a spelled count before a noun ("a five year low", "a three hour meeting") is the compound it is. v5: "a
    quarter of the market" is a share, not a length ("two quarters of losses" is a length)."""
    if (
        ctx.version >= 5
        and m["u"].lower() == "quarter"
        and not m["plural"]
        and m["n"].lower() in ("a", "an", "one")
        and _SHARE_AFTER.match(ctx.sentence, m.end("x"))
    ):
        return None
    if m["n"].lower() in ("a", "an") and not m["plural"] and _FREQUENCY.search(ctx.sentence, 0, m.start("n")):
        return _Result("SET", _duration(1, m["u"]), "set")  # "twice a week": how often, a SET
    if m["n"].lower() in ("a", "an") and _RATE.search(ctx.sentence, 0, m.start("n")):
        # "$2 million a year", "four flights a week": a rate, not a length. TimeBank marks some as a SET, most
        # not at all (measured: giving a SET lowers value F1 on TBAQ-cleaned)
        return None
    amount = _number(m["n"])
    if (
        amount is not None
        and amount > 1
        and not m["plural"]
        and not m["n"].isdigit()
        and not (m["half"] or m["half2"])
        and re.match(r"\s+(?-i:[a-z])", ctx.sentence[m.end() :])
    ):
        return _Result("DURATION", _duration(amount, m["u"]), "duration")
    return _duration_rule_v2(m, ctx)


# v5: what follows a share ("a quarter of the market"), not a period ("the first quarter of 2025" is no length).
_SHARE_AFTER = re.compile(rf",?\s+of\b(?!\s+(?:the\s+)?(?:{_YEAR}|this|last|next|that|fiscal)\b)", re.IGNORECASE)


# v3: half of a unit, in TimeML's next smaller one where it has no fraction ("half an hour" is PT30M).
_HALF_OF = {"minute": "PT30S", "hour": "PT30M", "day": "PT12H", "month": "P15D", "year": "P6M", "decade": "P5Y",
            "century": "P50Y"}  # fmt: skip


@_rule(
    "half-duration",
    rf"(?P<x>\b(?:{_DURATION_MOD}\s+)?half\s+(?:an?|the)\s+(?P<u>minute|hour|day|month|year|decade|century))\b"
    rf"(?!\s+(?:ago|earlier|later)\b)(?!-)",
    _Need("lower", ("half",)),
    since=3,
)
def _half_duration(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: "half an hour" (PT30M), "half a century" (P50Y), "nearly half a year"."""
    return _Result("DURATION", _HALF_OF[m["u"].lower()], "duration")


@_rule(
    "annual",
    r"(?P<x>\b(?:annual|yearly))\s+(?:net\s+|pre-?tax\s+|operating\s+)?(?:profits?|loss(?:es)?|earnings|income|results)\b",
    _Need("lower", ("annual", "yearly")),
    since=3,
)
def _annual(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: results news, "an annual profit", "its first annual loss": the year the figure covers (``P1Y``).
    Elsewhere "annual" (an annual meeting, annual sales) is left out: TimeBank seldom marks it."""
    return _Result("DURATION", "P1Y", "duration")


@_rule(
    "hyphen-duration",
    rf"(?P<x>\b(?P<n>\d+|{'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))}|(?:{_TENS})-\w+)"
    rf"-(?P<u>{_UNIT}))(?:-long)?\b(?!-)(?:\s+(?P<noun>[\w-]+(?:\s+of\s+[\w' -]{{1,40}})?))?",
    _Need(
        "lower",
        (
            "-second",
            "-minute",
            "-hour",
            "-day",
            "-night",
            "-week",
            "-fortnight",
            "-month",
            "-quarter",
            "-year",
            "-decade",
            "-centur",
        ),
    ),
)
def _hyphen_duration(m: re.Match[str], ctx: _Context) -> _Result | None:
    amount = _number(m["n"])
    if amount is None:
        return None
    value = _duration(amount, m["u"])
    noun = m["noun"] or ""
    for anchor in ctx.anchors:
        pattern = anchor.pattern()
        if pattern and re.match(rf"(?:{pattern})\b", noun, re.IGNORECASE):
            end = anchor.start + timedelta(days=amount - 1) if _unit_code(m["u"]) == "D" else None
            return _Result("DURATION", value, "duration", f"event:{anchor.id}", anchor.start, end)
    return _Result("DURATION", value, "duration")


@_rule(
    "hyphen-vague-duration",
    rf"(?<![\w-])(?P<x>(?P<v>several|multi|single)-(?P<u>{_UNIT})|(?P<u2>{_UNIT})(?P<pl>s)?-long)(?![\w-])",
    _Need("lower", ("several-", "multi-", "single-", "-long")),
    since=3,
)
def _hyphen_vague_duration(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v3: "decades-long" and "several-year" (PXY), "day-long" and "single-day" (P1D)."""
    unit = m["u"] or m["u2"]
    vague = (m["v"] or "").lower() in ("several", "multi") or m["pl"] is not None
    return _Result("DURATION", _duration(None if vague else 1, unit), "duration")


def _set_pattern(number: str) -> str:
    return (
        rf"(?P<x>\b(?:every|each|per)\s+(?:(?P<n>{number})\s+)?(?P<u>{_UNIT}|{_WEEKDAY})s?"
        r"|(?P<adv>daily|weekly|monthly|yearly|nightly))\b"
    )


_SET_NEEDS = (_Need("lower", ("every", "each", "per", "daily", "weekly", "monthly", "yearly", "nightly")),)
# v7: "every other week" (P2W), "each July" (XXXX-07).
_SET_PATTERN_V7 = (
    rf"(?P<x>\b(?:every|each|per)\s+(?:(?P<other>other)\s+|(?P<n>{_NUM_V3})\s+)?"
    rf"(?:(?P<u>{_UNIT}|{_WEEKDAY})s?|(?P<month>{_MONTH_FULL})(?![\w-]|\s+\d))"
    r"|(?P<adv>daily|weekly|monthly|yearly|nightly))\b"
)


@_rule("set", _set_pattern(_NUM), *_SET_NEEDS, until=2)
@_rule("set", _set_pattern(_NUM_V3), *_SET_NEEDS, since=3, until=6)
@_rule("set", _SET_PATTERN_V7, *_SET_NEEDS, since=7)
def _set(m: re.Match[str], ctx: _Context) -> _Result | None:
    if m["adv"]:
        adverb = m["adv"].lower()
        return _Result(
            "SET", {"daily": "P1D", "nightly": "P1D", "weekly": "P1W", "monthly": "P1M"}.get(adverb, "P1Y"), "set"
        )
    if ctx.version >= 7 and m["month"]:
        return _Result("SET", f"XXXX-{_month_of(m['month']) or 0:02d}", "set")
    unit = m["u"]
    if unit.lower() in _WEEKDAYS:
        return _Result("SET", f"XXXX-WXX-{_WEEKDAYS.index(unit.lower()) + 1}", "set")
    amount = _number(m["n"]) if m["n"] else 1
    if ctx.version >= 7 and m["other"]:
        amount = 2
    return _Result("SET", _duration(amount, unit), "set")


# v5: a capitalised word before a capitalised season, not the sentence's first ("the Arab Spring"; "In Spring" is
# a season).
_NAME_BEFORE = re.compile(r"\S\s+(?-i:[A-Z])[\w'-]*\s+$")


@_rule(
    "season",
    r"(?P<x>\b(?:(?P<mod>this|last|next|early|late)\s+)?(?P<s>spring|summer|autumn|fall|winter))\b",
    _Need("lower", ("spring", "summer", "autumn", "fall", "winter")),
)
def _season(m: re.Match[str], ctx: _Context) -> _Result | None:
    season = _SEASONS[m["s"].lower()]
    if m["s"].lower() == "fall" and not m["mod"] and not ctx.trusted:
        return None  # "a fall in prices"
    if ctx.version >= 5 and m["s"][0].isupper() and _NAME_BEFORE.search(ctx.sentence, 0, m.start("x")):
        return None  # v5: a name, "the Arab Spring", "the Prague Spring" (v1-v4 read this year's spring)
    reference = ctx.reference
    if reference is None:
        return _Result("DATE", f"XXXX-{season}", "season")
    year = reference.year + {"last": -1, "next": 1}.get((m["mod"] or "").lower(), 0)
    return _Result("DATE", f"{year:04d}-{season}", "season", "doc:published")


@_rule(
    "season-year",
    rf"(?P<x>\b(?:the\s+)?(?:(?P<edge>early|late)\s+)?(?P<s>spring|summer|autumn|fall|winter)\s+(?:of\s+)?(?P<y>{_YEAR}))"
    rf"(?![\w/:\-]|[.,]\d)",
    _Need("lower", ("spring", "summer", "autumn", "fall", "winter")),
    _HAS_YEAR,
    since=2,
)
def _season_year(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v2: "the summer of 1994", "spring 2025"."""
    return _Result("DATE", f"{m['y']}-{_SEASONS[m['s'].lower()]}", "season")


@_rule(
    "month-rel-year",
    rf"(?P<x>\b(?P<m>{_MONTH_FULL}|{_MONTH_ABBR})\s+(?:of\s+)?(?P<mod>this|last|next)\s+year)\b",
    _HAS_MONTH,
    _Need("lower", ("year",)),
    since=2,
)
def _month_rel_year(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v2: "July last year", "January this year": the month of the year named relative to the report."""
    month = _month_of(m["m"])
    if month is None:
        return None
    if ctx.reference is None:
        return _Result("DATE", f"XXXX-{month:02d}", "month")
    year = ctx.reference.year + {"this": 0, "last": -1, "next": 1}[m["mod"].lower()]
    first, last = _month_bounds(year, month)
    return _Result("DATE", f"{year:04d}-{month:02d}", "month", "doc:published", first, last)


# ---------------------------------------------------------------------------------------------------------------
# Rules added in v5


@_rule(
    "year-end",
    r"\b(?:by|at|since|until|till|through|before|after|around|near|toward|towards|to|from|of|after)\s+(?:the\s+)?"
    r"(?P<x>year(?:-|\s+|['\u2019]s\s+)end)\b(?!-)",
    _Need("lower", ("year",)),
    _Need("lower", ("end",)),
    since=5,
)
def _year_end(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v5: "by year-end", "since year end", "by year's end": the end of the report's year (of the year before
    after "since"). TimeBank writes the year or its last day about equally; the year keeps the span's meaning."""
    if ctx.reference is None:
        return _Result("DATE", "XXXX", "range")
    year = ctx.reference.year - (1 if ctx.tense(m.start("x")) == "since" else 0)
    return _Result("DATE", f"{year:04d}", "range", "doc:published", date(year, 12, 1), date(year, 12, 31))


# v5: a count right before a unit ("1,000 years ago", "a few years ago").
_COUNT_BEFORE = re.compile(rf"(?:\b{_NUM_V5}|\d)\s+$", re.IGNORECASE)


@_rule(
    "units-ago",
    r"(?P<x>\b(?P<u>year|month|week|day|decade|hour|minute)s\s+(?:ago|earlier))\b",
    _Need("lower", ("ago", "earlier")),
    _Need("lower", ("years", "months", "weeks", "days", "decades", "hours", "minutes")),
    since=5,
)
def _units_ago(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v5: a count-less "years ago", "months earlier": PAST_REF; a count before it is the ago rule's ("three years
    ago"). "weeks later" is left out: it is past as often as future, and FUTURE_REF (v3's "a few days later")
    says the wrong thing when it tells of the past."""
    if _COUNT_BEFORE.search(ctx.sentence, 0, m.start("x")):
        return None  # "1,000 years ago", "a few years ago": the ago rule's longer span (or a count it refused)
    return _Result("DATE", "PAST_REF", "vague", "doc:published" if ctx.reference else "none")


@_rule(
    "weekday-set",
    r"(?P<x>\b(?:(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)s|(?<=on\s)weekends))\b",
    _Need("lower", ("days", "weekends")),
    since=5,
)
def _weekday_set(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v5: "on Sundays" is every Sunday (``XXXX-WXX-7``), "on weekends" every weekend (``XXXX-WXX-WE``)."""
    word = m["x"].lower()
    if word == "weekends":
        return _Result("SET", "XXXX-WXX-WE", "set")
    return _Result("SET", f"XXXX-WXX-{_WEEKDAYS.index(word[:-1]) + 1}", "set")


@_rule(
    "edge-part-of-day",
    rf"(?P<x>\b(?:the\s+)?(?P<edge>early|late|mid)[\s-]?(?P<part>morning|afternoon|evening)"
    rf"(?:\s+(?:on\s+)?(?P<w>{_WEEKDAY}|today|yesterday|tomorrow))?)\b(?!-)",
    _Need("lower", ("morning", "afternoon", "evening")),
    _Need("lower", ("early", "late", "mid")),
    since=5,
)
def _edge_part_of_day(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v5: "mid-afternoon", "in the late afternoon", "early evening Tuesday": that part of the day named with
    it, else of a date earlier in the sentence, else of the report's day (TimeML's value has no finer part)."""
    part = _PARTS[m["part"].lower()]
    word = (m["w"] or "").lower()
    day, anchor = _day_named(ctx)
    if word and ctx.reference is not None:
        anchor = "doc:published"
        day = _word_day(word, ctx, m.start("x"))
    if day is None:
        return _Result("TIME", f"XXXX-XX-XXT{part}", "day-part")
    return _Result("TIME", f"{day.isoformat()}T{part}", "day-part", anchor, day, day)


@_rule(
    "quarter-q",
    rf"(?:(?P<prep>\b(?:in|for|of|during|by|since|from|the|its|their|to|through|until|and|or|over|than)\s+)|\b)"
    rf"(?P<x>(?-i:Q)(?P<q>[1-4])(?:\s+(?P<y>{_YEAR})|\s*['\u2019](?P<yy>\d\d))?)(?![\w-])",
    _Need("case", ("Q1", "Q2", "Q3", "Q4")),
    since=5,
)
def _quarter_q(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v5: "in Q4", "Q1 2013", "Q3 '12": a quarter; a bare "Q3" needs a preposition or article before it (the
    Audi Q3 is a car)."""
    quarter = int(m["q"])
    if m["y"] or m["yy"]:
        year = int(m["y"]) if m["y"] else 2000 + int(m["yy"])
        return _Result("DATE", f"{year:04d}-Q{quarter}", "quarter")
    if not m["prep"]:
        return None
    reference = ctx.reference
    if reference is None:
        return _Result("DATE", f"XXXX-Q{quarter}", "quarter")
    current = (reference.month - 1) // 3 + 1
    year = reference.year if quarter <= current or ctx.is_future(m.start("x")) else reference.year - 1
    return _Result("DATE", f"{year:04d}-Q{quarter}", "quarter", "doc:published")


# What comes before a span that is a whole period ("for the fiscal year"), not a part of one ("the end of").
_SPAN_PREP = re.compile(r"\b(?:for|in|during|throughout|over|through)\s+$", re.IGNORECASE)


@_rule(
    "fiscal-year",
    r"(?P<x>\b(?:the\s+)?(?P<mod>this|current|present|last|latest|previous|prior|next|coming|new)?\s*(?<!\w)"
    r"(?:fiscal|financial|calendar)\s+year)\b(?!\s+(?:19|20)\d\d|\s+(?:ago|earlier|later|before)\b|-)",
    _Need("lower", ("fiscal", "financial", "calendar")),
    _Need("lower", ("year",)),
    since=5,
)
def _fiscal_year(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v5: "the current fiscal year" (the report's year), "the latest fiscal year" (the one before), "next fiscal
    year"; a bare "the fiscal year" is a year's length (``P1Y``), as "for the year" is (TimeBank: 2 of 3)."""
    mod = (m["mod"] or "").lower()
    if not mod:
        if not m["x"].lower().startswith("the") or not _SPAN_PREP.search(ctx.sentence, 0, m.start("x")):
            return None  # "fiscal year results" (a modifier), "the end of the fiscal year" (a part: no value)
        return _Result("DURATION", "P1Y", "duration")
    if ctx.reference is None:
        return _Result("DATE", "XXXX", "year")
    step = {"last": -1, "latest": -1, "previous": -1, "prior": -1, "next": 1, "coming": 1, "new": 1}.get(mod, 0)
    year = ctx.reference.year + step
    return _Result("DATE", f"{year:04d}", "year", "doc:published", date(year, 1, 1), date(year, 12, 31))


@_rule(
    "week-of",
    rf"(?P<x>\bthe\s+(?:(?P<o>first|second|third|fourth|last|final)\s+)?week\s+of\s+(?:(?P<m>{_MONTH})(?:\s+(?P<d>{_DAY}))?"
    rf"(?:,?\s+(?P<y>{_YEAR}))?))(?![\w-]|[.,]\d|\s+\d)",
    _Need("lower", ("week of",)),
    _HAS_MONTH,
    since=5,
)
def _week_of(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v5: "the week of March 6" is that day's ISO week; "the last week of March", "the first week of May 2025"
    the ISO week with most of its days at that end of the month (the one holding the 4th, or the 4th from last)."""
    month = _month_of(m["m"])
    if month is None or (m["d"] and m["o"]) or not (m["d"] or m["o"]):
        return None  # "the last week of March 6", "the week of March": not a week this rule can name
    number = int(re.sub(r"\D", "", m["d"])) if m["d"] else 1
    if not 1 <= number <= _month_length(2024, month):
        return None
    if m["y"]:
        year: int | None = int(m["y"])
    elif m["d"]:
        found, _ = _pick_year(month, number, ctx, m.start("x"))
        year = None if found is None else found.year
    else:
        year = _month_year(month, ctx, m.start("x"))
    if year is None:
        return None  # no report date: no week number can be given
    if m["d"]:
        day = date(year, month, number)
    elif m["o"].lower() in ("last", "final"):
        day = date(year, month, _month_length(year, month) - 3)
    else:
        day = date(year, month, 4) + timedelta(weeks=(_ordinal(m["o"]) or 1) - 1)
    return _week_result(day, "none" if m["y"] else "doc:published")


# v5: a day of the month in digits ("the 16th"); spelled ones ("on the first") are too often not days.
_DAY_ORDINAL = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)"


@_rule(
    "day-ordinal",
    rf"\b(?:on|by|until|till|since|from|before|after|through|to)\s+(?P<x>the\s+(?P<o>{_DAY_ORDINAL}))"
    r"(?=\s*(?:[.,;:)]|$)|\s+(?:and|or|to|through|until)\b)",
    _HAS_DIGIT,
    _Need("regex", (r"the\s+\d+(?:st|nd|rd|th)\b",)),
    since=5,
)
def _day_ordinal(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v5: "met on the 16th.", "until the 18th,": that day of the month named last (else of the report's month,
    or the next month's in a future sentence when the day has passed); only when the clause ends there ("on the
    16th floor" is no date)."""
    number = _ordinal(m["o"])
    if number is None or not 1 <= number <= 31:
        return None
    named = re.match(r"(\d{4})-(\d\d)", ctx.dated or "")
    if named:
        year, month, anchor = int(named[1]), int(named[2]), f"previous:{ctx.dated}"
    elif ctx.reference is not None:
        year, month, anchor = ctx.reference.year, ctx.reference.month, "doc:published"
        if number > ctx.reference.day and ctx.tense(m.start("x")) != "future":
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)  # a day still ahead: last month's
        elif number < ctx.reference.day and ctx.tense(m.start("x")) == "future":
            year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    else:
        return _Result("DATE", f"XXXX-XX-{number:02d}", "day")
    if number > _month_length(year, month):
        return None
    day = date(year, month, number)
    return _Result("DATE", day.isoformat(), "day", anchor, day, day)


@_rule(
    "edge-in-the-unit",
    r"(?P<x>\b(?:earlier|later|early|late)\s+in\s+the\s+(?P<u>week|month|year))\b(?!\s+(?:of|before|after|ago)\b)",
    _Need("lower", ("early", "earlier", "late", "later")),
    _Need("lower", ("week", "month", "year")),
    since=5,
)
def _edge_in_the_unit(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v5: "earlier in the week", "later in the month", "early in the year": the week (month) of a day named
    earlier in the sentence, else the report's; the year is the report's, as for "the year" (v1-v4 found "the
    year" alone, or nothing)."""
    unit = m["u"].lower()
    day = (ctx.previous_here if unit != "year" else None) or ctx.reference
    if day is None:
        return _Result("DATE", {"week": "XXXX-WXX", "month": "XXXX-XX"}.get(unit, "XXXX"), "range")
    anchor = f"previous:{day.isoformat()}" if unit != "year" and ctx.previous_here else "doc:published"
    value, _ = _value_at(day, unit)
    return _Result("DATE", value, "range", anchor)


@_rule(
    "this-past-weekend",
    r"(?P<x>\bthis\s+past\s+weekend)\b",
    _Need("lower", ("weekend",)),
    _Need("lower", ("past",)),
    since=5,
)
def _this_past_weekend(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v5: "this past weekend" is the one just past (v1-v4 found nothing there)."""
    return _the_weekend(m, ctx)


# ---------------------------------------------------------------------------------------------------------------
# Rules added in v6


@_rule(
    "present-ordinal-day",
    rf"\b(?:it['\u2019]s|it\s+is|today\s+is|(?:is|are)\s+(?:now\s+)?in\s+(?:its|their))\s+"
    rf"(?P<x>(?:the\s+)?(?P<o>{_ORD})\s+(?:straight\s+|consecutive\s+|full\s+)?(?P<u>day|week))\b",
    _Need("lower", ("day", "week")),
    _Need("lower", ("it", "today", "its", "their")),
    since=6,
)
def _present_ordinal_day(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v6: "It's the second day of the offensive", "the strike is in its fourth day": said in the present, the
    day (week) of the report; an anchor event named right after ("the tenth day of the siege") is the event
    rule's longer span."""
    if ctx.reference is None or (_ordinal(m["o"]) or 0) < 1:
        return None
    if m["u"].lower() == "week":
        return _week_result(ctx.reference, "doc:published")
    return _Result("DATE", ctx.reference.isoformat(), "day", "doc:published", ctx.reference, ctx.reference)


@_rule("more-recently", r"(?P<x>\bmore\s+recently)\b", _Need("lower", ("recently",)), since=6)
def _more_recently(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v6: "more recently" is one PAST_REF, before a verb too ("and more recently has begun"; v2-v5 kept
    "recently" alone, and nothing before a verb)."""
    return _Result("DATE", "PAST_REF", "vague", "doc:published" if ctx.reference else "none")


# ---------------------------------------------------------------------------------------------------------------
# Rules added in v7


@_rule(
    "numeric-date",
    rf"{_LEFT}(?P<x>(?P<a>\d{{1,2}})(?P<sep>[./])(?P<b>\d{{1,2}})(?P=sep)(?P<y>(?:19|20)\d\d|(?<=/)\d\d)){_RIGHT}",
    _HAS_DIGIT,
    _Need("case", ("/", ".")),
    since=7,
)
def _numeric_date_v7(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v7: "7/8/07" (a two-digit year after slashes) and slashed dates either order reads ("7/8/2007"): the
    reading in the month up to the report when the other is not, else the one within a month of it either way (a
    date written in digits in a report is near it); dotted forms are day first, as v1-v6 read them; a day over 12
    settles the order."""
    first, second, year = int(m["a"]), int(m["b"]), int(m["y"])
    if year < 100:
        year = _four_digit_year(year, ctx.reference, ahead=1)
    orders = [(second, first)] if m["sep"] == "." else [(first, second), (second, first)]
    readings: list[date] = []
    for month, day in orders:
        try:
            readings.append(date(year, month, day))
        except ValueError:
            continue
    readings = sorted(set(readings))
    if len(readings) == 2:
        reference = ctx.reference
        # The one in the month up to the report, else the one within a month of it either way; else unknown.
        past = [d for d in readings if reference and 0 <= (reference - d).days <= _RECENT_DAYS]
        near = [d for d in readings if reference and abs((d - reference).days) <= _RECENT_DAYS]
        readings = past if len(past) == 1 else near if len(near) == 1 else []
    if not readings:
        return None
    return _Result("DATE", readings[0].isoformat(), "day")


# v7: a day of the month in words, as transcripts write it ("March eighth", "the twenty-first of June").
_DAY_WORDS = (
    r"(?:(?:twenty[- ](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|thirty[- ]first|"
    + "|".join(sorted((w for w, n in _ORDINAL_WORDS.items() if n <= 31), key=len, reverse=True))
    + "))"
)


@_rule(
    "month-day-words",
    rf"(?P<x>(?:{_WEEKDAY},?\s+)?(?:(?P<m>{_MONTH_FULL})\s+(?:the\s+)?(?P<o>{_DAY_WORDS})"
    rf"|the\s+(?P<o2>{_DAY_WORDS})\s+of\s+(?P<m2>{_MONTH_FULL}))(?:,?\s+(?P<y>{_YEAR}))?)(?![\w-])",
    _HAS_MONTH,
    _HAS_MONTH_NAME,
    since=7,
)
def _month_day_words(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v7: "Sunday, March eighth", "the twenty-first of June", "June first, 2025": a day in words (v1-v6 read
    the month alone, or nothing)."""
    month = _month_of(m["m"] or m["m2"])
    number = _ordinal(m["o"] or m["o2"])
    if month is None or number is None or not 1 <= number <= _month_length(2024, month):
        return None
    if m["m"] == "May" and not ctx.sentence[: m.start("x")].strip(" \"'\u201c\u2018("):
        return None  # "May second homes be taxed?": the verb
    if m["y"]:
        try:
            return _Result("DATE", date(int(m["y"]), month, number).isoformat(), "day")
        except ValueError:
            return None
    found, anchor = _pick_year(month, number, ctx, m.start("x"))
    if found is None:
        return _Result("DATE", f"XXXX-{month:02d}-{number:02d}", "day")
    return _Result("DATE", found.isoformat(), "day", anchor)


@_rule(
    "fiscal-year-code",
    r"(?<![\w-])(?P<x>(?-i:FY)\s?(?P<y>(?:19|20)\d\d|\d\d))(?![\w/:\-]|[.,]\d|%)",
    _Need("case", ("FY",)),
    since=7,
)
def _fiscal_year_code(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v7: "FY2013", "FY 13": the year, as "fiscal 2013" is since v2."""
    year = int(m["y"])
    if year < 100:
        year = _four_digit_year(year, ctx.reference, ahead=5)  # a fiscal year is often named ahead
    return _whole_year(year)


# v7: the second year of a span of years written with a hyphen, a dash or a slash ("1980-88", "2012-13",
# "2010-2011", "2001/02"), as group ``x2`` (the span of the year-span-end rule).
_YEAR_SPAN_END = rf"\s?[-\u2013/]\s?(?P<x2>(?:19|20)\d\d|\d\d)(?![\w/:\-]|[.,]\d|%|\s+{_COUNTED_NOUNS})"


def _year_span(m: re.Match[str]) -> tuple[int, int] | None:
    """The two years of a span of years, or None when the second is not after the first (within 30 years: an
    ISO month "2011-05" or a count "1990-1500" is no span)."""
    first = int(m["y1"])
    second = int(m["x2"]) if len(m["x2"]) == 4 else first // 100 * 100 + int(m["x2"])
    if len(m["x2"]) == 2 and second <= first:
        second += 100  # "1999-00"
    return (first, second) if 0 < second - first <= 30 else None


@_rule(
    "year-span-start",
    rf"{_LEFT}(?P<x>(?P<y1>{_YEAR}))(?={_YEAR_SPAN_END})",
    _HAS_YEAR,
    _Need("case", ("-", "\u2013", "/")),
    since=7,
)
def _year_span_start(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v7: the first year of "1980-88" (the year rule refuses a year before a hyphen: "1500-2000 troops")."""
    if _year_span(m) is None:
        return None
    year = int(m["y1"])
    return _whole_year(year)


@_rule(
    "year-span-end",
    rf"{_LEFT}(?P<y1>{_YEAR}){_YEAR_SPAN_END}",
    _HAS_YEAR,
    _Need("case", ("-", "\u2013", "/")),
    since=7,
)
def _year_span_end(m: re.Match[str], ctx: _Context) -> _Result | None:
    """v7: the second year of "1980-88" (``1988``), "2012-13" (``2013``): TimeBank marks the two ends of a span of
    years apart ("between 1994 and 1997")."""
    span = _year_span(m)
    if span is None:
        return None
    year = span[1]
    return _whole_year(year)


# ---------------------------------------------------------------------------------------------------------------
# Anchor-event days, built per document because the anchors are


@functools.lru_cache(maxsize=64)
def _event_rules(anchors: tuple[AnchorEvent, ...]) -> tuple[_Rule, ...]:
    """The anchor-event rules for these anchors, built once per distinct set (documents mostly share one)."""
    event_rule = _event_day_rule(anchors)
    if event_rule is None:
        return ()
    return (event_rule, _event_in_its_rule([a for a in anchors if a.pattern()]))


def _event_day_rule(anchors: Sequence[AnchorEvent]) -> _Rule | None:
    names = [f"(?P<a{index}>{anchor.pattern()})" for index, anchor in enumerate(anchors) if anchor.pattern()]
    if not names:
        return None
    pattern = (
        rf"(?P<x>\b(?:the\s+(?P<o>{_ORD})\s+(?P<u>day|week|month)|day\s+(?P<n>\d{{1,4}}))\s+"
        rf"(?:of|in|into|since\s+the\s+start\s+of)\s+(?:the\s+)?(?:{'|'.join(names)}))\b"
    )

    def resolve(m: re.Match[str], ctx: _Context) -> _Result | None:
        number = _ordinal(m["o"]) if m["o"] else int(m["n"])
        index = next(int(key[1:]) for key, value in m.groupdict().items() if key.startswith("a") and value)
        anchor = anchors[index]
        if number is None or number < 1:
            return None
        unit = (m["u"] or "day").lower()
        if unit == "day":
            day = anchor.start + timedelta(days=number - 1)
            return _Result("DATE", day.isoformat(), "day", f"event:{anchor.id}", day, day)
        if unit == "week":
            first = anchor.start + timedelta(weeks=number - 1)
            iso = first.isocalendar()
            return _Result(
                "DATE", f"{iso.year:04d}-W{iso.week:02d}", "week", f"event:{anchor.id}", first, first + timedelta(6)
            )
        first = _add_months(anchor.start, number - 1)
        return _Result("DATE", f"{first.year:04d}-{first.month:02d}", "month", f"event:{anchor.id}", first, None)

    return _Rule("event-day", re.compile(pattern, re.IGNORECASE), resolve, (_Need("lower", ("day", "week", "month")),))


def _event_in_its_rule(anchors: Sequence[AnchorEvent]) -> _Rule:
    """ "The siege, now in its ninth day": the day of the anchor event named last before it in the text."""
    pattern = rf"\b(?:in|into|entered|enters|entering)\s+its\s+(?P<x>(?P<o>{_ORD})\s+(?P<u>day|week))\b"
    compiled = [(anchor, re.compile(rf"\b(?:{anchor.pattern()})\b", re.IGNORECASE)) for anchor in anchors]

    def resolve(m: re.Match[str], ctx: _Context) -> _Result | None:
        number = _ordinal(m["o"])
        position = ctx.sentence_start + m.start()
        best: tuple[int, AnchorEvent] | None = None
        for anchor, name in compiled:
            for found in name.finditer(ctx.text, 0, position):
                if best is None or found.start() > best[0]:
                    best = (found.start(), anchor)
        if number is None or number < 1 or best is None:
            return None
        anchor = best[1]
        if m["u"].lower() == "week":
            first = anchor.start + timedelta(weeks=number - 1)
            iso = first.isocalendar()
            value = f"{iso.year:04d}-W{iso.week:02d}"
            return _Result("DATE", value, "week", f"event:{anchor.id}", first, first + timedelta(days=6))
        day = anchor.start + timedelta(days=number - 1)
        return _Result("DATE", day.isoformat(), "day", f"event:{anchor.id}", day, day)

    return _Rule("event-in-its-day", re.compile(pattern, re.IGNORECASE), resolve, (_Need("lower", ("its",)),))


# ---------------------------------------------------------------------------------------------------------------
# The scan


# Every rule needs a digit or one of these words; a sentence with none is skipped without running ~30 patterns
# (most sentences of a report). Anchor-event rules are exempt: their names come from packs.
_TRIGGER = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august"
    r"|september|october|november|december|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday"
    r"|thursday|friday|saturday|sunday|today|tonight|yesterday|tomorrow|now|recent|recently|currently|current|ago"
    r"|last|next|this|past|previous|coming|earlier|later|early|late|mid|week|weeks|weekend|weekends|month|months"
    r"|year|years|day|days|daily|hour|hours|minute|minutes|decade|decades|century|quarter|quarters|season"
    r"|spring|summer|autumn|fall|winter|morning|mornings|afternoon|evening|night|nights|noon|midday|midnight|dawn|dusk"
    r"|overnight|weekly|monthly|annual|annually|yearly|hourly|nightly|christmas|easter|ramadan|eid|new|future"
    r"|once|twice|every|each|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty"
    r"|fifty|hundred|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|several|few|many|some"
    r"|half|fortnight|dozen|time|times|period|era|then|present|former|formerly|soon|shortly|meantime|meanwhile"
    r"|since|until|till|during|lately|nowadays|anniversary|holiday|holidays|fiscal|calendar|term|seconds|moment"
    r"|moments|instant|final|millennium|millennia|age|ages|thanksgiving|halloween|independence|nineteen|thousand|twenties|thirties|forties|fifties|sixties"
    r"|seventies|eighties|nineties|mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays)\b",
    re.IGNORECASE,
)


# The words of _TRIGGER, for a set lookup of the sentence's words instead of the (slow) alternation.
_TRIGGER_WORDS = frozenset(_TRIGGER.pattern.split("(?:", 1)[1].split(")", 1)[0].split("|"))
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
# Characters that a case-insensitive pattern letter matches although they are not ASCII ("ſ" matches "s", the
# Kelvin sign "k"), or whose case forms hold ASCII letters ("ß", "ﬁ"): a sentence with one of them skips the
# shortcuts below (their lower-casing is not a faithful stand-in for the pattern's case folding).
_FOLDS_TO_ASCII = re.compile("[\u00df\u0130\u0131\u0149\u017f\u01f0\u1e96-\u1e9a\u212a\ufb00-\ufb06]")


def _triggered(sentence: str, lowered: str | None) -> bool:
    """Whether ``_TRIGGER`` matches ``sentence``; ``lowered`` is its lower-case form when that may stand in."""
    if lowered is None or not sentence.isascii():
        return _TRIGGER.search(sentence) is not None
    # In ASCII, _TRIGGER's "\b(?:word|...)\b" matches exactly when a whole \w+ run is one of the words.
    return _DIGIT.search(sentence) is not None or not _TRIGGER_WORDS.isdisjoint(_WORD.findall(lowered))


def _passes(rule: _Rule, sentence: str, lowered: str, seen: dict[_Need, bool]) -> bool:
    """Whether ``sentence`` meets every need of ``rule`` (so its pattern may match); ``seen`` caches needs."""
    for need in rule.needs:
        hit = seen.get(need)
        if hit is None:
            hit = seen[need] = need.probe.search(lowered if need.kind == "lower" else sentence) is not None
        if not hit:
            return False
    return True


def _candidates(sentence: str, offset: int, rules: Iterable[_Rule]) -> list[tuple[int, int, int, _Rule, re.Match[str]]]:
    found: list[tuple[int, int, int, _Rule, re.Match[str]]] = []
    lowered: str | None = None
    if sentence.isascii() or _FOLDS_TO_ASCII.search(sentence) is None:
        lowered = sentence.lower()
    if not _triggered(sentence, lowered):
        rules = [rule for rule in rules if rule.name.startswith("event")]
    seen: dict[_Need, bool] = {}
    for priority, rule in enumerate(rules):
        if lowered is not None and not _passes(rule, sentence, lowered, seen):
            continue  # cannot match: one of the words every match holds is missing
        for match in rule.pattern.finditer(sentence):
            group = _span_group(match)
            start, end = match.start(group), match.end(group)
            if start < end:
                found.append((offset + start, offset + end, priority, rule, match))
    found.sort(key=lambda item: (-(item[1] - item[0]), item[2], item[0]))
    chosen: list[tuple[int, int, int, _Rule, re.Match[str]]] = []
    for item in found:
        if all(item[1] <= other[0] or item[0] >= other[1] for other in chosen):
            chosen.append(item)
    chosen.sort(key=lambda item: item[0])
    return chosen


_ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")
_DATED = re.compile(r"\d{4}(?:$|-\d\d|-Q\d|-[HW]\d|-(?:SP|SU|FA|WI))")  # a value that has a year (and maybe a month)


def _reference_date(doc: Document) -> date | None:
    if doc.published is None:
        return None
    try:
        return date.fromisoformat(doc.published.value[:10])
    except ValueError:
        return None


def _time_expr(start: int, end: int, resolved: _Result, rule: str) -> TimeExpr:
    """The expression at ``start``-``end`` of what ``rule`` resolved (a single day is its own start and end)."""
    if resolved.start is None and _ISO_DAY.fullmatch(resolved.value):
        day = date.fromisoformat(resolved.value)
        resolved = replace(resolved, start=day, end=day)
    return TimeExpr(
        start,
        end,
        resolved.type,
        resolved.value,
        resolved.precision,
        rule,
        resolved.anchor,
        resolved.start.isoformat() if resolved.start else None,
        resolved.end.isoformat() if resolved.end else None,
    )


# v7: a sentence that text wrapped at a fixed width breaks at a line end. The sentence splitter ends a sentence at
# every short line (a headline, a dateline), so a wrapped paragraph comes as one "sentence" per line: "last\nweek"
# is cut in two and the tense is lost (measured: value F1 on TBAQ-cleaned wrapped at 72 columns fell by 3 points).
# A line is joined to the next when it ends without a stop and the next starts in lower case or with a digit, or
# it ends with a word no headline ends with.
_STOP_AT_END = re.compile(r"""[.!?:;\u2026]["'\u201d\u2019)\]]*\s*$""")
_OPEN_WORD_AT_END = re.compile(
    r"\b(?-i:the|a|an|of|on|in|at|by|for|from|to|as|since|until|till|before|after|during|between|about|around|"
    r"with|within|than|into|over|through|last|next|this|that|its|their|his|her|and|or|but|early|late|mid|will|"
    r"would|could|can|may|might|should|must|was|were|is|are|be|been|has|have|had|said|says|told)$"
)


def _ends_with_abbreviation(body: str) -> bool:
    """Whether ``body`` ends with an abbreviation's stop ("due Oct.", "the U.S."), which ends no sentence."""
    words = body.split()
    return bool(words) and words[-1].rstrip(".").lower() in ABBREVIATIONS and words[-1].endswith(".")


def _unwrapped(text: str, sentences: Sequence[Span]) -> list[Span]:
    """v7: ``sentences`` with those a line wrap split joined again (see ``_STOP_AT_END``)."""
    joined: list[Span] = []
    for sentence in sentences:
        if joined:
            last = joined[-1]
            gap = text[last.end_char : sentence.start_char]
            first = text[sentence.start_char : sentence.start_char + 1]
            body = text[last.start_char : last.end_char]
            if (
                gap.count("\n") == 1
                and not gap.strip()
                and (not _STOP_AT_END.search(body) or _ends_with_abbreviation(body))
                and (first.islower() or first.isdigit() or _OPEN_WORD_AT_END.search(body))
            ):
                joined[-1] = Span(last.start_char, sentence.end_char, last.label, last.attrs)
                continue
        joined.append(sentence)
    return joined


def find_times(
    text: str,
    sentences: Sequence[Span],
    reference: date | None,
    anchors: Sequence[AnchorEvent] = BUILTIN_ANCHORS,
    version: int = VERSIONS[-1],
    extra: ExtraSpans | None = None,
) -> list[TimeExpr]:
    """Time expressions in ``text`` sentence by sentence, resolved against ``reference`` and ``anchors``, by the
    rules of component ``version`` (1 to 7: see the module docstring).

    ``extra`` (used by ``extract.times.rules_crf.v1``) is asked, after each sentence's rules have run, for more
    spans in it (given the sentence and what the rules found there); each one that overlaps no rule span is
    normalised by ``_normalise_extra`` (the rules' patterns inside it, read as a trusted span) or dropped."""
    if version not in VERSIONS:
        raise PipelineError(f"no version {version!r} of the time rules", hint=f"use one of {list(VERSIONS)}")
    try:
        event_rules = _event_rules(tuple(anchors))
    except TypeError:  # an anchor built by hand with a list of names is not hashable: build its rules afresh
        event_rules = _event_rules.__wrapped__(tuple(anchors))
    rules = [*event_rules, *_rules_of(version)]
    if version >= 7:
        sentences = _unwrapped(text, sentences)
    results: list[TimeExpr] = []
    previous: date | None = None
    quarter: str | None = None
    dated: str | None = None
    previous_index = -1
    for index, sentence in enumerate(sentences):
        body = text[sentence.start_char : sentence.end_char]
        if version >= 7:
            body = body.replace("\n", " ")  # v7: a wrapped line: "nineteen\nseventy-nine" (patterns spell a space)
        ctx = _Context(text, reference, body, sentence.start_char, anchors, previous, version=version)
        first_here = len(results)
        for start, end, _, rule, match in _candidates(body, sentence.start_char, rules):
            ctx.previous, ctx.quarter, ctx.dated = previous, quarter, dated
            ctx.previous_here = previous if previous_index == index else None
            try:
                resolved = rule.resolve(match, ctx)
            except (ValueError, OverflowError):  # arithmetic past year 1 or 9999: not a date we can place
                resolved = None
            if resolved is None:
                continue
            results.append(_time_expr(start, end, resolved, rule.name))
            if resolved.type == "DATE" and resolved.precision == "day" and _ISO_DAY.fullmatch(resolved.value):
                previous = date.fromisoformat(resolved.value)
                previous_index = index
            elif version >= 7 and resolved.type == "TIME" and _ISO_DAY.match(resolved.value):
                # v7: a time of a day names that day too ("Friday night ... the next day")
                previous = date.fromisoformat(resolved.value[:10])
                previous_index = index
            if re.fullmatch(r"\d{4}-Q\d", resolved.value) and (version == 1 or rule.name not in ("ago", "year-ago")):
                quarter = resolved.value  # v2: "a year earlier" after "a year ago" still compares with the quarter
            if resolved.type in ("DATE", "TIME") and _DATED.match(resolved.value):
                dated = resolved.value
        if extra is None:
            continue
        here = results[first_here:]
        for start, end in extra(sentence, here):
            if any(start < other.end_char and other.start_char < end for other in results[first_here:]):
                continue  # the rules' span wins: the extra spans only add what the rules missed
            ctx.previous, ctx.quarter, ctx.dated = previous, quarter, dated
            ctx.previous_here = previous if previous_index == index else None
            expr = _normalise_extra(start, end, rules, ctx)
            if expr is None:
                continue
            results.append(expr)
            if expr.type == "DATE" and expr.precision == "day" and _ISO_DAY.fullmatch(expr.value):
                previous = date.fromisoformat(expr.value)
                previous_index = index
            if expr.type in ("DATE", "TIME") and _DATED.match(expr.value):
                dated = expr.value
        results[first_here:] = sorted(results[first_here:], key=lambda expr: expr.start_char)
    return results


# (sentence, what the rules found in it) -> more (start, end) spans in it (see find_times).
ExtraSpans = Callable[[Span, Sequence[TimeExpr]], Sequence[tuple[int, int]]]


def _normalise_extra(start: int, end: int, rules: Sequence[_Rule], ctx: _Context) -> TimeExpr | None:
    """The value of a span found by something other than the rules (a CRF): the longest rule match inside it
    that resolves in its sentence (so tense and earlier dates count), read as a trusted span (``_Context``);
    None when no rule reads it. Tried and left out, measured on TBAQ-cleaned's held-out part and MEANTIME: a
    rule match on the span's text alone (it skips the look-arounds that keep rates and names out) and a lexicon
    of context-free values ("decades" ``PXDE``, "annually" ``P1Y``): both lowered value F1 on TBAQ-cleaned."""
    offset = ctx.sentence_start
    inside: list[tuple[int, int, _Rule, re.Match[str]]] = []
    lowered = ctx.sentence.lower()
    ascii_safe = ctx.sentence.isascii() or _FOLDS_TO_ASCII.search(ctx.sentence) is None
    needs: dict[_Need, bool] = {}
    for priority, rule in enumerate(rules):
        if ascii_safe and not _passes(rule, ctx.sentence, lowered, needs):
            continue  # cannot match in this sentence (see _candidates)
        # From the sentence's start (a pattern may hold a preposition before its span: "in the next year") and
        # from the span's (an earlier match may swallow its start); no end bound: a pattern's look-ahead must
        # still see what follows ("55 years old" is an age).
        seen: set[tuple[int, int]] = set()
        for begin in (0, start - offset):
            for match in rule.pattern.finditer(ctx.sentence, begin):
                group = _span_group(match)
                left, right = offset + match.start(group), offset + match.end(group)
                if start <= left < right <= end and (left, right) not in seen:
                    seen.add((left, right))
                    inside.append((right - left, priority, rule, match))
    trusted = replace(ctx, trusted=True)
    for _, _, rule, match in sorted(inside, key=lambda item: (-item[0], item[1])):
        try:
            resolved = rule.resolve(match, trusted)
        except (ValueError, OverflowError):
            continue
        if resolved is None:
            continue
        return _time_expr(start, end, resolved, f"crf+{rule.name}")
    return None


def _anchor_from_dict(raw: Any) -> AnchorEvent | None:
    if isinstance(raw, AnchorEvent):
        return raw
    try:
        names = raw["names"]
        names = (names,) if isinstance(names, str) else tuple(str(name) for name in names)
        start = raw["start"] if isinstance(raw["start"], date) else date.fromisoformat(str(raw["start"]))
        return AnchorEvent(str(raw["id"]), names, start)
    except (KeyError, TypeError, ValueError):
        return None


def pack_anchors(packs: Sequence[str]) -> list[AnchorEvent]:
    """The anchor events of domain packs that start on a known day (a year or a month cannot count days)."""
    found: list[AnchorEvent] = []
    for name in packs:
        for anchor in load_pack(name).anchors:
            if len(anchor.start) == 10 and anchor.names:
                found.append(
                    AnchorEvent(id=anchor.id, names=tuple(anchor.names), start=date.fromisoformat(anchor.start))
                )
    return found


# (text, sentences, reference date, anchor events) -> the time expressions found (a time component's reader)
TimeFinder = Callable[[str, Sequence[Span], date | None, Sequence[AnchorEvent]], list[TimeExpr]]


def _make_extractor(
    version: int, anchors: list[AnchorEvent] | list[dict[str, Any]] | None, packs: Sequence[str]
) -> ComponentFn:
    def find(
        text: str, sentences: Sequence[Span], reference: date | None, known: Sequence[AnchorEvent]
    ) -> list[TimeExpr]:
        return find_times(text, sentences, reference, known, version)

    return make_anchored_extractor(f"extract.times.rules.v{version}", find, anchors, packs)


def make_anchored_extractor(
    component: str, find: TimeFinder, anchors: list[AnchorEvent] | list[dict[str, Any]] | None, packs: Sequence[str]
) -> ComponentFn:
    """A time component running ``find`` with the anchor events of ``packs``, the built-ins, ``anchors`` (its
    config) and each report's own (``meta["anchors"]``), the most specific first."""
    configured: list[AnchorEvent] = [*pack_anchors(packs), *BUILTIN_ANCHORS]
    for raw in anchors or []:
        anchor = _anchor_from_dict(raw)
        if anchor is None:
            raise PipelineError(
                f"bad anchor event {raw!r} in the config of {component}",
                hint="give each anchor an id, names (a list of phrases) and start (an ISO date like 2025-03-03)",
            )
        configured.insert(0, anchor)

    def run(doc: Document) -> Document:
        doc_anchors = list(configured)
        for raw in doc.meta.get("anchors") or []:
            anchor = _anchor_from_dict(raw)
            if anchor is None:
                logger.warning("%s: ignoring a malformed anchor event %r", doc.locator, raw)
                continue
            doc_anchors.insert(0, anchor)  # the user's own anchors win over the built-ins
        found = find(doc.text, doc.spans.get("sentences", []), _reference_date(doc), doc_anchors)
        doc.spans["times"] = [expr.to_span() for expr in found]
        return doc

    return run


@register(
    "extract.times.rules.v1",
    requires=("spans.sentences",),
    assigns=("spans.times",),
    description="Time expressions (TIMEX3 type and value) resolved against the report's date and anchor events.",
)
def make_time_extractor(
    anchors: list[AnchorEvent] | list[dict[str, Any]] | None = None, packs: Sequence[str] = ("mideast",)
) -> ComponentFn:
    """Build the v1 extractor; ``anchors`` (AnchorEvent or dicts with id/names/start) and the anchor events of
    ``packs`` (built-in names or folder paths) are added to the built-ins, the configured ones first."""
    return _make_extractor(1, anchors, packs)


@register(
    "extract.times.rules.v2",
    requires=("spans.sentences",),
    assigns=("spans.times",),
    description="Time expressions (TIMEX3 type and value), v2: sentence tense, ages, spelled years, fractions.",
)
def make_time_extractor_v2(
    anchors: list[AnchorEvent] | list[dict[str, Any]] | None = None, packs: Sequence[str] = ("mideast",)
) -> ComponentFn:
    """Build the v2 extractor (config as v1's; what changed: the module docstring)."""
    return _make_extractor(2, anchors, packs)


@register(
    "extract.times.rules.v3",
    requires=("spans.sentences",),
    assigns=("spans.times",),
    description="Time expressions (TIMEX3 type and value), v3: tense over windows, spans before events, anaphora.",
)
def make_time_extractor_v3(
    anchors: list[AnchorEvent] | list[dict[str, Any]] | None = None, packs: Sequence[str] = ("mideast",)
) -> ComponentFn:
    """Build the v3 extractor (config as v1's; what changed: the module docstring)."""
    return _make_extractor(3, anchors, packs)


@register(
    "extract.times.rules.v4",
    requires=("spans.sentences",),
    assigns=("spans.times",),
    description="Time expressions (TIMEX3 type and value), v4: recent dates in future sentences, relative weekdays.",
)
def make_time_extractor_v4(
    anchors: list[AnchorEvent] | list[dict[str, Any]] | None = None, packs: Sequence[str] = ("mideast",)
) -> ComponentFn:
    """Build the v4 extractor (config as v1's; what changed: the module docstring)."""
    return _make_extractor(4, anchors, packs)


@register(
    "extract.times.rules.v5",
    requires=("spans.sentences",),
    assigns=("spans.times",),
    description="Time expressions (TIMEX3 type and value), v5: more holidays, year-end, day ranges, weekly sets.",
)
def make_time_extractor_v5(
    anchors: list[AnchorEvent] | list[dict[str, Any]] | None = None, packs: Sequence[str] = ("mideast",)
) -> ComponentFn:
    """Build the v5 extractor (config as v1's; what changed: the module docstring)."""
    return _make_extractor(5, anchors, packs)


@register(
    "extract.times.rules.v6",
    requires=("spans.sentences",),
    assigns=("spans.times",),
    description="Time expressions (TIMEX3 type and value), v6: past plans, present schedules, clock days, names.",
)
def make_time_extractor_v6(
    anchors: list[AnchorEvent] | list[dict[str, Any]] | None = None, packs: Sequence[str] = ("mideast",)
) -> ComponentFn:
    """Build the v6 extractor (config as v1's; what changed: the module docstring)."""
    return _make_extractor(6, anchors, packs)


@register(
    "extract.times.rules.v7",
    requires=("spans.sentences",),
    assigns=("spans.times",),
    description="Time expressions (TIMEX3 type and value), v7: days in words, month modifiers, sub-day offsets.",
)
def make_time_extractor_v7(
    anchors: list[AnchorEvent] | list[dict[str, Any]] | None = None, packs: Sequence[str] = ("mideast",)
) -> ComponentFn:
    """Build the v7 extractor (config as v1's; what changed: the module docstring)."""
    return _make_extractor(7, anchors, packs)
