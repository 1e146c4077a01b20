"""Claims by rules: what a report asserts or relays, who stands behind it, how firmly, and what it is about.

Each claim is one self-contained proposition anchored to character offsets, for the cross-report stages that
cluster claims into propositions and weigh their origins:

* every attribution (layer ``attributions``) gives an ``attributed`` claim over its content, without an
  opening "that", the quotation marks around a whole quotation, a dateline, a kicker ("Exclusive:"), a
  trailing ", citing …", or the report that wraps the proposition ("denied a newspaper report that X" gives
  X). The pieces of a quotation split in one sentence ("“A,” he said, “B.”") make one claim; a quotation that
  runs on into a new sentence ("“A,” he said. “B.”") makes one claim per sentence. The claim keeps the
  attribution's ``speaker`` (a pronoun resolved to its named person when the attribution could) and
  ``chain``. A content shorter than three words ("by telephone") gives no claim, except for a denial or a
  refutation ("dismissed the allegations as baseless" still says which claim it rejects). A passive
  reporting verb ("X is said to …", "it is believed …") names no speaker: it is read as a hedge of an
  outlet claim, not as an attribution;
* every other sentence of the body that asserts something in the outlet's own voice gives an ``outlet``
  claim over the sentence without its dateline, kicker, leading connective ("However,") and final stop. It
  must have at least five words and a verb form, must not be a question, and must not be a byline, a date
  line, a caption or credit line, a heading or a sentence inside someone's quotation. A sentence that carries
  an attribution gives the attributed claim only; a clause after the attribution ("…, officials said, and the
  search continued through the night") is the outlet's own and gives an outlet claim;
* a claim relayed from social media by a noun ("unconfirmed reports circulating on social media that X",
  "claims online that X"), which the attribution layer does not read, gives an ``attributed`` claim over X with
  no attribution index, its speaker and one-hop chain the unnamed posts (kind ``social``); X ends where the
  sentence's own attribution starts ("…, the minister said"), and a stretch another claim already holds
  ("Claims on social media that X could not be verified" is an outlet claim) is not claimed twice;
* the headline is a claim when the text repeats it (the cleaner keeps it as the first line): it is flagged
  ``headline``, needs three words and no verb form ("Seven soldiers killed in ambush"), and a trailing
  "– report", ": sources", ", report says" or a leading "Report:" is cut off and read as the hedge
  "reportedly" ("Rumour:", "Unverified:" and "Unconfirmed:" as themselves). A title the text does not
  contain has no offsets, so it gives no claim here.

**Polarity.** ``denies``: the speaker says the thing did not happen or that it did not do it: a deny cue
("denied", "rejected") with an event or a report as its object, or a negated content whose subject is the
speaker ("it had not carried out", "we did not") or a negated existence ("there have been no contacts").
``refutes``: the speaker declares a claim false, a judgement on the claim rather than a statement about the
event: "refuted", "debunked", "dismissed/rejected … as baseless", "called the report “invented”", or a content
saying that a report, claim, allegation or story is false, untrue, baseless, fabricated, invented or a lie.
Whether the speaker is the party concerned is not decided here (STORY.md lets the party concerned refute
too): the claim keeps its speaker and entities, and the stance stage compares them. Declining to comment
denies nothing. The outlet's own voice ``asserts`` (a negative statement of fact, "the official did not
provide evidence", is an assertion), except in a fact-check, where it ``refutes``: "No, X did not …",
"reports of X are false", "X debunked", "a hoax", "X exposed as a fake".

**Hedges** are read in the claim's sentence(s) and its cue: "reportedly", "allegedly", "purportedly",
"apparently", "unconfirmed", "unverified", "could", "may", "might", "possibly", "likely", "appears/seems
to", "it is believed/thought/understood", "is said/believed/thought/reported to", "alleged", "suspected",
"rumoured"/"rumour", "claims to", "purports to", "according to unverified", and "claimed" when the cue is
"claimed"/"alleged" (the outlet keeping its distance). "could not be reached" is not a hedge, nor is "May"
the month ("in May", "May 5"; a title-case "May Be" is the modal).
**Modality** (first match wins): ``question`` (a "?", or an "asked" cue with a wh- content), ``conditional``
("if", "unless", "provided that"), ``possible`` ("could", "may", "might", "possibly", "perhaps"),
``planned`` ("plans to", "intends to", "is expected to", "is due to", "is set to", "scheduled to", "aims
to", "preparing to"), ``future`` ("will", "shall", "going to"; "would" only in a reported content; a
"vowed/promised/pledged/threatened" cue), else ``asserted``.

**What the claim concerns**: ``entities`` (every entity of ``entity_merge.entity_spans`` inside the claim),
``places`` (its LOC and FAC entities, and GPEs after a locative preposition, "in Ibdara", "the town of Ain
Bashura"; not the GPE that acts, "Ibdara rejects"; plus the place of an event the claim holds), ``times``
(the ``times`` layer), ``events`` (indices into the optional ``events`` layer whose trigger is inside the
claim) and ``figures`` (the events' figures inside the claim, or, with no events layer, casualty and arrest
figures read here: "at least 12 people were killed").

**One fact per claim (v4).** A non-restrictive relative clause (", who/which/whose …") or a past participle,
bare or after a short role noun (", led by …", ", the smuggler arrested on March 1"), that ends a claim and states
its own fact about the phrase before its comma (a name, or a definite phrase: "the pumping station, which was built
in 1988") becomes its own claim: pieces [antecedent, predicate] ("Sufyan al-Mahrouq" + "was arrested in Harbal on
1 March"; "whose …" keeps its relative word), text "Sufyan al-Mahrouq, who was arrested in Harbal on 1 March", with
the claim's attribution, speaker, chain and hedges and its own polarity and modality; the main claim ends at the
antecedent. Not split: a clause without a verb of its own ("its leader, Marwan al-Qutrubi", "a former smuggler"),
a restrictive clause (no comma), naming ("who is known as …"), speech ("the Courier, which reported that …": the
attribution layer's), the source's own situation ("who spoke on condition of anonymity", "reached by phone"), a
headline, or a split that would leave the main claim under three words.

**What was not said (v5).** A speech act negated or refused ("has not said", "would not say", "declined to say")
over an indirect question ("whether it will try to retake the bridge", "how many soldiers were hurt") gives no claim:
the speaker asserts nothing, and v4 read the question as the speaker's claim. The sentence gives no outlet claim
either. A refusal to comment ("declined to comment on …") still gives its claim, which the stance reads as
non-committal.

**What is no proposition (v6).** Long-form reports showed the attribution layers taking any verb with an object for
speech and cutting contents at the wrong place in long sentences; v6 reads each unquoted attributed content again:

* a noun-phrase content is a claim only after a verb whose object is a fact the speaker vouches for or rejects
  ("denied any involvement in the attack", "denied having agreed to …", "confirmed the death of …", "refuted the
  claims", "accused X of …", "warned of …", "expect X to …") or after a verb of naming ("described X as Y", "called
  the closure a betrayal"). After any other verb ("had declared the state of emergency", "has assumed the position
  of …", "published an article about …", "wrote an update") and after a verb that never reports a proposition
  ("praised X for attacking …", "thanked", "urged", "called on/for", "calling itself") it gives no claim and its
  sentence is the outlet's own claim ("released"); after a verb of speech whose content is the speaker's own phrase
  ("…, said a source who attended the talks") it gives none, and the sentence gives no outlet claim either.
  Quotations, infinitives ("vowed to …"), indirect questions and that-clauses stay claims;
* a content cut at the wrong place is repaired: a source's phrase, an addressee or an adjunct of the cue at its head
  is cut off ("According to the source cited by “Shafaq”, X", "According to a report that is circulating online, X",
  "told “Shafaq,” X", "explains in a post, X", "told lawmakers during a meeting that X"), and so is the end of a
  phrase it starts in ("… near Gaza, the visit was canceled" gives "the visit was canceled"); a subject the layer read
  with the addressee is given back ("told him it was a sting", "told the Post the ledger was forged"); a content ends
  where another speaker's attribution or a participle of speech starts after a clause and a comma (", adding that
  …", ", said a source …"; ", accusing X of Y" gives the same speaker the claim Y); a cue in a fronted subordinate
  clause ends its content at the clause ("Before X declared the state of emergency, Y met Z": "Y met Z" is the
  outlet's); a dangling end is cut ("… after they"), or continued past the cue's parenthesis ("a militia that,
  according to X, “is closer to …”", one claim in two pieces; "cited X as saying that Y" gives Y); "that is not
  the case" keeps its subject (v1-v5 cut "that" as a complementiser);
* a fragment gives no claim: a content that opens on a verb with its subject elsewhere ("told the Post Ilse Varga
  had signed …"; right after its cue the cue was the subject's noun, "Abou Fadak's warning appeared routine", and
  the sentence is the outlet's; after a relative, "the attack, which officials said was planned", the predicate
  stays as in v5), a fronted subordinate clause alone ("As news emerged of …"), a phrase after a preposition with no
  head to cut (a passive's agent, "an official quoted by Meridian Wire, and Ibdara has denied it", leaves the
  sentence to the outlet), a content that holds its own cue (the outlet's too) or is the speaker's phrase, an
  unquoted content in an earlier sentence than its cue;
* the outlet's voice gives no claim for a photo caption (", right,", "(L)"), a teaser ("something started to happen
  in X"), what the writer cannot tell ("it remains difficult to verify who …", "it is unclear whether …", "Where
  this may leave X is a key question"; not when ", but …" or ", although …" goes on), a sentence that only sources
  the one before ("This is reported by X"), or the rest of a sentence cut by an attribution that ends mid-phrase
  ("they have not yet spoken out on"). The writer's framing that asserts something stays a claim: most own-voice
  sentences of a report are its claims ("It is difficult to differentiate between A and B" is a judgement other
  reports can support or refute). "Take, for instance, X" keeps X; "So far, …" is no longer cut to "far, …";
* v4's split: ", the visit was canceled at …" has its own subject (no participle), and after a pointer a main part
  of five words or fewer with no verb keeps its clause ("Take, for instance, the militia, whose leader …").

Beyond the layer spec, a claim carries ``pieces`` (its content pieces, one for an outlet claim) and
``headline`` (bool).

Known gaps: no parser, so verbs are recognised from word forms (a plural noun can pass as a verb in a
fragment, "Talks and attacks in the north"); a claim is a whole content or sentence, not split into its
coordinated propositions ("A was killed and B wounded" is one claim); the outlet's voice in free indirect
speech, scare quotes, imperatives and rhetorical questions is taken at face value; a speech verb the
attribution layer misses ("said in an audio message that …", a title-case "Claims" in a headline) leaves the
sentence an outlet claim; refutation by counter-evidence ("the minister was at his desk that day", "the
footage is old") reads as ``asserts``; the quality of attributed claims is that of the attribution layer
they come from (its speaker errors, "Police in Varnela" read as "Varnela", pass through). v4 splits only a clause
that ends its claim: a claim's stored text runs from its first piece to its last, so a clause in mid-sentence ("The
militia, which has held the roads since 3 March, did not respond") would stay in the main claim's text (tried: it
bridged unrelated claims in the demo, P08 purity 0.25); a clause is read up to its next comma ("arrested in Harbal,
the capital, on 1 March" loses the date); the antecedent is the nearest name or definite phrase ("An officer with
the escort, reached …" would read "the escort"; naming and source cues keep that case out); a participle needs a verb
before it in the claim ("…, reopened on Monday" after a subject is the main verb). v6 reads verbs from word lists
too: after a verb of speech a content of five words or more is taken for a clause, after any other verb a content
whose only verb the lists miss is taken for a noun phrase and its sentence becomes the outlet's claim (its speaker
lost); the attribution layer's speaker errors stay ("X, said a source" read with X's subject as the speaker gives no
claim now, and the sentence is not re-attributed); a subject read with a named addressee is not recovered ("told the
Mirror Kim would support …" gives no claim); a predicate after a relative ("a march, which organisers say will reach
Harbal …") keeps v5's subjectless text, its antecedent not recovered; a caption's fact is dropped with the caption;
"This is reported by X" does not pass X to the sentence before; sentences the splitter joins are read as one.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from storytrace.extract.entity_merge import entity_spans
from storytrace.model import Document, Span
from storytrace.pipeline import ComponentFn, register

__all__ = ["CLAIM_HEDGES", "extract_claims"]

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+(?:[.,:/]\d+)*")

# Hedges, longest first so "appears to" wins over nothing shorter; "may" only lower-case (not the month).
CLAIM_HEDGES = (
    "according to unverified",
    "it is believed",
    "it is thought",
    "it is understood",
    "it is alleged",
    "appears to",
    "appeared to",
    "appear to",
    "seems to",
    "seemed to",
    "is said to",
    "are said to",
    "was said to",
    "were said to",
    "is believed to",
    "are believed to",
    "was believed to",
    "is thought to",
    "are thought to",
    "is reported to",
    "are reported to",
    "was reported to",
    "reportedly",
    "allegedly",
    "purportedly",
    "apparently",
    "unconfirmed",
    "unverified",
    "could",
    "may",
    "might",
    "possibly",
    "likely",
    "alleged",
    "suspected",
    "rumoured",
    "rumored",
    "rumour",
    "rumor",
    "rumours",
    "rumors",
    "claims to",
    "claimed to",
    "purports to",
    "purported to",
    "purported",
)
_ONE_WORD_HEDGES = frozenset(h for h in CLAIM_HEDGES if " " not in h)
# (phrase, its rarest word, pattern): the pattern runs only when that word is in the sentence.
_PHRASE_HEDGES = tuple(
    (h, max(h.split(), key=len), re.compile(r"\b" + h.replace(" ", r"\s+") + r"\b", re.IGNORECASE))
    for h in CLAIM_HEDGES
    if " " in h
)
_MAY = re.compile(r"\b[Mm]ay\b")
# "May" is the modal in a title-case headline ("Marijuana May Mean Ticket") only before a verb-like word, and
# never after "in", "on", "early" … ("in May", "on May 5").
_MODAL_MAY_NEXT = frozenset(
    """be have not never soon also still well already now mean need face get take lose help cost come become end
    lead require see hit want try""".split()
)
_MONTH_CONTEXT = frozenset("in on of since until by from early late mid last next this during before after".split())
_COULD = re.compile(r"\bcould\b")
_NOT_A_HEDGE = re.compile(r"could\s+not\s+(?:immediately\s+)?be\s+(?:reached|contacted)", re.IGNORECASE)
_DISTANCING_CUES = frozenset("claimed claims claim claiming alleged alleges allege alleging".split())

_QUESTION_CUES = frozenset("asked asks asking wondered questioned".split())
_FUTURE_CUES = frozenset("vowed vows promised promises pledged pledges threatened threatens".split())
_CONDITIONAL = re.compile(r"\b(?:if|unless|provided\s+that|providing\s+that|on\s+condition\s+that)\b", re.IGNORECASE)
_POSSIBLE = re.compile(r"\b(?:could|might|possibly|perhaps|maybe)\b|\bmay\b", re.IGNORECASE)
_PLANNED = re.compile(
    r"\b(?:plans?|planned|planning|intends?|intended|intending|aims?|aimed|aiming|prepares?|preparing|proposes?|"
    r"(?:is|are|was|were|be)\s+(?:set|due|scheduled|expected|slated)|expects?|expected)\s+to\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(r"\b(?:will|won[’']t|shall|going\s+to)\b|[’']ll\b", re.IGNORECASE)

# Polarity cues. Deny-like verbs; refute-like verbs; "as <false word>" after dismiss/reject.
_DENY_CUES = frozenset("deny denies denied denying reject rejects rejected rejecting".split())
_REFUTE_CUES = frozenset(
    "refute refutes refuted refuting debunk debunks debunked debunking disprove disproves disproved".split()
)
_DISMISS_CUES = frozenset("dismiss dismisses dismissed dismissing".split())
_FALSE_WORDS = (
    r"(?:false|untrue|baseless|groundless|unfounded|fabricated|invented|made[\s-]up|fake|fabrications?|lies|a\s+lie|"
    r"incorrect|inaccurate|wrong|nonsense|propaganda|fiction|misleading|without\s+foundation)"
)
_AS_FALSE = re.compile(r"\bas\s+[«“\"']?" + _FALSE_WORDS + r"\b", re.IGNORECASE)
_CLAIM_NOUN = r"(?:report|reports|claim|claims|allegation|allegations|story|stories|accusation|accusations|rumou?rs?|account|news|article|video|footage|statement)"  # noqa: E501
_CLAIM_IS_FALSE = re.compile(
    r"\b"
    + _CLAIM_NOUN
    + r"\b[^.;]{0,60}?\b(?:is|was|are|were|be|been|being|remains?)\s+(?:(?:a|an|completely|entirely|"
    r"totally|utterly|simply|wholly|absolutely|also|complete|total|pure|outright|blatant|an?)\s+){0,3}[«“\"']?"
    + _FALSE_WORDS
    + r"\b",
    re.IGNORECASE,
)
_CALLED_FALSE = re.compile(r"^\s*(?:the|that|this|these|those|a|an|such)\b[^.;]{0,60}?[«“\"']?" + _FALSE_WORDS + r"\b")
_CALL_CUES = frozenset("called calls calling described describes branded labelled labeled termed".split())
_NEGATION = re.compile(r"\b(?:not|never|no|n[’']t)\b|n[’']t\b", re.IGNORECASE)
_NEGATION_KEYS = frozenset(
    "not never no nothing none n't didn't don't doesn't hasn't haven't hadn't wasn't weren't isn't aren't won't".split()
    + "didn’t don’t doesn’t hasn’t haven’t hadn’t wasn’t weren’t isn’t aren’t won’t".split()
)
_NO_COMMENT_KEYS = frozenset({"comment", "add", "discuss", "confirm"})
_SELF_SUBJECT = frozenset("it we i they he she its our their his her".split())
_EXISTENTIAL_NEGATION = re.compile(
    r"^(?:there\s+(?:is|are|was|were|has\s+been|have\s+been|had\s+been)\s+no\b|no\s+\w+(?:\s+\w+)?\s+"
    r"(?:took\s+place|happened|occurred|was\s+held|were\s+held)\b)",
    re.IGNORECASE,
)
_NO_COMMENT = re.compile(
    r"\b(?:not|no|declined\s+to|refused\s+to)\s+(?:to\s+)?(?:comment|add|discuss|confirm)|nothing\s+to\s+add", re.I
)
# "rejected as «baseless» an allegation that X", "rejects drone claim as baseless": the proposition is X.
_LEADING_FALSE = re.compile(r"(?:as\s+)?[«“\"']?" + _FALSE_WORDS + r"[»”\"']?\s+", re.IGNORECASE)
_TRAILING_FALSE = re.compile(r"\s+as\s+[«“\"']?" + _FALSE_WORDS + r"[»”\"']?\s*$", re.IGNORECASE)
# "called the reports “pure fiction”": only after a verb of naming.
_TRAILING_NAMED_FALSE = re.compile(
    r"\s+[«“\"']?(?:(?:pure|complete|total|utter|outright|a)\s+)*" + _FALSE_WORDS + r"[»”\"']?\s*$", re.IGNORECASE
)
_CLAIM_THAT = re.compile(
    r"(?:(?:a|an|the|any|all|these|those|such|recent|earlier|newspaper|media|press|news)\s+){0,4}"
    r"(?:[\w'’-]+\s+){0,2}?" + _CLAIM_NOUN + r"\b[^,;.“”«»\"]{0,80}?\bthat\s+",
    re.IGNORECASE,
)

# Fragments that are not claims: by- and date lines, credits, captions, kickers, section labels.
_BYLINE = re.compile(
    r"^(?:by\s+[A-Z]|posted\b|published\b|updated\b|last\s+updated\b|reporting\s+by\b|writing\s+by\b|editing\s+by\b|"
    r"additional\s+reporting\b|compiled\s+by\b|photo\b|image\b|picture\b|video\b|file\s+photo\b|caption\b|"
    r"credit\b|source\s*:|copyright\b|©|all\s+rights\b|read\s+more\b|related\b|see\s+also\b|follow\s+us\b|"
    r"share\b|click\b|subscribe\b|sign\s+up\b|contact\b|tags?\s*:|topics?\s*:|\(?(?:photo|file|reuters|afp|ap)\)?$)",
    re.IGNORECASE,
)
_SEPARATOR_LINE = re.compile(r"\s[|·•]\s")  # "By Rasha Dabbour | 8 March 2025", "Regions · Wadi Tesra"
_CREDIT_END = re.compile(r"\((?:photo|file|image|picture)[^)]*\)\s*$|\b(?:getty images|/ ?afp|/ ?reuters)\s*$", re.I)
_DATELINE = re.compile(
    r"(?:[A-Z][A-Z'’.-]+(?:\s+[A-Z][A-Z'’.-]+)*)(?:,\s*[^—–\-\n]{1,40}?)?(?:\s*\([^)\n]{1,40}\))?\s*[—–-]{1,2}\s+"
)
_KICKER = re.compile(
    r"(?:exclusive|unverified|unconfirmed|breaking(?:\s+news)?|update[d]?|analysis|opinion|comment|explainer|"
    r"factbox|fact[\s-]check|watch|video|live|just\s+in|developing|correction|reports?|rumou?rs?|sources?)\s*"
    r"[:|–—-]\s+",
    re.IGNORECASE,
)
_HEDGING_KICKERS = {
    "unverified": "unverified",
    "unconfirmed": "unconfirmed",
    **{w: "reportedly" for w in "report reports source sources".split()},
    **{w: w for w in "rumor rumour rumors rumours".split()},
}
# A headline's "… – report", "…: sources", "…, report says": the outlet relays an unnamed report.
_REPORT_TAIL = re.compile(
    r"(?:\s+[–—-]\s+|\s*[:,]\s+)(?:an?\s+|the\s+)?(?:new\s+|video\s+|media\s+)?(?:report|reports|media|sources?|paper|agency|tv|"
    r"rumou?rs?|insiders?)(?:\s+(?:says|say|claims|claim|suggests|suggest))?\s*$",
    re.IGNORECASE,
)
_CONNECTIVE = re.compile(
    r"(?:however|meanwhile|moreover|furthermore|in\s+addition|additionally|also|still|separately|nevertheless|"
    r"nonetheless|indeed|in\s+turn|elsewhere|in\s+other\s+developments|but|and|yet|so)\b,?\s+",
    re.IGNORECASE,
)
# After an attribution only: "…, the ministry said, although traffic has fallen by half".
_SUBORDINATOR = re.compile(r"(?:while|whereas|although|though)\b,?\s+", re.IGNORECASE)
_THAT = re.compile(r"that\s+", re.IGNORECASE)
# "…, citing satellite images": how the speaker backs the claim, not part of it.
_TRAILING_SOURCE = re.compile(r",\s+(?:citing|quoting|according\s+to|referring\s+to)\b")
# A continuation after a parenthetical cue, "A, officials said, and B": B is the outlet's own.
_CONTINUATION = re.compile(r"(?:and|but|while|whereas)\s+", re.IGNORECASE)
# "X is said to …", "it is believed …": a passive of a reporting verb hedges the outlet's own claim; it names no
# speaker, so it is not an attribution here (the attribution layer reads the subject as the speaker).
_BE = frozenset("is are was were be been being".split())
_PASSIVE_BEFORE_CUE = re.compile(r"\b(?:is|are|was|were|be|been|being)\s*$", re.IGNORECASE)
# "an official who asked not to be named": the condition of anonymity, not a claim.
_ANONYMITY = re.compile(
    r"(?:not\s+)?to\s+be\s+(?:named|identified|quoted)\b|(?:on\s+)?condition\s+of\s+anonymity", re.I
)
_WH_WORDS = frozenset("who what when where why how whether if which".split())
_OPEN_QUOTES = '“«‹„"'
_CLOSE_QUOTES = '”»›"'
_TRAIL = " \t\n,.;:!…"

# Verb forms: auxiliaries, irregular pasts and the inflections of common news verbs. A sentence of five words
# or more in the body almost always has one; this test is mainly there to drop headings and name lines.
_AUXILIARIES = frozenset(
    """is are was were be been being am has have had having do does did will would shall should can could may
    might must isn't aren't wasn't weren't hasn't haven't hadn't doesn't didn't won't wouldn't can't couldn't""".split()
)
_IRREGULAR = frozenset(
    """said told took made held met ran lost grew gave hit cut put set fled left fought brought sent saw knew found
    came went got began begun struck sought kept fell rose died bought thought became shot led spoke wrote stood
    broke blew drew drove flew hid lay paid quit read rode rang sank sat slept spent spread stole swore threw tore
    woke won wore taken given seen known shown begun broken driven fallen written spoken stolen chosen forgotten
    hidden risen thrown withdrew withdrawn overran overrun undertook""".split()
)
_STEMS = """say tell kill wound attack strike hit open close lift run lose grow give take make hold meet seize free
    release arrest deny reject claim launch fire shell bomb destroy capture control enter leave reach cross flee
    return withdraw sign agree offer demand call warn threaten accuse blame cut stop start end begin continue remain
    stay show reveal confirm report announce plan intend expect face fall rise die need want seek send supply fund
    back support oppose block besiege raid storm target ambush kidnap abduct detain charge sentence escape clash
    fight push move deploy patrol bring put set keep come go get see know find look seem appear try fail win
    vote pass ban allow urge ask order host visit talk discuss negotiate resume suspend halt resign appoint name
    elect replace lead head join form build hand drop raise pay cost save help protect serve live work mark
    insist argue stress note add explain describe estimate believe hope fear mean own use hope expect""".split()


