"""Typed events by rules over tokens: who did what to whom, where, when, with what, and how many.

The ontology (36 types fit for conflict and political news: attack, armed clash, air/drone strike, shelling,
bombing, killing, abduction, arrest, siege, displacement, protest, meeting, talks, visit, statement, accusation,
threat, demand, appeal, denial, agreement, ceasefire, office opening, relocation, withdrawal, deployment,
appointment, resignation, sanction, aid, support, cooperation, concession, coercion, legal action; each with its
PLOVER category, CAMEO quad class, trigger words and figure kinds) is data, in ``event_types.yaml``, loaded once.
No parser and no lemmas are available offline, so the rules work on the tokens of
``storytrace.extract.sentences`` with inflected forms:

* a **trigger** is the longest phrase of the ontology at a token (a word listed both as verb and noun is a noun
  after a determiner, a preposition, a number or an adjective); a type's **guards** (regexes: "heart attack",
  "strike a deal", "meeting point", "general strike" …) veto a trigger they cover; a capitalised trigger next to
  another capitalised word is part of a name ("Amnesty International"), unless the sentence is a title-case
  headline. A sentence without the key word of any trigger is skipped before it is tokenised (a set lookup),
  and one whose lower-cased tokens hold no whole trigger phrase before its token records are built;
* **actors** are the agent side: the noun phrase before an active verb (auxiliaries, adverbs, a time expression
  and a comma-delimited apposition, relative clause or parenthesis are stepped over; a prepositional phrase such
  as "a car bomb in Kiev" is stepped over to its head; conjuncts give one arg each), the "by X" phrase after a
  passive verb or a noun, a possessive or name before a noun ("Hamas's attack", "the Hamas attack"), or the
  subject of a light verb ("X launched an attack", "X denied carrying out the attack"); a verb after "and"
  shares the previous verb's subject. **targets** are the patient side: the object of an active verb, the
  subject of a passive one (and the name before its apposition: "X, a party leader, was abducted"), "on/against
  X" after a violent noun, "of X" after "murder/arrest/siege …", "with X" after meet/talks/clash/agree. A
  leading number is kept out of an arg (it is a figure); an event noun as subject ("the strike killed") is no
  actor;
* **instruments** are weapon words of the sentence ("drone", "rockets", "car bomb") for violent types; a weapon
  is never an actor, and a generic attack or killing whose subject or "with" phrase is a weapon is retyped
  (drone → drone_strike, warplane → air_strike, rocket/mortar → shelling, bomb → bombing);
* **place** is the nearest "in/at/near/outside … X" phrase that holds a GPE/LOC/FAC entity or a place noun
  ("village", "checkpoint"), else the nearest GPE/LOC/FAC entity of the sentence that is no actor or target of
  its events; the object of visit/deploy/withdraw/relocate is a place when it is one; **time** is the nearest
  DATE/TIME span of the ``times`` layer in the sentence (a bare month name after a capitalised word, as in
  "Theresa May", is read as a name);
* **figures** keep their wording ("at least 7", "more than 150", "dozens", "a dozen", "scores") with low/high
  bounds and an ``approximate`` flag; their kind comes from the word before ("killed 7", "wounding dozens",
  "death toll rose to 30") or after ("7 people were killed", "40 wounded", "12 attacks"), and each goes to the
  nearest event of the sentence whose type keeps that kind;
* **negated**: "not/never/no/without" before the trigger, or inside the scope of a denial ("denied carrying out
  the attack", "refused to meet"); **modality**: future ("will meet"), planned ("plans to open", "the proposed
  visit"), possible ("could strike", "threatened to attack"), conditional ("would", "if"); **hedges** are the
  hedge words of the sentence ("reportedly", "allegedly", "suspected").

Merging (judgement, per sentence): a killing stated with a violent event ("a drone strike killed 7 and wounded
40", "gunmen attacked the checkpoint, killing two") is one event: the killing mention is folded into the nearest
preceding (else following) violent event of the sentence (its victims join the targets, its figures the
figures); a noun trigger that repeats a verb trigger of the same type next to it ("delivered food aid") is
dropped; otherwise mentions stay separate ("the attack … the assault" gives two). "wounded/injured" never make
an event of their own: they give figures.

Speed: about 4 ms of CPU per 1,000-word article on event-dense generated news (65 events per article), the same
order as ``extract.attributions.rules.v3`` on the same text.

**v3** (``extract.events.rules.v3``; v2 keeps its exact output, stored reports name it) records occurrences, not
states, vehicles or wishes. It reads ``event_types.yaml`` with its ``v3`` overlay: a **release** type (a person
set free: CAMEO 0841, PLOVER RETREAT; v2 called it aid), "named" as identified ("asked not to be named") and "gave"
with information ("gave no casualty figures") are no appointment or aid, a reporter's "request for comment" is no
appeal, "on smuggling charges" is no accusation, "warned of the risk of" is no threat, "declared a state of siege"
is coercion. Then, per sentence:

* a **siege** is kept at its onset ("the siege began on 3 May", "laid siege to", "besieged the town", "has
  blockaded the town since 3 May"); its end ("lifted the siege", ", ending a 30-day siege", "will lift the
  blockade") is a **withdrawal** (CAMEO 0872 "ease military blockade"), folded into a withdrawal the sentence
  already reports; every other mention describes the ongoing siege ("the besieged town", "the militia besieging
  X", "the 17th day of the siege", "since the siege began") and is dropped;
* a **statement** that only carries a reported claim ("said in a statement that", "In a statement posted online,
  the group said", "claimed the attack in a statement") is dropped: the claim is the news and the attributions
  layer records its speaker; a statement that is itself the news stays ("issued a statement", "declined to
  comment", "told a news conference");
* "to discuss" after a meeting of the sentence is that meeting's purpose, not talks of their own;
* **modality** ``demanded`` for a noun event someone demands ("demanding the release of", "called for his
  resignation", "press for the release"), ``conditional`` for one traded or awaited ("in exchange for his
  release", "until the release", "once X is freed"), a modal after a noun subject ("a second meeting could take
  place") and "to end/lift" a siege (planned); a negative subject ("nothing was signed") negates;
* **time**: a date after "since/until" bounds a state, so it dates only a siege; a dateline date ("HARBAL, March
  24 (Wire) -") yields to another date of the sentence.

**v4** (``extract.events.rules.v4``; v3 keeps its exact output) reads what the analyst's timeline stands on:
whether the report says the event happened, and where and when. It reads ``event_types.yaml`` with the ``v3`` and
``v4`` overlays ("asking what it will take" is a question, not an appeal). Then:

* **no event**: a noun named in a contrast ("a straight answer, not a press release", "rather than a statement"),
  a bare plural statement after "of" ("reposts of army statements"), a present-tense verb whose subject is
  anyone at all ("everybody meets everybody");
* **negated**: a refusal to comment ("declined to comment": CAMEO 011 codes it as a statement; it stays a
  ``statement`` mention, negated, so the timeline leaves it out and ``--all`` shows it), a trigger in the subject
  of a passive denial ("the report of a 9 March meeting has been flatly denied"), a negative subject before
  auxiliaries ("nothing should ever have been discussed"); a speech-act noun that is a denial's object is **not**
  negated ("rejected as «baseless» an allegation by an official": the allegation was made, its content is
  denied), while one after a verb is ("denied making threats");
* **modality**: ``demanded`` after "should/ought"; ``possible`` for a noun subject whose predicate weighs it up
  ("a prisoner release … remains the likeliest way out", "a deal … was within reach") and a noun in prospect
  ("talk of a deal"); a modal 7 to 10 tokens before a noun trigger with no clause or past verb between ("said
  they would set off on Saturday on a march"); a purpose ("… on a march to demand an end") shares the modality of
  the event before it; ``alleged`` inside the "that" clause of a claim or allegation noun ("unverified claims that
  he was wounded in a drone strike", "an allegation … that drones had been sent");
* **place and time** come from the trigger's clause: a ";" or a comma before "and/but/who/which/whose/as/after
  …" ends it (not "when" or "where", which share the clause's date or place), so "his deputy, who was arrested
  in Harbal on Mar. 1" gives its place and date to the arrest only, not to "is demanding the release"; a dateline
  date still dates the sentence's events when their clause has none (a dateline place does not); a country's
  adjective ("the Qarnassan town") is no place.

Known gaps: no parser, so long subjects, nested clauses, prepositional modifiers of an arg ("the bastion in the
country" stops at "in") and ellipsis lose or cut args; no cross-sentence coreference ("the attack" in a later
sentence is a new mention, and "it"/"they" are kept as written); a noun trigger with no by-phrase, possessive or
light verb has no actor; figure kinds rely on a casualty word within a few tokens; a symmetric event ("X met Y")
puts Y among the targets; the ontology is English only. v3: the siege rules know sieges and blockades only (an
occupation or a curfew described as ongoing still gives events); a prisoner release in a subject with its modal far
away ("a prisoner release … remains the likeliest way out") stays asserted; "a deal … was within reach" and
"talk of a deal" are asserted agreements; a generic present ("everybody meets everybody") is an event. v4: the
clause of a place or date is cut at punctuation and a few openers only ("that its officials had met … on Mar. 9"
is not cut; "– and that every member of the Qasr Numayr delegation" is); the report's own date or place, or a
reporting verb's ("said on Monday that X was arrested"), can still date an event of the sentence; "alleged"
needs a claim noun (a verb, "an account claimed that …", keeps the event asserted, as does "reported that");
a generic present is only caught with an "everybody"-like subject ("people meet here" stays an event); the
object of a move verb can still be a country's adjective ("lifts siege of northern Qarnassan town").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from storytrace.extract.entity_merge import entity_spans
from storytrace.extract.sentences import TOKEN_PATTERN
from storytrace.model import Document, Span
from storytrace.pipeline import ComponentFn, register

__all__ = ["EVENT_TYPES", "EventType", "extract_events", "load_ontology"]

QUADS = frozenset({"verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict"})
FIGURE_KINDS = frozenset({"killed", "wounded", "missing", "arrested", "displaced", "attacks", "people", "other"})


@dataclass(frozen=True, slots=True)
class EventType:
    """One type of the ontology (an entry of ``event_types.yaml``)."""

    name: str
    plover: str
    quad: str
    violent: bool
    figures: frozenset[str]
    guards: tuple[re.Pattern[str], ...]
    # Words one of which must stand near the trigger ("supplied" is an arms transfer only near "drones"); a type
    # with them is tried before a type that takes the same trigger without (``aid``, ``meeting``).
    requires: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True, slots=True)
class _Trigger:
    words: tuple[str, ...]
    type: str
    pos: str  # verb | noun | both


@dataclass(frozen=True, slots=True)
class _Ontology:
    types: dict[str, EventType]
    index: dict[str, tuple[_Trigger, ...]]  # first word -> triggers, longest first
    first_words: frozenset[str]
    key_words: frozenset[str]  # one specific word per trigger: a sentence without any of them is skipped


# Words too common to stand for a phrase in the sentence prefilter ("said in a statement" is keyed on "statement").
_COMMON = frozenset(
    """a an the of in on at to for by with from its their his her out up down off into over said told called
    calling calls call closed set held made open opened state official press news move moved armed sent went go
    took take taken the this that put gave""".split()
)


# How far from a conditional trigger (characters) one of its type's ``requires`` words may stand: "supplied the
# group with at least a dozen armed drones", "drones that came across the border".
_NEAR_BEFORE, _NEAR_AFTER = 40, 80


def _key_word(words: tuple[str, ...]) -> str:
    """The most specific letters-only word of a trigger phrase (the prefilter looks for it)."""
    letters = [w for w in (re.sub(r"[^\w]", " ", " ".join(words))).split() if w.isalpha()]
    specific = [w for w in letters if w not in _COMMON] or letters or list(words)
    return max(specific, key=len)


def _entries(raw: dict[str, Any], version: int) -> dict[str, dict[str, Any]]:
    """The type entries a version reads: v2 the ``types`` section; v3 with the ``v3`` overlay (new types, dropped
    and added triggers, more guards) applied on a copy; v4 with the ``v4`` overlay on top."""
    entries = {name: dict(entry) for name, entry in raw["types"].items()}
    for step in range(3, version + 1):  # each version applies its own overlay on top of the previous ones
        _overlay(entries, raw.get(f"v{step}") or {})
    return entries


def _overlay(entries: dict[str, dict[str, Any]], overlay: dict[str, Any]) -> None:
    """Apply one version's overlay (dropped and added triggers, more guards, new types) in place."""
    for name, phrases in (overlay.get("drop") or {}).items():
        gone = {str(p) for p in phrases}
        for pos in ("verbs", "nouns"):
            entries[name][pos] = [p for p in entries[name].get(pos, []) if str(p) not in gone]
    for name, more in (overlay.get("add") or {}).items():
        for pos in ("verbs", "nouns"):
            entries[name][pos] = [*entries[name].get(pos, []), *more.get(pos, [])]
    for name, guards in (overlay.get("guards") or {}).items():
        entries[name]["guards"] = [*entries[name].get("guards", []), *guards]
    for name, entry in (overlay.get("types") or {}).items():
        entries[name] = dict(entry)


