"""Write N generated reports, with the annotation layers `storytrace resolve` reads, into a fresh store.

    python benchmarks/generate_store.py --docs 10000 --db /tmp/scale-10k.db        # ~1 min
    python benchmarks/generate_store.py --docs 100000 --db /tmp/scale-100k.db      # ~10 min, ~2 GB
    python benchmarks/generate_store.py --docs 10000 --db X.db --first 9999      # all but the last report
    python benchmarks/generate_store.py --docs 10000 --db X.db --skip 9999       # then the last one alone

The layers are **synthesised**, not extracted: running the extraction pipeline on 100,000 reports takes hours
on this machine, and the resolver only reads layers. A seeded world of actors (people with transliteration and
article variants, "al-" / "el-" / "Al ", ou/u, ei/ay, doubled consonants, plus a kunya some reports state as an
alias; armed groups with "Kata'ib" / "Kataib"; places), outlets and events; each report covers one event (popular
events get many reports) in sentences built from templates, and every span (``sentences``, ``mentions``,
``entities``, ``times``, ``events``, ``attributions``, ``sources``, ``claims``, ``relations``) points at the
words it names, with the attrs resolve/job.py reads (entity ids and names, event actors/targets/place/time,
claim chains, speakers, polarity, hedges, figures, alias relations). One report in twenty is a syndicated copy
of an earlier one (``near_duplicate_of`` set), one in ten is undated. Same seed, same store, byte for byte.

Known gaps: the wording is far more regular than news (the claim clusterer meets few paraphrases and many
near-identical sentences); the extraction pipeline's own errors (missed or wrong spans) are not simulated;
model (non-pack) mentions are typed correctly.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from storytrace.model import DateVia, Document, OutletVia, PublishedDate, Span, make_id
from storytrace.store import Store
from storytrace.store.sqlite import Sighting

_GIVEN = (
    "Hisham Marwan Fawwaz Sufyan Anas Karim Tariq Walid Nabil Samir Yusuf Ziad Bashar Khalil Rami Fadi Jamal Omar "
    "Hamza Imad Munir Adnan Qasim Raed Salim Shadi Wael Zuhair Ayman Bilal Maher Nizar Rashid Suhail Talal Yasin "
    "Mireille Dana Lina Rania Huda Salma Nour Layla Reem Samira"
).split()
_ONSETS = ["q", "k", "h", "m", "n", "r", "s", "sh", "b", "d", "t", "z", "f", "j", "gh", "kh", "dh", "l", "w", "y"]
_VOWELS = ["a", "ou", "u", "i", "ei", "ay", "e", "aa", "o"]
_CODAS = ["", "n", "r", "m", "s", "ss", "d", "dd", "f", "b", "l", "q", "ch"]
_GROUP_HEADS = ["Kata'ib", "Saraya", "Liwa", "Harakat", "Jaysh", "Ansar"]
_GROUP_TAILS = ["Brigades", "Movement", "Front", "Battalions", "Resistance"]
_PLACE_HEADS = ["Ain", "Wadi", "Qasr", "Tell", "Jisr", "Deir", "Bir", "Ras"]
_OUTLET_WORDS = ["Courier", "Herald", "Mirror", "Monitor", "Wire", "Post", "Times", "Observer", "Gazette", "Daily"]
_EVENTS: dict[str, tuple[str, str, str]] = {  # type -> (past verb, noun, plover)
    "attack": ("attacked", "attack", "FIGHT"),
    "air_strike": ("struck", "air strike", "FIGHT"),
    "drone_strike": ("hit", "drone strike", "FIGHT"),
    "ambush": ("ambushed", "ambush", "FIGHT"),
    "shelling": ("shelled", "shelling", "FIGHT"),
    "meeting": ("met", "meeting", "CONSULT"),
    "arrest": ("arrested", "arrests", "COERCE"),
    "protest": ("marched against", "protest", "PROTEST"),
}
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_HEDGES = ["reportedly", "allegedly"]


def _word(rng: random.Random, syllables: int) -> str:
    out = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables)) + rng.choice(_CODAS)
    return out.capitalize()


def _variants(name: str, rng: random.Random) -> list[str]:
    """Spellings of one name: the canonical one first, then article and transliteration variants."""
    out = [name]
    swaps = [("ou", "u"), ("ei", "ay"), ("ss", "s"), ("dd", "d"), ("aa", "a"), ("Kata'ib", "Kataib")]
    for old, new in swaps:
        if old in name:
            out.append(name.replace(old, new, 1))
    if " al-" in name:
        out.append(name.replace(" al-", " el-"))
        out.append(name.replace(" al-", " Al "))
    rng.shuffle(out[1:])
    return list(dict.fromkeys(out))[:4]


@dataclass(slots=True)
class Actor:
    id: str
    kind: str  # PER, ORG, GPE
    name: str
    spellings: list[str]
    is_pack: bool
    kunya: str | None = None
    group: int | None = None  # index of the person's group


@dataclass(slots=True)
class Event:
    type: str
    day: date
    place: int
    actor: int
    target: int
    figure: int


@dataclass(slots=True)
class World:
    actors: list[Actor]
    people: list[int]
    groups: list[int]
    places: list[int]
    outlets: list[str]
    events: list[Event]


def build_world(seed: int, docs: int, actors: int) -> World:
    rng = random.Random(seed)
    world = World([], [], [], [], [], [])
    names: set[str] = set()

    def fresh(make: Any) -> str:
        while True:
            name = str(make())
            if name not in names:
                names.add(name)
                return name

    n_groups, n_places = actors // 5, actors // 8
    for _ in range(n_places):
        name = fresh(lambda: f"{rng.choice(_PLACE_HEADS)} {_word(rng, rng.randint(1, 2))}")
        slug = name.lower().replace(" ", "-")
        world.places.append(len(world.actors))
        world.actors.append(Actor(f"synth:gpe/{slug}", "GPE", name, _variants(name, rng), rng.random() < 0.7))
    for _ in range(n_groups):

        def group_name() -> str:
            if rng.random() < 0.6:
                return f"{rng.choice(_GROUP_HEADS)} {_word(rng, 2)} al-{_word(rng, 2)}"
            return f"{_word(rng, 2)} {rng.choice(_GROUP_TAILS)}"

        name = fresh(group_name)
        slug = name.lower().replace(" ", "-").replace("'", "")
        world.groups.append(len(world.actors))
        world.actors.append(Actor(f"synth:org/{slug}", "ORG", name, _variants(name, rng), rng.random() < 0.4))
    for _ in range(actors - n_groups - n_places):
        name = fresh(lambda: f"{rng.choice(_GIVEN)} al-{_word(rng, rng.randint(2, 3))}")
        slug = name.lower().replace(" ", "-")
        kunya = f"Abu {_word(rng, 2)}" if rng.random() < 0.1 else None
        world.people.append(len(world.actors))
        group = rng.choice(world.groups)
        world.actors.append(
            Actor(f"synth:per/{slug}", "PER", name, _variants(name, rng), rng.random() < 0.3, kunya, group)
        )
    for _ in range(max(20, actors // 15)):
        world.outlets.append(fresh(lambda: f"The {_word(rng, 2)} {rng.choice(_OUTLET_WORDS)}"))
    start = date(2025, 1, 1)
    for _ in range(max(1, docs // 4)):
        world.events.append(
            Event(
                rng.choice(list(_EVENTS)),
                start + timedelta(days=rng.randrange(365)),
                rng.choice(world.places),
                rng.choice(world.groups),
                rng.choice(world.people),
                rng.randint(2, 60),
            )
        )
    world.events.sort(key=lambda e: e.day)
    return world


@dataclass(slots=True)
class _Builder:
    """Text written left to right, with spans recorded at the offsets of what was written."""

    text: str = ""
    spans: dict[str, list[Span]] = field(default_factory=dict)

    def put(self, piece: str) -> tuple[int, int]:
        start = len(self.text)
        self.text += piece
        return start, len(self.text)

    def span(self, layer: str, begin: int, stop: int, label: str, **attrs: Any) -> int:
        spans = self.spans.setdefault(layer, [])
        spans.append(Span(begin, stop, label, tuple(sorted(attrs.items()))))
        return len(spans) - 1


def _arg(start: int, end: int, text: str, actor: Actor | None, label: str | None) -> dict[str, Any]:
    return {
        "start_char": start,
        "end_char": end,
        "text": text,
        "entity_id": actor.id if actor and actor.is_pack else None,
        "label": label,
    }


class _Report:
    """One report under construction: sentences with their entity, time, event, attribution and claim spans."""

    def __init__(self, world: World, rng: random.Random, published: date | None) -> None:
        self.w, self.rng, self.b, self.published = world, rng, _Builder(), published
        self.sentence_start = 0
        self._place_arg: dict[str, Any] | None = None
        self._time_arg: dict[str, Any] | None = None

    def name(self, index: int, *, short: bool = False) -> tuple[int, int, str]:
        actor = self.w.actors[index]
        spelling = self.rng.choice(actor.spellings)
        if short and actor.kind == "PER":
            spelling = "Mr " + spelling.split()[-1].removeprefix("al-").removeprefix("el-").removeprefix("Al ")
        start, end = self.b.put(spelling)
        attrs: dict[str, Any] = {"entity_id": actor.id if actor.is_pack else None}
        attrs["name"] = actor.name if actor.is_pack else spelling
        attrs["via"] = "gazetteer" if actor.is_pack else "synthetic-ner"
        self.b.span("entities", start, end, actor.kind, **attrs)
        if actor.is_pack:
            self.b.span("mentions", start, end, actor.kind, entity_id=actor.id, name=actor.name, alias=spelling)
        return start, end, spelling

    def day(self, event_day: date) -> tuple[int, int, dict[str, Any]]:
        relative = self.published is not None and 0 <= (self.published - event_day).days < 6
        text = _WEEKDAYS[event_day.weekday()] if relative else f"{event_day:%B} {event_day.day}"
        start, end = self.b.put(text)
        value = event_day.isoformat()
        rule = "weekday" if relative else "month-day"
        self.b.span("times", start, end, "DATE", value=value, precision="day", rule=rule, start=value, end=value)
        return start, end, {"start_char": start, "end_char": end, "text": text, "value": value, "precision": "day"}

    def end_sentence(self, piece: str = ".") -> tuple[int, int]:
        self.b.put(piece)
        bounds = (self.sentence_start, len(self.b.text))
        self.b.span("sentences", *bounds, "")
        self.b.put(" ")
        self.sentence_start = len(self.b.text)
        return bounds

    def claim(
        self,
        start: int,
        end: int,
        sentence: tuple[int, int],
        *,
        attribution: int | None = None,
        chain: list[dict[str, str]] | None = None,
        polarity: str = "asserts",
        hedges: list[str] | None = None,
        events: list[int] | None = None,
        figures: list[dict[str, Any]] | None = None,
    ) -> None:
        self.b.span(
            "claims",
            start,
            end,
            "attributed" if chain else "outlet",
            attribution=attribution,
            chain=chain or [],
            polarity=polarity,
            hedges=hedges or [],
            modality="asserted",
            events=events or [],
            figures=figures or [],
            sentence=list(sentence),
            headline=False,
        )

    def attribution(self, speaker: tuple[int, int, str], kind: str, content: tuple[int, int], cue: str) -> int:
        s, e, text = speaker
        who = {"start_char": s, "end_char": e, "text": text, "kind": kind}
        self.b.span("sources", s, e, kind)
        return self.b.span(
            "attributions",
            min(s, content[0]),
            max(e, content[1]),
            "indirect",
            speaker=who,
            source=who,
            resolved_to=None,
            chain=[{"kind": kind, "text": text}],
            cue={"text": cue},
            content={"start_char": content[0], "end_char": content[1], "pieces": [list(content)]},
            polarity="asserts",
            hedges=[],
        )

    def event(
        self, ev: Event, trigger: tuple[int, int], sentence: tuple[int, int], actors: list[Any], targets: list[Any]
    ) -> int:
        plover = _EVENTS[ev.type][2]
        return self.b.span(
            "events",
            *trigger,
            ev.type,
            type=ev.type,
            trigger=self.b.text[trigger[0] : trigger[1]],
            plover=plover,
            actors=actors,
            targets=targets,
            place=self._place_arg,
            time=self._time_arg,
            sentence=list(sentence),
            figures=[],
            hedges=[],
            modality="asserted",
            negated=False,
        )

    def write(self, ev: Event, outlet: str) -> None:
        w, rng = self.w, self.rng
        verb, noun, _ = _EVENTS[ev.type]
        actor, target, place = w.actors[ev.actor], w.actors[ev.target], w.actors[ev.place]
        # 1. Lede, in the outlet's voice: "<Group> fighters attacked <Person>'s convoy in <Place> on <day>, ..."
        a = self.name(ev.actor)
        self.b.put(rng.choice([" fighters ", " forces ", " gunmen "]))
        trigger = self.b.put(verb)
        self.b.put(" ")
        t = self.name(ev.target)
        self.b.put(rng.choice(["'s convoy in ", "'s men near ", "'s supporters in "]))
        p = self.name(ev.place)
        self._place_arg = _arg(p[0], p[1], p[2], place, "GPE")
        self.b.put(" on ")
        d = self.day(ev.day)
        self._time_arg = d[2]
        figure = ev.figure + (rng.choice([0, 0, 0, 2, -1]) if ev.figure > 3 else 0)
        fig = self.b.put(f", killing {figure} people")
        sentence = self.end_sentence()
        index = self.event(ev, trigger, sentence, [_arg(*a, actor, "ORG")], [_arg(*t, target, "PER")])
        hedges = [rng.choice(_HEDGES)] if rng.random() < 0.15 else []
        self.claim(
            sentence[0],
            sentence[1] - 1,
            sentence,
            events=[index],
            hedges=hedges,
            figures=[{"value": figure, "unit": "people", "start_char": fig[0], "end_char": fig[1]}],
        )
        # 2. A named official's statement, often a member of another group.
        speaker_index = rng.choice(w.people)
        speaker = self.name(speaker_index)
        self.b.put(" said ")
        c0 = len(self.b.text)
        self.name(ev.actor, short=False)
        self.b.put(rng.choice([" was responsible for the ", " carried out the ", " was behind the "]) + noun)
        c1 = len(self.b.text)
        sentence = self.end_sentence()
        att = self.attribution(speaker, "named", (c0, c1), "said")
        self.claim(c0, c1, sentence, attribution=att, chain=[{"kind": "named", "text": speaker[2]}])
        # 3. Half the reports: the group's spokesman denies it.
        if rng.random() < 0.5:
            spokesman = next((i for i in w.people if w.actors[i].group == ev.actor), rng.choice(w.people))
            self.b.put("A spokesman for the group, ")
            s = self.name(spokesman, short=rng.random() < 0.3)
            self.b.put(", denied that ")
            c0 = len(self.b.text)
            self.b.put(f"its fighters had taken part in the {noun} in ")
            self.name(ev.place)
            c1 = len(self.b.text)
            sentence = self.end_sentence()
            att = self.attribution(s, "named", (c0, c1), "denied")
            self.claim(c0, c1, sentence, attribution=att, chain=[{"kind": "named", "text": s[2]}], polarity="refutes")
        # 4. Some reports: anonymous sources, through another outlet, about a meeting.
        if rng.random() < 0.4:
            other = rng.choice(w.outlets)
            who = self.b.put("Sources")
            self.b.put(" told ")
            o = self.b.put(other)
            self.b.put(" that ")
            c0 = len(self.b.text)
            self.name(ev.target)
            met = self.b.put(" met")
            self.b.put(" ")
            self.name(actor.group if actor.group is not None else rng.choice(w.people))
            self.b.put(" in ")
            self.name(ev.place)
            self.b.put(" the week before")
            c1 = len(self.b.text)
            sentence = self.end_sentence()
            self.b.span("sources", o[0], o[1], "outlet")
            att = self.b.span(
                "attributions",
                o[0],
                c1,
                "indirect",
                speaker={"start_char": who[0], "end_char": who[1], "text": "Sources", "kind": "anonymous"},
                chain=[{"kind": "outlet", "text": other}, {"kind": "anonymous", "text": "sources"}],
            )
            self._time_arg = None
            meeting = Event("meeting", ev.day, ev.place, ev.target, ev.actor, 0)
            index = self.event(meeting, met, sentence, [], [])
            self.claim(
                c0,
                c1,
                sentence,
                attribution=att,
                chain=[{"kind": "outlet", "text": other}, {"kind": "anonymous", "text": "sources"}],
                events=[index],
            )
        # 5. Some reports: who a person is, with a stated alias ("known as Abu X").
        if rng.random() < 0.3:
            person = w.actors[ev.target]
            n = self.name(ev.target)
            if person.kunya:
                self.b.put(", known as ")
                k0, k1 = self.b.put(person.kunya)
                self.b.span("entities", k0, k1, "PER", entity_id=None, name=person.kunya, via="synthetic-ner")
                self.b.span(
                    "relations",
                    k0,
                    k1,
                    "alias_of",
                    subject={"start_char": k0, "end_char": k1, "text": person.kunya},
                    object={"start_char": n[0], "end_char": n[1], "text": n[2]},
                )
            self.b.put(rng.choice([" leads ", " is a commander of ", " belongs to "]))
            g = self.name(person.group if person.group is not None else ev.actor)
            sentence = self.end_sentence()
            subject, obj = _arg(*n, person, "PER"), _arg(*g, None, "ORG")
            self.b.span("relations", n[0], g[1], "member_of", subject=subject, object=obj)
            self.claim(sentence[0], sentence[1] - 1, sentence)
        # 6. Background, in the outlet's voice.
        self.name(ev.place)
        self.b.put(rng.choice([" has seen heavy fighting since ", " has been tense since ", " was calm until "]))
        self.b.put(f"{rng.choice(['January', 'March', 'June', 'the autumn'])}")
        sentence = self.end_sentence()
        self.claim(sentence[0], sentence[1] - 1, sentence)
        self.b.text = self.b.text.rstrip()


def generate(seed: int, docs: int, actors: int) -> Iterator[Document]:
    """The reports, in publication order (copies right after their original's day)."""
    world = build_world(seed, docs, actors)
    rng = random.Random(seed + 1)
    weights = [1.0 / (1 + (i % 97)) for i in range(len(world.events))]  # a few popular events per stretch
    picks = sorted(rng.choices(range(len(world.events)), weights=weights, k=docs))
    previous: list[Document] = []
    for n, event_index in enumerate(picks):
        ev = world.events[event_index]
        outlet = rng.choice(world.outlets)
        published = ev.day + timedelta(days=rng.choice([0, 0, 1, 1, 2, 3, 9]))
        original = rng.choice(previous[-50:]) if previous and rng.random() < 0.05 else None
        if original is not None:  # a syndicated copy: the original's text under a credit line
            credit = f"({outlet}) Republished from {original.outlet}. "
            doc = Document(
                id="",
                text=credit + original.text,
                locator=f"synthetic:{seed}:{n}",
                outlet=outlet,
                outlet_via=OutletVia.USER,
                published=original.published,
                near_duplicate_of=original.id,
                near_duplicate_score=0.95,
                lang="en",
            )
            for layer, spans in original.spans.items():
                doc.spans[layer] = [_shifted(s, len(credit)) for s in spans]
        else:
            report = _Report(world, rng, published)
            report.write(ev, outlet)
            doc = Document(
                id="",
                text=report.b.text,
                locator=f"synthetic:{seed}:{n}",
                outlet=outlet,
                outlet_via=OutletVia.USER,
                published=PublishedDate(published.isoformat(), DateVia.USER) if rng.random() < 0.9 else None,
                lang="en",
                title=f"{world.actors[ev.actor].name}: {_EVENTS[ev.type][1]} in {world.actors[ev.place].name}",
            )
            doc.spans = report.b.spans
        doc.id = make_id("doc", doc.text)
        doc.layer_sources = {layer: "benchmarks.generate_store.v1" for layer in doc.spans}
        previous.append(doc)
        if len(previous) > 200:
            del previous[:100]
        yield doc


def _shifted(span: Span, by: int) -> Span:
    def move(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: (v + by if k in ("start_char", "end_char") else move(v)) for k, v in value.items()}
        if isinstance(value, list):
            if value and all(isinstance(v, int) for v in value) and len(value) == 2:
                return [v + by for v in value]  # a [start, end] pair: "sentence", "pieces"
            return [move(v) for v in value]
        return value

    moved = tuple((k, v if k in ("events", "attribution") else move(v)) for k, v in span.attrs)
    return Span(span.start_char + by, span.end_char + by, span.label, moved)


def write_store(db: Path, docs: list[Document] | Iterator[Document]) -> int:
    """Save reports into a store (created if missing); returns how many were added."""
    added = 0
    with Store(db) as store:
        for doc in docs:
            outcome = store.save_document(doc, Sighting(locator=doc.locator, raw_hash=doc.id, outlet=doc.outlet))
            added += outcome.status == "added"
    return added


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--actors", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--first", type=int, help="write only the first N reports (the rest: --skip N)")
    parser.add_argument("--skip", type=int, default=0, help="leave out the first N reports (already written)")
    args = parser.parse_args()
    start = time.perf_counter()
    stream = generate(args.seed, args.docs, args.actors)
    chosen = (d for i, d in enumerate(stream) if i >= args.skip and (args.first is None or i < args.first))
    added = write_store(args.db, chosen)
    print(f"{added} reports written to {args.db} in {time.perf_counter() - start:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
