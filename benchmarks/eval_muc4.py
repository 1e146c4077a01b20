"""Events on MUC-4 (GRIT format): document-level role-filler entity extraction, micro P/R/F1 over 5 roles.

Reads ``../shared/data/muc4-grit/{train,dev,test}.json`` (research-only FBIS texts, never copied into the repo;
see its SOURCE.md). Each document goes through our own pipeline, ``extract.sentences.rules.v1``,
``extract.times.rules.v1``, ``extract.entities.gazetteer.v1``, ``extract.entities.crf.v1``,
``extract.entities.merge.v1`` and ``extract.events.rules.v4`` (``--events`` another).

Text handling (same length, so every offset holds): the texts are all upper case, which our rules (names,
capitalised triggers) and the CRF's shape features rely on, so they are first re-cased with a table built from
the CoNLL-2003 *training* set (the most frequent casing of each word, sentence-initial tokens left out); an
unknown word is title-cased (mostly Spanish names) unless it has an English common-word ending ("-ing",
"-tion" …), a name-closing noun after a capitalised word is capitalised ("… Liberation Front"), and a sentence
starts with a capital. The hard-wrapped lines of a paragraph are joined (our splitter reads a short line without
final punctuation as a headline). All of this was designed on train/dev only.

Mapping of the args of violent, non-negated events (attack, clash, strikes, shelling, bombing, killing,
abduction) to the five roles, designed on dev:

* PerpInd  <- actors that hold a PER name (the longest mention of that name in the document), or whose head is a
  person or perpetrator noun ("guerrillas", "gunmen", "members");
* PerpOrg  <- ORG names inside actors, or actors headed by an organisation noun ("front", "army", "cartel");
  the target of an accusation in a sentence about an attack ("blamed the FMLN for the attack") and the actor of
  "claimed responsibility" are perpetrators too;
* Victim   <- PER names inside targets (the slot is ``hum_tgt_name``: names, not descriptions);
* Target   <- targets that are FAC entities or headed by a physical noun ("building", "bus", "pylon" …);
* Weapon   <- instruments, except those of a clash or an air/drone strike (military action is no MUC incident).
A target that is an armed side ("rebels", "troops", "a guerrilla column") is dropped, and an event whose only
targets are armed sides is skipped (a clash, not an incident). Pronouns and bare numbers are no fillers.

Scoring follows the GRIT setup: predictions are deduplicated per document and role after normalisation (lower
case, articles and punctuation removed, spaces squeezed); a prediction is correct when it equals any mention of
a gold entity of that role that no earlier prediction matched; micro-averaged over all roles and documents.
(SOURCE.md also mentions head-noun matching; this script uses the exact normalised string, the stricter reading.)

    python benchmarks/eval_muc4.py --split dev          # the split the rules and mapping were developed on
    python benchmarks/eval_muc4.py --split train        # a larger check, also development data
    python benchmarks/eval_muc4.py --split test         # TEST: reported once, never tuned on
    python benchmarks/eval_muc4.py --split dev --show 5 # print predictions against gold for 5 documents
"""

from __future__ import annotations

import argparse
import json
import re
import string
import time
from collections import Counter
from pathlib import Path
from typing import Any

from storytrace.extract.entity_merge import entity_spans
from storytrace.model import Document
from storytrace.pipeline import Pipeline

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
MUC = DATA / "muc4-grit"
CONLL_TRAIN = DATA / "conll2003" / "train.txt"
ROLES = ("perp_individual_id", "perp_organization_id", "phys_tgt_id", "hum_tgt_name", "incident_instrument_id")
NAMES = {
    "perp_individual_id": "PerpInd",
    "perp_organization_id": "PerpOrg",
    "phys_tgt_id": "Target",
    "hum_tgt_name": "Victim",
    "incident_instrument_id": "Weapon",
}
ANCHOR = ("GRIT, Du, Rush & Cardie 2021 (test, micro F1)", 54.5)
PIPELINE = (
    "extract.sentences.rules.v1",
    "extract.times.rules.v1",
    "extract.entities.gazetteer.v1",
    "extract.entities.crf.v1",
    "extract.entities.merge.v1",
    "extract.events.rules.v4",
)
VIOLENT = frozenset(
    {"attack", "armed_clash", "air_strike", "drone_strike", "shelling", "bombing", "killing", "abduction"}
)
# Person heads: a target ending in one of these is a victim.
PERSON_NOUNS = frozenset(
    """people person persons civilian civilians peasant peasants soldier soldiers policeman policemen police officer
    officers guard guards man men woman women child children boy boys girl girls priest priests jesuit jesuits
    student students worker workers leader leaders mayor mayors judge judges minister ministers official officials
    member members candidate candidates journalist journalists diplomat diplomats ambassador businessman
    businessmen residents resident villagers villager passengers passenger farmer farmers citizen citizens
    family families wife son daughter brother father mother president senator deputy legislator colonel
    general lieutenant captain sergeant major commander agent agents employee employees director manager teacher
    teachers nun nuns bishop archbishop sister priest trade unionist unionists leftist leftists rightist
    activist activists driver drivers councilman governor chief secretary attorney lawyer lawyers victim
    victims individual individuals youth youths relatives""".split()
)
_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = str.maketrans("", "", string.punctuation)
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


