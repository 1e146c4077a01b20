"""Proposition status from stances and origins: the five statuses of the dossier, each with its reasons."""

from __future__ import annotations

from storytrace.assess.status import CORRECTED, assess, is_sure_refutation, parties_of, party_key
from storytrace.model.dossier import ClaimRecord, Hop, PropositionRecord


def claim(doc: str, stance: str, origin: str, speaker: Hop | None = None, root: str | None = None) -> ClaimRecord:
    return ClaimRecord(
        id=f"c_{doc}_{stance}",
        doc_id=doc,
        start_char=0,
        end_char=1,
        sentence_start=0,
        sentence_end=1,
        text="x",
        voice="attributed" if speaker else "outlet",
        chain=(speaker,) if speaker else (),
        stance=stance,
        polarity="denies" if stance == "refutes" else "asserts",  # a denial the claims layer read: a sure refutation
        origin=origin,
        copy_root=root or doc,
        published_at=f"2025-03-{10 + len(doc):02d}",
    )


def status(*claims: ClaimRecord, parties: tuple[str, ...] = ()) -> PropositionRecord:
    proposition = PropositionRecord(id="p", text="t")
    assess(proposition, claims, parties)
    return proposition


SPOKESMAN = Hop("Hisham al-Qandusi", "named", "per/qandusi")


def test_two_independent_origins_corroborate() -> None:
    p = status(claim("a", "supports", "outlet:courier"), claim("b", "supports", "speaker:ministry"))
    assert p.status == "corroborated" and p.origins == 2 and p.supports == 2
    assert "2 independent origins" in p.reasons[0]


def test_copies_and_repeats_of_one_origin_stay_single_source() -> None:
    p = status(claim("a", "supports", "outlet:courier"), claim("b", "supports", "outlet:courier", root="a"))
    assert p.status == "single_source" and p.origins == 1 and p.reports == 1


def test_many_reports_of_one_unverified_origin_are_circular() -> None:
    p = status(
        claim("a", "reports", "social:unnamed"),
        claim("b", "reports", "social:unnamed"),
        claim("cc", "supports", "social:unnamed"),
    )
    assert p.status == "circular" and "3 reports carry it, all from one origin" in p.reasons


def test_a_refusal_to_comment_adds_no_origin_to_a_circular_rumour() -> None:
    """ "X declined to comment on the leader's health" sits with the rumour it does not address: its speaker is no
    origin, relayed or not, so the rumour stays circular (the claims layer may leave "declined" in the cue)."""
    qurmuzi = Hop("Anas Qurmuzi", "named", "per/qurmuzi")
    refusal = claim("dddd", "reports", "speaker:per/qurmuzi", qurmuzi)
    refusal.text = "to comment on the health of the group's leader"
    rumour = (
        claim("a", "reports", "social:unnamed"),
        claim("b", "reports", "social:unnamed"),
        claim("cc", "supports", "social:unnamed"),
    )
    assert status(*rumour, refusal).status == "circular"
    refusal.text = "the leader was wounded"  # a relay that says something is an origin of its own
    assert status(*rumour, refusal).status != "circular"


def test_a_claim_through_an_outlet_is_the_one_origin_that_outlets_own_report_names() -> None:
    """ "According to the Herald, a lawmaker said …" is the lawmaker the Herald's own report quotes by name."""
    courier = claim("a", "supports", "outlet:courier")
    courier.source_id = "courier"
    mp = claim("b", "supports", "speaker:per/qaddusi", Hop("Hisham al-Qaddusi", "named", "per/qaddusi"))
    mp.source_id = "herald"
    through = claim("cc", "supports", "outlet:herald", Hop("a lawmaker", "anonymous"))
    through.source_id = "centre"
    p = status(courier, mp, through)
    assert p.origins == 2 and p.status == "corroborated"
    assert any("reached us through" in r and "as its own report says" in r for r in p.reasons)
    # The Herald also reports it in its own voice, the same day as the Courier (later, it would be background)
    herald_own = claim("d", "supports", "outlet:herald")
    herald_own.source_id = "herald"
    assert status(courier, mp, through, herald_own).origins == 3


def test_a_party_concerned_denies_a_single_source_claim() -> None:
    p = status(
        claim("a", "supports", "outlet:courier"),
        claim("b", "refutes", "speaker:per/qandusi", SPOKESMAN),
        parties=("per/qandusi",),
    )
    assert p.status == "denied" and any("Hisham al-Qandusi" in r for r in p.reasons)


def test_a_denial_against_two_origins_or_an_independent_refutation_is_contested() -> None:
    denied_but_corroborated = status(
        claim("a", "supports", "outlet:courier"),
        claim("b", "supports", "speaker:mp"),
        claim("c", "refutes", "speaker:per/qandusi", SPOKESMAN),
        parties=("per/qandusi",),
    )
    refuted = status(claim("a", "supports", "outlet:courier"), claim("b", "refutes", "outlet:herald"))
    assert denied_but_corroborated.status == refuted.status == "contested"
    assert p_first_last(refuted) == ("2025-03-11", "2025-03-11")