def _inflections(stem: str) -> set[str]:
    if stem.endswith("e"):
        return {stem + "s", stem + "d"}
    if stem.endswith("y") and stem[-2] not in "aeiou":
        return {stem[:-1] + "ies", stem[:-1] + "ied"}
    if stem.endswith(("s", "sh", "ch", "x", "z")):
        return {stem + "es", stem + "ed"}
    return {stem + "s", stem + "ed"}


_VERB_FORMS = _AUXILIARIES | _IRREGULAR | {form for stem in _STEMS for form in _inflections(stem)}
_PARTICIPLES = frozenset(
    """taken given seen known shown begun broken driven fallen written spoken stolen chosen forgotten hidden risen
    thrown""".split()
)
_ED_NOT_VERBS = frozenset(
    "red bed need seed feed speed shed breed creed indeed hundred armed unnamed unidentified".split()
)

_LOCATIVE = frozenset(
    """in at near outside inside into from across around towards toward to through along within via onto
    off past beyond throughout""".split()
)
_PLACE_NOUNS = frozenset(
    """town city village district province region governorate area outskirts suburb capital neighbourhood
    neighborhood camp border frontier state country""".split()
)
_PLACE_LABELS = frozenset({"LOC", "FAC"})
_GPE_LABELS = frozenset({"GPE"})