def normalize(text: str) -> str:
    text = _ARTICLES.sub(" ", text.lower())
    return " ".join(text.translate(_PUNCT).split())


def build_case_table(path: Path = CONLL_TRAIN) -> dict[str, str]:
    """Most frequent casing of each word in CoNLL-2003 train, sentence-initial tokens left out."""
    counts: dict[str, Counter[str]] = {}
    first = True
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("-DOCSTART-"):
            first = True
            continue
        word = line.split(" ", 1)[0]
        if not first and word.isalpha():
            counts.setdefault(word.lower(), Counter())[word] += 1
        first = False
    return {low: c.most_common(1)[0][0] for low, c in counts.items()}


# Nouns that end an organisation's or a building's name after capitalised words.
_NAME_TAILS = frozenset(
    """front army forces force cartel movement party council institute bank union alliance commando command
    brigade battalion guard police ministry department building hotel embassy university school church
    hospital company corporation agency association federation committee""".split()
)
# Endings of English common words the CoNLL vocabulary may lack ("directing", "escort" stays a guess): such an
# unknown word stays lower case; other unknown words (mostly Spanish names) are title-cased.
_ENGLISH_SUFFIXES = (
    "ing",
    "ed",
    "ly",
    "tion",
    "tions",
    "ment",
    "ments",
    "ness",
    "ity",
    "ities",
    "ous",
    "ive",
    "ism",
    "ist",
    "ists",
    "able",
    "ible",
    "ful",
    "less",
    "ance",
    "ence",
    "ship",
    "ize",
    "ized",
    "izes",
    "ise",
    "ised",
    "er",
    "ers",
    "ies",
)


def recase(text: str, table: dict[str, str]) -> str:
    """Upper-case text to ordinary casing, same length and offsets."""
    chars = list(text.lower())
    sentence_start = True
    previous_capital = False
    for m in re.finditer(r"[A-Za-z]+(?:'[A-Za-z]+)?|[.!?]\s|\n\s*\n", text):
        token = m.group()
        if not token[0].isalpha():
            sentence_start = True
            previous_capital = False
            continue
        low = token.lower()
        cased = table.get(low)
        if low in _NAME_TAILS and previous_capital:
            cased = low.capitalize()  # "Farabundo Marti National Liberation Front", "Medellin Cartel"
        if cased is None:
            cased = low if len(low) <= 2 or low.endswith(_ENGLISH_SUFFIXES) else low.capitalize()
        sentence_initial = sentence_start
        if sentence_start:
            cased = cased[0].upper() + cased[1:]
            sentence_start = False
        if len(cased) == len(token):
            chars[m.start() : m.end()] = cased
        previous_capital = cased[:1].isupper() and not sentence_initial
    return "".join(chars)


def unwrap(text: str) -> str:
    """Join the hard-wrapped lines of a paragraph (same length): our splitter reads a short line without final
    punctuation as a headline, and FBIS transcripts wrap every line at about 70 characters."""
    return re.sub(r"(?<=\S)[ \t]*\n(?=[ \t]*\S)", lambda m: " " * len(m.group()), text)


# Heads of physical targets (buildings, vehicles, installations): a target ending in one is a Target filler.
PHYSICAL_HEADS = frozenset(
    """building buildings house houses home homes residence office offices headquarters station stations substation
    substations tower towers pylon pylons installation installations facility facilities plant plants bank banks
    branch branches embassy consulate institute school church hospital store stores shop shops market car cars bus
    buses truck trucks vehicle vehicles jeep jeeps ambulance plane planes airplane aircraft helicopter helicopters
    bridge bridges line lines powerline pipeline pipelines network system farm farms hotel hotels structure
    structures transformer transformers warehouse factory company premises mansion apartment apartments base
    bases post posts barracks garrison camp airport port dam center centre club restaurant""".split()
)