def p_first_last(p: PropositionRecord) -> tuple[str | None, str | None]:
    return p.first_seen, p.last_seen


def test_only_hedged_relays_are_reported() -> None:
    assert status(claim("a", "reports", "outlet:courier")).status == "reported"


def test_reasons_name_origins_as_a_reader_says_them() -> None:
    own = claim("a", "supports", "outlet:src_courier")
    own.source_id, own.outlet = "src_courier", "Tesra Courier"
    cited = claim("b", "supports", "outlet:src_wire", speaker=Hop("Meridian Wire", "outlet"))
    account = claim("c", "reports", "social:@nightwatch")
    p = status(own, cited, account)
    assert p.reasons[0] == "supported by 2 independent origins: Tesra Courier (outlet), Meridian Wire (outlet)"
    assert p.reasons[1] == "relayed without endorsement from @nightwatch (social media)"
    assert "src_" not in " ".join(p.reasons)


def test_unnamed_social_posts_count_with_the_one_account_named_and_make_it_circular() -> None:
    p = status(
        claim("a", "supports", "social:@hillwatch"),
        claim("b", "supports", "social:unnamed"),
        claim("cc", "reports", "social:unnamed"),
    )
    assert p.status == "circular" and p.origins == 1
    assert "unnamed social-media posts counted with @hillwatch (social media), the one account named" in p.reasons
    assert "3 reports carry it, all from one origin" in p.reasons


def test_unnamed_social_posts_stay_apart_when_two_accounts_are_named() -> None:
    p = status(
        claim("a", "supports", "social:@hillwatch"),
        claim("b", "supports", "social:@rivernews"),
        claim("cc", "supports", "social:unnamed"),
    )
    assert p.status == "corroborated" and p.origins == 3
    assert not any("counted with" in r for r in p.reasons)


def refutation(doc: str, speaker: Hop, text: str = "x") -> ClaimRecord:
    c = claim(doc, "refutes", f"speaker:{speaker.entity_id or speaker.text.casefold()}", speaker)
    c.text = text
    return c


def test_parties_of_names_the_actors_of_supporting_claims_and_refuters_who_speak_for_a_side() -> None:
    support = claim("a", "supports", "outlet:courier")
    support.entities = ("org/militia", "gpe/ibdara")
    ministry = refutation("b", Hop("Ibdara's foreign ministry", "named", "org/mfa"))
    government = refutation("c", Hop("The government", "named"))
    mp = refutation("d", Hop("Hisham al-Qaddusi", "named", "per/qaddusi"))
    anonymous_official = refutation("e", Hop("a senior official", "anonymous"))
    proposition = PropositionRecord(id="p", text="t")
    parties = parties_of(proposition, [support, ministry, government, mp, anonymous_official])
    assert parties == {"org/militia", "gpe/ibdara", "org/mfa", "speaker:government"}
    assert party_key(Hop("The government", "named")) == "speaker:government"


def test_an_unresolved_government_denial_is_a_party_denial() -> None:
    support = claim("a", "supports", "outlet:courier")
    government = refutation("b", Hop("The government", "named"))
    members = [support, government]
    p = status(*members, parties=tuple(parties_of(PropositionRecord(id="p", text="t"), members)))
    assert p.status == "denied" and "denied by a party concerned: The government" in p.reasons
    # Without it among the parties, the same refutation is an independent origin's: contested.
    assert status(*members).status == "contested"


def test_an_anonymous_official_refuting_is_not_a_party_denial() -> None:
    members = [claim("a", "supports", "outlet:courier"), refutation("b", Hop("an official", "anonymous"))]
    p = status(*members, parties=tuple(parties_of(PropositionRecord(id="p", text="t"), members)))
    assert p.status == "contested"


def test_a_refutation_read_only_by_the_stance_models_is_listed_but_not_counted() -> None:
    support, other = claim("a", "supports", "outlet:courier"), claim("b", "supports", "speaker:mp")
    negated = claim("c", "refutes", "outlet:herald")
    negated.polarity, negated.stance_reason = "asserts", "model: refutes (p=0.51); negated where the proposition is not"
    p = status(support, other, negated)
    assert not is_sure_refutation(negated)
    assert p.status == "corroborated" and p.refutes == 1
    assert any(r.startswith("possibly refuted by outlet:herald") and "not counted" in r for r in p.reasons)
    # The same reading confirmed by an analyst counts: the proposition is contested.
    negated.stance_reason = f"{CORRECTED} (the rules said refutes: model: refutes (p=0.51))"
    assert is_sure_refutation(negated)
    assert status(support, other, negated).status == "contested"