@lru_cache(maxsize=1)
def _read_ontology() -> dict[str, Any]:
    """``event_types.yaml`` as parsed, read once for every version (``_entries`` works on copies of it)."""
    raw: dict[str, Any] = yaml.safe_load(
        resources.files("storytrace.extract").joinpath("event_types.yaml").read_text("utf-8")
    )
    return raw


@lru_cache(maxsize=4)
def load_ontology(version: int = 2) -> _Ontology:
    """The types of a version and a first-word index of their triggers, built once per version."""
    types: dict[str, EventType] = {}
    seen: dict[tuple[str, ...], _Trigger] = {}
    for name, entry in _entries(_read_ontology(), version).items():
        if entry["quad"] not in QUADS or not FIGURE_KINDS.issuperset(entry.get("figures", [])):
            raise ValueError(f"event type {name!r} in event_types.yaml has a bad quad or figure kind")
        types[name] = EventType(
            name=name,
            plover=str(entry["plover"]),
            quad=str(entry["quad"]),
            violent=bool(entry.get("violent", False)),
            figures=frozenset(entry.get("figures", [])),
            guards=tuple(re.compile(g) for g in entry.get("guards", [])),
            requires=tuple(re.compile(r) for r in entry.get("requires", [])),
        )
        conditional = bool(types[name].requires)
        for pos in ("verbs", "nouns"):
            for phrase in entry.get(pos, []):
                words = tuple(t.group().lower() for t in TOKEN_PATTERN.finditer(str(phrase)))
                key = (*words, f"\x00{name}") if conditional else words  # kept beside another type's trigger
                old = seen.get(key)
                if old is None:  # a phrase listed by two types belongs to the first
                    seen[key] = _Trigger(words, name, pos[:-1])
                elif old.type == name and old.pos != pos[:-1]:
                    seen[key] = _Trigger(words, name, "both")
    index: dict[str, list[_Trigger]] = {}
    for trigger in seen.values():
        index.setdefault(trigger.words[0], []).append(trigger)

    def order(trigger: _Trigger) -> tuple[int, bool]:  # longest first; of equal length, the conditional first
        return -len(trigger.words), not types[trigger.type].requires

    return _Ontology(
        types=types,
        index={w: tuple(sorted(ts, key=order)) for w, ts in index.items()},
        first_words=frozenset(index),
        key_words=frozenset(_key_word(t.words) for t in seen.values()),
    )


EVENT_TYPES = tuple(load_ontology().types)

# ---------------------------------------------------------------------------------------------------------------
# Word lists (lower case, inflected)

_DETERMINERS = frozenset(
    """a an the this that these those its their his her our my your another any no some each every such""".split()
)
# Before a word that is both verb and noun, these make it a noun: "the attack", "an attack", "deadly attack".
_NOUN_CUES = _DETERMINERS | frozenset(
    """'s ’s of on in at after during since before for against new latest deadly fresh recent major first second
    last further overnight similar joint possible alleged suspected apparent planned proposed upcoming weekly
    previous earlier later rare large small massive big coordinated series wave week's day's""".split()
)
_ADJECTIVE_ENDINGS = ("ous", "al", "ic", "ive", "ist", "ful", "ary", "ern", "ish", "ian", "ese", "led", "scale")
_BE = frozenset("is are was were be been being am get got gets".split())
_AUX = frozenset(
    """has have had having will would could can may might shall should must did do does 'll also reportedly
    allegedly apparently then later jointly again already just once first finally subsequently immediately
    successfully repeatedly still further indeed hastily openly publicly formally officially strongly sharply
    quickly briefly recently previously yesterday today tonight reported purportedly reportedly allegedly
    to plans plan planned planning intends intend intended intending aims aim aimed seeks seek sought wants want
    wanted tried try tries attempted attempt decided decide agreed vowed pledged promised threatened refused
    failed continued continue continues began begin begun started start starts managed set expected due going
    about is are was were be been being not never n't didn't didn’t don't doesn't won't wasn't weren't hasn't
    haven't hadn't cannot can't couldn't wouldn't isn't aren't""".split()
)
_NEGATIONS = frozenset(
    """not never no without n't didn't didn’t don't don’t doesn't doesn’t won't won’t wasn't wasn’t weren't weren’t
    hasn't haven't hadn't cannot can't couldn't wouldn't isn't aren't neither nor""".split()
)
_DENY_SCOPE = frozenset(
    "denied denies deny denying refuted refutes refute dismissed dismisses rejected rejects rejecting".split()
)
_REFUSE = frozenset("refused refuses refusing declined declines failed fails".split())
# Verbs that take an -ing or to-clause whose subject is theirs: "denied carrying out", "claimed to have".
_CONTROL = frozenset(
    """denied denies deny denying refused refuses admitted admits claimed claims acknowledged threatened
    threatens vowed vows pledged promised planned plans plan agreed decided began started continued to have
    has had""".split()
)
_FUTURE = frozenset("will shall 'll won't won’t".split())
_PLANNED = frozenset(
    """plans plan planned planning intends intend intended intending aims aim aimed seeks seek sought proposed
    proposes propose scheduled upcoming forthcoming vowed vows pledged pledges promised promises prepared
    preparing expected""".split()
)
_POSSIBLE = frozenset("could may might possible possibly potential likely threatened threatens threatening".split())
_CONDITIONAL = frozenset("would if unless".split())
_HEDGE_WORDS = frozenset(
    """reportedly allegedly apparently purportedly unconfirmed unverified alleged suspected presumed presumably
    possibly probably likely believed rumoured rumored could may might""".split()
)
# Words that end a noun phrase: clause openers, conjunctions, reporting verbs, prepositions (but "of").
_CLAUSE = frozenset(
    """that which who whom whose when where while after before as because since if although though but and or
    nor said says say told tells according added adding claimed reported stated announced than so yet""".split()
)
_PREPOSITIONS = frozenset(
    """in on at near from to with for by during against into over under through across outside inside around
    between among about via toward towards along amid amidst behind beyond despite onto upon without within""".split()
)
_LOCATIVE = frozenset("in at near outside inside across around into from along amid".split())
# Verbs that often follow a noun phrase and must end it ("the attack on the base left two dead").
_PHRASE_END = (_CLAUSE - {"and", "or"}) | _PREPOSITIONS
_TIME_ADVERBS = frozenset("overnight yesterday today tonight earlier later recently again".split())
_VERBISH = frozenset(
    """left leaving leaves caused causing causes sparked sparking prompted prompting came comes took takes
    killed wounded injured destroyed damaged forced triggered followed drew draws marked""".split()
)
_LIGHT_VERBS = frozenset(
    """launched launch launches launching carried carry carries carrying conducted conduct conducts conducting
    staged stage stages mounted mount mounts led lead leads held hold holds holding organized organised
    organize organise signed sign signs made make makes issued issue issues began begin begins started start
    waged wage reached reach reaches claimed claim claims continued resumed resume opened open opens paid pay
    pays undertook undertake perpetrated committed commit executed unleashed ordered order orders concluded
    called call calls""".split()
)
_WITH_TYPES = frozenset({"meeting", "talks", "agreement", "armed_clash", "ceasefire", "visit", "statement"})
# Noun triggers whose "on/against X" is a target ("sanctions on Iran", "protest against the law").
_ON_TYPES = frozenset({"sanction", "protest", "accusation", "threat", "arrest", "siege", "demand"})
# Noun triggers whose "of X" is the patient: "the murder of X", "the arrest of X", "the siege of X".
_OF_TYPES = frozenset(
    {"killing", "abduction", "arrest", "siege", "bombing", "air_strike", "shelling", "displacement", "aid", "sanction",
     "cooperation", "legal_action", "concession", "release"}
)  # fmt: skip
_MOVE_TYPES = frozenset({"visit", "deployment", "withdrawal", "relocation", "displacement", "office_opening"})
_PLACE_NOUNS = frozenset(
    """village villages town towns city cities province provinces district districts region area areas camp camps
    base bases checkpoint checkpoints neighbourhood neighborhood neighbourhoods neighborhoods border crossing
    street road highway capital outskirts suburb suburbs square market hospital school mosque church port airport
    compound headquarters barracks prison building buildings farm farms valley mountains hills department
    university depot embassy consulate palace plant factory field quarter ministry office offices
    municipality county state country island coast governorate airbase station bridge""".split()
)
_ING_NOUNS = frozenset(
    """building buildings meeting meetings bombing bombings shelling fighting killing killings kidnapping uprising
    offering clothing housing funding training ceiling evening morning spring wing string king thing things
    nothing something anything everything beijing sterling darjeeling""".split()
)
_MONTH_NAMES = frozenset("may march june july april august".split())
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_CONTENT_PUNCT = frozenset({"'s", "’s", "-", ".", "&", "'", "’"})

