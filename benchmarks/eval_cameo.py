"""Events on CAMEO-coded sentences (ConfliBERT data): PentaClass from our events' quad class, and actor spans.

Reads ``../shared/data/cameo-conflibert`` (research only, never copied into the repo; see its SOURCE.md). Each
sentence goes through ``extract.sentences.rules.v1``, ``extract.times.rules.v1``, ``extract.entities.gazetteer.v1``,
``extract.entities.crf.v1``, ``extract.entities.merge.v1`` and ``extract.events.rules.v4`` (``--events`` another).

What the labels mean, read off the train split (SOURCE.md only presumes it): 1 = verbal cooperation (meet, host,
praise, offer, establish ties), 2 = material cooperation (release, free, lift a ban, give aid, joint exercises,
ease restrictions), 3 = verbal conflict (reject, condemn, accuse, convict, veto; and, in this data, sanctions,
aid suspensions and expulsions of diplomats, CAMEO 16), 4 = material conflict (attack, kill, bomb, seize, impose
a curfew, strike work), and 0 = CAMEO 01 "make a public statement" and 02 "appeal": comments, hopes, concern,
condolences, claims and denials of responsibility ("denied charges that …"), "urged", "called on", "launched an
appeal". So our ``statement`` and ``appeal`` types map to 0, and ``sanction`` to 3; every other type maps by its
quad (verbal_cooperation 1, material_cooperation 2, verbal_conflict 3, material_conflict 4).

Classification (``cameo_class``): CAMEO codes a sentence by its main event ("X condemned the attack" is verbal
conflict, not the attack), so ``--pick main`` (the default) takes the first verb-led event with an actor, else
the first event, after dropping framing statements ("announced a ceasefire" is the ceasefire); no event -> 0.
``--pick conflict`` takes the most conflictual asserted event instead (what the issue first suggested; lower on
train). Scores: accuracy and macro-F1 over the five labels.

Actors (``cameo_ner``): tokens are joined with single spaces, so offsets map back to tokens; the main event's
actors become ``S`` chunks and its targets ``T`` chunks (a figure right before an arg joins it, as the gold
chunks keep the number), scored with conlleval exact match (``storytrace.extract.ner.score_chunks``). Gold ``R``
(the reciprocal side of symmetric events such as "meet") is scored as its own type, which we never predict, and
is left out of the S+T line.

    python benchmarks/eval_cameo.py --split train    # the split the mapping was developed on
    python benchmarks/eval_cameo.py --split test     # TEST: reported once, never tuned on
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from storytrace.extract.ner import score_chunks
from storytrace.model import Document
from storytrace.pipeline import Pipeline

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "cameo-conflibert"
PIPELINE = (
    "extract.sentences.rules.v1",
    "extract.times.rules.v1",
    "extract.entities.gazetteer.v1",
    "extract.entities.crf.v1",
    "extract.entities.merge.v1",
    "extract.events.rules.v4",
)
QUAD_CLASS = {"verbal_cooperation": 1, "material_cooperation": 2, "verbal_conflict": 3, "material_conflict": 4}
# Label 0, as the train split shows it, holds CAMEO 01 (make a statement: comments, hopes, condolences, claims or
# denials of responsibility) and CAMEO 02 (appeal: "urged", "called on", "launched an appeal").
NEUTRAL_TYPES = frozenset({"statement", "appeal"})


# Read off the train split: this data codes sanctions, aid suspensions and expulsions of diplomats (CAMEO 16,
# "reduce relations") as verbal conflict (3), where our ontology keeps the usual material_conflict quad.
LABEL_OVERRIDES = {"sanction": 3}


def label_of(event: dict[str, Any]) -> int:
    if event["type"] in NEUTRAL_TYPES:
        return 0
    return LABEL_OVERRIDES.get(event["type"], QUAD_CLASS[event["quad"]])


# Verbs that frame another event ("announced a ceasefire"): the framed event is what CAMEO codes.
FRAMING = frozenset("announced announces announcing declared declares stated".split())


def main_event(events: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The sentence's main event: the first verb-led event with an actor, else the first event.

    CAMEO codes a sentence by its main event ("X condemned the attack" is verbal conflict, not the attack); a
    framing statement ("announced a ceasefire") gives way to the event it frames.
    """
    if not events:
        return None
    kept = [e for e in events if not (e["type"] == "statement" and e["trigger"].lower() in FRAMING)] or events
    verbs = [e for e in kept if not e["trigger"][:1].isupper() and e["actors"]]
    return (verbs or kept)[0]


ACCUSATION_NOUNS = frozenset("charges charge allegations allegation accusations accusation".split())


def classify_main(events: list[dict[str, Any]]) -> int:
    """PentaClass from the main event; a denial of charges ("denied charges that …") is CAMEO 016 "deny
    responsibility", a statement (0), as the train split labels it."""
    main = main_event(events)
    if main is None:
        return 0
    # "denied (the) charges", "rejected accusations": the denial's object is the accusation noun right after it
    for denial in (e for e in events if e["type"] == "denial"):
        for e in events:
            is_charge = e["type"] == "accusation" and e["trigger"].lower() in ACCUSATION_NOUNS
            if is_charge and 0 < e["trigger_start"] - denial["trigger_end"] <= 12:
                return 0
    return label_of(main)


def classify(events: list[dict[str, Any]]) -> int:
    """PentaClass of a sentence from its events (0 when none): the most conflictual."""
    best = (0, 0)
    for e in events:
        label = label_of(e)
        firm = 1 if not e["negated"] and e["modality"] == "asserted" else 0
        best = max(best, (firm, label)) if label else best
    if best == (0, 0):
        return 0
    # an asserted event wins over a hedged one; among equals the most conflictual
    firm_labels = [label_of(e) for e in events if not e["negated"] and e["modality"] == "asserted"]
    firm_labels = [x for x in firm_labels if x]
    return max(firm_labels) if firm_labels else best[1]