def test_a_party_written_two_ways_is_named_once() -> None:
    support = claim("a", "supports", "outlet:courier")
    headline = refutation("b", Hop("Government", "named"))
    lede = refutation("c", Hop("The government", "named"))
    spokesman = refutation("dd", Hop("spokesman Hisham al-Qandusi", "named", "per/qandusi"))
    also = refutation("ee", Hop("Mr Qandusi", "named", "per/qandusi"))
    members = [support, headline, lede, spokesman, also]
    p = status(*members, parties=tuple(parties_of(PropositionRecord(id="p", text="t"), members)))
    [reason] = [r for r in p.reasons if r.startswith("denied by a party concerned")]
    assert reason == "denied by a party concerned: The government, spokesman Hisham al-Qandusi", reason
    # The same names, whatever the order the claims come in.
    again = status(*reversed(members), parties=tuple(parties_of(PropositionRecord(id="p", text="t"), members)))
    assert reason in again.reasons


def test_an_outlet_restating_a_reported_fact_days_later_is_background_not_an_origin() -> None:
    """The ministry announced an arrest on the 11th; a paper's story on the 12th mentions it in passing, in its own
    voice: what the paper read, not a second origin (the key of the demo corpus counts the ministry only)."""
    ministry = Hop("the Interior Ministry", "named", "org/ministry")
    announced = claim("a", "supports", "speaker:org/ministry", speaker=ministry)
    restated = claim("bb", "supports", "outlet:herald")
    p = status(announced, restated)
    assert p.status == "single_source" and p.origins == 1
    assert any(r.startswith("restated as background by outlet:herald") for r in p.reasons)
    # Three reports, one origin behind them all: circular, as relays of one source are.
    p = status(announced, restated, claim("cc", "supports", "outlet:mirror"))
    assert p.status == "circular" and p.origins == 1


def test_an_outlet_leading_with_the_fact_or_reporting_it_the_same_day_is_an_origin() -> None:
    ministry = Hop("the Interior Ministry", "named", "org/ministry")
    announced = claim("a", "supports", "speaker:org/ministry", speaker=ministry)
    # The same day: its own reporting, whatever came first within the day.
    assert status(announced, claim("b", "supports", "outlet:herald")).origins == 2
    # Days later, but its headline or lede is this proposition: the report is about it, not restating it.
    lede = claim("bb", "supports", "outlet:herald")
    lede.lead = "lede"
    later = claim("bb", "supports", "outlet:herald")
    later.id = "c_bb_body"
    p = status(announced, lede, later)
    assert p.status == "corroborated" and p.origins == 2
    # An attributed claim days later is its speaker's, never background.
    witness = Hop("a shopkeeper", "anonymous", None)
    assert status(announced, claim("cc", "supports", "speaker:shopkeeper", speaker=witness)).origins == 2


def test_what_another_report_credits_to_a_backgrounded_outlet_is_background_too() -> None:
    """The paper mentions the arrest in passing days later; a site quoting "the paper's sources" a day after that
    carries the paper's background, not a second origin."""
    ministry = Hop("the Interior Ministry", "named", "org/ministry")
    announced = claim("a", "supports", "speaker:org/ministry", speaker=ministry)
    paper = claim("bb", "supports", "outlet:courier")
    paper.source_id = "courier"
    credited = claim("ccc", "supports", "outlet:courier", speaker=Hop("the Courier's sources", "anonymous"))
    credited.source_id = "site"
    p = status(announced, paper, credited)
    assert p.origins == 1 and p.status == "circular"
    # When the paper's own mention leads its report, the paper is an origin, and so is what is credited to it.
    paper.lead = "lede"
    assert status(announced, paper, credited).origins == 2


def test_a_caveat_on_the_evidence_relays_no_origin() -> None:
    """ "The official did not provide evidence", the Mirror adds under the wire's allegation: the Mirror relays no
    origin of its own, so three reports of one official's allegation stay circular."""
    official = Hop("a senior official", "anonymous")
    alleged = claim("a", "supports", "outlet:wire", speaker=official)
    relayed = claim("bb", "reports", "outlet:wire", speaker=official)
    caveat = claim("ccc", "reports", "outlet:mirror")
    caveat.text = "The official did not provide evidence"
    p = status(alleged, relayed, caveat)
    assert p.status == "circular" and not any("relayed without endorsement" in r for r in p.reasons)


def test_an_undated_report_is_never_earlier_than_a_dated_one() -> None:
    """An undated copy quoting the ministry says nothing of when it was first reported: the paper's own-voice
    mention stays an origin (an empty date sorts before every day)."""
    ministry = Hop("the Interior Ministry", "named", "org/ministry")
    undated = claim("a", "supports", "speaker:org/ministry", speaker=ministry)
    undated.published_at = None
    assert status(undated, claim("bb", "supports", "outlet:herald")).origins == 2
