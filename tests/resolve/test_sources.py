"""Origins of claims: named speakers, outlets in the chain, copies, anonymous sources, social-media rumours."""

from __future__ import annotations

from storytrace.model.dossier import ClaimRecord, Hop
from storytrace.resolve.sources import OutletIndex, assign_origin, normalise_outlet

OUTLETS = OutletIndex.build(
    [("src_courier", "The Tesra Courier"), ("src_herald", "Harbal Herald"), ("src_wire", "Meridian Wire")]
)
ROOTS = {"d_courier": "src_courier", "d_copy": "src_courier", "d_herald": "src_herald", "d_wire": "src_wire"}


def claim(doc: str, *chain: Hop, root: str | None = None, source: str | None = None) -> ClaimRecord:
    return ClaimRecord(
        id=f"c_{doc}",
        doc_id=doc,
        start_char=0,
        end_char=10,
        sentence_start=0,
        sentence_end=10,
        text="x",
        voice="attributed" if chain else "outlet",
        chain=chain,
        copy_root=root or doc,
        source_id=source,
    )


def test_outlet_names_match_their_short_forms() -> None:
    assert normalise_outlet("the daily Harbal Herald's") == "harbal herald"
    assert OUTLETS.find("the Courier") == "src_courier"
    assert OUTLETS.find("The Tesra Courier") == "src_courier"
    assert OUTLETS.find("the daily Harbal Herald newspaper") == "src_herald"
    assert OUTLETS.find("the Guardian") is None


def test_a_named_speaker_is_one_origin_whoever_carries_it() -> None:
    minister = Hop("the Interior Ministry", "named", "ain-bashura:org/moi")
    wire, _ = assign_origin(claim("d_wire", minister), OUTLETS, ROOTS)
    herald, reason = assign_origin(claim("d_herald", Hop("the Herald", "outlet"), minister), OUTLETS, ROOTS)
    assert wire == herald == "speaker:ain-bashura:org/moi"
    assert "named speaker" in reason


def test_a_copy_and_a_credit_lead_back_to_the_original_outlet() -> None:
    own, _ = assign_origin(claim("d_courier", Hop("a source close to the group", "anonymous")), OUTLETS, ROOTS)
    copy, why = assign_origin(claim("d_copy", root="d_courier"), OUTLETS, ROOTS)
    credit, _ = assign_origin(
        claim("d_wire", Hop("the Courier", "outlet"), Hop("sources", "anonymous")), OUTLETS, ROOTS
    )
    assert own == copy == credit == "outlet:src_courier"
    assert "copy" in why


def test_independent_outlets_are_different_origins() -> None:
    herald, _ = assign_origin(claim("d_herald"), OUTLETS, ROOTS)
    wire, _ = assign_origin(claim("d_wire", Hop("residents", "anonymous")), OUTLETS, ROOTS)
    assert herald == "outlet:src_herald" and wire == "outlet:src_wire"


def test_unnamed_social_media_is_one_origin_and_a_handle_is_its_own() -> None:
    a, _ = assign_origin(claim("d_herald", Hop("social media", "anonymous")), OUTLETS, ROOTS)
    b, reason = assign_origin(claim("d_wire", Hop("a single anonymous account", "social")), OUTLETS, ROOTS)
    c, _ = assign_origin(claim("d_wire", Hop("the account @tesra_nightwatch", "social")), OUTLETS, ROOTS)
    assert a == b == "social:unnamed" and "unnamed social-media" in reason
    assert c == "social:@tesra_nightwatch"


def test_an_outlet_sentence_relaying_social_media_rests_on_it() -> None:
    relay = claim("d_herald")
    relay.text = "An anonymous account (@tesra_nightwatch) claimed the leader was wounded."
    own = claim("d_wire")
    own.text = "Claims on social media that the leader was wounded could not be verified."
    assert assign_origin(relay, OUTLETS, ROOTS)[0] == "social:@tesra_nightwatch"
    assert assign_origin(own, OUTLETS, ROOTS)[0] == "social:unnamed"


def test_a_named_speaker_that_is_an_outlet_of_the_store_is_that_outlets_origin() -> None:
    outlets = OutletIndex.build([*((s, OUTLETS.names[s]) for s in OUTLETS.names), ("src_cfss", "Frontier Studies")])
    think_tank = Hop("the Frontier Studies, a think tank in Harbal", "named")
    origin, reason = assign_origin(claim("d_courier", think_tank), outlets, ROOTS)
    assert origin == "outlet:src_cfss" and "is the outlet Frontier Studies" in reason
    # Only its exact name: a named speaker sharing a last word with an outlet stays a speaker.
    assert assign_origin(claim("d_courier", Hop("Studies", "named")), outlets, ROOTS)[0] == "speaker:studies"


def test_an_outlet_named_only_by_what_it_is_stands_for_the_reporter() -> None:
    """A copy of the Courier says "…, the newspaper said, citing two sources": "the newspaper" is no outlet key."""
    newspaper = Hop("the newspaper", "outlet")
    relayed, why = assign_origin(
        claim("d_copy", newspaper, Hop("two sources", "anonymous"), root="d_courier"), OUTLETS, ROOTS
    )
    cited, _ = assign_origin(claim("d_copy", newspaper, root="d_courier"), OUTLETS, ROOTS)
    assert relayed == cited == "outlet:src_courier"
    assert "own source" in why


def test_sources_credited_to_an_outlet_of_the_store_are_that_outlets() -> None:
    """ "According to the Courier's sources, …" in the wire's report is the Courier's scoop, not the wire's own."""
    credited, why = assign_origin(claim("d_wire", Hop("the Courier's sources", "anonymous")), OUTLETS, ROOTS)
    assert credited == "outlet:src_courier" and "The Tesra Courier's own sources" in why
    # An outlet the store does not hold, or the reporter's own sources, stay the reporter's.
    assert assign_origin(claim("d_wire", Hop("the Guardian's sources", "anonymous")), OUTLETS, ROOTS)[0] == (
        "outlet:src_wire"
    )
    assert assign_origin(claim("d_wire", Hop("Meridian Wire's sources", "anonymous")), OUTLETS, ROOTS)[0] == (
        "outlet:src_wire"
    )