def read_class(split: str) -> list[tuple[str, int]]:
    rows = []
    for line in (DATA / "cameo_class" / f"{split}.tsv").read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            sentence, label = line.rstrip("\r").rsplit("\t", 1)
            rows.append((sentence, int(label)))
    return rows


def read_ner(split: str) -> list[tuple[list[str], list[str]]]:
    out: list[tuple[list[str], list[str]]] = []
    words: list[str] = []
    tags: list[str] = []
    for line in (DATA / "cameo_ner" / f"{split}.txt").read_text(encoding="utf-8").splitlines():
        parts = line.strip().split()
        if not parts:
            if words:
                out.append((words, tags))
            words, tags = [], []
            continue
        words.append(parts[0])
        tags.append(parts[-1])
    if words:
        out.append((words, tags))
    return out


def events_of(pipe: Pipeline, text: str) -> list[dict[str, Any]]:
    doc = pipe(Document(id="s", text=text, locator="s"))
    return [
        {**dict(span.attrs), "trigger_start": span.start_char, "trigger_end": span.end_char}
        for span in doc.spans.get("events", [])
    ]


def macro_f1(gold: list[int], pred: list[int]) -> float:
    f1s = []
    for label in sorted(set(gold)):
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == p == label)
        n_pred = sum(1 for p in pred if p == label)
        n_gold = sum(1 for g in gold if g == label)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(f1s) / len(f1s)


def actor_tags(words: list[str], events: list[dict[str, Any]]) -> list[str]:
    """S/T tags from the main event's actors and targets; a figure just before an arg joins it ("18 people"),
    as the gold chunks keep the number, where our args leave it to the event's figures."""
    starts = []
    position = 0
    for word in words:
        starts.append(position)
        position += len(word) + 1
    tags = ["O"] * len(words)
    main = main_event(events)
    for e in [main] if main is not None else []:
        for role, kind in (("actors", "S"), ("targets", "T")):
            for arg in e[role]:
                begin = arg["start_char"]
                for fig in e["figures"]:
                    if fig["end_char"] + 1 == begin:
                        begin = fig["start_char"]
                covered = [i for i, s in enumerate(starts) if s >= begin and s + len(words[i]) <= arg["end_char"]]
                if not covered or any(tags[i] != "O" for i in covered):
                    continue
                for n, i in enumerate(covered):
                    tags[i] = ("B-" if n == 0 else "I-") + kind
    return tags


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("train", "test"), default="train")
    parser.add_argument("--errors", type=int, default=0, help="print N misclassified sentences")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--events", default=PIPELINE[-1], help="the event component to score (default: %(default)s)")
    parser.add_argument(
        "--pick",
        choices=("main", "conflict"),
        default="main",
        help="several events: the main-clause one (default) or the most conflictual",
    )
    args = parser.parse_args()
    pick = classify_main if args.pick == "main" else classify
    pipe = Pipeline.from_names((*PIPELINE[:-1], args.events))

    started = time.perf_counter()
    rows = read_class(args.split)
    gold = [label for _, label in rows]
    pred = []
    for sentence, label in rows:
        found = events_of(pipe, sentence)
        guess = pick(found)
        pred.append(guess)
        if args.errors and guess != label:
            args.errors -= 1
            print(f"gold {label} pred {guess}: {sentence[:160]}  {[e['type'] for e in found]}")
    accuracy = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    macro = macro_f1(gold, pred)
    confusion = Counter(zip(gold, pred, strict=True))

    gold_tags, pred_tags = [], []
    for words, tags in read_ner(args.split):
        gold_tags.append(tags)
        pred_tags.append(actor_tags(words, events_of(pipe, " ".join(words))))
    chunks = score_chunks(gold_tags, pred_tags)
    st_gold = [[t if t.endswith(("-S", "-T")) else "O" for t in tags] for tags in gold_tags]
    st = score_chunks(st_gold, pred_tags)["overall"]
    elapsed = time.perf_counter() - started

    if args.json:
        print(
            json.dumps(
                {
                    "split": args.split,
                    "accuracy": accuracy,
                    "macro_f1": macro,
                    "actors": {k: {"p": v.precision, "r": v.recall, "f1": v.f1} for k, v in chunks.items()},
                    "s_t": {"p": st.precision, "r": st.recall, "f1": st.f1},
                },
                indent=2,
            )
        )
        return
    print(
        f"CAMEO PentaClass {args.split} (--pick {args.pick}): {len(rows)} sentences"
        f" ({elapsed:.1f}s with the actor part)"
    )
    print(
        f"  accuracy {100 * accuracy:.1f}  macro-F1 {100 * macro:.1f}  (majority class: "
        f"{100 * max(Counter(gold).values()) / len(gold):.1f} accuracy)"
    )
    print("  confusion (rows gold 0-4, columns predicted 0-4):")
    for g in range(5):
        print("   ", g, " ".join(f"{confusion[(g, p)]:4d}" for p in range(5)))
    print(f"CAMEO actors {args.split}: {len(gold_tags)} sentences, conlleval exact match")
    for kind in ("S", "T", "R"):
        if kind in chunks:
            c = chunks[kind]
            print(f"  {kind}  P {c.precision:5.1f}  R {c.recall:5.1f}  F1 {c.f1:5.1f}  (gold {c.gold})")
    print(f"  S+T P {st.precision:5.1f}  R {st.recall:5.1f}  F1 {st.f1:5.1f}")
    print("  anchor: no published number verified for this split (see SOURCE.md)")


if __name__ == "__main__":
    main()