# Weapons: the longest first; the type a generic attack whose subject is this weapon becomes.
_INSTRUMENTS = re.compile(
    r"\b(?:improvised explosive devices?|explosive devices?|explosive charges?|dynamite (?:charges?|sticks?)|"
    r"sticks? of dynamite|ieds?|car[- ]bombs?|truck[- ]bombs?|roadside bombs?|suicide (?:vests?|belts?)|"
    r"booby[- ]traps?|landmines?|land mines?|mines|molotov cocktails?|"
    r"drones?|uavs?|unmanned aerial vehicles?|warplanes?|fighter jets?|jets|aircraft|helicopter gunships?|"
    r"helicopters?|gunships?|rocket-propelled grenades?|rocket launchers?|grenade launchers?|rockets?|katyushas?|"
    r"mortars?(?: rounds?| shells?)?|artillery(?: shells?)?|shells|ballistic missiles?|cruise missiles?|missiles?|"
    r"hand grenades?|grenades?|rpgs?|bombs?|explosives?|dynamite|tnt|(?:sub)?machine[- ]?guns?(?: fire)?|"
    r"assault (?:rifles?|weapons?)|ak-47s?|rifles?|firearms?|guns?|pistols?|revolvers?|"
    r"bullets?|knives|knife|machetes?)\b",
    re.IGNORECASE,
)
_WEAPON_WORDS = frozenset(
    """improvised explosive explosives device devices ied ieds car truck roadside bomb bombs suicide vest vests belt
    belts bomber bombers booby trap traps landmine landmines land mines drone drones uav uavs unmanned aerial
    vehicle vehicles warplane warplanes fighter jet jets aircraft helicopter helicopters gunship gunships air force
    rocket rockets katyusha katyushas mortar mortars artillery shell shells missile missiles ballistic cruise
    grenade grenades rpg rpgs dynamite tnt machine gun guns machinegun rifle rifles firearm firearms pistol
    pistols bullet bullets knives knife machete machetes molotov launcher launchers submachinegun submachineguns
    assault ak revolver revolvers charges sticks""".split()
)
_RETYPE = (
    (re.compile(r"drone|uav|unmanned", re.I), "drone_strike"),
    (re.compile(r"warplane|jet|aircraft|helicopter|gunship|air force", re.I), "air_strike"),
    (re.compile(r"rocket|katyusha|mortar|artillery|shell|missile", re.I), "shelling"),
    (re.compile(r"bomb|explosive|ied|dynamite|tnt|mine|booby|suicide", re.I), "bombing"),
)
_RETYPABLE = frozenset({"attack", "killing"})

# ---------------------------------------------------------------------------------------------------------------
# Figures

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100, "a dozen": 12, "dozen": 12,
    "a thousand": 1000, "a couple of": 2, "a pair of": 2,
}  # fmt: skip
# Vague amounts: (low, high); approximate by nature.
_VAGUE = {
    "dozens": (24, None), "scores": (40, None), "hundreds": (200, None), "thousands": (2000, None),
    "tens of thousands": (20000, None), "hundreds of thousands": (200000, None), "several": (3, None),
    "a few": (2, None), "a handful": (2, None), "a number": (2, None), "many": (None, None),
    "numerous": (None, None), "millions": (2000000, None),
}  # fmt: skip
_SCALE = {"hundred": 100, "thousand": 1000, "million": 1000000}
# Cheap checks before the figure and weapon regexes: most sentences hold no amount and no weapon.
_HAS_DIGIT = re.compile(r"\d")
_AMOUNT_WORDS = frozenset(w for phrase in [*_WORD_NUMBERS, *_VAGUE, "twenty", "thirty"] for w in phrase.split()) - {
    "a",
    "of",
    "number",
}
_MODIFIER = (
    r"at least|at most|more than|over|nearly|almost|about|around|approximately|some|up to|as many as|fewer than|"
    r"less than|roughly|an estimated|no fewer than|no less than|close to|upwards of|just over|just under|only|"
    r"another|a further|an additional"
)
_NUMBER = (
    r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?: (?:hundred|thousand|million))?|"
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ](?:one|two|three|four|five|six|seven|eight|nine)|"
    + "|".join(sorted((re.escape(w) for w in [*_WORD_NUMBERS, *_VAGUE]), key=len, reverse=True))
)
_FIGURE = re.compile(rf"\b(?:(?P<mod>{_MODIFIER})\s+)?(?P<num>{_NUMBER})\b(?:\s+of\b)?", re.IGNORECASE)
_KIND_WORDS = {
    "killed": """killed kill kills killing dead died die dies deaths death lives bodies fatalities slain massacred
        executed murdered toll lifeless""",
    "wounded": "wounded wounding injured injuring injuries injures hurt wounds maimed",
    "missing": "missing disappeared unaccounted",
    "arrested": "arrested arresting detained detaining held captured apprehended arrests detentions detainees jailed",
    "displaced": "displaced displacing fled refugees homeless evacuated uprooted",
    "attacks": """attacks strikes airstrikes air-strikes raids explosions bombings ambushes assaults sorties
        operations""",
    "people": """people persons civilians protesters demonstrators soldiers troops fighters militants policemen
        police children women men residents families workers students officers members guerrillas rebels
        gunmen insurgents terrorists peasants villagers passengers pilgrims worshippers individuals""",
}
_KIND_OF = {word: kind for kind, words in _KIND_WORDS.items() for word in words.split()}
_APPROX = frozenset(
    "about around approximately some roughly an estimated close to nearly almost up to upwards of".split()
)


def _number_value(text: str) -> tuple[int | None, int | None, bool]:
    """(low, high, approximate) of a bare amount: "1,400", "two", "forty-five", "dozens", "3 thousand"."""
    low = text.lower()
    if low in _VAGUE:
        lo, hi = _VAGUE[low]
        return lo, hi, True
    if low in _WORD_NUMBERS:
        return _WORD_NUMBERS[low], _WORD_NUMBERS[low], False
    parts = re.split(r"[- ]", low)
    if len(parts) == 2 and parts[0] in _WORD_NUMBERS and parts[1] in _WORD_NUMBERS:
        value = _WORD_NUMBERS[parts[0]] + _WORD_NUMBERS[parts[1]]
        return value, value, False
    if len(parts) == 2 and parts[1] in _SCALE:
        try:
            value = round(float(parts[0]) * _SCALE[parts[1]])
        except ValueError:
            return None, None, False
        return value, value, False
    try:
        value = round(float(low.replace(",", "")))
    except ValueError:
        return None, None, False
    return value, value, False


def _bounds(modifier: str, number: str) -> tuple[int | None, int | None, bool]:
    low, high, approximate = _number_value(number)
    mod = modifier.lower()
    if low is None or low != high:  # vague amounts keep their own bounds
        return low, high, approximate or bool(mod)
    if mod in {"at least", "no fewer than", "no less than"}:
        return low, None, False
    if mod in {"more than", "over", "upwards of", "just over"}:
        return low + 1, None, mod == "upwards of"
    if mod in {"up to", "at most", "as many as"}:
        return None, high, mod != "at most"
    if mod in {"fewer than", "less than", "just under"}:
        return None, high - 1, False
    if mod in {"nearly", "almost", "close to"}:
        return None, high, True
    return low, high, mod in _APPROX


# ---------------------------------------------------------------------------------------------------------------
# Tokens and noun phrases


@dataclass(slots=True)
class _Tok:
    start: int
    end: int
    text: str
    low: str


def _is_word(tok: _Tok) -> bool:
    return tok.text[0].isalnum()


# Words that end a clause rather than a noun phrase: "in order to attack", "almost", "however".
_NOT_HEADS = frozenset("order almost also only even however then there here too instead thus meanwhile".split())
_ED_NOUNS = frozenset("red bed shed creed seed speed need hundred wed".split())


def _is_head(tok: _Tok) -> bool:
    """Whether a token can end a subject noun phrase (not a past verb, an adverb or a clause word)."""
    if tok.text[0].isupper() or tok.text[0].isdigit():
        return True
    low = tok.low
    if low in _NOT_HEADS or (low.endswith("ly") and len(low) > 4):
        return False
    return not (low.endswith("ed") and low not in _ED_NOUNS)


def _is_ing_verb(tok: _Tok) -> bool:
    return tok.low.endswith("ing") and tok.low not in _ING_NOUNS and not tok.text[0].isupper()


@dataclass(slots=True)
class _Sentence:
    start: int
    end: int
    toks: list[_Tok]
    entities: list[Span]
    times: list[Span]
    stops: frozenset[str] = field(default_factory=frozenset)  # trigger words: a noun phrase does not run over them

    def entity_for(self, start: int, end: int) -> Span | None:
        """The entity covering [start, end), else the longest entity inside it."""
        best: Span | None = None
        for ent in self.entities:
            if ent.start_char <= start and ent.end_char >= end:
                return ent
            inside = ent.start_char >= start and ent.end_char <= end
            if inside and (best is None or ent.end_char - ent.start_char >= best.end_char - best.start_char):
                best = ent
        return best

    def in_time(self, i: int) -> Span | None:
        tok = self.toks[i]
        for span in self.times:
            if span.start_char <= tok.start < span.end_char:
                # "Theresa May": a bare month name right after a capitalised word is a name, not a date
                if span.end_char - span.start_char == len(tok.text) and tok.low in _MONTH_NAMES and i > 0:
                    prev = self.toks[i - 1]
                    if prev.text[0].isupper() and prev.low not in _PREPOSITIONS:
                        return None
                return span
        return None


def _arg(text: str, sent: _Sentence, i: int, j: int) -> dict[str, Any]:
    start, end = sent.toks[i].start, sent.toks[j].end
    if text[end - 2 : end] in {"'s", "’s"} and end - 2 > start:  # "Hamas's attack": the name, not the genitive
        end -= 2
    ent = sent.entity_for(start, end)
    return {
        "text": text[start:end],
        "start_char": start,
        "end_char": end,
        "entity_id": dict(ent.attrs).get("entity_id") if ent else None,
        "label": ent.label if ent else None,
    }


def _skip_left(sent: _Sentence, i: int) -> int:
    """Step left over auxiliaries, adverbs, negation and a time expression; return the new index (may be -1)."""
    toks = sent.toks
    while i >= 0:
        time = sent.in_time(i)
        if time is not None:
            while i >= 0 and toks[i].start >= time.start_char:
                i -= 1
            if i >= 0 and toks[i].low in {"on", "in", "at", "late", "early", "last", "this", "since", "during"}:
                i -= 1
            continue
        if toks[i].low in _AUX or (
            toks[i].low.endswith("ly") and len(toks[i].low) > 4 and not toks[i].text[0].isupper()
        ):
            i -= 1
            continue
        break
    return i