def is_physical(arg: dict[str, Any]) -> bool:
    if arg.get("label") == "FAC":
        return True
    words = _WORD.findall(arg["text"].lower())
    return bool(words) and words[-1] in PHYSICAL_HEADS


def is_person(arg: dict[str, Any]) -> bool:
    if arg.get("label") == "PER":
        return True
    words = _WORD.findall(arg["text"].lower())
    return bool(words) and words[-1] in PERSON_NOUNS


_PRONOUNS = frozenset("he she it they them him her we us i you who which that this these those one".split())


def usable(arg: dict[str, Any]) -> bool:
    """Pronouns and bare numbers are no fillers (MUC wants the named or described entity)."""
    low = normalize(arg["text"])
    return bool(low) and low not in _PRONOUNS and not low.replace(" ", "").isdigit()


def names_in(doc: Document, arg: dict[str, Any], label: str) -> list[str]:
    """The ``label`` entities inside an arg, each expanded to the longest mention of that name in the document
    ("Roldan" -> "Antonio Roldan Betancur"): MUC fills a role with the name, not the noun phrase around it."""
    inside = [
        e
        for e in entity_spans(doc)
        if e.label == label and e.start_char >= arg["start_char"] and e.end_char <= arg["end_char"]
    ]
    surfaces = {doc.text[e.start_char : e.end_char] for e in entity_spans(doc) if e.label == label}
    out = []
    for e in inside:
        name = doc.text[e.start_char : e.end_char]
        last = name.split()[-1].lower()
        longer = [s for s in surfaces if last in s.lower().split() and len(s) > len(name)]
        out.append(max(longer, key=len) if longer else name)
    return out


# Heads of a perpetrator description ("heavily armed men", "urban commandos"): other actor heads are dropped.
PERP_NOUNS = frozenset(
    """guerrillas guerrilla terrorists terrorist gunmen gunman men man individuals individual rebels rebel troops
    assassins assassin kidnappers kidnapper attackers attacker persons commandos commando subversives subversive
    squads squad traffickers trafficker militants insurgents hitmen killers killer murderers criminals criminal
    unit units column columns patrol patrols group groups band bands gang gangs extremists members""".split()
)
VIOLENT_WORDS = re.compile(r"(?i)\b(attack|bomb|murder|kill|assassinat|kidnap|massacre|explosion|blast|ambush)")
_ORG_HEADS = frozenset(
    "front army forces force cartel movement party government police guard command commandos union alliance".split()
)


# Combatants: a target that is an armed side is fighting, not a MUC incident's target or victim.
_COMBATANTS = frozenset(
    """rebels rebel guerrillas guerrilla terrorists terrorist column columns troops units unit positions forces
    battalion battalions patrol patrols army militants insurgents subversives""".split()
)


def is_combatant(arg: dict[str, Any]) -> bool:
    words = _WORD.findall(arg["text"].lower())
    return bool(words) and words[-1] in _COMBATANTS


def add_perpetrator(
    doc: Document, arg: dict[str, Any], roles: dict[str, list[str]], *, named_is_org: bool = False
) -> None:
    """Sort an actor into PerpInd/PerpOrg; ``named_is_org``: a capitalised non-person name is an organisation
    (who claims or is blamed for an attack is mostly a group: "The Extraditables", "the Shining Path")."""
    orgs = names_in(doc, arg, "ORG")
    if named_is_org and not orgs and not names_in(doc, arg, "PER") and any(w[0].isupper() for w in arg["text"].split()):
        roles["perp_organization_id"].append(arg["text"])
        return
    people = names_in(doc, arg, "PER")
    head = (_WORD.findall(arg["text"].lower()) or [""])[-1]
    if orgs:
        roles["perp_organization_id"] += orgs
    if people:
        roles["perp_individual_id"] += people
    elif head in _ORG_HEADS:
        roles["perp_organization_id"].append(arg["text"])
    elif head in PERSON_NOUNS or head in PERP_NOUNS:
        roles["perp_individual_id"].append(arg["text"])