# Figures, used only when no events layer gives them: "at least 12 people were killed", "40 wounded".
_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
        seventeen eighteen nineteen twenty""".split()
    )
}
_FIGURE = re.compile(
    r"(?P<approx>\b(?:at\s+least|more\s+than|over|about|around|nearly|almost|some|up\s+to|roughly|an\s+estimated|"
    r"dozens\s+of|hundreds\s+of|thousands\s+of)\s+)?"
    r"(?P<num>\b\d{1,3}(?:,\d{3})*\b|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b|\bdozens\b|\bhundreds\b|\bthousands\b)"
    r"(?:\s+(?:other|others|more|[a-z]+-?[a-z]*)){0,3}?\s+(?:(?:were|was|have\s+been|had\s+been|are|being)\s+)?"
    r"(?P<kind>killed|dead|died|wounded|injured|hurt|missing|arrested|detained|displaced|abducted|kidnapped)\b",
    re.IGNORECASE,
)
_FIGURE_KEYS = frozenset(
    "killed dead died wounded injured hurt missing arrested detained displaced abducted kidnapped".split()
)
_FIGURE_KIND_WORD = re.compile(r"\b(?:" + "|".join(sorted(_FIGURE_KEYS)) + r")\b", re.IGNORECASE)
_FIGURE_KIND = {
    "killed": "killed",
    "dead": "killed",
    "died": "killed",
    "wounded": "wounded",
    "injured": "wounded",
    "hurt": "wounded",
    "missing": "missing",
    "arrested": "arrested",
    "detained": "arrested",
    "abducted": "missing",
    "kidnapped": "missing",
    "displaced": "displaced",
}


@dataclass(slots=True)
class _Context:
    """What every claim reads from the document, prepared once."""

    text: str
    entities: list[Span]
    entity_starts: list[int]
    entity_ids: list[Any]  # per entity: its ``entity_id`` attr, read once (attrs are tuples of pairs)
    times: list[Span]
    time_starts: list[int]
    time_attrs: list[dict[str, Any]]  # per time: its attrs as a dict, built once rather than once per claim
    events: list[Span]
    event_order: list[int]  # indices into ``events`` by trigger start: the claim keeps the layer's own indices
    event_starts: list[int]
    event_attrs: list[dict[str, Any]]  # per event (layer order): its attrs as a dict, built once
    has_events: bool
    version: int = 2  # 3: an official's negated statement about a named actor is a denial; "reported talks" hedged;
    # 4: a final relative or participial clause with its own fact is its own claim; 5: what a speaker would not
    # say ("has not said whether …") is no claim; 6: what is no proposition is no claim


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _has_verb(words: Sequence[str], finite: bool = False) -> bool:
    for w in words:
        low = w.lower()
        if w != low and w is not words[0]:
            continue  # a capitalised word inside a sentence is a name, not a verb
        if finite and low in _PARTICIPLES:
            continue
        if low in _VERB_FORMS or (len(low) > 4 and low.endswith("ed") and low not in _ED_NOT_VERBS):
            return True
    return False


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim spaces and trailing punctuation; drop quotation marks that enclose the whole stretch."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1] in _TRAIL:
        end -= 1
    if end - start >= 2 and text[start] in _OPEN_QUOTES and text[end - 1] in _CLOSE_QUOTES:
        inner = text[start + 1 : end - 1]
        if not any(q in inner for q in '“”«»"'):
            start, end = start + 1, end - 1
            while end > start and text[end - 1] in _TRAIL:
                end -= 1
    elif end - start >= 2 and text[start] in _OPEN_QUOTES and not any(q in text[start + 1 : end] for q in '”»"'):
        start += 1  # an opening quote whose closing mark was trimmed off with the punctuation
    elif end > start + 1 and text[end - 1] in "”»" and not any(q in text[start : end - 1] for q in "“«"):
        end -= 1
        while end > start and text[end - 1] in _TRAIL:
            end -= 1
    return start, end


def _trim_front(text: str, start: int, end: int, patterns: Sequence[re.Pattern[str]]) -> tuple[int, int, list[str]]:
    """Cut a dateline, kicker, connective or "that" off the front; returns the kicker words that hedge."""
    hedges: list[str] = []
    changed = True
    while changed and start < end:
        changed = False
        for pattern in patterns:
            m = pattern.match(text, start, end)
            if m and m.end() < end:
                word = m.group(0).split(":")[0].strip().lower()
                if pattern is _KICKER and word in _HEDGING_KICKERS:
                    hedges.append(_HEDGING_KICKERS[word])
                start = m.end()
                changed = True
    return start, end, hedges


_FRONT = (_DATELINE, _KICKER, _CONNECTIVE, _THAT)


# Cheap word-set tests before a regex: most sentences hold no hedge, modal or false-word at all.
_PUNCTUATION = str.maketrans({c: " " for c in '.,;:!?()[]{}«»“”"‘—–/'})


@functools.lru_cache(maxsize=1024)  # a claim's text is tested for hedges, modals, false-words and figures
def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.lower().translate(_PUNCTUATION).split())


_HEDGE_KEYS = frozenset(
    """unverified believed thought understood alleged appear appears appeared seem seems seemed purportedly apparently
    unconfirmed could may might possibly likely suspected reportedly allegedly unverified rumoured rumored rumour
    rumor rumours rumors claims claimed purported purports""".split()
)
_SAID_TO_KEYS = frozenset({"said", "reported"})  # "is said to", "is reported to": only with "to"
_FALSE_KEYS = frozenset(
    """false untrue baseless groundless unfounded fabricated fabrication fabrications invented made-up made fake
    lie lies incorrect inaccurate wrong nonsense propaganda fiction misleading foundation""".split()
)
_CONDITIONAL_KEYS = frozenset({"if", "unless", "provided", "providing", "condition"})
_POSSIBLE_KEYS = frozenset({"could", "may", "might", "possibly", "perhaps", "maybe"})
_FUTURE_KEYS = frozenset({"will", "won't", "won’t", "shall", "going"})
_PLANNED_KEYS = frozenset(
    """plan plans planned planning intend intends intended intending aim aims aimed aiming prepare prepares preparing
    propose proposes set due scheduled expected slated expect expects""".split()
)
_MODAL_KEYS = _CONDITIONAL_KEYS | _POSSIBLE_KEYS | _FUTURE_KEYS | _PLANNED_KEYS | {"would"}


def _hedges(text: str, start: int, end: int) -> list[str]:
    """Hedges in ``text[start:end]``, in order. One-word hedges are read off the word set (no regex scan)."""
    words = _word_set(text[start:end])
    present = _HEDGE_KEYS & words
    if not present and ("to" not in words or _SAID_TO_KEYS.isdisjoint(words)):
        return []
    stretch = text[start:end]
    lower = stretch.lower()
    found: list[tuple[int, str]] = []
    for word in present & _ONE_WORD_HEDGES:
        if word == "may" and not _has_modal_may(stretch):
            continue  # only "May", the month
        if word == "could" and len(_NOT_A_HEDGE.findall(stretch)) >= len(_COULD.findall(lower)):
            continue  # only "could not be reached"
        found.append((lower.find(word), word))
    for phrase, key, pattern in _PHRASE_HEDGES:
        if key in words:
            m = pattern.search(stretch)
            if m:
                found.append((m.start(), phrase))
    return [word for _, word in sorted(found)]


def _has_modal_may(text: str) -> bool:
    for m in _MAY.finditer(text):
        if m.group(0) == "may":
            return True
        before = text[max(0, m.start() - 20) : m.start()].split()
        after = text[m.end() : m.end() + 20].split()
        if (
            after
            and after[0].lower().strip(",.") in _MODAL_MAY_NEXT
            and not (before and before[-1].lower() in _MONTH_CONTEXT)
        ):
            return True
    return False


def _modality(claim_text: str, cue: str | None, reported: bool, hint: frozenset[str]) -> str:
    """``hint``: the words of the claim's sentence, a superset of the claim's, to skip the regexes cheaply."""
    first = claim_text.split(maxsplit=1)[0].lower() if claim_text.strip() else ""
    if claim_text.rstrip().endswith("?") or (cue is not None and cue in _QUESTION_CUES and first in _WH_WORDS):
        return "question"
    if _MODAL_KEYS.isdisjoint(hint) and "ll " not in claim_text:
        return "future" if cue is not None and cue in _FUTURE_CUES else "asserted"
    words = _word_set(claim_text)
    if not _CONDITIONAL_KEYS.isdisjoint(words) and _CONDITIONAL.search(claim_text):
        return "conditional"
    if not _POSSIBLE_KEYS.isdisjoint(words) and any(
        (m.group(0).lower() != "may" or _has_modal_may(claim_text)) and not _NOT_A_HEDGE.match(claim_text, m.start())
        for m in _POSSIBLE.finditer(claim_text)
    ):
        return "possible"
    if not _PLANNED_KEYS.isdisjoint(words) and _PLANNED.search(claim_text):
        return "planned"
    if (not _FUTURE_KEYS.isdisjoint(words) or "ll " in claim_text) and _FUTURE.search(claim_text):
        return "future"
    if reported and "would" in words:
        return "future"
    if cue is not None and cue in _FUTURE_CUES:
        return "future"
    return "asserted"


def _polarity(
    text: str,
    cue: str,
    speaker: str,
    speaker_kind: str,
    pieces: Sequence[tuple[int, int]],
    after_cue: str,
    hint: frozenset[str],
) -> str:
    content = " ".join(text[s:e] for s, e in pieces)
    if cue in _REFUTE_CUES:
        return "refutes"
    judging = cue in _DISMISS_CUES or cue in _DENY_CUES or cue in _CALL_CUES
    if judging and not _FALSE_KEYS.isdisjoint(_word_set(after_cue[:200])) and _AS_FALSE.search(after_cue[:200]):
        return "refutes"
    if _FALSE_KEYS.isdisjoint(hint) and _NEGATION_KEYS.isdisjoint(hint):
        return "denies" if cue in _DENY_CUES or cue in _DISMISS_CUES else "asserts"
    content_words = _word_set(content)
    has_false_word = not _FALSE_KEYS.isdisjoint(content_words)
    if has_false_word and cue in _CALL_CUES and _CALLED_FALSE.search(content):
        return "refutes"
    if has_false_word and _CLAIM_IS_FALSE.search(content):
        return "refutes"
    if cue in _DENY_CUES or cue in _DISMISS_CUES:
        return "denies"
    words = [w.lower() for w in _words(content[:80])[:8]]
    if not words or _NEGATION_KEYS.isdisjoint(content_words):
        return "asserts"
    if not _NO_COMMENT_KEYS.isdisjoint(content_words) and _NO_COMMENT.search(content):
        return "asserts"  # declining to comment is not a denial
    if speaker_kind not in {"outlet", "document"} and _EXISTENTIAL_NEGATION.match(content.lstrip(_OPEN_QUOTES + " ")):
        return "denies"
    speaker_words = {w.lower() for w in _words(speaker)}
    subject_is_speaker = words[0] in _SELF_SUBJECT or (words[0] in speaker_words and words[0] not in {"the", "a"})
    if subject_is_speaker and _NEGATION.search(" ".join(_words(content[:80])[:6])):
        return "denies"
    return "asserts"


# v3: "reported" before a noun is the writer keeping a distance ("the reported talks", "- 9 March: reported talks in
# Qasr Numayr"), after a determiner or at the head of a clause; "the Courier reported talks had …" is the verb.
_REPORTED_BEFORE_NOUN = re.compile(
    r"(?:^|(?<=[:(\-–—])\s*|(?<=\n)|\b(?:[Tt]he|[Aa]n?|[Ii]ts|[Tt]heir|[Hh]is|[Hh]er|[Tt]hese|[Tt]hose|[Tt]his|[Tt]hat)\s+)"
    r"[Rr]eported\s+(?!(?:to|that|by|on|in|as|at|the|a|an|its|their|this|last|earlier|yesterday|today)\b)[a-z]"
)
# Someone who speaks for a side: a spokesman, a ministry, a government, an official or an office.
_OFFICIAL = re.compile(r"\b(?:spokes(?:man|woman|person)|minist(?:er|ry)|government|official|office)\b", re.I)
_ACTOR_LABELS = frozenset({"GPE", "ORG", "NORP", "LOC"})


def _official_negates(ctx: _Context, pieces: Sequence[tuple[int, int]], speaker: str, speaker_kind: str) -> bool:
    """v3: an official's content that opens on a named state or group and negates what it did ("«Ibdara has not
    supplied … weapons», ministry spokeswoman Mireille Azzar said") is a denial, as "we did not" already is
    (``_polarity``): the speaker speaks for a side, and the negation is the statement. Not a no-comment."""
    if speaker_kind not in {"named", "anonymous"} or not _OFFICIAL.search(speaker):
        return False
    start, end = pieces[0]
    content = ctx.text[start:end]
    lead = len(content) - len(content.lstrip(_OPEN_QUOTES + " "))
    k = bisect.bisect_left(ctx.entity_starts, start + lead)
    if k == len(ctx.entities) or ctx.entities[k].start_char != start + lead:
        return False
    if ctx.entities[k].label not in _ACTOR_LABELS:
        return False
    verb = _words(ctx.text[ctx.entities[k].end_char : end])[:4]  # "has not supplied", "did not send", "never sent"
    return any(w.lower() in _NEGATION_KEYS for w in verb) and not _NO_COMMENT.search(content)


_OUTLET_REFUTE_KEYS = _FALSE_KEYS | {"no", "hoax", "debunked", "debunks", "debunk"}
_HOAX = re.compile(r"\b(?:hoax|debunk(?:ed|s)?)\b", re.IGNORECASE)
_EXPOSED_FALSE = re.compile(
    r"\b(?:exposed|revealed|shown|proved|proven|unmasked)\s+(?:to\s+be\s+|as\s+)(?:an?\s+)?" + _FALSE_WORDS, re.I
)
_NO_COMMA = re.compile(r"no,\s", re.IGNORECASE)


def _outlet_polarity(claim_text: str, hint: frozenset[str]) -> str:
    """The outlet's own voice refutes only in a fact-check: "No, X did not …", "reports of X are false", "X
    debunked", "X exposed as a fake"; any other statement, negative or not, asserts."""
    if _OUTLET_REFUTE_KEYS.isdisjoint(hint):
        return "asserts"
    if _NO_COMMA.match(claim_text) and _NEGATION.search(claim_text, 4):
        return "refutes"
    if _HOAX.search(claim_text) or _EXPOSED_FALSE.search(claim_text) or _CLAIM_IS_FALSE.search(claim_text):
        return "refutes"
    return "asserts"


def _arg(ctx: _Context, k: int) -> dict[str, Any]:
    """The entity ``ctx.entities[k]`` as a claim argument (a new dict for each claim that holds it)."""
    span = ctx.entities[k]
    return {
        "text": ctx.text[span.start_char : span.end_char],
        "start_char": span.start_char,
        "end_char": span.end_char,
        "entity_id": ctx.entity_ids[k],
        "label": span.label,
    }


def _is_place(text: str, span: Span) -> bool:
    if span.label in _PLACE_LABELS:
        return True
    if span.label not in _GPE_LABELS:
        return False
    before = _words(text[max(0, span.start_char - 60) : span.start_char])[-4:]
    for i, word in enumerate(reversed(before)):
        low = word.lower()
        if low in _LOCATIVE:
            return True
        if low == "of" and i + 1 < len(before) and before[-i - 2].lower() in _PLACE_NOUNS:
            return True
        if word != low:
            return False  # another name in between: "Ibdara's foreign ministry in …" is not about this one
    return False