def _np_left(text: str, sent: _Sentence, i: int, depth: int = 0) -> tuple[int, int] | None:
    """The noun phrase ending at token ``i`` (inclusive), as (first, last) token indexes."""
    toks = sent.toks
    if i < 0:
        return None
    if toks[i].text == "," and depth == 0:  # "Hamas, the Palestinian group, attacked": skip the apposition
        k = i - 1
        while k >= 0 and toks[k].text not in {",", "(", "—", "–"} and i - k < 15:
            k -= 1
        if k >= 1 and toks[k].text == "," and toks[k + 1].low in _DETERMINERS | {"who", "which", "whose"}:
            return _np_left(text, sent, k - 1, depth + 1)
        return None
    if toks[i].text == ")":  # "the FMLN (Farabundo ...)": skip the parenthesis
        k = i - 1
        while k >= 0 and toks[k].text != "(" and i - k < 12:
            k -= 1
        if k >= 1:
            return _np_left(text, sent, k - 1, depth + 1)
        return None
    last = i
    first = -1
    k = i
    while k >= 0 and last - k < 8:
        tok = toks[k]
        if not _is_word(tok) and tok.text not in _CONTENT_PUNCT:
            break
        if tok.low in _CLAUSE or tok.low in sent.stops or tok.low in _BE or (tok.low in _AUX and k != i):
            break
        if sent.in_time(k) is not None:
            break
        if tok.low == "at" and k < last and toks[k + 1].low in {"least", "most"}:
            first = k  # "At least five soldiers were killed": the amount belongs to the phrase
            k -= 1
            continue
        if tok.low in _PREPOSITIONS:
            # "a car bomb in Kiev killed": step over the prepositional phrase to its head
            if tok.low in _LOCATIVE and depth == 0 and first != -1 and k >= 1 and _is_word(toks[k - 1]):
                return _np_left(text, sent, k - 1, depth + 1)  # None when the head is an event ("an explosion")
            break
        if tok.low == "of" and first == -1:
            break
        if _is_ing_verb(tok) and first == -1:
            break
        first = k
        if tok.low in _DETERMINERS:
            # "an explosion at a weapons depot killed": step over a second phrase; an event noun is no actor
            if depth < 2 and k >= 2 and toks[k - 1].low in _LOCATIVE:
                if toks[k - 2].low in sent.stops:
                    return None
                head = _np_left(text, sent, k - 2, depth + 1)
                if head is not None:
                    return head
            break
        k -= 1
    if first == -1:
        return None
    while first <= last and toks[first].low in {"of", "'s", "’s", "-", "."}:
        first += 1
    if first > last or not _is_head(toks[last]) or (first == last and toks[first].low in _DETERMINERS):
        return None
    return first, last


def _np_right(sent: _Sentence, i: int, *, allow_and: bool = True) -> list[tuple[int, int]]:
    """Noun phrases starting at token ``i``; coordinated ones ("Hamas and Hezbollah") give several."""
    toks = sent.toks
    out: list[tuple[int, int]] = []
    k = i
    while k < len(toks):
        while k < len(toks) and toks[k].low.endswith("ly") and len(toks[k].low) > 4 and not toks[k].text[0].isupper():
            k += 1  # "met secretly with": an adverb is no object
        first = k
        if first < len(toks) and (_is_ing_verb(toks[first]) or sent.in_time(first) is not None):
            break
        if first < len(toks) and not _is_head(toks[first]) and toks[first].low.endswith("ed"):
            break  # "a statement issued by": a participle is no object
        while k < len(toks) and k - first < 10:
            tok = toks[k]
            if not _is_word(tok) and tok.text not in _CONTENT_PUNCT:
                break
            if sent.in_time(k) is not None:
                break
            if tok.text in {".", "-"} and k == first:
                break
            if tok.low in _CLAUSE or tok.low in _BE or tok.low in _TIME_ADVERBS or tok.low in _AUX:
                break
            if tok.low in _PREPOSITIONS and tok.low != "of":
                break
            if k > first and (tok.low in sent.stops or _is_ing_verb(tok) or tok.low in _VERBISH):
                break
            if k > first and not _is_head(tok) and tok.low.endswith("ed"):
                prev = toks[k - 1].low
                if prev not in _DETERMINERS and not prev.endswith("ly"):
                    break
            if tok.low == "of" and (k + 1 >= len(toks) or not _is_word(toks[k + 1])):
                break
            k += 1
        last = k - 1
        while last >= first and toks[last].low in _DETERMINERS | {"of", "'s", "’s", "-", ".", "'", "’"}:
            last -= 1
        if last < first:
            break
        out.append((first, last))
        if not allow_and or k >= len(toks) - 1 or toks[k].low != "and":
            break
        nxt = toks[k + 1]
        if not (nxt.text[0].isupper() or nxt.low in _DETERMINERS or nxt.text[0].isdigit()):
            break
        if nxt.low in sent.stops:
            break
        k += 1
    return out


def _skip_figure(text: str, sent: _Sentence, k: int) -> int:
    """The index after an amount starting at token ``k`` ("killed at least 7 soldiers"), else ``k``."""
    if k >= len(sent.toks):
        return k
    m = _FIGURE.match(text, sent.toks[k].start)
    if m is None or not m.group("num"):
        return k
    end = m.end()
    while k < len(sent.toks) and sent.toks[k].start < end:
        k += 1
    return k


def _strip_figure(text: str, sent: _Sentence, first: int, last: int) -> int:
    """Move ``first`` past a leading amount ("at least 7 soldiers" -> "soldiers"); figures keep the number."""
    start = sent.toks[first].start
    m = _FIGURE.match(text, start)
    if m is None or m.start() != start or m.end() >= sent.toks[last].end:
        return first
    k = first
    while k <= last and sent.toks[k].start < m.end():
        k += 1
    return k if k <= last else first


# ---------------------------------------------------------------------------------------------------------------
# Mentions


@dataclass(slots=True)
class _Mention:
    type: str
    first: int  # trigger token range
    last: int
    pos: str
    start_char: int
    passive: bool = False
    actors: list[dict[str, Any]] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    instruments: list[dict[str, Any]] = field(default_factory=list)
    place: dict[str, Any] | None = None
    figures: list[dict[str, Any]] = field(default_factory=list)
    negated: bool = False
    modality: str = "asserted"
    dropped: bool = False


def _find_triggers(text: str, sent: _Sentence, onto: _Ontology) -> list[_Mention]:
    toks = sent.toks
    lows = [t.low for t in toks]
    found: list[_Mention] = []
    i = 0
    low_sentence: str | None = None
    guarded: dict[str, list[tuple[int, int]]] = {}  # type -> its guards' matches in the sentence, found once
    title_case: bool | None = None  # worked out on the first capitalised trigger only
    while i < len(toks):
        candidates = onto.index.get(lows[i])
        match: _Trigger | None = None
        if candidates:
            for trig in candidates:
                n = len(trig.words)
                if tuple(lows[i : i + n]) != trig.words:
                    continue
                if low_sentence is None:
                    low_sentence = text[sent.start : sent.end].lower()
                vetoes = guarded.get(trig.type)
                if vetoes is None:
                    vetoes = guarded[trig.type] = [
                        m.span() for g in onto.types[trig.type].guards for m in g.finditer(low_sentence)
                    ]
                start, end = toks[i].start - sent.start, toks[i + n - 1].end - sent.start
                if any(a < end and start < b for a, b in vetoes):
                    continue
                needs = onto.types[trig.type].requires
                near = low_sentence[max(0, start - _NEAR_BEFORE) : end + _NEAR_AFTER]
                if needs and not any(r.search(near) for r in needs):
                    continue
                match = trig
                break
        if match is None:
            i += 1
            continue
        n = len(match.words)
        pos = match.pos
        if pos == "both":
            prev = toks[i - 1] if i else None
            is_noun = prev is None or prev.low in _NOUN_CUES or prev.text[0].isdigit() or not _is_word(prev)
            if prev is not None and prev.low.endswith(("'s", "’s")):
                is_noun = True  # "Mahrouq's arrest"
            if prev is not None and prev.low.endswith(_ADJECTIVE_ENDINGS) and not prev.text[0].isupper():
                is_noun = True  # "simultaneous attacks", "terrorist attack"
            if prev is not None and prev.text in {",", "—", "–"} and match.words[-1].endswith("ing"):
                is_noun = False  # "…, killing two": a participle clause
            if prev is not None and prev.text[0].isupper() and i > 1 and toks[i - 2].low in _DETERMINERS:
                is_noun = True  # "the Hamas attack"
            nxt = toks[i + n] if i + n < len(toks) else None
            if (
                nxt is not None
                and match.words[-1].endswith("ing")
                and (nxt.low in _DETERMINERS or nxt.text[0].isupper())
            ):
                is_noun = False  # "of shelling the camp": a gerund with its object
            pos = "noun" if is_noun else "verb"
        if pos == "verb" and i > 0 and toks[i - 1].low in _DETERMINERS:
            pos = "noun"  # "a besieged town": a participle used as an adjective has no subject
        # a capitalised trigger next to another capitalised word is part of a name ("Amnesty International"),
        # unless the whole sentence is in title case (a headline)
        if toks[i].text[0].isupper() and title_case is None:
            words = [t for t in toks if t.text[0].isalpha()]
            title_case = len(words) > 2 and sum(t.text[0].isupper() for t in words) > 0.6 * len(words)
        if i > 0 and toks[i].low in _MONTH_NAMES and toks[i].text[0].isupper():
            i += n  # "in March", "March 3": a month, not a march
            continue
        if toks[i].text[0].isupper() and not title_case:
            neighbours = [toks[j] for j in (i - 1, i + n) if 0 <= j < len(toks) and (j > 0 or i > 1)]
            if any(t.text[0].isupper() and t.text[0].isalpha() for t in neighbours):
                i += n
                continue
        found.append(_Mention(match.type, i, i + n - 1, pos, toks[i].start))
        i += n
    return found


def _passive(sent: _Sentence, m: _Mention) -> bool:
    if m.pos != "verb":
        return False
    toks = sent.toks
    k = m.first - 1
    while k >= 0 and (toks[k].low.endswith("ly") or toks[k].low in {"reportedly", "allegedly", "not", "never"}):
        k -= 1
    if k >= 0 and toks[k].low in _BE and not toks[m.first].low.endswith("ing"):
        return True
    nxt = m.last + 1
    participle = toks[m.last].low.endswith(("ed", "en", "t")) or toks[m.last].low in {"dead", "down"}
    if nxt < len(toks) and toks[nxt].low == "by" and participle:
        return True
    # headline style, "Seven soldiers killed in Route 9 ambush": a counted subject and a bare participle
    if participle and m.type in _PATIENT_TYPES and k >= 0 and (nxt >= len(toks) or toks[nxt].low in _AFTER_PARTICIPLE):
        span = _np_left("", sent, k)
        if span is not None and _FIGURE.match(sent.toks[span[0]].text) and toks[span[0]].low not in {"a", "an"}:
            return True
    return False


# Types whose counted subject before a bare participle is the patient ("12 people arrested", not "1,000 rallied").
_PATIENT_TYPES = frozenset({"killing", "arrest", "abduction", "displacement"})
# What follows a bare participle in a headline or a reduced clause: "killed in …", "wounded when …".
_AFTER_PARTICIPLE = frozenset("in by when during after as near at on overnight , . ; :".split())


def _by_phrase(text: str, sent: _Sentence, m: _Mention, window: int = 6) -> list[dict[str, Any]]:
    toks = sent.toks
    for k in range(m.last + 1, min(len(toks), m.last + 1 + window)):
        if toks[k].low == "by":
            return [_arg(text, sent, a, b) for a, b in _np_right(sent, k + 1)]
        if toks[k].text in {",", ";", ":"} or toks[k].low in _CLAUSE:
            break
    return []


def _prep_phrase(
    text: str, sent: _Sentence, m: _Mention, preps: frozenset[str], window: int = 4
) -> list[dict[str, Any]]:
    toks = sent.toks
    for k in range(m.last + 1, min(len(toks), m.last + 1 + window)):
        if toks[k].low in preps:
            if k + 1 < len(toks) and toks[k + 1].low in {"least", "most"}:
                return []
            args = []
            for a, b in _np_right(sent, k + 1):
                a = _strip_figure(text, sent, a, b)
                args.append(_arg(text, sent, a, b))
            return args
        if toks[k].text in {",", ";", ":"} or toks[k].low in _CLAUSE or toks[k].low in _PREPOSITIONS:
            break
    return []