def predict(doc: Document) -> dict[str, list[str]]:
    roles: dict[str, list[str]] = {r: [] for r in ROLES}
    for span in doc.spans.get("events", []):
        attrs = dict(span.attrs)
        # who is blamed for, or claims, an attack is its perpetrator
        if (
            attrs["type"] == "accusation"
            and not attrs["negated"]
            and VIOLENT_WORDS.search(doc.text, *attrs["sentence"])
        ):
            for arg in filter(usable, attrs["targets"]):
                add_perpetrator(doc, arg, roles, named_is_org=True)
        if attrs["type"] == "statement" and "responsib" in attrs["trigger"].lower():
            for arg in filter(usable, attrs["actors"]):
                add_perpetrator(doc, arg, roles, named_is_org=True)
        if attrs["type"] not in VIOLENT or attrs["negated"]:
            continue
        if attrs["targets"] and all(is_combatant(a) for a in attrs["targets"]):
            continue  # a clash between armed sides (army vs rebels) is no MUC incident
        for arg in filter(usable, attrs["actors"]):
            add_perpetrator(doc, arg, roles)
        for arg in filter(usable, attrs["targets"]):
            if is_combatant(arg):
                continue
            # the victim slot holds names ("hum_tgt_name"); the target slot physical things
            roles["hum_tgt_name"] += names_in(doc, arg, "PER")
            if is_physical(arg):
                roles["phys_tgt_id"].append(arg["text"])
        if attrs["type"] not in {"armed_clash", "air_strike", "drone_strike"}:  # military action: no MUC weapon
            for arg in attrs["instruments"]:
                roles["incident_instrument_id"].append(arg["text"])
    return roles


def score(gold: dict[str, list[list[str]]], pred: dict[str, list[str]], tally: dict[str, Counter[str]]) -> None:
    for role in ROLES:
        entities = [{normalize(m) for m in entity} for entity in gold.get(role, [])]
        preds = list(dict.fromkeys(p for p in (normalize(x) for x in pred.get(role, [])) if p))
        used: set[int] = set()
        tp = 0
        for p in preds:
            for idx, mentions in enumerate(entities):
                if idx not in used and p in mentions:
                    used.add(idx)
                    tp += 1
                    break
        tally[role]["tp"] += tp
        tally[role]["pred"] += len(preds)
        tally[role]["gold"] += len(entities)


def prf(c: Counter[str]) -> tuple[float, float, float]:
    p = c["tp"] / c["pred"] if c["pred"] else 0.0
    r = c["tp"] / c["gold"] if c["gold"] else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("train", "dev", "test"), default="dev")
    parser.add_argument("--show", type=int, default=0, help="print predictions and gold for N documents")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--events", default=PIPELINE[-1], help="the event component to score (default: %(default)s)")
    args = parser.parse_args()

    data = json.loads((MUC / f"{args.split}.json").read_text(encoding="utf-8"))
    table = build_case_table()
    pipe = Pipeline.from_names((*PIPELINE[:-1], args.events))
    tally: dict[str, Counter[str]] = {r: Counter() for r in ROLES}
    started = time.perf_counter()
    shown = 0
    for doc_id, item in data.items():
        text = unwrap(recase(item["doc"], table))
        doc = pipe(Document(id=doc_id, text=text, locator=doc_id))
        pred = predict(doc)
        score(item["roles"], pred, tally)
        if shown < args.show and any(item["roles"].values()):
            shown += 1
            print(f"== {doc_id}")
            for role in ROLES:
                print(f"  {NAMES[role]:8} pred={sorted(set(pred[role]))}  gold={[e[0] for e in item['roles'][role]]}")
    elapsed = time.perf_counter() - started
    total: Counter[str] = Counter()
    for c in tally.values():
        total.update(c)
    result = {NAMES[r]: dict(zip(("p", "r", "f1"), prf(tally[r]), strict=True)) for r in ROLES}
    result["micro"] = dict(zip(("p", "r", "f1"), prf(total), strict=True))
    if args.json:
        print(json.dumps({"split": args.split, "docs": len(data), "scores": result}, indent=2))
        return
    print(f"MUC-4 (GRIT) {args.split}: {len(data)} documents in {elapsed:.1f}s (re-cased from upper case)")
    for name, s in result.items():
        print(f"  {name:8} P {100 * s['p']:5.1f}  R {100 * s['r']:5.1f}  F1 {100 * s['f1']:5.1f}")
    print(f"  anchor: {ANCHOR[0]}: {ANCHOR[1]}")


if __name__ == "__main__":
    main()