def _inside(start: int, end: int, pieces: Sequence[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in pieces)


def _figure_matches(text: str, start: int, end: int) -> list[re.Match[str]]:
    """The full pattern is slow to scan a long claim with: look only just before each kind word."""
    found: list[re.Match[str]] = []
    for kind in _FIGURE_KIND_WORD.finditer(text, start, end):
        for m in _FIGURE.finditer(text, max(start, kind.start() - 80), kind.end()):
            if m.end() == kind.end():
                found.append(m)
                break
    return found


def _figures_from_text(text: str, pieces: Sequence[tuple[int, int]], hint: frozenset[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if _FIGURE_KEYS.isdisjoint(hint):
        return out
    for s, e in pieces:
        if _FIGURE_KEYS.isdisjoint(_word_set(text[s:e])):
            continue  # most claims state no figure
        for m in _figure_matches(text, s, e):
            num = m.group("num").lower()
            value: int | None
            if num in _NUMBER_WORDS:
                value = _NUMBER_WORDS[num]
            elif num[0].isdigit():
                value = int(num.replace(",", ""))
            else:
                value = None  # "dozens", "hundreds"
            approx = m.group("approx")
            qualifier = approx.strip().lower() if approx else ""
            low = value if not qualifier.startswith(("up to",)) else None
            high = value if not qualifier.startswith(("at least", "more than", "over")) else None
            start = m.start("approx") if approx else m.start("num")
            out.append(
                {
                    "kind": _FIGURE_KIND[m.group("kind").lower()],
                    "text": text[start : m.end("num")],
                    "low": low,
                    "high": high,
                    "approximate": bool(qualifier) or value is None,
                    "start_char": start,
                    "end_char": m.end("num"),
                }
            )
    return out


def _about(ctx: _Context, pieces: Sequence[tuple[int, int]], hint: frozenset[str]) -> dict[str, Any]:
    """Entities, places, times, events and figures inside the claim's pieces."""
    lo, hi = pieces[0][0], pieces[-1][1]
    first = bisect.bisect_left(ctx.entity_starts, lo)
    entities: list[dict[str, Any]] = []
    places: list[dict[str, Any]] = []
    for k in range(first, len(ctx.entities)):  # an index walk: slicing would copy the tail for every claim
        span = ctx.entities[k]
        if span.start_char >= hi:
            break
        if _inside(span.start_char, span.end_char, pieces):
            arg = _arg(ctx, k)
            entities.append(arg)
            if _is_place(ctx.text, span):
                places.append(arg)
    times: list[dict[str, Any]] = []
    for k in range(bisect.bisect_left(ctx.time_starts, lo), bisect.bisect_left(ctx.time_starts, hi)):
        t = ctx.times[k]
        if _inside(t.start_char, t.end_char, pieces):
            attrs = ctx.time_attrs[k]
            text = ctx.text[t.start_char : t.end_char]
            times.append({"text": text, "value": attrs.get("value"), "precision": attrs.get("precision")})
    events: list[int] = []
    figures: list[dict[str, Any]] = []
    first_event = bisect.bisect_left(ctx.event_starts, lo)
    for index in ctx.event_order[first_event : bisect.bisect_left(ctx.event_starts, hi)]:
        event = ctx.events[index]
        if not _inside(event.start_char, event.end_char, pieces):
            continue
        events.append(index)
        attrs = ctx.event_attrs[index]
        for figure in attrs.get("figures") or []:
            inside = _inside(int(figure.get("start_char", -1)), int(figure.get("end_char", -1)), pieces)
            if inside and figure not in figures:  # two events of one claim may share a figure
                figures.append(figure)
        place = attrs.get("place")
        if (
            isinstance(place, dict)
            and _inside(int(place.get("start_char", -1)), int(place.get("end_char", -1)), pieces)
            and not any(p["start_char"] == place.get("start_char") for p in places)
        ):
            places.append(place)
    if not ctx.has_events:
        figures = _figures_from_text(ctx.text, pieces, hint)
    return {"entities": entities, "times": times, "places": places, "events": sorted(events), "figures": figures}


def _sentence_range(sentences: list[Span], starts: list[int], start: int, end: int) -> tuple[int, int]:
    i = max(0, bisect.bisect_right(starts, start) - 1)
    j = max(0, bisect.bisect_right(starts, max(start, end - 1)) - 1)
    return sentences[i].start_char, max(sentences[j].end_char, sentences[i].end_char)


def _inside_quotation(text: str, para_start: int, position: int) -> bool:
    """Is ``position`` inside a quotation opened earlier in its paragraph (a quote running over sentences)?"""
    before = text[para_start:position]
    curly = before.count("“") - before.count("”") + before.count("«") - before.count("»")
    return curly > 0 or before.count('"') % 2 == 1


def _is_fragment(text: str, start: int, end: int) -> bool:
    line = text[start:end]
    return bool(_BYLINE.match(line) or _SEPARATOR_LINE.search(line) or _CREDIT_END.search(line[-60:]))


def _headline_sentence(doc: Document, sentences: list[Span]) -> int | None:
    if not doc.title:
        return None
    title = " ".join(_words(doc.title)).lower()
    for i, s in enumerate(sentences[:4]):
        if " ".join(_words(doc.text[s.start_char : s.end_char])).lower() == title:
            return i
    return None


def _uncovered(start: int, end: int, covered: list[tuple[int, int]], max_ends: list[int]) -> list[tuple[int, int]]:
    """The pieces of ``start``–``end`` outside the ``covered`` stretches (sorted; ``max_ends`` is the running
    maximum of their ends), read from the first stretch that ends after ``start`` to the first that starts at or
    after ``end``: a bisection instead of a scan of the whole document's stretches for every sentence."""
    pieces: list[tuple[int, int]] = []
    cursor = start
    for k in range(bisect.bisect_right(max_ends, start), len(covered)):
        a, b = covered[k]
        if a >= end:
            break  # sorted by start: none of the rest reaches into the range
        if b <= cursor:
            continue
        if a > cursor:
            pieces.append((cursor, a))
        cursor = max(cursor, b)
    if cursor < end:
        pieces.append((cursor, end))
    return pieces


def _claim_span(
    ctx: _Context,
    label: str,
    pieces: list[tuple[int, int]],
    sentence: tuple[int, int],
    *,
    attribution: int | None,
    speaker: dict[str, Any] | None,
    chain: list[dict[str, Any]],
    polarity: str,
    hedges: list[str],
    modality: str,
    headline: bool,
    hint: frozenset[str],
) -> Span:
    about = _about(ctx, pieces, hint)
    attrs: tuple[tuple[str, Any], ...] = (
        ("sentence", [sentence[0], sentence[1]]),
        ("attribution", attribution),
        ("speaker", speaker),
        ("chain", chain),
        ("polarity", polarity),
        ("hedges", hedges),
        ("modality", modality),
        ("entities", about["entities"]),
        ("times", about["times"]),
        ("places", about["places"]),
        ("events", about["events"]),
        ("figures", about["figures"]),
        ("pieces", [list(p) for p in pieces]),
        ("headline", headline),
    )
    return Span(pieces[0][0], pieces[-1][1], label, attrs)


def _hop(hop: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if hop is None else {"text": hop.get("text"), "kind": hop.get("kind")}


def _is_passive(text: str, attribution: Span, attrs: dict[str, Any]) -> bool:
    cue = attrs.get("cue") or {}
    start = int(cue.get("start_char", attribution.start_char))
    first = str(cue.get("text", "")).split(maxsplit=1)[0].lower() if cue.get("text") else ""
    return first in _BE or bool(_PASSIVE_BEFORE_CUE.search(text[max(0, start - 12) : start]))


def _propositions(pieces: list[tuple[int, int]], starts: list[int]) -> list[list[tuple[int, int]]]:
    """Pieces in one sentence make one claim ("“A,” he said, “B.”"); a piece in a new sentence is a new one."""
    groups: list[list[tuple[int, int]]] = [[pieces[0]]]
    for piece in pieces[1:]:
        previous = groups[-1][-1]
        if bisect.bisect_right(starts, piece[0]) != bisect.bisect_right(starts, max(previous[0], previous[1] - 1)):
            groups.append([piece])
        else:
            groups[-1].append(piece)
    return groups


def _attributed_claim(
    ctx: _Context,
    attribution: Span,
    index: int,
    pieces: list[tuple[int, int]],
    sentences: list[Span],
    starts: list[int],
    headline: tuple[int, int] | None,
    cue_word: str,
    kicker_hedges: list[str],
    refuting: bool,
    headline_tail: bool,
) -> Span:
    text = ctx.text
    attrs = dict(attribution.attrs)
    cue = dict(attrs.get("cue") or {})
    key = (pieces[0][0], pieces[-1][1])
    speaker = attrs.get("resolved_to") or attrs.get("speaker")
    chain = [_hop(h) for h in attrs.get("chain") or []]
    if attrs.get("resolved_to") and chain:
        chain[-1] = _hop(attrs["resolved_to"])  # the pronoun hop is the speaker, the last of the chain
    sentence = _sentence_range(
        sentences, starts, min(attribution.start_char, key[0]), max(attribution.end_char, key[1])
    )
    if (
        key[0] > int(cue.get("end_char", key[0]))
        and _sentence_range(sentences, starts, key[0], key[1])[0] >= key[0] - 2
    ):
        sentence = _sentence_range(sentences, starts, key[0], key[1])  # a later quoted sentence: its own
    hedges = _hedges(text, sentence[0], sentence[1])
    if ctx.version >= 3 and any(_REPORTED_BEFORE_NOUN.search(text, s, e) for s, e in pieces):
        hedges.append("reported")
    for word in kicker_hedges:
        if word not in hedges:
            hedges.append(word)
    if cue_word in _DISTANCING_CUES and "claimed" not in hedges:
        hedges.append("claimed")
    if sentence == headline and headline_tail:
        hedges.append("reportedly")
    after_cue = text[int(cue.get("end_char", key[0])) : attribution.end_char]
    claim_text = " ".join(text[s:e] for s, e in pieces)
    if text[key[1] : key[1] + 3].find("?") >= 0:
        claim_text += "?"  # the question mark was trimmed with the punctuation
    hint = _word_set(text[sentence[0] : sentence[1]])
    speaker_text, speaker_kind = str((speaker or {}).get("text", "")), str((speaker or {}).get("kind", ""))
    polarity = _polarity(text, cue_word, speaker_text, speaker_kind, pieces, after_cue, hint)
    if ctx.version >= 3 and polarity == "asserts" and _official_negates(ctx, pieces, speaker_text, speaker_kind):
        polarity = "denies"
    return _claim_span(
        ctx,
        "attributed",
        pieces,
        sentence,
        attribution=index,
        speaker=_hop(speaker),
        chain=[h for h in chain if h is not None],
        polarity="refutes" if refuting else polarity,
        hedges=hedges,
        modality=_modality(claim_text, cue_word, reported=True, hint=hint),
        headline=headline is not None and headline[0] <= key[0] < headline[1],
        hint=hint,
    )


# v5: a speech act negated or refused ("has not said", "would not say", "declined to say") over an indirect
# question ("whether it will retake the bridge", "how many soldiers were hurt") says nothing: v4 made the question
# the speaker's claim ("how many soldiers were hurt", asserted by the army).
_WITHHELD_CUE = re.compile(r"\b(?:not|n[’']t|never|declin\w*|refus\w*)\b", re.IGNORECASE)
_WITHHELD_CONTENT = re.compile(
    r"(?:to\s+(?:say|tell|disclose|specify|reveal|explain|confirm|discuss|elaborate\s+on|comment\s+on)\s+)?"
    r"(?:whether|if|who|whom|whose|what|which|when|where|why|how)\b",
    re.IGNORECASE,
)


def _withheld(text: str, cue_text: str, start: int) -> bool:
    """Does the attribution say that the speaker did not say something (v5; see ``_WITHHELD_CUE``)?"""
    return _WITHHELD_CUE.search(cue_text) is not None and _WITHHELD_CONTENT.match(text, start) is not None


# v6: what becomes a claim in long-form reports. The attribution layers take any verb with an object for speech
# ("praised the factions for …", "had declared the state of emergency", "has effectively assumed the position of …")
# and, in long sentences, cut a content mid-clause or start it inside the source's phrase; the outlet's own voice
# holds teasers, captions and statements of what the writer cannot tell. Each rule reads English news syntax.

# Verbs whose noun-phrase object is still a proposition the speaker vouches for or rejects: "denied any involvement
# in the attack", "confirmed the death of …", "refuted the claims" (a refutation by reference, which
# resolve/claims.py reads), "accused the militia of the attack", "warned of an impending war", "expect several
# hundred people to walk …".
_FACT_OBJECT_CUES = frozenset(
    """deny denies denied denying reject rejects rejected rejecting refute refutes refuted refuting dismiss
    dismisses dismissed dismissing debunk debunks debunked debunking disprove disproves disproved dispute disputes
    disputed disputing contest contests contested question questions questioned questioning confirm confirms
    confirmed confirming acknowledge acknowledges acknowledged acknowledging admit admits admitted admitting concede
    concedes conceded verify verifies verified corroborate corroborates corroborated report reports reported
    reporting claim claims claimed claiming allege alleges alleged alleging accuse accuses accused accusing blame
    blames blamed blaming warn warns warned warning predict predicts predicted predicting expect expects expected
    expecting estimate estimates estimated estimating""".split()
)
# Verbs of speech proper. When the content of one is no proposition the layer misread the sentence, but someone
# still speaks in it: it gives no outlet claim either. Any other cue with such a content ("declared a state of
# emergency", "praised the factions for …", "published an article about …") is an act the outlet reports, and the
# sentence is the outlet's own claim ("released").
_SPEECH_CUES = _FACT_OBJECT_CUES | frozenset(
    """say says said saying tell tells told telling add adds added adding state states stated stating explain
    explains explained explaining reveal reveals revealed revealing disclose discloses disclosed disclosing according
    write writes wrote writing note notes noted noting insist insists insisted insisting stress stresses stressed
    stressing emphasise emphasised emphasize emphasized quote quotes quoted quoting cite cites cited citing
    reiterate reiterates reiterated reiterating recall recalls recalled recalling reply replies replied replying
    argue argues argued arguing suggest suggests suggested suggesting believe believes believed think thinks thought
    fear fears feared hope hopes hoped assure assures assured assuring comment comments commented commenting tweet
    tweets tweeted""".split()
)
# Verbs that never report a proposition, whatever their object holds ("praised the factions for attacking troops
# deployed in …", "thanked the premier for his support of the resolution, approved this week", "urged the council to
# …"); "called on/for" likewise.
_ACT_CUES = frozenset(
    """praise praises praised praising thank thanks thanked thanking congratulate congratulates congratulated
    commend commends commended hail hails hailed applaud applauds applauded salute salutes saluted welcome welcomes
    welcomed welcoming condemn condemns condemned condemning denounce denounces denounced publish publishes
    published task tasks tasked urge urges urged urging""".split()
)
_CALL_FORMS = frozenset("call calls called calling".split())
_PREPOSITIONS = frozenset(
    """of in on at near by for with from into to about against across towards toward under over through during
    without within between among amid""".split()
)
_REFLEXIVES = frozenset("itself themselves himself herself".split())
_RELATIVE_BEFORE_CUE = re.compile(r"\b(?:which|who|that|what)\s+[^,;:]{1,50}$", re.IGNORECASE)
# "told him it was …", "told the Post the video is …": the layer read the subject with the addressee
_PRONOUN_BEFORE = re.compile(r"\b(?:i|we|he|she|it|they|there)\s*$")
_PHRASE_BEFORE = re.compile(
    r"\b(?:the|a|an|this|that|these|those|his|her|its|their)(?:\s+(?!(?:i|we|he|she|it|they|there)\b)[a-z][\w'’-]*)"
    r"{1,4}\s*$"
)
_OBJECT_PRONOUNS = _REFLEXIVES | frozenset("them him us me".split())
_NOT_BEFORE_VERB = _PREPOSITIONS | frozenset("the a an its their his her this that these those our any some no".split())
_RELATIVE_WORDS = frozenset("who whom whose which where".split())
_ANAPHORS = frozenset("this that these those it so".split())  # a content that only points at the text before
# A content that opens on a verb has lost its subject ("what it said was the inauguration …", "a warning that
# appeared routine"): a fragment.
_SUBJECTLESS = (_AUXILIARIES - {"having", "being"}) | frozenset(  # "denied having agreed to …": a gerund
    "appeared appears seemed seems sounded sounds remained remains became becomes looked looks".split()
)
# A fronted subordinate clause ("As news emerged of …") whose main clause went to another piece.
_CLAUSE_OPENERS = frozenset("as when while whilst although though because whereas".split())
_NOT_CLAUSE_AS = frozenset("many much well far long soon".split())  # "As many as 40 people died …"
# The speaker's phrase and its addressee come right after these cues: "According to the source cited by
# “Shafaq”, X", "told “Shafaq,” X": a content that starts before that comma holds a piece of the source.
_SOURCE_FIRST_CUES = frozenset("according citing cited quoting quoted told tells telling".split())
# A content cut mid-clause ends on one of these: "an Iraqi militia that", "revenge attacks … after they".
_SUBJECT_PRONOUNS = frozenset("i we he she they".split())
_TRAILING_OPENERS = _CLAUSE_OPENERS | frozenset("after before since until once if unless".split())
_DANGLING = frozenset(
    """the a an and or but nor of its their his my our your whose which who whom that than because although what
    where how""".split()
)
_PREDICATIVE_AS = re.compile(r"(?<!such )(?<!well )\bas\s+(?!saying\b|well\b|if\b|though\b)", re.IGNORECASE)
# "Two weeks before X declared the state of emergency, an officer …": the cue sits in a fronted subordinate clause,
# so its content ends at the clause's comma and what follows is the sentence's main clause.
_SUBORDINATE_CUE = re.compile(
    r"^[^\w“«\"]*(?:(?:[\w-]+\s+)?(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|moments?)\s+|soon\s+|"
    r"shortly\s+|just\s+|long\s+|even\s+|only\s+)?(?P<opener>before|after|since|when|once|until|while|as|although|"
    r"though|because)\s+[^,;:“”«»\"]*$",
    re.IGNORECASE,
)  # ("As she explains in a post, X" is speech with its content after the comma: not for a verb of speech)
# "that" opens a content as a complementiser, not as the subject of "that is not the case" (v1-v5 cut it)
_THAT_V6 = re.compile(
    r"that\s+(?!(?:is|was|are|were|has|had|would|will|could|may|might|must|should|can|did|does|remains?)\b)",
    re.IGNORECASE,
)
_CONNECTIVE_V6 = re.compile(
    r"(?:however|meanwhile|moreover|furthermore|in\s+addition|additionally|also|still|separately|nevertheless|"
    r"nonetheless|indeed|in\s+turn|elsewhere|in\s+other\s+developments|but|and|yet|so(?!\s+far\b|-called\b))\b,?\s+",
    re.IGNORECASE,
)  # v1-v5 cut "So" off "So far, …" and left "far, …"
# The writer's pointer, not a claim: "Take, for instance, the militia, whose leader …" keeps what follows.
_FRAME = re.compile(r"(?:take|consider|imagine)\b,?\s+(?:for\s+(?:instance|example)\b,?\s+)?", re.IGNORECASE)
# A photo caption: "X, right, meets Y, center, …", "X (L) and Y".
_CAPTION_MARK = re.compile(
    r",\s+(?:(?:far|second\s+from\s+(?:the\s+)?)?(?:left|right)|cent(?:er|re)|top|bottom|front|rear)\s*,"
    r"|\((?:L|R|C|left|right|cent(?:er|re))\)"
)
_ADVERBIAL = r"(?P<adverbial>[^,;:“”«»\"]{1,60},\s+)?"
# Scene-setting that asserts nothing checkable: "On the 27th day of the war, something started to happen in X".
_TEASER = re.compile(
    _ADVERBIAL + r"something\s+(?:(?:had|has|was|is)\s+)?(?:(?:started|starts|began|begins|seemed|seems|appeared|"
    r"appears)\s+to\s+)?(?:happen(?:ed|ing|s)?|chang(?:e|ed|es|ing)|shift(?:ed|s|ing)?|stir(?:red|s|ring)?)"
    r"(?:\s+(?:in|at|on|inside|within|across|behind)\b[^,;]{0,60})?$",
    re.IGNORECASE,
)
# What the writer cannot tell asserts nothing (as v5 reads a speaker's "has not said whether"): "it remains
# difficult to verify who this person was", "it is unclear whether …", "Where this may leave X is a key question".
_UNKNOWING = re.compile(
    _ADVERBIAL + r"(?:it\s+(?:is|was|remains|remained|has\s+been|had\s+been)\s+(?:still\s+)?(?:unclear|"
    r"not\s+(?:yet\s+)?(?:clear|known)|unknown|uncertain|(?:difficult|hard|impossible|too\s+early|not\s+possible)\s+"
    r"to\s+(?:independently\s+)?(?:say|tell|know|verify|confirm|determine|establish|predict|assess|ascertain))\s+"
    r"(?:whether|if|who|whom|whose|what|when|where|why|how|which)\b|it\s+(?:remains|remained)\s+to\s+be\s+seen\b|"
    r"(?:whether|how|why|who|what|where|when)\b[^;]{0,160}?\b(?:is|was|remains|remained)\s+"
    r"(?:still\s+)?(?:unclear|unknown|uncertain|not\s+clear|to\s+be\s+seen|(?:a|an|the)\s+(?:[\w-]+\s+){0,2}"
    r"(?:question|mystery))\b)",
    re.IGNORECASE,
)
_BUT = re.compile(r",?\s+but\s+|,\s+(?:although|though|while|whereas|yet)\s+|;")
# A sentence that only sources the one before it: "This is reported by the X news agency, citing a source", "That
# was first reported by Y" (a gap: the sentence before stays the outlet's own claim).
_SOURCING = re.compile(
    r"(?:this|that|it|the\s+(?:news|report|information))\s+(?:is|was|has\s+been|had\s+been)\s+(?:first\s+)?"
    r"(?:reported|announced|revealed|stated|published|carried|disclosed)\s+(?:\w+\s+){0,2}?by\b",
    re.IGNORECASE,
)


def _own_voice_asserts(text: str, start: int, end: int, sentence: tuple[int, int]) -> bool:
    """v6: does an outlet claim assert something checkable? Not a caption, a teaser, the writer's not knowing
    (unless a ", but …" or ", although …" goes on to say something) or a sentence that only sources the one before."""
    if _CAPTION_MARK.search(text, sentence[0], sentence[1]):
        return False
    claim = text[start:end]
    if _SOURCING.match(claim):
        return False
    for pattern in (_TEASER, _UNKNOWING):
        m = pattern.match(claim)
        # a clause before the comma is a claim of its own ("X, which left 1,400 dead, …" has two commas anyway)
        if m is not None and not _BUT.search(claim, m.end()) and not _has_verb(_words(m.group("adverbial") or "")):
            return False
    return True


def _clause_verb(words: Sequence[str]) -> bool:
    """A finite verb form, stricter than ``_has_verb``: a word in "-ed" first or after a determiner or preposition
    is an adjective or a noun ("trusted sources", "in the bloodshed"), not a verb."""
    for i, word in enumerate(words):
        low = word.lower()
        if (word != low and i > 0) or low in _PARTICIPLES:
            continue
        if len(low) > 4 and low.endswith("ed"):
            if low not in _ED_NOT_VERBS and i > 0 and words[i - 1].lower() not in _NOT_BEFORE_VERB:
                return True  # "a closed meeting", "trusted sources": an adjective
        elif low in _VERB_FORMS:
            return True
    return False


def _main_clause_words(content: str) -> list[str]:
    """The words of ``content`` outside its relative clauses (from "who", "which" or a "that" after a noun to the
    next comma or colon): "a source who attended the talks" has no verb of its own."""
    out: list[str] = []
    for chunk in re.split(r"[,;:]", content):
        words = _words(chunk)
        for i, word in enumerate(words):
            low = word.lower()
            if low in _RELATIVE_WORDS or (low == "that" and i > 0 and words[i - 1].lower() not in _VERB_FORMS):
                break
            out.append(word)
    return out


def _first_comma(text: str, start: int, end: int) -> int:
    """The first comma of ``text[start:end]`` outside quotation marks (a comma just inside a closing quote, "told
    “Shafaq,” …", counts) and numbers ("2,000"), or -1."""
    depth = 0
    for i in range(start, end):
        c = text[i]
        if c == "," and text[i - 1 : i].isdigit() and text[i + 1 : i + 2].isdigit():
            continue
        if c == ",":
            if depth == 0 or (i + 1 < end and text[i + 1] in _CLOSE_QUOTES):
                return i
        elif c in "“«":
            depth += 1
        elif c in "”»":
            depth = max(0, depth - 1)
    return -1


def _cut_head(text: str, start: int, end: int, max_words: int = 6) -> int | None:
    """Past a short verbless head and its comma ("Gaza, the visit was canceled" -> "the visit was canceled"), when a
    clause of three words or more follows; None when the content has no such head."""
    comma = _first_comma(text, start, end)
    if comma < 0:
        return None
    head = _words(text[start:comma])
    rest = comma + 1
    while rest < end and text[rest] in " ”»\"'’":
        rest += 1
    tail = _words(text[rest:end])
    if not head or len(head) > max_words or _clause_verb(head) or not _is_clause(tail):
        return None
    if tail[0].lower() in {"and", "but", "or", "nor", "yet"}:
        return None  # "X, and Y has denied it": the comma joins two clauses of the sentence
    return rest


def _cut_at_that(text: str, start: int, end: int) -> int | None:
    """Past a verbless head and its "that" ("during a closed-door meeting that a cyst was found …" -> "a cyst was
    found …"), when a clause follows; None otherwise."""
    m = re.compile(r"\bthat\s+").search(text, start, min(end, start + 90))
    if m is None or _clause_verb(_words(text[start : m.start()])):
        return None
    return m.end() if _is_clause(_words(text[m.end() : end])) else None


def _is_clause(words: list[str]) -> bool:
    """Three words or more with a verb, not opening on a relative word ("which are armed, attacked": an apposition
    of the phrase before the comma, not a clause after it) or on a verb ("…, was rushed to hospital": no subject)."""
    if words and words[0].lower() in {"and", "but", "or"}:
        words = words[1:]  # "…, and gave birth afterwards" is a predicate; "…, and the army withdrew" a clause
    if len(words) < 3 or words[0].lower() in _RELATIVE_WORDS | {"that"}:
        return False
    first = words[0]
    if first in _AUXILIARIES or first in _IRREGULAR or (len(first) > 4 and first.endswith("ed")):
        return False  # a verb first: no subject
    return first.lower() in _SUBJECT_PRONOUNS | {"it", "there"} or _has_verb(words)  # "I heard …": a subject


def _main_clause_after(text: str, start: int, end: int) -> bool:
    """Does a clause follow a comma in ``text[start:end]`` ("As news emerged of X, the visit was canceled")?"""
    comma = _first_comma(text, start, end)
    while comma >= 0:
        if _is_clause(_words(text[comma + 1 : end])):
            return True
        comma = _first_comma(text, comma + 1, end)
    return False


def _opens_on_preposition(words: Sequence[str]) -> bool:
    """ "by Meridian Wire, …", "at the conference": a preposition first, but not the "to" of an infinitive."""
    if not words or words[0].lower() not in _PREPOSITIONS:
        return False
    second = words[1].lower() if len(words) > 1 else ""
    if (
        second[:1].isdigit()
        or second in _NUMBER_WORDS
        or second in {"least", "most", "dozens", "hundreds", "thousands"}
    ):
        return False  # "about 300 people", "at least four rounds", "over 40": a quantity, not a phrase
    return not (words[0].lower() == "to" and len(words) > 1 and words[1].islower() and words[1] not in _NOT_BEFORE_VERB)


def _is_main_clause(words: Sequence[str]) -> bool:
    """A verb, and not a fronted subordinate clause or phrase ("While he was absent, Mr Kim continued …", "Despite
    government claims of a ceasefire, gunmen …", "based on records, the box is believed …")."""
    if not words or words[0].lower() in _TRAILING_OPENERS | _PREPOSITIONS | {"despite", "amid", "following"}:
        return False
    return _clause_verb(words) and not any(w.lower() in {"despite", "amid"} for w in words[:3])


def _cue_word(attribution: Span) -> str:
    words = _words(str((dict(attribution.attrs).get("cue") or {}).get("text", "")))
    return words[-1].lower() if words else ""


def _attr_starts(attribution: Span) -> list[int]:
    attrs = dict(attribution.attrs)
    return [int(h["start_char"]) for h in (attrs.get("cue"), attrs.get("speaker")) if h and "start_char" in h]


@dataclass(slots=True)
class _Reading:
    """How v6 reads an attribution's content: its repaired ``pieces`` and a ``verdict`` (``keep``; ``drop``: no
    claim, the text stays the speaker's; ``release``: no claim, the sentence is the outlet's own); ``rest``, where the
    sentence's main clause starts when a subordinate cue's content was cut short of it (that rest is the outlet's);
    ``speech``, the content of a participle of speech after it and the participle (", accusing X of Y")."""

    pieces: list[tuple[int, int]]
    verdict: str
    rest: int | None = None
    speech: tuple[tuple[int, int], str] | None = None


# Participles that open a speaker's own clause (", adding that …", ", declaring that …"); not ", calling himself X".
_SPEECH_PARTICIPLES = frozenset(
    """saying adding accusing arguing claiming insisting warning noting explaining stressing alleging denying
    declaring announcing vowing threatening promising pledging confirming telling""".split()
)
_SPEECH_PARTICIPLE = re.compile(
    r",\s+(saying|adding|accusing|arguing|claiming|insisting|warning|noting|explaining|stressing|alleging|denying)"
    r"\s+(?:that\s+)?",
    re.IGNORECASE,
)


@dataclass(slots=True)
class _Anchors:
    """Where each attribution of a document starts (its cue and its speaker), sorted, with its index and cue word:
    made once per document, so that reading a content does not walk every other attribution."""

    at: list[int]
    who: list[tuple[int, str]]  # (attribution index, cue word), parallel to ``at``

    @classmethod
    def of(cls, attributions: list[Span]) -> _Anchors:
        found = sorted((x, i, _cue_word(b)) for i, b in enumerate(attributions) for x in _attr_starts(b))
        return cls([x for x, _, _ in found], [(i, word) for _, i, word in found])

    def between(self, start: int, end: int, skip: int) -> list[tuple[int, str]]:
        """(position, cue word) of the other attributions that start in ``start``–``end`` (exclusive)."""
        lo, hi = bisect.bisect_right(self.at, start), bisect.bisect_left(self.at, end)
        return [(self.at[k], self.who[k][1]) for k in range(lo, hi) if self.who[k][0] != skip]


def _v6_content(
    ctx: _Context,
    attribution: Span,
    index: int,
    attributions: list[Span],
    anchors: _Anchors,
    pieces: list[tuple[int, int]],
    cue: dict[str, Any],
    sentences: list[Span],
    starts: list[int],
    refuting: bool,
) -> _Reading:
    """v6: how a content reads (see ``_Reading``); ``index`` is the attribution's in ``attributions``."""
    text = ctx.text
    cue_start, cue_end = int(cue.get("start_char", -1)), int(cue.get("end_char", -1))
    cue_words = {w.lower() for w in _words(str(cue.get("text", "")))}
    is_speech = not cue_words.isdisjoint(_SPEECH_CUES)
    # The layer's content holds its own cue: it is the sentence, which the outlet reports.
    if any(s <= cue_start < e for s, e in pieces):
        return _Reading(pieces, "release")
    # A piece that is the speaker's own phrase ("the militia had reported via Telegram the opening of …" read with
    # the militia as a piece of what it reported) is no content.
    speaker = dict(attribution.attrs).get("speaker") or {}
    speaker_span = (int(speaker.get("start_char", -1)), int(speaker.get("end_char", -1)))
    pieces = [(s, e) for s, e in pieces if not (speaker_span[0] <= s and e <= speaker_span[1])]
    if not pieces:
        return _Reading(pieces, "drop")
    # Another attribution starts after a comma inside a piece (", adding that …", ", said a source who …"): its own.
    # A participle of speech the layer did not read (", accusing the government of …") is the same speaker's.
    cut: list[tuple[int, int]] = []
    speech: tuple[tuple[int, int], str] | None = None
    for ps, pe in pieces:
        inner = [
            (x, word in _SPEECH_PARTICIPLES)
            for x, word in anchors.between(ps, pe, index)
            if word in _SPEECH_CUES or word in _SPEECH_PARTICIPLES or not word
        ]
        # after a comma, and a participle (", adding that …") or after a clause ("X said A, the army said B"; not
        # after a fronted adverbial: "said that at the conference, all the agents agreed to …" is one content)
        stop = next(
            (
                x
                for x, participle in inner
                if text[ps:x].rstrip(" ”»\"'’").endswith(",") and (participle or _is_main_clause(_words(text[ps:x])))
            ),
            None,
        )
        said = _SPEECH_PARTICIPLE.search(text, ps, pe)
        if said is not None and (stop is None or said.start() < stop) and said.group(1).lower() not in cue_words:
            after = _strip(text, said.end(), stop if stop is not None else pe)
            if len(_words(text[after[0] : after[1]])) >= 3:
                speech = (after, said.group(1).lower())
            cut.append(_strip(text, ps, said.start()))
            break
        if stop is not None:
            end = text.rfind(",", ps, stop)
            opened = max(text.rfind(q, ps, end) for q in "“«")
            if opened > max(text.rfind(q, ps, end) for q in "”»"):
                end = opened  # "… a common sight. «Half of the people …,» said a shopkeeper": the quotation is his
            cut.append(_strip(text, ps, end))
            break
        cut.append((ps, pe))
    was_cut = cut != pieces
    pieces = [p for p in cut if p[1] > p[0]]
    if not pieces:
        return _Reading(pieces, "drop", speech=speech)
    rest_start: int | None = None
    sentence = _sentence_range(sentences, starts, cue_start, cue_end)
    if pieces[-1][1] <= sentence[0] and attribution.label != "direct":
        return _Reading(pieces, "drop", speech=speech)  # "… could be placed. According to X, Y": X speaks for Y only
    ps, pe = pieces[0]
    # A cue in a fronted subordinate clause: its content ends at the clause's comma.
    quoted = attribution.label == "direct" or text[ps - 1 : ps] in _OPEN_QUOTES
    fronted = _SUBORDINATE_CUE.match(text[sentence[0] : cue_start]) if cue_start > sentence[0] else None
    if not quoted and ps >= cue_end and fronted and not (fronted.group("opener").lower() == "as" and is_speech):
        comma = _first_comma(text, ps, pe)
        if comma > ps and _is_clause(_words(text[comma + 1 : pe])):
            rest_start = comma + 1
            while rest_start < pe and text[rest_start] in " ”»\"'’":
                rest_start += 1
            pieces = [_strip(text, ps, comma)]
            ps, pe = pieces[0]
            was_cut = True
    between = text[cue_end:ps] if 0 <= cue_end <= ps else None
    # The content starts inside the source's phrase ("According to the source cited by “Shafaq”, X") or on the
    # addressee ("told “Shafaq,” X"), or in mid-phrase after a preposition ("… near Gaza, the visit was …").
    head_cut: int | None = None
    source_first = between is not None and not cue_words.isdisjoint(_SOURCE_FIRST_CUES)
    if source_first and between is not None and "," not in between and "according" in cue_words:
        # the source's phrase runs to the first comma, whatever it holds ("According to a report that is
        # circulating online, X"; "According to the source cited by “Shafaq”, X")
        comma = _first_comma(text, ps, pe)
        if comma > 0 and _is_clause(_words(text[comma + 1 : pe])):
            head_cut = _skip_marks(text, comma, pe)
            while head_cut < pe and text[head_cut] in _CLOSE_QUOTES:
                head_cut = _skip_marks(text, head_cut + 1, pe)
    if source_first and between is not None and "," not in between and not re.search(r"\bthat\b", between):
        # "told 730AM in Lansing, Mich., on Friday that X": a phrase of the telling, then its "that"
        opens_on_preposition = _opens_on_preposition(_words(text[ps:pe]))
        if head_cut is None and opens_on_preposition:
            head_cut = _cut_at_that(text, ps, pe)
        if head_cut is None:
            head_cut = _cut_head(text, ps, pe)
        if head_cut is None and opens_on_preposition:
            # "an official quoted by Meridian Wire, and Ibdara has denied it": a passive's agent, no content here;
            # the sentence is the outlet's
            by = _words(text[ps:pe])[0].lower() == "by"
            return _Reading(pieces, "release" if by else "drop", speech=speech)
    lead = ps - 1 if text[ps - 1 : ps] in _OPEN_QUOTES else ps  # "the opening of an “office of …"
    before = _words(text[max(sentence[0], lead - 30) : lead])
    after_cue = between is not None and len(_words(between)) <= 2  # "warned of X", "called on X": the cue's own
    # (a quotation is the speaker's words wherever it starts: "… someone like him to “modernize the house”")
    mid_phrase = attribution.label != "direct" and before and before[-1].lower() in _PREPOSITIONS | {"the", "a", "an"}
    if head_cut is None and mid_phrase and text[lead - 1 : lead].isspace() and text[lead - 2 : lead - 1].isalnum():
        if after_cue:
            pass  # "warned of X", "called on X": the preposition is the cue's own
        elif (head_cut := _cut_head(text, ps, pe) or _cut_at_that(text, ps, pe)) is None:
            # no clause of its own: the verb was no speech ("Foley reported in Syria for GlobalPost as a freelancer")
            verdict = "drop" if _clause_verb(_words(text[ps:pe])) else "release"
            return _Reading(pieces, verdict, speech=speech)
    right_after = between is not None and len(_words(between)) <= 3
    if head_cut is None and not quoted and right_after and _opens_on_preposition(_words(text[ps:pe])):
        # the cue's adjunct ("explains in a Facebook post, X", "told lawmakers during a meeting that X"); a content
        # before its cue keeps its own ("In 2009, X was arrested …, officials said")
        head_cut = _cut_head(text, ps, pe) or _cut_at_that(text, ps, pe)
    if head_cut is not None:
        if anchors.between(head_cut - 1, head_cut + 40, index):
            # "In a statement posted on its channel, the group said X": what is left is another attribution's
            return _Reading(pieces, "drop", speech=speech)
        pieces[0] = _strip(text, head_cut, pe)
    # A content cut mid-clause: "revenge attacks … after they", "an Iraqi militia that" (its clause goes on after
    # the cue's parenthesis: "that, according to X, “is closer to …”"), "cited X as saying that" (the quotation
    # after it is the content). A quotation is whole as quoted ("… give up on that,” he said").
    ls, le = pieces[-1]
    after_end = text[le : le + 3].lstrip(_TRAIL)[:1]
    quoted_end = after_end in "”»›" or (after_end == '"' and (text[ls - 1 : ls] == '"' or text.count('"', ls, le) % 2))
    tail = [] if attribution.label == "direct" or quoted_end else list(_WORD.finditer(text, ls, le))
    k = len(tail)
    if k and tail[-1].group(0).lower() in _SUBJECT_PRONOUNS:
        k -= 1
        if k and tail[k - 1].group(0).lower() in _TRAILING_OPENERS:
            k -= 1
    if k and k == len(tail) and tail[k - 1].group(0).lower() in {"that", "which", "who"}:
        continuation = _continuation(text, attribution, attributions, sentences, starts)
        if continuation is not None:
            if k > 1 and tail[k - 2].group(0).lower() in _SPEECH_CUES:  # "as saying that": the content follows
                return _Reading([continuation], "keep")
            return _Reading([*pieces, continuation], "keep")
    while k and tail[k - 1].group(0).lower() in _DANGLING:
        if tail[k - 1].group(0).lower() == "that" and k > 1 and tail[k - 2].group(0).lower() in _VERB_FORMS:
            break  # "… he denied that": a demonstrative object
        k -= 1
    if k < len(tail):
        pieces[-1] = _strip(text, ls, tail[k - 1].end()) if k else (ls, ls)
        pieces = [p for p in pieces if p[1] > p[0]]
    if not pieces or sum(len(_words(text[s:e])) for s, e in pieces) < 2:
        return _Reading(pieces, "drop", rest_start, speech)
    first_word = _words(text[pieces[0][0] : pieces[0][1]])[:1]
    if first_word and first_word[0] in _SUBJECTLESS and between is not None and not quoted:
        subject = _PRONOUN_BEFORE.search(text, cue_end, pieces[0][0]) or _PHRASE_BEFORE.search(
            text, cue_end, pieces[0][0]
        )
        if subject is not None and subject.start() > cue_end:
            pieces[0] = (subject.start() + (text[subject.start()] == " "), pieces[0][1])
    # A quotation is speech whatever its form ("“A disaster,” he said"; "the headline: “Student scores $72M”"),
    # unless quotation marks open a content after a verb that is no speech ("they enjoy “immunity.” They …").
    opened = text[max(0, pieces[0][0] - 1)] in _OPEN_QUOTES and (":" in str(cue.get("text", "")) or is_speech)
    if attribution.label == "direct" or opened:
        return _Reading(pieces, "keep", rest_start, speech)
    verdict = _v6_verdict(
        text, pieces, cue_words, (cue_start, cue_end), sentence, refuting, sentences, starts, speaker_span, was_cut
    )
    return _Reading(pieces, verdict, rest_start, speech)


def _v6_verdict(
    text: str,
    pieces: list[tuple[int, int]],
    cue_words: set[str],
    cue_span: tuple[int, int],
    sentence: tuple[int, int],
    refuting: bool,
    sentences: list[Span],
    starts: list[int],
    speaker_span: tuple[int, int],
    was_cut: bool,
) -> str:
    """Is an unquoted content a proposition (``keep``)? If not: ``drop`` after a verb of speech, else ``release``.
    ``was_cut``: v6 cut the content short (what is left of it must show its own verb to pass for a clause)."""
    cue_start, cue_end = cue_span
    speaker_end = speaker_span[1] if speaker_span[1] >= 0 else -10
    content = " ".join(text[s:e] for s, e in pieces)
    words = _words(content)
    first = words[0].lower() if words else ""
    is_speech = not cue_words.isdisjoint(_SPEECH_CUES)
    inverted = (
        first in {"had", "were", "should"}
        and len(words) > 1
        and (words[1][0].isupper() or words[1] in {"the", "it", "they", "he", "she", "we", "there"})
    )
    # the subject of "the attack, which officials said was planned" is the relative's ("which … said was …" keeps it)
    relative = _RELATIVE_BEFORE_CUE.search(text, max(0, cue_start - 60), max(0, cue_start)) is not None
    if first in _SUBJECTLESS and words[0] == first and not inverted and not relative:  # "had X been …": inverted
        # right after its cue, the cue was the subject's noun ("Abou Fadak's warning appeared routine …", "thousands
        # of tweets are being posted …"): the sentence is the outlet's; else a fragment ("a statement that sounded …")
        return "release" if cue_end >= 0 and not text[cue_end : pieces[0][0]].strip() else "drop"
    # A fronted subordinate clause alone ("As news emerged of X" when "…, the visit was canceled" went elsewhere).
    if (
        first in _CLAUSE_OPENERS
        and (len(words) < 2 or words[1].lower() not in _NOT_CLAUSE_AS)
        and _sentence_range(sentences, starts, pieces[0][0], pieces[0][0] + 1)[0] >= pieces[0][0] - 2
        and not _main_clause_after(text, pieces[0][0], pieces[-1][1])
    ):
        return "drop"
    infinitive = first == "to" and len(words) > 1 and words[1].islower() and words[1] not in _NOT_BEFORE_VERB
    if infinitive or first in {"whether", "if"} or first in _WH_WORDS:
        return "keep"  # an intention ("vowed to …"; not "posted to YouTube") or a question: modality and v5 read those
    if _words(text[max(0, pieces[0][0] - 6) : pieces[0][0]])[-1:] == ["that"]:
        return "keep"  # "reports, first published by X, that Y": a complement clause, whatever the cue
    if refuting or _PREDICATIVE_AS.search(content):
        return "keep"  # "described X as Y", "dismissed the reports as false"
    is_act = (
        not cue_words.isdisjoint(_ACT_CUES)
        or not cue_words.isdisjoint(_REFLEXIVES)  # "a group calling itself X": naming
        or (
            not cue_words.isdisjoint(_CALL_FORMS)
            and (first in {"on", "for"} or "on" in cue_words or "for" in cue_words)
        )
    )
    # "…, said a source who attended the talks": after a finite cue that follows its clause, the content is the
    # speaker ("…, accusing X of Y" is a participle: its content is Y)
    post_posed = (
        cue_end <= pieces[0][0]
        and not text[cue_end : pieces[0][0]].strip()
        and text[sentence[0] : cue_start].rstrip().endswith((",", *_CLOSE_QUOTES))
        and not any(w.endswith("ing") for w in cue_words)
        and not (0 <= cue_start - speaker_end <= 3)  # "X, an opposition lawmaker, said Y": the speaker is before
    )
    if is_act or first in _OBJECT_PRONOUNS:
        clause = False  # "calling itself X emerged": the cue's object, not a clause's subject
    elif (
        cue_end <= pieces[0][0]
        and _opens_on_preposition(words)
        and not _main_clause_after(text, pieces[0][0], pieces[-1][1])
    ):
        # after its cue, "complained of stomach pain, was rushed to hospital" is a phrase, its verbs the sentence's
        # (before it, "On Saturday night a car bomb killed eight people, police said" opens on its own adverbial)
        clause = False
    elif post_posed:
        clause = _clause_verb(_main_clause_words(content))
    elif is_speech:
        # the verb list is short ("the government owed the public …" has none it knows): after a verb of speech
        # a content of five words or more is taken for a clause, unless v6 cut it short ("has quoted fighters
        # familiar with X, saying …") or it opens on a preposition
        clause = _has_verb(words) or (len(words) >= 5 and not was_cut and first not in _PREPOSITIONS)
    else:
        clause = _clause_verb(words)
    if clause:
        return "keep"
    if not is_act and not cue_words.isdisjoint(_CALL_CUES) and first not in _PREPOSITIONS | _REFLEXIVES:
        return "keep"  # "called the incident a “failure of leadership”": a predication, like "described X as Y"
    # "warned of an impending war": the preposition right after the cue is the cue's own
    own_preposition = cue_end <= pieces[0][0] and not text[cue_end : pieces[0][0]].strip()
    noun_phrase = (first not in _PREPOSITIONS or own_preposition) and first not in _OBJECT_PRONOUNS
    if not is_act and not post_posed and noun_phrase and not cue_words.isdisjoint(_FACT_OBJECT_CUES):
        return "keep"  # "denied any involvement in the attack", "confirmed the death of …"
    # the speaker's own phrase: someone speaks in the sentence; any other object ("wrote an update", "Repetition adds
    # volume, not evidence") makes the verb an act the outlet reports
    return "drop" if post_posed and is_speech else "release"


def _continuation(
    text: str, attribution: Span, attributions: list[Span], sentences: list[Span], starts: list[int]
) -> tuple[int, int] | None:
    """What follows the attribution in its sentence ("…, according to X, “is closer to …”"), when no other
    attribution holds it and it has three words or more."""
    end = attribution.end_char
    sentence_end = _sentence_range(sentences, starts, end - 1, end)[1]
    start = _skip_marks(text, end, sentence_end)
    quoted = text[start : start + 1] in _OPEN_QUOTES
    start, stop = _strip(text, start, sentence_end)
    words = _words(text[start:stop])
    if len(words) < 3 or not (quoted or _has_verb(words)):
        return None  # "…,” he said in a broadcast interview": how it was said, not more of it
    for other in attributions:
        if other is not attribution and other.start_char < stop and start < other.end_char:
            return None
    return start, stop


def _attributed_claims(
    ctx: _Context, attributions: list[Span], sentences: list[Span], starts: list[int], headline: tuple[int, int] | None
) -> tuple[list[Span], list[tuple[int, int]], list[int], set[int]]:
    """The attributed claims, the stretches of text they speak for (an outlet claim does not repeat them), and (v6)
    the cues of the attributions that speak no proposition and where a main clause was handed to the outlet."""
    text = ctx.text
    claims: list[Span] = []
    covered: list[tuple[int, int]] = []
    released: list[int] = []
    carved: list[tuple[int, int]] = []
    handed: set[int] = set()
    anchors: _Anchors | None = None  # v6, made on first use
    seen: set[tuple[int, int]] = set()
    headline_tail = headline is not None and _REPORT_TAIL.search(text, headline[0], headline[1]) is not None
    for index, attribution in enumerate(attributions):
        attrs = dict(attribution.attrs)
        if _is_passive(text, attribution, attrs):
            continue
        content = attrs.get("content") or {}
        raw_pieces = content.get("pieces") or [[content.get("start_char", 0), content.get("end_char", 0)]]
        pieces: list[tuple[int, int]] = []
        kicker_hedges: list[str] = []
        refuting = False
        cover_end = attribution.end_char
        cue = dict(attrs.get("cue") or {})
        cue_text = str(cue.get("text", "")).lower()
        cue_word = cue_text.split()[-1] if cue_text.split() else ""  # "has denied" -> "denied"
        trailing_false = _TRAILING_NAMED_FALSE if cue_word in _CALL_CUES else _TRAILING_FALSE
        for n, (ps, pe) in enumerate(raw_pieces):
            quoted = text[int(ps) : int(ps) + 1] in _OPEN_QUOTES
            ps, pe = _strip(text, int(ps), int(pe))
            if n > 0 and not quoted and _CONTINUATION.match(text, ps, pe):
                cover_end = min(cover_end, ps)
                break
            m = _TRAILING_SOURCE.search(text, ps, pe)
            if m:
                pe = m.start()
            if n == 0:
                # "called that report invented": there "that" is a determiner, not a complementiser
                front: tuple[re.Pattern[str], ...] = _FRONT[:3] if cue_word in _CALL_CUES else _FRONT
                if ctx.version >= 6:
                    front = tuple(
                        _CONNECTIVE_V6 if p is _CONNECTIVE else (_THAT_V6 if p is _THAT else p) for p in front
                    )
                    if text[ps - 1 : ps] in _OPEN_QUOTES:
                        front = tuple(p for p in front if p is not _THAT_V6)  # "“That conversation never happened”"
                ps, pe, kicker_hedges = _trim_front(text, ps, pe, front)
                m = _LEADING_FALSE.match(text, ps, pe)
                if m:
                    refuting = True
                    ps = m.end()
                m = _CLAIM_THAT.match(text, ps, pe)
                if m and len(_words(text[m.end() : pe])) >= 3:
                    ps = m.end()  # "a newspaper report that its officials had met …": the proposition
            m = trailing_false.search(text, ps, pe)
            if m:
                refuting = True
                pe = m.start()
            ps, pe = _strip(text, ps, pe)
            if pe > ps:
                pieces.append((ps, pe))
        # A denial needs no clause: "dismissed the allegations as baseless" still says which claim it rejects.
        min_words = 2 if refuting or cue_word in _DENY_CUES | _DISMISS_CUES | _REFUTE_CUES else 3
        if not pieces or sum(len(_words(text[s:e])) for s, e in pieces) < min_words:
            if ctx.version >= 6 and pieces and _words(text[pieces[0][0] : pieces[-1][1]])[0].lower() in _ANAPHORS:
                covered.append((attribution.start_char, cover_end))  # "This is reported by X": sourcing, no claim
            continue  # and its text stays open to an outlet claim: "the search continued …" is no attribution
        if ctx.version >= 6 and not (headline is not None and headline[0] <= pieces[0][0] < headline[1]):
            if anchors is None:
                anchors = _Anchors.of(attributions)
            reading = _v6_content(
                ctx, attribution, index, attributions, anchors, pieces, cue, sentences, starts, refuting
            )
            pieces, verdict, rest = reading.pieces, reading.verdict, reading.rest
            if reading.speech is not None:
                (ss, se), participle = reading.speech
                covered.append((pieces[-1][1] if pieces else ss, se))  # from the participle's comma
                if (ss, se) not in seen:
                    seen.add((ss, se))
                    claims.extend(
                        _attributed_claim(
                            ctx, attribution, index, group, sentences, starts, headline, participle, [], False, False
                        )
                        for group in _propositions([(ss, se)], starts)
                    )
            if verdict == "release":
                released.append(int(cue.get("start_char", attribution.start_char)))
                stretch = (min(attribution.start_char, pieces[0][0]), max(int(cue.get("end_char", 0)), pieces[-1][1]))
                if not any(b is not attribution and _holds(b, *stretch) for b in attributions):
                    carved.append(stretch)  # "X had announced the end of …, explaining that …": X's act is the outlet's
                continue
            if rest is not None:
                cover_end = min(cover_end, rest)
                handed.add(rest)
            if verdict == "drop":
                covered.append((attribution.start_char, cover_end))
                continue
        covered.append((attribution.start_char, cover_end))
        if _ANONYMITY.match(text, pieces[0][0]):
            continue
        if ctx.version >= 5 and _withheld(text, cue_text, pieces[0][0]):
            continue
        key = (pieces[0][0], pieces[-1][1])
        if key in seen:
            continue
        seen.add(key)
        for group in _propositions(pieces, starts):
            claims.append(
                _attributed_claim(
                    ctx,
                    attribution,
                    index,
                    group,
                    sentences,
                    starts,
                    headline,
                    cue_word,
                    kicker_hedges,
                    refuting,
                    headline_tail,
                )
            )
    if carved:  # v6: the released stretches leave the other attributions' coverage too
        covered = [piece for a, b in covered for piece in _uncovered(a, b, sorted(carved), _running_max(carved))]
    return claims, covered, released, handed


def _holds_released(text: str, start: int, end: int, released: list[int]) -> bool:
    """v6: does a stretch hold the cue of a released attribution and open on its clause ("In a statement posted on
    …" is a preposition's phrase: no claim)?"""
    words = _words(text[start:end])
    if not words or words[0].lower() in _TRAILING_OPENERS:
        return False
    if _opens_on_preposition(words) and not _main_clause_after(text, start, end):
        return False  # "On Saturday, a forum posted a message" stays
    return _holds_cue(start, end, released)


def _holds_cue(start: int, end: int, released: list[int]) -> bool:
    return any(start <= x < end for x in released)


def _running_max(stretches: list[tuple[int, int]]) -> list[int]:
    return list(itertools.accumulate((b for _, b in sorted(stretches)), max))


def _holds(attribution: Span, start: int, end: int) -> bool:
    """Does one of the attribution's content pieces overlap ``start``–``end``, or its speaker's phrase hold it ("Ryan
    Roche, whose victory was captured in a video posted to YouTube, said …")?"""
    attrs = dict(attribution.attrs)
    content = attrs.get("content") or {}
    pieces = content.get("pieces") or [[content.get("start_char", 0), content.get("end_char", 0)]]
    speaker = attrs.get("speaker") or {}
    inside = int(speaker.get("start_char", end)) <= start and end <= int(speaker.get("end_char", -1))
    return inside or any(int(a) < end and start < int(b) for a, b in pieces)


def _outlet_claim(
    ctx: _Context,
    start: int,
    end: int,
    sentence: tuple[int, int],
    *,
    is_headline: bool,
    min_words: int,
    rest: bool = False,
    verbed: bool = False,
) -> Span | None:
    text = ctx.text
    while start < end and text[start] in " ,;—–-\n":
        start += 1  # what is left after an attribution: ", and a second convoy left …"
    start, end = _strip(text, start, end)
    front: tuple[re.Pattern[str], ...] = (*_FRONT[:3], _SUBORDINATOR) if rest else _FRONT[:3]
    if ctx.version >= 6:
        front = (*(_CONNECTIVE_V6 if p is _CONNECTIVE else p for p in front), _FRAME)
    start, end, kicker_hedges = _trim_front(text, start, end, front)
    if rest and re.match(r"not\b", text[start:end]):
        return None  # "…, but not its leader": an elliptical rest of the reported content
    hedges = list(kicker_hedges)
    if is_headline:
        tail = _REPORT_TAIL.search(text, start, end)
        if tail is not None:
            end = tail.start()
            hedges.append("reportedly")
    question = text[start:end].rstrip().endswith("?") or text[end : sentence[1]].lstrip().startswith("?")
    start, end = _strip(text, start, end)
    words = _words(text[start:end])
    if question or len(words) < min_words or (not is_headline and not verbed and not _has_verb(words, finite=rest)):
        return None
    if ctx.version >= 6 and not is_headline and not _own_voice_asserts(text, start, end, sentence):
        return None
    if ctx.version >= 6 and rest and words[-1].lower() in _PREPOSITIONS | _DANGLING | _TRAILING_OPENERS | _WH_WORDS:
        return None  # "…, they have not yet spoken out on" the rest of the sentence another attribution holds
    for word in _hedges(text, sentence[0], sentence[1]):
        if word not in hedges:
            hedges.append(word)
    if ctx.version >= 3 and "reported" not in hedges and _REPORTED_BEFORE_NOUN.search(text, start, end):
        hedges.append("reported")
    hint = _word_set(text[sentence[0] : sentence[1]])
    return _claim_span(
        ctx,
        "outlet",
        [(start, end)],
        sentence,
        attribution=None,
        speaker=None,
        chain=[],
        polarity=_outlet_polarity(text[start:end], hint),
        hedges=hedges,
        modality=_modality(text[start:end], None, reported=False, hint=hint),
        headline=is_headline,
        hint=hint,
    )


# "unconfirmed reports circulating on social media that X", "claims online that X": a relayed post (X) whose
# speaker is the unnamed online source. A noun cue, which the attribution layer does not read.
_SOCIAL_RELAY = re.compile(
    r"\b(?:reports?|claims?|rumou?rs?|posts?|allegations?|suggestions?)\b[^.;:“”«»\"]{0,40}?"
    r"(?:\b(?:on|across|via)\s+social[\s-]media|\bonline)\b[^.;:“”«»\"]{0,30}?\bthat\s+",
    re.IGNORECASE,
)
_SOCIAL_RELAY_KEYS = frozenset({"social", "online"})


def _social_relays(ctx: _Context, sentences: list[Span], attributions: list[Span], claims: list[Span]) -> list[Span]:
    """Claims relayed from unnamed social-media posts, named by a noun ("claims on social media that X")."""
    text = ctx.text
    out: list[Span] = []
    for sentence in sentences:
        s, e = sentence.start_char, sentence.end_char
        if _SOCIAL_RELAY_KEYS.isdisjoint(_word_set(text[s:e])):
            continue
        for m in _SOCIAL_RELAY.finditer(text, s, e):
            if _inside_quotation(text, s, m.start()):
                continue
            # The relayed clause ends where the sentence's own attribution begins: "…, Mr Qandusi said".
            end = min([e, *(a.start_char for a in attributions if m.end() < a.start_char < e)])
            start, end = _strip(text, m.end(), end)
            if len(_words(text[start:end])) < 3 or any(c.start_char < end and start < c.end_char for c in claims):
                continue
            speaker = {"text": text[m.start() : m.end()].strip()[: -len("that")].strip(), "kind": "social"}
            hint = _word_set(text[s:e])
            hedges = _hedges(text, s, e)
            out.append(
                _claim_span(
                    ctx,
                    "attributed",
                    [(start, end)],
                    (s, e),
                    attribution=None,
                    speaker=speaker,
                    chain=[speaker],
                    polarity=_polarity(text, "", speaker["text"], "social", [(start, end)], "", hint),
                    hedges=hedges,
                    modality=_modality(text[start:end], None, reported=True, hint=hint),
                    headline=False,
                    hint=hint,
                )
            )
    return out


# v4: a non-restrictive relative clause ("Sufyan al-Mahrouq, who was arrested in Harbal on 1 March") or a past
# participle, bare or after a short role noun ("the militia, led by …", "Sufyan al-Mahrouq, the smuggler arrested
# on March 1"), that states its own fact about the noun phrase before its comma.
_RELATIVE = re.compile(r",\s+(who|which|whose)\s+")
_PARTICIPIAL = re.compile(
    r",\s+(?:(?:the|a|an)\s+(?:[a-z][\w'’-]*\s+){0,2}[a-z][\w'’-]*\s+)?"
    r"((?:[a-z]{3,}ed|led|held|taken|seen|known|shown|given|built|sent|caught|brought|kept|won|struck|shot|hit)\s+"
    r"(?:by|in|on|at|from|since|near|during|after|before|last|earlier|outside|inside)\b)"
)
# Naming, not a fact: "who is known as Abu Ruwayd", "a group called …"; the source's own situation: "who spoke on
# condition of anonymity", "who gave his name only as …", "reached by phone"; speech ("the Courier, which revealed
# that …"), which is an attribution's to read, not a fact about the antecedent.
_NAMING = re.compile(
    r"(?:(?:is|are|was|were|has\s+been|had\s+been)\s+)?(?:also\s+)?(?:known|called|named|nicknamed|dubbed|"
    r"referred\s+to|spelled|spelt|styled)\b|(?:(?:has|have|had|also|later|first)\s+)?(?:spoke|speaks|asked|"
    r"gave|give|gives|declined|requested|reached|contacted|interviewed|quoted|quotes|cited|cites|said|says|say|"
    r"told|tells|reported|reports|revealed|reveals|claimed|claims|announced|announces|wrote|writes|added|"
    r"stated|states|alleged|alleges|denied|denies|insisted|insists)\b",
    re.IGNORECASE,
)
_NAME_WORD = r"(?:[A-Z][\w'’-]+|(?:al|el|bin|ibn|abu|de|van|von)[-\s][A-Z][\w'’-]+)"
_NAME_BEFORE = re.compile(r"(?<![\w'’-])" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r"){0,3}$")
_DETERMINERS = frozenset("the its their his her this that these those our".split())
_ED_NOT_PARTICIPLES = _ED_NOT_VERBS | frozenset("united limited based".split())


def _clause_end(text: str, start: int, end: int) -> int:
    """Where a clause opened at ``start`` ends: its next comma, semicolon, dash or bracket outside quotation marks."""
    depth = 0
    for i in range(start, end):
        c = text[i]
        if c in _OPEN_QUOTES and c != '"':
            depth += 1
        elif c in _CLOSE_QUOTES and c != '"':
            depth = max(0, depth - 1)
        elif depth == 0 and (c in ",;()" or (c in "—–" and text[i - 1] == " ")):
            return i
    return end


def _antecedent(ctx: _Context, lo: int, comma: int) -> int | None:
    """The start of the noun phrase that ends at ``comma``: a name (an entity, or "Name, <apposition>"), else a
    definite phrase of at most six words ("the town's water pumping station", "his deputy"); None otherwise."""
    k = bisect.bisect_right(ctx.entity_starts, comma) - 1
    while k >= 0 and ctx.entities[k].end_char > comma:
        k -= 1
    if k >= 0 and ctx.entities[k].end_char == comma and ctx.entities[k].start_char >= lo:
        return ctx.entities[k].start_char
    before = ctx.text[lo:comma]
    name = _NAME_BEFORE.search(before)
    if name is not None:
        return lo + name.start()  # a name no entity layer marked: "Idris Kavelli, who …"
    words = list(_WORD.finditer(before))[-7:]
    for j in range(len(words) - 1, -1, -1):
        w = words[j].group(0)
        if w.lower() in _DETERMINERS:
            start = lo + words[j].start()
            if any(c in ',;:“”«»"' for c in ctx.text[start:comma]):
                return None
            phrase = _words(ctx.text[start:comma])
            if _has_verb(phrase[1:]) or len(phrase) < 2:
                return None
            # "Name, the group's deputy commander, whose …": the name fronts the apposition
            m = re.search(r",\s*$", ctx.text[lo:start])
            if m is not None:
                named = _antecedent(ctx, lo, lo + m.start())
                if named is not None:
                    return named
            return start
    return None


def _clause_splits(ctx: _Context, start: int, end: int, attributions: list[Span]) -> list[tuple[int, int, int, int]]:
    """(antecedent start, clause comma, predicate start, clause end) of each clause in ``text[start:end]``."""
    text = ctx.text
    found: list[tuple[int, int, int, int]] = []
    matches = [(m, True) for m in _RELATIVE.finditer(text, start, end)]
    matches += [(m, False) for m in _PARTICIPIAL.finditer(text, start, end)]
    for m, relative in sorted(matches, key=lambda x: x[0].start()):
        comma = m.start()
        if found and comma < found[-1][3]:
            continue
        if relative:
            pred = m.start(1) if m.group(1).lower() == "whose" else m.end()
        else:
            word = m.group(1).split()[0]
            if word in _ED_NOT_PARTICIPLES:
                continue
            pred = m.start(1)
            if ctx.version >= 6 and _has_verb(_words(text[comma:pred])):
                continue  # v6: ", the visit was abruptly canceled at …" is a clause with its own subject
        stop = _clause_end(text, m.end(), end)
        predicate = _words(text[pred:stop])
        if len(predicate) < 2 or _NAMING.match(text, pred):
            continue
        # its own verb, early: "who was arrested", "which has let", "whose arrest … triggered"
        if relative and not _has_verb(predicate[: 8 if m.group(1).lower() == "whose" else 3]):
            continue
        if _ANONYMITY.search(text, pred, stop) or _NO_COMMENT.search(text, pred, stop):
            continue
        lead = _antecedent(ctx, start, comma)
        if lead is None or lead >= comma:
            continue
        # ", reopened on Monday" after a subject is the main verb, not a participle: a participle needs a main
        # clause with a verb of its own before its antecedent, and no clause opened before it
        if not relative and ("," in text[start:comma] or not _has_verb(_words(text[start:lead]))):
            continue
        if any(_speaks_inside(a, lead, stop) for a in attributions):
            continue
        found.append((lead, comma, pred, stop))
    return found


def _speaks_inside(attribution: Span, lead: int, stop: int) -> bool:
    """Is the attribution's cue inside the clause ("the Courier, which said …"), or the antecedent its speaker?"""
    attrs = dict(attribution.attrs)
    cue = attrs.get("cue") or {}
    if lead <= int(cue.get("start_char", -1)) < stop:
        return True
    speaker = attrs.get("speaker") or {}
    return bool(speaker) and int(speaker.get("start_char", -1)) == lead


def _skip_marks(text: str, start: int, end: int) -> int:
    while start < end and text[start] in " ,;—–-\n":
        start += 1  # what follows a clause: ", did not respond …"
    return start


def _split_clauses(ctx: _Context, claims: list[Span], attributions: list[Span]) -> list[Span]:
    """v4: each clause of ``_clause_splits`` in a claim becomes its own claim (antecedent and predicate), with the
    parent's speaker, chain, attribution and hedges and its own polarity and modality; the parent loses it."""
    out: list[Span] = []
    text = ctx.text
    for claim in claims:
        attrs = dict(claim.attrs)
        pieces: list[tuple[int, int]] = [(int(a), int(b)) for a, b in attrs["pieces"]]
        if attrs.get("headline"):
            out.append(claim)
            continue
        # Only a clause that ends the claim (so at most one: clauses do not overlap): the stored claim text runs
        # from its first piece to its last, so a clause in the middle would stay in the main claim's text and bridge
        # the two in clustering.
        last_start, last_end = pieces[-1]
        split = next(
            (x for x in _clause_splits(ctx, last_start, last_end, attributions) if not _words(text[x[3] : last_end])),
            None,
        )
        if split is None:
            out.append(claim)
            continue
        lead, comma, pred, stop = split
        kept = [(last_start, comma) if k == len(pieces) - 1 else piece for k, piece in enumerate(pieces)]
        kept = [(a, b) for a, b in (_strip(text, _skip_marks(text, a, b), b) for a, b in kept) if b > a]
        kept_words = [w for a, b in kept for w in _words(text[a:b])]
        if len(kept_words) < 3:  # too short to stand alone: the clause's
            out.append(claim)
            continue
        pointed = _FRAME.match(text, int(attrs["sentence"][0])) is not None
        if ctx.version >= 6 and pointed and len(kept_words) <= 5 and not _has_verb(kept_words):
            out.append(claim)  # v6: "Take, for instance, the militia, whose leader …": nothing without its clause
            continue
        sentence = (int(attrs["sentence"][0]), int(attrs["sentence"][1]))
        hint = _word_set(text[sentence[0] : sentence[1]])
        common = {
            "attribution": attrs["attribution"],
            "speaker": attrs["speaker"],
            "chain": attrs["chain"],
            "headline": False,
            "hint": hint,
        }
        out.append(
            _claim_span(
                ctx,
                claim.label,
                kept,
                sentence,
                polarity=attrs["polarity"],
                hedges=list(attrs["hedges"]),
                modality=attrs["modality"],
                **common,
            )
        )
        speaker = attrs["speaker"] or {}
        own = [(lead, comma), _strip(text, pred, stop)]
        own_text = f"{text[lead:comma]} {text[own[1][0] : own[1][1]]}"
        if claim.label == "outlet":
            polarity = _outlet_polarity(own_text, hint)
        else:
            polarity = _polarity(text, "", str(speaker.get("text", "")), str(speaker.get("kind", "")), own, "", hint)
        modality = _modality(own_text, None, reported=claim.label != "outlet", hint=_word_set(own_text))
        out.append(
            _claim_span(
                ctx,
                claim.label,
                own,
                sentence,
                polarity=polarity,
                hedges=list(attrs["hedges"]),
                modality=modality,
                **common,
            )
        )
    return out


def extract_claims(doc: Document, events: list[Span] | None = None, *, version: int = 2) -> list[Span]:
    """The ``claims`` layer of ``doc`` (it needs its ``sentences`` and ``attributions`` layers) as
    ``extract.claims.rules.v<version>`` reads it: 3 also reads an official's negated statement about a named actor
    as a denial (``_official_negates``) and "reported" before a noun as a hedge (``_REPORTED_BEFORE_NOUN``); 4 also
    gives a clause that ends a claim and states its own fact its own claim (``_split_clauses``); 5 also gives no
    claim for what a speaker would not say (``_withheld``); 6 also reads what is no proposition (``_v6_content``,
    ``_own_voice_asserts``)."""
    text = doc.text
    sentences = sorted(doc.spans.get("sentences", []), key=lambda s: s.start_char)
    if not sentences:
        return []
    starts = [s.start_char for s in sentences]
    attributions = doc.spans.get("attributions", [])
    entities = sorted(entity_spans(doc), key=lambda s: s.start_char)
    event_layer = doc.spans.get("events") if events is None else events
    times = sorted(doc.spans.get("times", []), key=lambda t: t.start_char)
    event_list = list(event_layer or [])
    event_order = sorted(range(len(event_list)), key=lambda i: event_list[i].start_char)
    ctx = _Context(
        text=text,
        entities=entities,
        entity_starts=[e.start_char for e in entities],
        entity_ids=[dict(e.attrs).get("entity_id") for e in entities],
        times=times,
        time_starts=[t.start_char for t in times],
        time_attrs=[dict(t.attrs) for t in times],
        events=event_list,
        event_order=event_order,
        event_starts=[event_list[i].start_char for i in event_order],
        event_attrs=[dict(e.attrs) for e in event_list],
        has_events=event_layer is not None,
        version=version,
    )
    h = _headline_sentence(doc, sentences)
    headline = (sentences[h].start_char, sentences[h].end_char) if h is not None else None
    claims, covered, released, handed = _attributed_claims(ctx, attributions, sentences, starts, headline)
    covered.sort()
    max_ends = list(itertools.accumulate((b for _, b in covered), max))
    for i, sentence in enumerate(sentences):
        s, e = sentence.start_char, sentence.end_char
        is_headline = i == h
        if not is_headline and (_is_fragment(text, s, e) or (h is not None and i < h)):
            continue
        gap = text.rfind("\n\n", 0, s)
        para_start = gap + 2 if gap >= 0 else 0
        if text[s] in _OPEN_QUOTES or _inside_quotation(text, para_start, s):
            continue  # someone else's words, even when no attribution was found for them
        pieces = _uncovered(s, e, covered, max_ends)
        if pieces == [(s, e)]:
            min_words = 3 if is_headline else 5
            verbed = _holds_cue(s, e, released)  # the layer read a verb there (the lists may not know it)
            claim = _outlet_claim(ctx, s, e, (s, e), is_headline=is_headline, min_words=min_words, verbed=verbed)
            if claim is not None:
                claims.append(claim)
            continue
        for ps, pe in pieces:
            # Only a clause after the attribution stands on its own: "…, officials said, and a convoy left …".
            lead = text[ps:pe].lstrip(" ,;—–-")
            own = ps != s and bool(
                text[ps:pe].lstrip().startswith(";") or _CONNECTIVE.match(lead) or _SUBORDINATOR.match(lead)
            )
            # v6: a stretch whose verb was no speech ("X praised Y, adding that …") or a main clause after a
            # subordinate cue ("Before X declared a state of emergency, Y met Z") is the outlet's own too
            if version >= 6 and not own:
                own = _holds_released(text, ps, pe, released) or _skip_marks(text, ps, pe) in handed
            if not own:
                continue
            claim = _outlet_claim(
                ctx, ps, pe, (s, e), is_headline=False, min_words=5, rest=True, verbed=_holds_cue(ps, pe, released)
            )
            if claim is not None:
                claims.append(claim)
    claims.extend(_social_relays(ctx, sentences, attributions, claims))
    if version >= 4:
        claims = _split_clauses(ctx, claims, attributions)
    claims.sort(key=lambda c: (c.start_char, c.end_char))
    return claims


@register(
    "extract.claims.rules.v2",
    requires=("spans.sentences", "spans.attributions"),
    assigns=("spans.claims",),
    description="Claims (attributed or in the outlet's voice) with speaker, chain, polarity, hedges and modality.",
)
def make_claim_extractor() -> ComponentFn:
    return _claims_component(version=2)


def _claims_component(version: int) -> ComponentFn:
    def run(doc: Document) -> Document:
        doc.spans["claims"] = extract_claims(doc, version=version)
        return doc

    return run


@register(
    "extract.claims.rules.v3",
    requires=("spans.sentences", "spans.attributions"),
    assigns=("spans.claims",),
    description="v2, and an official's negated statement about a named state or group is a denial "
    "('«Ibdara has not supplied weapons», the ministry spokeswoman said'); 'the reported talks' is hedged.",
)
def make_claim_extractor_v3() -> ComponentFn:
    return _claims_component(version=3)


@register(
    "extract.claims.rules.v4",
    requires=("spans.sentences", "spans.attributions"),
    assigns=("spans.claims",),
    description="v3, and a non-restrictive relative or participial clause that states its own fact about the "
    "phrase before it is its own claim ('Sufyan al-Mahrouq, who was arrested in Harbal on 1 March').",
)
def make_claim_extractor_v4() -> ComponentFn:
    return _claims_component(version=4)


@register(
    "extract.claims.rules.v5",
    requires=("spans.sentences", "spans.attributions"),
    assigns=("spans.claims",),
    description="v4, and what a speaker would not say is no claim: 'has not said whether it will retake the bridge', "
    "'declined to say who was arrested' give none.",
)
def make_claim_extractor_v5() -> ComponentFn:
    return _claims_component(version=5)


@register(
    "extract.claims.rules.v6",
    requires=("spans.sentences", "spans.attributions"),
    assigns=("spans.claims",),
    description="v5, and what is no proposition is no claim: the noun-phrase object of a verb that reports no "
    "proposition ('praised the factions for …', 'declared a state of emergency'; the sentence is the outlet's), "
    "contents cut mid-clause or holding the source's phrase (repaired or dropped), and own-voice teasers, captions "
    "and what the writer cannot tell ('it remains difficult to verify who …').",
)
def make_claim_extractor_v6() -> ComponentFn:
    return _claims_component(version=6)