def _left_actor(text: str, sent: _Sentence, index: int) -> list[dict[str, Any]]:
    span = _np_left(text, sent, _skip_left(sent, index))
    if span is None:
        return []
    first, last = span
    toks = sent.toks
    if toks[first].low in {"there", "it", "which", "that", "this"} and first == last:
        return [] if toks[first].low != "it" else [_arg(text, sent, first, last)]
    args = [_arg(text, sent, first, last)]
    # "The navy and the coast guard held …": one arg per conjunct
    while first >= 2 and toks[first - 1].low == "and" and _is_word(toks[first - 2]):
        other = _np_left(text, sent, first - 2, depth=1)
        if other is None:
            break
        first = other[0]
        args.insert(0, _arg(text, sent, *other))
    return args


def _fill_args(text: str, sent: _Sentence, m: _Mention, onto: _Ontology) -> None:
    toks = sent.toks
    m.passive = _passive(sent, m)
    with_types = m.type in _WITH_TYPES
    if m.pos == "verb" and m.passive:
        m.actors = _by_phrase(text, sent, m)
        left = _skip_left(sent, m.first - 1)
        if left >= 1 and toks[left].low in {"who", "which", "that"}:  # "X, who was kidnapped": X
            left -= 1 + (toks[left - 1].text == ",")
        span = _np_left(text, sent, left)
        if span is not None:
            first = _strip_figure(text, sent, *span)
            m.targets = [_arg(text, sent, first, span[1])]
            # "Hilda Flores, a party leader, was abducted": the name before the apposition is the patient too
            if first >= 2 and toks[first - 1].text == ",":
                name = _np_left(text, sent, first - 2, depth=1)
                if name is not None and toks[name[1]].text[0].isupper():
                    m.targets.insert(0, _arg(text, sent, *name))
    elif m.pos == "verb":
        m.actors = _left_actor(text, sent, m.first - 1)
        nxt = _skip_figure(text, sent, m.last + 1)
        if (
            nxt < len(toks)
            and toks[nxt].low in {"with", "on", "against", "at"}
            and (with_types or toks[nxt].low != "with")
        ):
            m.targets = _prep_phrase(text, sent, m, frozenset({toks[nxt].low}), window=1)
        elif nxt < len(toks) and toks[nxt].low not in _PREPOSITIONS:
            for a, b in _np_right(sent, nxt):
                a = _strip_figure(text, sent, a, b)
                m.targets.append(_arg(text, sent, a, b))
        if not m.targets and with_types:
            m.targets = _prep_phrase(text, sent, m, frozenset({"with"}))
    else:  # a noun trigger
        m.actors = _by_phrase(text, sent, m)
        possessive: list[dict[str, Any]] = []
        if not m.actors:
            m.actors = _noun_actor(text, sent, m)
            # "Mahrouq's arrest", "the Letelier murder": the name before an arrest or a killing is its patient
            patient = m.type in _PATIENT_TYPES | {"aid", "release"}
            if patient and m.actors and toks[m.first].start - m.actors[-1]["end_char"] <= 3:
                possessive = [m.actors.pop()]
        if onto.types[m.type].violent or m.type in _ON_TYPES:
            m.targets = _prep_phrase(text, sent, m, frozenset({"on", "against", "targeting", "targetting", "at"}))
        if not m.targets and with_types:
            m.targets = _prep_phrase(text, sent, m, frozenset({"with", "between"}))
        nxt = m.last + 1
        if not m.targets and m.type in _OF_TYPES and nxt < len(toks) and toks[nxt].low == "of":
            m.targets = _prep_phrase(text, sent, m, frozenset({"of"}), window=1)  # "the murder of X"
        m.targets = possessive + m.targets
    # a verb whose object is where the move goes ("visited Baghdad"): the object is the place
    if m.type in _MOVE_TYPES and m.targets and m.targets[0]["label"] in _PLACE_LABELS:
        m.place = m.targets.pop(0)
    # an "it"/"which" subject of a noun-led relative is no actor
    m.actors = [a for a in m.actors if a["text"].lower() not in {"which", "that", "who"}]


def _noun_actor(text: str, sent: _Sentence, m: _Mention) -> list[dict[str, Any]]:
    """The actor of a noun trigger: "Hamas's attack", "the Hamas attack", "X launched an attack"."""
    toks = sent.toks
    k = m.first - 1
    # prenominal name or possessive: "Hamas's", "the Israeli"
    if k >= 0 and toks[k].low in {"'s", "’s"} and k >= 1:
        span = _np_left(text, sent, k - 1, depth=1)
        if span is not None:
            return [_arg(text, sent, *span)]
    if k >= 0 and toks[k].low.endswith(("'s", "’s")) and toks[k].text[0].isupper():
        first = k  # "Hamas's attack", "the Islamic State's attack"
        while first - 1 >= 0 and toks[first - 1].text[0].isupper() and toks[first - 1].low not in _DETERMINERS:
            first -= 1
        return [_arg(text, sent, first, k)]
    if k >= 0 and toks[k].text[0].isupper() and toks[k].low not in _DETERMINERS:
        first = k
        while first - 1 >= 0 and toks[first - 1].text[0].isupper() and toks[first - 1].low not in _DETERMINERS:
            first -= 1
        if first > 0 or k >= 0:
            ent = sent.entity_for(toks[first].start, toks[k].end)
            if ent is not None and ent.label in {"ORG", "PER", "GPE", "MISC", "NORP"}:
                return [_arg(text, sent, first, k)]
    # light verb a few tokens before: "X launched a deadly attack", "X held talks"
    for j in range(m.first - 1, max(-1, m.first - 5), -1):
        low = toks[j].low
        if low in _LIGHT_VERBS:
            # "the army denied carrying out the attack": the subject of the governing verb
            while j >= 1 and toks[j - 1].low in _CONTROL:
                j -= 1
            return _left_actor(text, sent, j - 1)
        if low in _CLAUSE or (not _is_word(toks[j]) and toks[j].text not in _CONTENT_PUNCT):
            break
    return []


def _find_place(
    text: str, sent: _Sentence, m: _Mention, taken: list[tuple[int, int]], version: int = 2
) -> dict[str, Any] | None:
    """A place phrase ("in the village of X") or a place entity not already an actor or target in the sentence."""
    toks = sent.toks
    candidates: list[tuple[int, dict[str, Any]]] = []
    # the trigger's clause: up to the next comma after it; before it, back to the previous comma, or a
    # sentence-opening phrase ("In the village of X, gunmen attacked")
    after_end = next((k for k in range(m.last + 1, len(toks)) if toks[k].text in {",", ";", ":"}), len(toks))
    before_start = next((k for k in range(m.first - 1, -1, -1) if toks[k].text in {",", ";", ":"}), -1)
    for k, tok in enumerate(toks):
        if tok.low not in _LOCATIVE or k + 1 >= len(toks) or k in range(m.first, m.last + 1):
            continue
        if k >= after_end or (k < before_start and k > 1):
            continue
        spans = _np_right(sent, k + 1, allow_and=False)
        if not spans:
            continue
        first, last = spans[0]
        # "in the town of Flores": keep the whole phrase, "in northern Syria, near Deir" the first
        start, end = toks[first].start, toks[last].end
        if any(s < end and start < e for s, e in taken):
            continue
        if sent.in_time(first) is not None:
            continue
        has_place_entity = any(
            e.label in _PLACE_LABELS and e.start_char >= start and e.end_char <= end for e in sent.entities
        )
        has_place_noun = any(toks[x].low in _PLACE_NOUNS for x in range(first, last + 1))
        if not (has_place_entity or has_place_noun):
            continue
        distance = abs(k - m.last) if k > m.last else (m.first - k) + 100  # after the trigger first
        candidates.append((distance, _arg(text, sent, first, last)))
    if candidates:
        return min(candidates, key=lambda c: c[0])[1]
    best: tuple[int, Span] | None = None
    anchor = toks[m.first].start
    lo, hi = _clause_range(sent, m) if version >= 4 else (sent.start, sent.end)
    for ent in sent.entities:
        if ent.label not in _PLACE_LABELS or any(s < ent.end_char and ent.start_char < e for s, e in taken):
            continue
        # v4: a place entity of another clause ("…, and the trucks can cross the Jisr al-Wahi bridge"), the
        # dateline's included (it places the report), or a country's adjective ("the Qarnassan town") is not
        # where the event happened
        if version >= 4 and not (lo <= ent.start_char and ent.end_char <= hi):
            continue
        if version >= 4 and _is_demonym(text, sent, ent):
            continue
        distance = abs(ent.start_char - anchor)
        if best is None or distance < best[0]:
            best = (distance, ent)
    if best is None:
        return None
    ent = best[1]
    return {
        "text": text[ent.start_char : ent.end_char],
        "start_char": ent.start_char,
        "end_char": ent.end_char,
        "entity_id": dict(ent.attrs).get("entity_id"),
        "label": ent.label,
    }


def _find_time(text: str, sent: _Sentence, m: _Mention, version: int = 2) -> dict[str, Any] | None:
    anchor = sent.toks[m.first].start
    spans = [s for s in sent.times if s.label in {"DATE", "TIME"}]
    if version >= 3 and m.type not in _STATE_TYPES:
        # "the militia that has blockaded the town since Mar. 3, claimed the attack": a "since/until" date bounds
        # a state, not the occurrence of another event of the sentence
        spans = [s for s in spans if not _BOUND_BEFORE.search(text, max(sent.start, s.start_char - 7), s.start_char)]
    if version >= 4:
        # "is demanding the release of his deputy, who was arrested in Harbal on Mar. 1": the date of another
        # clause is not this event's; the dateline still dates the report's events when the clause has none
        lo, hi = _clause_range(sent, m)
        inside = [s for s in spans if lo <= s.start_char and s.end_char <= hi]
        spans = inside or [s for s in spans if _is_dateline(text, sent, s)]
    if version >= 3 and len(spans) > 1:
        # "HARBAL, March 24 (Meridian Wire) - A court released X on Friday": the dateline dates the report
        spans = [s for s in spans if not _is_dateline(text, sent, s)] or spans
    if not spans:
        return None
    span = min(spans, key=lambda s: abs(s.start_char - anchor))
    attrs = dict(span.attrs)
    return {
        "text": text[span.start_char : span.end_char],
        "start_char": span.start_char,
        "end_char": span.end_char,
        "value": attrs.get("value"),
        "precision": attrs.get("precision"),
    }


def _negation_and_modality(sent: _Sentence, m: _Mention, *, deny_sayings: bool = True) -> tuple[bool, str]:
    """v2's negation and modality window; ``deny_sayings=False`` (v4) keeps a denial's scope off a speech-act noun
    that is its object ("rejected the allegation"), not off one after a verb ("denied making threats")."""
    toks = sent.toks
    negated = False
    modality = "asserted"
    window: list[str] = []
    for k in range(m.first - 1, max(-1, m.first - 7), -1):
        tok = toks[k]
        if not _is_word(tok) and tok.text not in {"'", "’"}:
            break
        if tok.low in _CLAUSE and tok.low not in {"if", "unless"}:
            break
        window.append(tok.low)
    if any(w in _NEGATIONS for w in window[:4]):
        negated = True
    if any(w in _REFUSE for w in window[:3]):
        negated = True
    # inside a denial's scope: "denied carrying out the attack", "denied that gunmen attacked"
    for k in range(m.first - 1, max(-1, m.first - 10), -1):
        if toks[k].text in {";", ":"} or toks[k].low in {"but", "while", "although"}:
            break
        if toks[k].low in _DENY_SCOPE and m.type != "denial":
            if deny_sayings or any(_is_ing_verb(t) or t.low == "that" for t in toks[k + 1 : m.first]):
                negated = True
            break
    if m.pos == "noun" and m.first >= 1 and toks[m.first - 1].low == "no":
        negated = True
    for w in window:
        if w in _FUTURE:
            modality = "future"
            break
        if w in _PLANNED:
            modality = "planned"
            break
        if w in _POSSIBLE:
            modality = "possible"
            break
        if w in _CONDITIONAL:
            modality = "conditional"
            break
    return negated, modality


def _sentence_figures(text: str, sent: _Sentence) -> list[tuple[int, dict[str, Any]]]:
    """Each figure of the sentence with the token index of its casualty word (for attaching it)."""
    toks = sent.toks
    out: list[tuple[int, dict[str, Any]]] = []
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    for m in _FIGURE.finditer(text, sent.start, sent.end):
        if not starts:  # built on the first amount only: most sentences have none
            starts = {t.start: k for k, t in enumerate(toks)}
            ends = {t.end: k for k, t in enumerate(toks)}
        num_end = m.end("num")
        k0, k1 = starts.get(m.start()), ends.get(num_end)
        if k0 is None or k1 is None or sent.in_time(k1) is not None:
            continue
        number = m.group("num")
        if number.lower() in {"many", "numerous", "a number", "a few", "several"} and not m.group("mod"):
            pass
        if re.fullmatch(r"(?:1[89]|20)\d\d", number):  # a year
            continue
        kind, anchor = _figure_kind(sent, k0, k1)
        if kind is None:
            continue
        low, high, approximate = _bounds(m.group("mod") or "", number)
        wording_end = num_end
        out.append(
            (
                anchor,
                {
                    "kind": kind,
                    "text": text[m.start() : wording_end],
                    "low": low,
                    "high": high,
                    "approximate": approximate,
                    "start_char": m.start(),
                    "end_char": wording_end,
                },
            )
        )
    return out


def _figure_kind(sent: _Sentence, k0: int, k1: int) -> tuple[str | None, int]:
    toks = sent.toks
    # the word just before: "killed 7", "killing at least 7", "death toll rose to 30", "wounding dozens"
    for k in range(k0 - 1, max(-1, k0 - 4), -1):
        low = toks[k].low
        kind = _KIND_OF.get(low)
        if kind is not None and kind not in {"people", "attacks"} and low not in {"dead", "bodies", "lives"}:
            return kind, k
        if low not in {"to", "rose", "risen", "climbed", "reached", "another", "a", "further", "toll", "the"}:
            break
    # words after: "7 people were killed", "40 wounded", "12 attacks", "150 Iraqi soldiers dead"
    noun_kind: tuple[str, int] | None = None
    for k in range(k1 + 1, min(len(toks), k1 + 6)):
        tok = toks[k]
        if _is_ing_verb(tok):
            break
        kind = _KIND_OF.get(tok.low)
        if kind is not None:
            if kind in {"people", "attacks"}:
                noun_kind = noun_kind or (kind, k)
            else:
                return kind, k
        elif (not _is_word(tok) and tok.text not in _CONTENT_PUNCT) or tok.low in _PHRASE_END:
            break
    if noun_kind is not None:
        return noun_kind
    return None, k0


def _attach_figures(text: str, sent: _Sentence, mentions: list[_Mention], onto: _Ontology) -> None:
    for anchor, figure in _sentence_figures(text, sent):
        best: tuple[int, _Mention] | None = None
        for m in mentions:
            if m.dropped or figure["kind"] not in onto.types[m.type].figures:
                continue
            distance = 0 if m.first <= anchor <= m.last else min(abs(anchor - m.first), abs(anchor - m.last))
            if best is None or distance < best[0]:
                best = (distance, m)
        if best is not None:
            best[1].figures.append(figure)


def _instruments(text: str, sent: _Sentence) -> list[dict[str, Any]]:
    out = []
    for m in _INSTRUMENTS.finditer(text, sent.start, sent.end):
        ent = sent.entity_for(m.start(), m.end())
        out.append(
            {
                "text": m.group(),
                "start_char": m.start(),
                "end_char": m.end(),
                "entity_id": dict(ent.attrs).get("entity_id") if ent else None,
                "label": ent.label if ent else None,
            }
        )
    return out


def _retype(text: str, sent: _Sentence, m: _Mention, instruments: list[dict[str, Any]], onto: _Ontology) -> None:
    """A weapon is no actor ("a car bomb killed"): it leaves the actors; a generic attack or killing by a weapon
    (its subject, or "attacked … with rockets") takes the weapon's type."""
    if not onto.types[m.type].violent or not instruments:
        return
    weapon: dict[str, Any] | None = None
    for arg in list(m.actors):
        inside = [i for i in instruments if i["start_char"] >= arg["start_char"] and i["end_char"] <= arg["end_char"]]
        if inside:
            weapon = inside[-1]
            m.actors.remove(arg)
    if weapon is None:
        end = sent.toks[m.last].end
        for inst in instruments:
            if inst["start_char"] >= end and _WITH_WEAPON.fullmatch(text, end, inst["start_char"]):
                weapon = inst
                break
    if weapon is None or m.type not in _RETYPABLE:
        return
    for pattern, new_type in _RETYPE:
        if pattern.search(weapon["text"]):
            m.type = new_type
            return


# Between a trigger and its weapon: "attacked the base with rockets", "killed him with a car bomb".
_WITH_WEAPON = re.compile(r"(?:\s+[\w'’-]+){0,5}?\s+with(?:\s+(?:a|an|the|two|several|heavy|\w+-made|homemade))*\s+")


def _merge(mentions: list[_Mention], onto: _Ontology) -> None:
    """Fold a killing into the nearest preceding violent event of the sentence (one event, two figures)."""
    for idx, m in enumerate(mentions):
        if m.type != "killing" or m.negated:
            continue
        # the nearest preceding violent event, else the nearest following one
        order = [*reversed(mentions[:idx]), *mentions[idx + 1 :]]
        host = next(
            (
                h
                for h in order
                if not h.dropped and h.type != "killing" and onto.types[h.type].violent and not h.negated
            ),
            None,
        )
        if host is None:
            continue
        m.dropped = True
        for arg in m.targets:
            if arg not in host.targets:
                host.targets.append(arg)
        if not host.actors:
            host.actors = [a for a in m.actors if a["text"].lower() not in {"it", "which"}]
        host.figures.extend(m.figures)


def _drop_nested(mentions: list[_Mention]) -> None:
    """A noun trigger inside another mention's target of the same type is that event ("delivered food aid")."""
    for m in mentions:
        if m.dropped or m.pos != "noun":
            continue
        for other in mentions:
            if other is m or other.dropped or other.type != m.type:
                continue
            if any(a["start_char"] <= m.start_char < a["end_char"] for a in other.targets) or (
                other.last + 1 == m.first or other.last + 2 == m.first
            ):
                m.dropped = True
                break


def _hedges(sent: _Sentence) -> list[str]:
    seen: list[str] = []
    for tok in sent.toks:
        if tok.low in _HEDGE_WORDS and tok.low not in seen:
            seen.append(tok.low)
    return seen


# ---------------------------------------------------------------------------------------------------------------
# v3: occurrences, not states or vehicles

_STATE_TYPES = frozenset({"siege"})  # a "since X" date gives their onset
_BOUND_BEFORE = re.compile(r"\b(?:since|until|till)\s+$", re.IGNORECASE)
_SIEGE_ONSET_AFTER = frozenset("began begins begin begun started starts start".split())
_SIEGE_ONSET_BEFORE = frozenset("imposed imposes imposing impose laid lay lays laying began begun placed put".split())
_SIEGE_END_AFTER = frozenset("ended ends over".split())
_SIEGE_END_PASSIVE = frozenset("lifted broken ended eased".split())
# "lifted the siege", ", ending a 21-day siege", "will lift the blockade": the end of a siege (CAMEO 0872, "ease
# military blockade", PLOVER RETREAT); "ending" and "end"/"lift" count only as a finite, participial or modal verb
_SIEGE_END_VERBS = frozenset("lifted lifts ended ends broke eased eases".split())
_SIEGE_END_BARE = frozenset("lift end break ease".split())
_SIEGE_END_ING = frozenset("lifting ending breaking easing".split())
_SUBORDINATE = frozenset("since before after until till when as once".split())
_NP_FILLER = _DETERMINERS | frozenset("long day-long week-long month-long year-long crippling total full".split())
# A noun event that is what someone demands ("demanding the release of", "called for his resignation", "press for
# the release") has not happened; one traded or awaited ("in exchange for his release", "until the release") is
# conditional.
_DEMAND_WORDS = frozenset("demand demands demanded demanding urged urging urge urges".split())
_FOR_DEMAND = frozenset(
    "called calls call calling press pressing pressed push pushing pushed appealed appeal appeals asked asking".split()
)
_CONDITION_WORDS = frozenset("until unless once".split())
_MODAL_AFTER = {"could": "possible", "may": "possible", "might": "possible", "will": "future", "'ll": "future",
                "would": "conditional"}  # fmt: skip
_STATEMENT_NOUNS = frozenset("statement statements communique announcement declaration".split())
_NEGATIVE_SUBJECTS = frozenset("nothing none nobody".split())


def _np_start(sent: _Sentence, i: int) -> int:
    """The first token of the noun phrase whose head is token ``i`` ("a 21-day siege", "the siege")."""
    k = i
    while k >= 1 and k > i - 5:
        prev = sent.toks[k - 1]
        hyphened = prev.text == "-" or (k >= 2 and sent.toks[k - 2].text == "-")  # "a 21-day siege"
        if prev.low in _NP_FILLER or _FIGURE.fullmatch(prev.text) or hyphened or prev.low.endswith("'s"):
            k -= 1
            continue
        break
    return k


_DATELINE_BEFORE = re.compile(r"\s*[A-Z][A-Z'’ .-]+,\s*")
_DATELINE_AFTER = re.compile(r"\s*(?:\([^)]{1,40}\)\s*)?[-–—]")


def _is_dateline(text: str, sent: _Sentence, span: Span) -> bool:
    """A date after a capitalised place at the start of the sentence and before "(Outlet) -"."""
    return bool(
        _DATELINE_BEFORE.fullmatch(text, sent.start, span.start_char)
        and _DATELINE_AFTER.match(text, span.end_char, sent.end)
    )


def _siege_v3(sent: _Sentence, m: _Mention) -> str:
    """What a siege mention is: "onset" (kept), "end" (becomes a withdrawal, ``m`` is moved onto the verb) or
    "state" (dropped): "the besieged town", "the militia besieging X", "the 17th day of the siege", "since the
    siege began" describe the ongoing siege, which has one onset and one end."""
    toks = sent.toks
    low = toks[m.first].low
    if m.pos == "verb":
        if low in {"laid", "lay"}:
            return "onset"  # "laid siege to"
        if low.endswith("ing"):
            return "state"  # "the militia besieging the town", "are blockading"
        return "onset"  # "besieged the town on Monday", "has blockaded the town since 3 March"
    start = _np_start(sent, m.first)
    before = toks[start - 1].low if start >= 1 else ""
    j = m.last + 1
    if j < len(toks) and toks[j].low == "of":  # "the siege of Tel Amra began": step over the "of" phrase
        k = j + 1
        while k < len(toks) and k - j <= 6 and _is_word(toks[k]) and toks[k].low not in _CLAUSE:
            if toks[k].low in _SIEGE_ONSET_AFTER | _SIEGE_END_AFTER | _BE:
                j = k
                break
            k += 1
    after = toks[j].low if j < len(toks) else ""
    after2 = toks[j + 1].low if j + 1 < len(toks) else ""
    if before in _SIEGE_END_VERBS or (before in _SIEGE_END_ING and start >= 2 and toks[start - 2].text == ","):
        m.first, m.pos = start - 1, "verb"
        return "end"
    if before in _SIEGE_END_BARE and start >= 2 and toks[start - 2].low in _FUTURE | _CONDITIONAL | {"to"}:
        m.first, m.pos = start - 1, "verb"
        return "end"
    if after in _SIEGE_END_AFTER or (after in _BE and after2 in _SIEGE_END_PASSIVE):
        m.last = j + (0 if after in _SIEGE_END_AFTER else 1)  # "the siege ended", "the siege of X was lifted"
        return "end"
    subordinate = before in _SUBORDINATE
    if not subordinate and (after in _SIEGE_ONSET_AFTER or (after in _BE and after2 in {"imposed", "laid"})):
        return "onset"  # "the siege began on 3 March", "Siege begins."
    if before in _SIEGE_ONSET_BEFORE or (start >= 2 and toks[start - 2].low in _SIEGE_ONSET_BEFORE):
        return "onset"  # "imposed a blockade on the town"
    return "state"


def _is_vehicle(sent: _Sentence, m: _Mention) -> bool:
    """A statement that only carries a reported claim ("said in a statement that", "In a statement posted on its
    channel, the group said", "claimed the attack in a statement"): the claim is the news, and the attributions
    layer records who said it. A statement that is the news ("issued a statement", "declined to comment", "told a
    news conference") stays."""
    toks = sent.toks
    words = [toks[k].low for k in range(m.first, m.last + 1)]
    if words[:2] == ["said", "in"]:
        return True
    if m.pos != "noun" or words[-1] not in _STATEMENT_NOUNS:
        return False
    for k in range(m.first - 1, max(-1, m.first - 5), -1):
        low = toks[k].low
        if low == "in":
            return True
        if low in _CLAUSE or low in _PREPOSITIONS or not _is_word(toks[k]):
            return False
    return False


def _modality_v3(sent: _Sentence, m: _Mention, modality: str) -> str:
    """v3's readings on top of v2's window: a demanded or traded noun event, an event awaited with "once/until",
    and a noun subject with a modal after it ("a second meeting could take place")."""
    toks = sent.toks
    if m.pos == "noun" or toks[m.first].low.endswith("ing"):
        for k in range(m.first - 1, max(-1, m.first - 7), -1):
            low = toks[k].low
            if low in {";", ":", ".", ","} or (low in _CLAUSE and low not in _CONDITION_WORDS):
                break
            if low in _DEMAND_WORDS or (low == "for" and k >= 1 and toks[k - 1].low in _FOR_DEMAND):
                return "demanded"
            if low in _CONDITION_WORDS or (low == "exchange" and k >= 1 and toks[k - 1].low == "in"):
                return "conditional"
    if modality != "asserted":
        return modality
    if m.type == "withdrawal" and toks[m.first].low in _SIEGE_END_BARE and toks[m.first - 1].low == "to":
        return "planned"  # "a deal to end the siege", "agreed to lift the blockade"
    for k in range(m.first - 1, max(-1, m.first - 13), -1):
        low = toks[k].low
        if low in _CONDITION_WORDS:
            return "conditional"  # "will lift the blockade once its deputy commander, X, is freed"
        if low in {";", ":"} or (low in _CLAUSE and low not in _CONDITION_WORDS):
            break
    if m.pos == "noun" and m.last + 1 < len(toks) and toks[m.last + 1].low in _MODAL_AFTER:
        start = _np_start(sent, m.first)
        if start == 0 or toks[start - 1].low not in _PREPOSITIONS:  # the subject: not "wounded in a strike could"
            return _MODAL_AFTER[toks[m.last + 1].low]
    return modality


def _negated_v3(sent: _Sentence, m: _Mention) -> bool:
    """ "nothing was signed", "none were arrested": a negative subject right before the trigger."""
    for k in range(m.first - 1, max(-1, m.first - 4), -1):
        low = sent.toks[k].low
        if low in _NEGATIVE_SUBJECTS:
            return True
        if not _is_word(sent.toks[k]) or low in _CLAUSE:
            break
    return False


def _is_purpose(sent: _Sentence, m: _Mention, before: list[_Mention]) -> bool:
    """ "met in X to discuss the road": talks that are the purpose of a meeting the sentence already reports."""
    return (
        m.type == "talks"
        and m.pos == "verb"
        and m.first >= 1
        and sent.toks[m.first - 1].low == "to"
        and any(o.type in {"meeting", "talks"} and o.first < m.first for o in before)
    )


def _occurrences_v3(sent: _Sentence, mentions: list[_Mention]) -> list[_Mention]:
    """Keep the mentions that report an occurrence: states of a siege go, its end becomes a withdrawal (unless the
    sentence already reports one: "pulled back from the bridge, ending a 21-day siege"), a statement that is only
    a vehicle goes, and "to discuss" after a meeting of the sentence is that meeting's purpose."""
    kept: list[_Mention] = []
    has_withdrawal = any(m.type == "withdrawal" for m in mentions)
    for m in mentions:
        if m.type == "siege":
            kind = _siege_v3(sent, m)
            if kind == "state" or (kind == "end" and has_withdrawal):
                continue
            if kind == "end":
                m.type = "withdrawal"
                m.start_char = sent.toks[m.first].start
                # "lifted the siege": the verb is the end of the siege, not a trigger of its own (aid's "lifted")
                kept = [o for o in kept if o.last < m.first or o.first > m.last]
        elif (m.type == "statement" and _is_vehicle(sent, m)) or _is_purpose(sent, m, kept):
            continue
        kept.append(m)
    return kept


# ---------------------------------------------------------------------------------------------------------------
# v4: what the analyst's timeline stands on (asserted or not, and where and when)

# Types whose noun names a speech act: "rejected an allegation" denies its content, not that it was made.
_SAYING_TYPES = frozenset({"accusation", "statement", "threat", "demand", "appeal", "denial"})
_GENERIC_SUBJECTS = frozenset("everybody everyone anybody anyone somebody someone".split())
_OBLIGATION = frozenset("should ought".split())
_SUBJECT_SKIP = _AUX | frozenset("ever even yet".split())
# "A prisoner release … remains the likeliest way out", "a deal … was within reach": a noun subject whose
# predicate weighs it up has not happened.
_COPULAS = frozenset("remains remain remained is are was were seems seem seemed looks looked appears appeared".split())
_WEIGHING = frozenset(
    """likeliest likelier likely unlikely possible possibility option options way solution reach hope prospect
    best only table cards horizon sight""".split()
)
# "talk of a deal", "hopes for a ceasefire", "the prospect of talks": a noun event only in prospect
_PROSPECT_NOUNS = frozenset(
    "talk prospect prospects hope hopes chance chances possibility likelihood speculation rumours rumors".split()
)
_ALLEGATION_NOUNS = frozenset("claim claims allegation allegations rumour rumours rumor rumors".split())
_DENIED_PARTICIPLES = frozenset("denied dismissed rejected refuted".split())
# After a comma, these open another clause: its place and date are not the trigger's ("when" and "where" are
# not among them: "began on March 3, when fighters seized the roads" shares the date, ", where" the place)
_CLAUSE_OPENERS = frozenset(
    "and but or while whereas who whom whose which because although though as after before since until".split()
)
_CONTRAST = frozenset({",", "and", "but"})
_CLAUSE_BUT_AND = _CLAUSE - {"and"}  # "a deal to end the siege and reopen the road was within reach"


def _dropped_v4(sent: _Sentence, m: _Mention) -> bool:
    """A noun that names a kind, not an occurrence: "a straight answer, not a press release", "rather than a
    statement"; "reposts of army statements" (a bare plural statement after "of")."""
    toks = sent.toks
    if m.pos != "noun":
        return False
    k = m.first - 1
    if k >= 0 and toks[k].low in {"a", "an"}:
        k -= 1
    if k >= 1 and toks[k].low == "not" and toks[k - 1].low in _CONTRAST:
        return True
    if k >= 1 and (toks[k - 1].low, toks[k].low) in {("rather", "than"), ("instead", "of")}:
        return True
    if m.type == "statement" and toks[m.last].low.endswith("s") and m.first >= 1:
        j = m.first - 1
        if j >= 1 and toks[j].text[0].islower() and toks[j].low not in _DETERMINERS and toks[j].low != "of":
            j -= 1  # "of army statements"
        return toks[j].low == "of"
    return False


def _generic_v4(sent: _Sentence, m: _Mention) -> bool:
    """ "Everybody meets everybody": a present-tense verb whose subject is anyone at all describes a habit."""
    low = sent.toks[m.first].low
    if m.pos != "verb" or not low.endswith("s") or low.endswith("ss") or not m.actors:
        return False  # "everybody met at the school" is one meeting
    return all(a["text"].split()[-1].lower() in _GENERIC_SUBJECTS for a in m.actors)


def _denied_subject(sent: _Sentence, m: _Mention) -> bool:
    """ "The report of a 9 March meeting has been flatly denied": a trigger in the subject of a passive denial."""
    toks = sent.toks
    k = m.last + 1  # "a secret meeting" may have been read as a verb: the passive after it decides
    while k < len(toks) and k - m.last <= 8:
        low = toks[k].low
        if low in _BE or low in _AUX:
            break
        if not _is_word(toks[k]) or low in _CLAUSE:
            return False
        k += 1
    while k < len(toks) and (toks[k].low in _BE or toks[k].low in _AUX or toks[k].low.endswith("ly")):
        k += 1
    return k < len(toks) and toks[k].low in _DENIED_PARTICIPLES


def _negated_v4(sent: _Sentence, m: _Mention, negated: bool) -> bool:
    toks = sent.toks
    if m.type == "statement" and toks[m.first].low in _REFUSE:
        return True  # "declined to comment": no statement was made (CAMEO 011 counts it; the timeline does not)
    if m.pos == "noun" and m.type in _SAYING_TYPES:
        if negated:  # "rejected as «baseless» an allegation": the allegation was made, its content is denied
            negated, _ = _negation_and_modality(sent, m, deny_sayings=False)
        return negated  # "the allegation was denied": the same
    if negated:
        return True
    if _denied_subject(sent, m):
        return True
    k = m.first - 1  # "nothing should ever have been discussed": a negative subject before the auxiliaries
    while k >= 0 and m.first - k <= 6 and (toks[k].low in _SUBJECT_SKIP or toks[k].low.endswith("ly")):
        k -= 1
    return k >= 0 and toks[k].low in _NEGATIVE_SUBJECTS


def _far_modal(sent: _Sentence, m: _Mention) -> str | None:
    """A modal 7 to 10 tokens before a noun trigger, with no clause or past verb between: "said they would set
    off on Saturday on a march" (v2's window stops at 6)."""
    toks = sent.toks
    for k in range(m.first - 1, max(-1, m.first - 11), -1):
        tok = toks[k]
        if not _is_word(tok) or tok.low in _CLAUSE or (tok.low.endswith("ed") and not _is_head(tok)):
            return None
        if m.first - k < 7:
            continue
        if tok.low in _FUTURE:
            return "future"
        if tok.low in _CONDITIONAL:
            return "conditional"
        if tok.low in _PLANNED:
            return "planned"
    return None


def _weighed_v4(sent: _Sentence, m: _Mention) -> bool:
    """A noun subject whose predicate weighs it up ("a prisoner release in exchange for X remains the likeliest
    way out", "a deal to end the siege was within reach") or a noun in prospect ("talk of a deal")."""
    toks = sent.toks
    start = _np_start(sent, m.first)
    if start >= 2 and toks[start - 1].low in {"of", "for", "about"} and toks[start - 2].low in _PROSPECT_NOUNS:
        return True
    if start >= 1 and toks[start - 1].low in _PREPOSITIONS:
        return False  # not a subject
    k = m.last + 1
    while k < len(toks) and k - m.last <= 10:
        tok = toks[k]
        if tok.low in _COPULAS:
            return any(t.low in _WEIGHING for t in toks[k + 1 : k + 6])
        if tok.text in {",", ";", ":", "."} or tok.low in _CLAUSE_BUT_AND:
            return False
        k += 1
    return False


def _alleged_v4(sent: _Sentence, m: _Mention) -> bool:
    """Inside the "that" clause of a claim or allegation noun: "an allegation by an official that drones had been
    sent", "unverified claims on social media that he was wounded in a drone strike"."""
    toks = sent.toks
    for k in range(m.first - 1, max(-1, m.first - 25), -1):
        if toks[k].text in {";", ".", ","}:  # "The claim that X …, and Ibdara has denied it": another clause
            return False
        if toks[k].low != "that":
            continue
        for j in range(k - 1, max(-1, k - 9), -1):
            if toks[j].low in _ALLEGATION_NOUNS:
                return True
            if not _is_word(toks[j]) and toks[j].text not in _CONTENT_PUNCT:
                break
        return False
    return False


def _modality_v4(sent: _Sentence, m: _Mention, modality: str, previous: _Mention | None) -> str:
    """v4's readings on top of v3's, for an event v3 calls asserted (see the module docstring)."""
    if modality != "asserted":
        return modality
    toks = sent.toks
    for k in range(m.first - 1, max(-1, m.first - 5), -1):
        if toks[k].low in _OBLIGATION:
            return "demanded"  # "should have been discussed", "ought to resign": what someone says should happen
        if not _is_word(toks[k]) or toks[k].low in _CLAUSE:
            break
    if m.pos == "noun":
        far = _far_modal(sent, m)
        if far is not None:
            return far
        if _weighed_v4(sent, m):
            return "possible"
    # "a march on the capital to demand an end": a purpose shares the modality of the event it is the purpose of
    if (
        m.pos == "verb"
        and m.first >= 1
        and toks[m.first - 1].low == "to"
        and previous is not None
        and not previous.negated
        and previous.modality != "asserted"
        and m.first - previous.last <= 6
    ):
        return previous.modality
    if _alleged_v4(sent, m):
        return "alleged"
    return modality


def _clause_range(sent: _Sentence, m: _Mention) -> tuple[int, int]:
    """The character range of the trigger's clause: up to a ";" or a comma that opens another clause (", who
    was arrested in Harbal on Mar. 1", ", and the trucks can cross the Jisr al-Wahi bridge")."""
    toks = sent.toks

    def boundary(k: int) -> bool:
        if toks[k].text == ";":
            return True
        return toks[k].text == "," and k + 1 < len(toks) and toks[k + 1].low in _CLAUSE_OPENERS

    lo = next((k + 1 for k in range(m.first - 1, -1, -1) if boundary(k)), 0)
    hi = next((k - 1 for k in range(m.last + 1, len(toks)) if boundary(k)), len(toks) - 1)
    return toks[lo].start, toks[hi].end


def _is_demonym(text: str, sent: _Sentence, ent: Span) -> bool:
    """ "the Qarnassan town", "an Ibdaran notable": an adjective of a country names no place of the event."""
    name = str(dict(ent.attrs).get("name") or "")
    surface = text[ent.start_char : ent.end_char]
    if not name or surface.lower() == name.lower() or not surface.lower().endswith(("an", "i", "ese", "ish")):
        return False
    nxt = next((t for t in sent.toks if t.start >= ent.end_char), None)
    return nxt is not None and nxt.text[0].islower()


_LETTERS = re.compile(r"[^\W\d_]+")


def _within(spans: list[Span], starts: list[int], start: int, end: int) -> list[Span]:
    """The spans (sorted by start) lying inside [start, end)."""
    lo, hi = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
    return [x for x in spans[lo:hi] if x.end_char <= end]


def _has_trigger_phrase(lows: list[str], onto: _Ontology) -> bool:
    """Whether some trigger phrase of the ontology occurs in the sentence's lower-cased tokens (guards aside):
    without one, ``_find_triggers`` finds nothing, so the tokens need not be built."""
    index = onto.index
    for i, low in enumerate(lows):
        for trig in index.get(low, ()):
            n = len(trig.words)
            if n == 1 or tuple(lows[i : i + n]) == trig.words:
                return True
    return False


def extract_events(
    text: str,
    sentences: Sequence[Span],
    entities: Sequence[Span] = (),
    times: Sequence[Span] = (),
    *,
    version: int = 2,
) -> list[Span]:
    """The ``events`` layer of ``text``: one span per event mention over its trigger (see the module docstring);
    ``version`` is that of ``extract.events.rules.v<version>`` (2, 3 or 4)."""
    onto = load_ontology(version)
    ents = sorted(entities, key=lambda s: s.start_char)
    tims = sorted(times, key=lambda s: s.start_char)
    ent_starts = [x.start_char for x in ents]
    tim_starts = [x.start_char for x in tims]
    out: list[Span] = []
    lower = text.lower()
    if len(lower) != len(text):  # a few characters change length when lower-cased ("İ"): keep offsets exact
        lower = "".join(c.lower()[:1] or c for c in text)
    for sentence in sentences:
        s, e = sentence.start_char, sentence.end_char
        words = set(_LETTERS.findall(lower, s, e))
        if onto.key_words.isdisjoint(words):
            continue
        spans = [m.span() for m in TOKEN_PATTERN.finditer(text, s, e)]
        lows = [lower[a:b] for a, b in spans]
        if not _has_trigger_phrase(lows, onto):
            continue  # a quarter of the sentences that pass the word test hold no whole trigger phrase
        toks = [_Tok(a, b, text[a:b], low) for (a, b), low in zip(spans, lows, strict=True)]
        sent = _Sentence(
            s,
            e,
            toks,
            _within(ents, ent_starts, s, e),
            _within(tims, tim_starts, s, e),
        )
        mentions = _find_triggers(text, sent, onto)
        if version >= 3:
            mentions = _occurrences_v3(sent, mentions)
        if version >= 4:
            mentions = [m for m in mentions if not _dropped_v4(sent, m)]
        if not mentions:
            continue
        sent.stops = frozenset(sent.toks[k].low for m in mentions for k in range(m.first, m.last + 1))
        if version >= 3:  # "The militia lifted the siege": a determiner inside a trigger phrase ends no phrase
            sent.stops -= _DETERMINERS
        violent = any(onto.types[m.type].violent for m in mentions)
        instruments = _instruments(text, sent) if violent and not _WEAPON_WORDS.isdisjoint(words) else []
        previous: _Mention | None = None
        for i, m in enumerate(mentions):
            _fill_args(text, sent, m, onto)
            m.negated, m.modality = _negation_and_modality(sent, m)
            if version >= 3:
                m.negated = m.negated or _negated_v3(sent, m)
                m.modality = _modality_v3(sent, m, m.modality)
            if version >= 4:
                m.negated = _negated_v4(sent, m, m.negated)
                m.modality = _modality_v4(sent, m, m.modality, mentions[i - 1] if i else None)
                m.dropped = _generic_v4(sent, m)
            _retype(text, sent, m, instruments, onto)
            # "visited Baghdad and met X": the second verb shares the first one's subject
            left = _skip_left(sent, m.first - 1)
            if not m.actors and m.pos == "verb" and previous is not None and left >= 0 and toks[left].low == "and":
                m.actors = list(previous.actors)
            if m.actors:
                previous = m
        _merge(mentions, onto)
        _drop_nested(mentions)
        if _HAS_DIGIT.search(text, s, e) or not _AMOUNT_WORDS.isdisjoint(words):
            _attach_figures(text, sent, mentions, onto)
        hedges = _hedges(sent)
        taken = [(a["start_char"], a["end_char"]) for m in mentions if not m.dropped for a in (*m.actors, *m.targets)]
        for m in mentions:
            if m.dropped:
                continue
            etype = onto.types[m.type]
            if m.place is None:
                m.place = _find_place(text, sent, m, taken, version)
            start, end = toks[m.first].start, toks[m.last].end
            attrs: tuple[tuple[str, Any], ...] = (
                ("type", m.type),
                ("plover", etype.plover),
                ("quad", etype.quad),
                ("trigger", text[start:end]),
                ("sentence", [s, e]),
                ("actors", m.actors),
                ("targets", m.targets),
                ("instruments", list(instruments) if etype.violent else []),
                ("place", m.place),
                ("time", _find_time(text, sent, m, version)),
                ("figures", sorted(m.figures, key=lambda f: f["start_char"])),
                ("negated", m.negated),
                ("modality", m.modality),
                ("hedges", hedges),
            )
            out.append(Span(start, end, m.type, attrs))
    return out


@register(
    "extract.events.rules.v2",
    requires=("spans.sentences",),
    assigns=("spans.events",),
    description="Typed events (attack, strike, arrest, meeting …) with actors, targets, place, time, figures.",
)
def make_event_extractor() -> ComponentFn:
    """Build the extractor; uses ``times`` and the entities (merged or per model) when the document has them."""
    return _events_component(version=2)


def _events_component(version: int) -> ComponentFn:
    load_ontology(version)

    def run(doc: Document) -> Document:
        doc.spans["events"] = extract_events(
            doc.text, doc.spans.get("sentences", []), entity_spans(doc), doc.spans.get("times", []), version=version
        )
        return doc

    return run


@register(
    "extract.events.rules.v3",
    requires=("spans.sentences",),
    assigns=("spans.events",),
    description="Typed events as v2, occurrences only: no siege states or statement vehicles; releases; demands.",
)
def make_event_extractor_v3() -> ComponentFn:
    """v2 with the v3 overlay of ``event_types.yaml`` and the occurrence rules (see the module docstring)."""
    return _events_component(version=3)


@register(
    "extract.events.rules.v4",
    requires=("spans.sentences",),
    assigns=("spans.events",),
    description="Typed events as v3; asserted or not as the timeline needs it; place and date of the trigger's clause.",
)
def make_event_extractor_v4() -> ComponentFn:
    """v3 with the ``v4`` overlay of ``event_types.yaml`` and the v4 rules (see the module docstring)."""
    return _events_component(version=4)
