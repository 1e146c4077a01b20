from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from storytrace.errors import PipelineError
from storytrace.model.dossier import Hop
from storytrace.resolve import stance as stance_module
from storytrace.resolve.claims import default_embedder
from storytrace.resolve.stance import (
    ENCODER_ASK_BELOW,
    MODEL_PATH,
    NONCOMMITTAL,
    default_pair_reader,
    default_stance_model,
    is_negated,
    relayed_speaker,
    rule_stance,
    stance_of,
    without_narrowing_tails,
)
from storytrace.resolve.stance_features import (
    SCALAR_NAMES,
    FeatureTables,
    StanceModel,
    feature_names,
    pair_features,
)
from tests.resolve.records import claim

ANCHOR = "The Red Hand Brigade released the two engineers kidnapped in Sela"
TABLES = FeatureTables(idf={"released": 2.0, "hoax": 3.0}, default_idf=4.0, vocabulary=("hoax", "reportedly"))


def unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=384).astype(np.float32)
    return v / np.linalg.norm(v)


def constant_model(bias: tuple[float, float, float]) -> StanceModel:
    """A model that ignores its features: its answer is its bias (supports, refutes, reports)."""
    width = len(feature_names(TABLES))
    return StanceModel(
        labels=("supports", "refutes", "reports"),
        tables=TABLES,
        mean=np.zeros(width, dtype=np.float32),
        scale=np.ones(width, dtype=np.float32),
        weights=np.zeros((3, width), dtype=np.float32),
        bias=np.array(bias, dtype=np.float32),
        info={"data": "none"},
    )


def test_shipped_model_loads_and_matches_its_feature_names() -> None:
    model = default_stance_model()
    assert model is not None and MODEL_PATH.is_file()
    assert model.labels == ("supports", "refutes", "reports")
    assert model.weights.shape == (3, len(feature_names(model.tables)))
    assert "Emergent" in str(model.info["data"])


@pytest.mark.parametrize(
    ("text", "hedges", "label", "evidence"),
    [
        ("The Red Hand Brigade freed the two engineers taken in Sela", (), "supports", None),
        (
            "The Red Hand Brigade reportedly freed the two engineers taken in Sela",
            ("reportedly",),
            "reports",
            "hedged (reportedly)",
        ),
        ("Claims that the Red Hand Brigade freed the Sela engineers are a hoax", (), "refutes", "denial words (hoax)"),
        (
            "The Red Hand Brigade did not free the two engineers from Sela",
            (),
            "refutes",
            "negated where the proposition is not",
        ),
    ],
)
def test_model_reads_stance_and_says_why(text: str, hedges: tuple[str, ...], label: str, evidence: str | None) -> None:
    stance = stance_of(claim(text, hedges=hedges), claim(ANCHOR))
    assert stance.label == label
    assert stance.reason.startswith(f"model: {label} (p=")
    assert 0.34 < stance.score <= 1.0
    if evidence:
        assert evidence in stance.reason


def test_sure_rules_win_over_the_model() -> None:
    reporting = constant_model((0.0, 0.0, 9.0))  # would say "reports" to anything
    denial = claim(ANCHOR, polarity="denies", speaker=Hop("a Red Hand Brigade spokesman", "named"))
    assert stance_of(denial, claim(ANCHOR), model=reporting).reason == "denial by a Red Hand Brigade spokesman"
    supporting = constant_model((9.0, 0.0, 0.0))
    silent = claim("The Red Hand Brigade declined to comment on the engineers")
    assert stance_of(silent, claim(ANCHOR), model=supporting).label == "reports"


@pytest.mark.parametrize(
    ("text", "hedges", "label"),
    [
        ("The Red Hand Brigade claimed the attack on the Sela checkpoint", (), "supports"),
        ("The Red Hand Brigade claimed responsibility for the car bombing in Sela", (), "supports"),
        ("The Red Hand Brigade reportedly claimed the attack on the checkpoint", ("reportedly",), "reports"),
        ("The Red Hand Brigade did not claim the attack on the checkpoint", (), "reports"),
        ("The Red Hand Brigade claims the attack was staged by the army", (), "reports"),
    ],
)
def test_a_claim_of_responsibility_supports_unless_hedged_negated_or_about_the_attack(
    text: str, hedges: tuple[str, ...], label: str
) -> None:
    reporting = constant_model((0.0, 0.0, 9.0))  # would say "reports" to anything
    stance = stance_of(
        claim(text, hedges=hedges), claim(ANCHOR), vector=unit(1), anchor_vector=unit(2), model=reporting
    )
    assert stance.label == label
    assert (stance.reason == "a claim of responsibility") == (label == "supports")


def test_model_decides_otherwise_and_vectors_can_be_passed_in() -> None:
    model = constant_model((0.0, 3.0, 0.0))
    a, c = claim(ANCHOR), claim("The two engineers came home to Sela on Sunday")
    stance = stance_of(c, a, vector=unit(1), anchor_vector=unit(2), model=model)
    assert stance.label == "refutes"
    assert stance.score == pytest.approx(np.exp(3) / (np.exp(3) + 2), abs=1e-3)
    assert stance.reason == f"model: refutes (p={stance.score:.2f})"


def test_passed_vectors_give_the_same_stance_as_computed_ones() -> None:
    a, c = claim(ANCHOR), claim("The Red Hand Brigade reportedly freed the engineers", hedges=("reportedly",))
    va, vc = default_embedder().encode([a.text, c.text])
    assert stance_of(c, a, vector=vc, anchor_vector=va) == stance_of(c, a)


def test_rules_alone_without_an_anchor_or_a_model(monkeypatch: pytest.MonkeyPatch) -> None:
    first = claim(ANCHOR)
    assert stance_of(first, first) == rule_stance(first, first)
    assert stance_of(first).reason == "asserted in the report's own voice"
    monkeypatch.setattr(stance_module, "default_stance_model", lambda: None)
    plan = claim("The Red Hand Brigade will release the two engineers", modality="future")
    assert stance_of(plan, claim(ANCHOR)) == rule_stance(plan, claim(ANCHOR))
    assert stance_of(plan, claim(ANCHOR)).label == "reports"


def test_pair_features_mark_only_the_cue_words_a_claim_adds() -> None:
    anchor, vector = claim("The story of the released engineers is a hoax"), unit(3)
    adds = pair_features(claim("The engineers were released, a hoax"), anchor, vector, vector, TABLES)
    names = feature_names(TABLES)
    assert len(adds) == len(names) == len(SCALAR_NAMES) + 2
    assert adds[names.index("adds:hoax")] == 0.0  # the anchor says it already
    fresh = pair_features(claim("The release of the engineers was a hoax"), claim(ANCHOR), vector, vector, TABLES)
    assert fresh[names.index("adds:hoax")] == 1.0
    assert fresh[names.index("cosine")] == pytest.approx(1.0, abs=1e-5)
    assert fresh[names.index("claim_denial_words")] == 1.0


def test_model_probabilities_round_trip_through_its_file(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    width = len(feature_names(TABLES))
    model = StanceModel(
        labels=("supports", "refutes", "reports"),
        tables=TABLES,
        mean=rng.normal(size=width).astype(np.float32),
        scale=rng.uniform(0.5, 2, size=width).astype(np.float32),
        weights=rng.normal(size=(3, width)).astype(np.float32),
        bias=rng.normal(size=3).astype(np.float32),
        info={"C": 0.01},
    )
    x = rng.normal(size=(4, width)).astype(np.float32)
    p = model.probabilities(x)
    assert np.allclose(p.sum(1), 1.0, atol=1e-5)
    assert np.allclose(model.probabilities(x[1]), p[1], atol=1e-6)
    model.save(tmp_path / "model.json")
    loaded = StanceModel.load(tmp_path / "model.json")
    assert loaded.tables == TABLES and loaded.info == {"C": 0.01}
    assert np.allclose(loaded.probabilities(x), p, atol=1e-5)


def test_a_broken_model_file_says_how_to_rebuild(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(PipelineError, match="cannot load the stance model") as error:
        StanceModel.load(path)
    assert "scripts/train_stance.py" in error.value.hint


class FakeEncoder:
    """A pair model with a fixed answer, in Emergent's label order, that records the pairs it is asked about."""

    labels = ("for", "against", "observing")

    def __init__(self, answer: tuple[float, float, float]) -> None:
        self.answer = np.array(answer, dtype=np.float32)
        self.asked: list[tuple[str, str]] = []

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        self.asked.extend(pairs)
        return np.tile(self.answer, (len(pairs), 1))


MINISTRY = Hop("the interior ministry", "named")


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Red Hand Brigade released Sela engineers, ministry says", Hop("ministry", "named")),
        ("The Red Hand Brigade released the engineers, the Sela mayor told reporters", Hop("the Sela mayor", "named")),
    ],
)
def test_an_attributed_assertion_is_relayed_by_the_report_and_supported_by_its_speaker(text: str, speaker: Hop) -> None:
    stance = stance_of(claim(text, speaker=speaker), claim(ANCHOR))
    assert (stance.report, stance.label) == ("reports", "supports")
    assert stance.reason.startswith(
        f"asserted by {speaker.text}, unhedged: the speaker's support; report-level: model:"
    )


def test_an_own_voice_assertion_supports_at_both_levels() -> None:
    stance = stance_of(
        claim("The two engineers kidnapped in Sela were released by the Red Hand Brigade"), claim(ANCHOR)
    )
    assert (stance.report, stance.label) == ("supports", "supports")
    first = claim(ANCHOR)
    assert stance_of(first, first) == rule_stance(first, first)
    assert (rule_stance(first).report, rule_stance(first).label) == ("supports", "supports")


@pytest.mark.parametrize(
    "speaker", [Hop("the Red Hand Brigade", "named"), Hop("a Red Hand Brigade spokesman", "named"), None]
)
def test_a_denial_by_the_party_refutes_at_both_levels(speaker: Hop | None) -> None:
    denial = claim("The Red Hand Brigade denied releasing the two engineers", polarity="denies", speaker=speaker)
    supporting = constant_model((9.0, 0.0, 0.0))
    encoder = FakeEncoder((1.0, 0.0, 0.0))
    stance = stance_of(denial, claim(ANCHOR), vector=unit(1), anchor_vector=unit(2), model=supporting, encoder=encoder)
    assert (stance.report, stance.label) == ("refutes", "refutes")
    assert stance.reason.startswith("denial by ")
    assert encoder.asked == []  # a sure rule: no model is asked


@pytest.mark.parametrize(
    ("kwargs", "label"),
    [
        ({"speaker": MINISTRY}, "supports"),  # an identified speaker asserting it: its support
        ({"speaker": Hop("a security source", "anonymous")}, "supports"),
        ({"speaker": MINISTRY, "hedges": ("reportedly",)}, "reports"),  # hedged: the speaker does not assert it
        ({"speaker": MINISTRY, "modality": "possible"}, "reports"),
        ({"speaker": Hop("an account on social media", "social")}, "reports"),  # unverified online source
        ({"speaker": Hop("activists online", "named")}, "reports"),
        ({}, "reports"),  # the report's own voice: nobody else to speak for
    ],
)
def test_only_an_unhedged_identified_speaker_turns_a_relay_into_support(kwargs: dict[str, Any], label: str) -> None:
    relaying = constant_model((0.0, 0.0, 2.0))  # p(reports) = 0.79: the encoder is not asked
    c = claim("The Red Hand Brigade freed the two engineers taken in Sela", **kwargs)
    stance = stance_of(c, claim(ANCHOR), vector=unit(1), anchor_vector=unit(2), model=relaying)
    assert stance.report == "reports"
    assert stance.label == label
    assert (relayed_speaker(c) is not None) == (label == "supports")
    if label == "supports":
        # The speaker's support is anything but a refutation: p(supports) + p(reports) of the report's reading.
        assert stance.score == pytest.approx((1 + np.exp(2)) / (2 + np.exp(2)), abs=1e-3)
    else:
        assert stance.score == pytest.approx(np.exp(2) / (2 + np.exp(2)), abs=1e-3)


def test_a_non_committal_speaker_reports_at_both_levels() -> None:
    silent = claim("The Red Hand Brigade declined to comment on the engineers", speaker=MINISTRY)
    assert relayed_speaker(silent) is None
    stance = stance_of(silent, claim(ANCHOR), model=constant_model((9.0, 0.0, 0.0)))
    assert (stance.report, stance.label) == ("reports", "reports")


def test_rules_alone_read_an_attributed_assertion_as_relayed() -> None:
    said = claim("The Red Hand Brigade freed the two engineers, the interior ministry said", speaker=MINISTRY)
    stance = rule_stance(said, claim(ANCHOR))
    assert (stance.report, stance.label, stance.score) == ("reports", "supports", 0.8)
    assert stance.reason == "asserted by the interior ministry"  # one fact gives both readings
    hedged = rule_stance(claim(said.text, speaker=MINISTRY, hedges=("reportedly",)), claim(ANCHOR))
    assert (hedged.report, hedged.label) == ("reports", "reports")


def test_the_encoder_is_asked_only_when_the_regression_is_unsure() -> None:
    c, a = claim("The Red Hand Brigade freed the two engineers taken in Sela"), claim(ANCHOR)
    sure = constant_model((3.0, 0.0, 0.0))  # p = 0.91
    encoder = FakeEncoder((0.0, 1.0, 0.0))
    stance = stance_of(c, a, vector=unit(1), anchor_vector=unit(2), model=sure, encoder=encoder)
    assert encoder.asked == [] and stance.report == "supports"
    unsure = constant_model((0.5, 0.0, 0.0))  # p = 0.45
    assert float(unsure.probabilities(np.zeros(len(feature_names(TABLES)))).max()) < ENCODER_ASK_BELOW
    stance = stance_of(c, a, vector=unit(1), anchor_vector=unit(2), model=unsure, encoder=encoder)
    assert encoder.asked == [(a.text, c.text)]  # (the proposition, the claim), as the encoder was trained
    p_lr = np.exp([0.5, 0.0, 0.0]) / np.exp([0.5, 0.0, 0.0]).sum()
    assert (stance.report, stance.label) == ("refutes", "refutes")
    assert stance.score == pytest.approx(0.5 * p_lr[1] + 0.5, abs=1e-3)
    assert stance.reason.startswith(f"model: refutes (p={stance.score:.2f}, with the encoder)")
    stance_of(c, a, vector=unit(1), anchor_vector=unit(2), model=unsure, encoder=encoder, ask_below=0.0)
    assert len(encoder.asked) == 1  # ask_below=0: never


def test_the_encoder_is_not_asked_about_a_negated_proposition() -> None:
    # It learned affirmative propositions only, and reads a shared "not" as a refutation.
    negated = claim("The Red Hand Brigade did not release the two engineers kidnapped in Sela")
    same = claim("The Red Hand Brigade has not released the two engineers from Sela")
    encoder = FakeEncoder((0.0, 1.0, 0.0))
    unsure = constant_model((0.5, 0.0, 0.0))
    stance = stance_of(same, negated, vector=unit(1), anchor_vector=unit(2), model=unsure, encoder=encoder)
    assert encoder.asked == [] and stance.report == "supports"


def test_without_the_encoder_the_regression_decides_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> None:
        raise PipelineError("stance encoder file not found: model.onnx")

    monkeypatch.setattr(stance_module, "_ENCODER", [])
    monkeypatch.setattr(stance_module, "default_stance_encoder", missing)
    assert default_pair_reader() is None
    unsure = constant_model((0.5, 0.0, 0.0))
    stance = stance_of(
        claim("The engineers are home"), claim(ANCHOR), vector=unit(1), anchor_vector=unit(2), model=unsure
    )
    assert stance.reason == f"model: supports (p={stance.score:.2f})"


# Session 14: a negation that narrows a detail, or negates nothing the proposition says, is not a refutation.
CONTACTS = "There were contacts with the Red Hand Brigade through intermediaries in Sela"
NARROWED = "Contacts with the Red Hand Brigade did take place in Sela, though not at ministerial level"


@pytest.mark.parametrize(
    ("text", "against", "negated"),
    [
        (NARROWED, CONTACTS, False),  # the tail names nothing the proposition says
        (NARROWED, "Ministers met the Red Hand Brigade at ministerial level", True),  # it names the level
        (NARROWED, None, True),  # read alone, as before
        ("Four commanders came, the source said, but not their leader, Omar Vesk", "Four commanders came", False),
        ("Four commanders came, the source said, but not their leader, Omar Vesk", "Omar Vesk came to Sela", True),
        ("Hundreds, if not thousands, of people left Sela on Monday", "Hundreds of people left Sela", False),
        ("From what I was told, it was not at that level", "There were contacts in Sela", False),
        ("There were no contacts with the Red Hand Brigade", CONTACTS, True),  # the main clause: still a denial
        ("The brigade must not be confused with the Sela border guard", None, False),
        ("This did not happen without the governor's knowledge", None, False),  # a double negation affirms
        ("We have seen no evidence either way", "The minister did not provide evidence", True),  # the same "no"
        ("The police gave no details", "A bomb exploded in Sela", False),  # no details: about something else
    ],
)
def test_negation_is_read_against_the_other_text(text: str, against: str | None, negated: bool) -> None:
    assert is_negated(text, against) is negated


def test_a_narrowed_confirmation_supports_by_the_rules_and_by_the_model_features() -> None:
    anchor, narrowed = claim(CONTACTS), claim(NARROWED)
    ruled = rule_stance(narrowed, anchor)
    assert (ruled.label, ruled.reason) == ("supports", "asserted in the report's own voice")
    assert rule_stance(claim("There were no contacts with the Red Hand Brigade"), anchor).label == "refutes"
    tables = FeatureTables(idf={}, default_idf=1.0, vocabulary=("not", "reportedly"))
    names = feature_names(tables)
    row = pair_features(narrowed, anchor, unit(1), unit(2), tables)
    for name in ("claim_negated", "negation_mismatch", "adds:not"):  # at training as at run time
        assert row[names.index(name)] == 0.0, name
    denial = pair_features(claim("There were no contacts, not one"), anchor, unit(1), unit(2), tables)
    assert denial[names.index("negation_mismatch")] == 1.0 and denial[names.index("adds:not")] == 1.0


def test_a_negation_word_is_not_an_added_cue_when_both_texts_negate() -> None:
    tables = FeatureTables(idf={}, default_idf=1.0, vocabulary=("no", "not"))
    names = feature_names(tables)
    anchor = claim("The minister did not provide evidence")
    row = pair_features(claim("We have seen no evidence of it"), anchor, unit(1), unit(2), tables)
    assert row[names.index("negation_mismatch")] == 0.0 and row[names.index("adds:no")] == 0.0
    affirmative = pair_features(claim("There is no evidence"), claim("He gave evidence"), unit(1), unit(2), tables)
    assert affirmative[names.index("adds:no")] == 1.0


def test_the_encoder_is_shown_the_claim_without_its_narrowing_tail() -> None:
    anchor, narrowed = claim(CONTACTS), claim(NARROWED)
    encoder = FakeEncoder((1.0, 0.0, 0.0))
    unsure = constant_model((0.5, 0.0, 0.0))
    stance = stance_of(narrowed, anchor, vector=unit(1), anchor_vector=unit(2), model=unsure, encoder=encoder)
    assert encoder.asked == [(CONTACTS, "Contacts with the Red Hand Brigade did take place in Sela")]
    assert stance.label == "supports" and "negated" not in stance.reason
    assert without_narrowing_tails(NARROWED, "talks at ministerial level") == NARROWED


@pytest.mark.parametrize(
    ("hedges", "speaker", "why"),
    [
        (("reportedly",), None, "hedged: relayed, not endorsed (overrules model: supports (p=0.91)); hedged"),
        ((), Hop("an account", "social"), "an unverified online source: relayed, not endorsed (overrules model"),
    ],
)
def test_the_model_never_makes_a_hedge_or_an_online_rumour_the_reports_support(
    hedges: tuple[str, ...], speaker: Hop | None, why: str
) -> None:
    supporting = constant_model((3.0, 0.0, 0.0))  # would say "supports" to anything
    c = claim("The Red Hand Brigade freed the two engineers", hedges=hedges, speaker=speaker)
    stance = stance_of(c, claim(ANCHOR), vector=unit(1), anchor_vector=unit(2), model=supporting)
    assert (stance.report, stance.label) == ("reports", "reports")
    assert stance.reason.startswith(why)
    assert stance.score == pytest.approx(1 - np.exp(0) / (np.exp(3) + 2), abs=1e-3)  # anything but a refutation
    plain = stance_of(claim(c.text), claim(ANCHOR), vector=unit(1), anchor_vector=unit(2), model=supporting)
    assert plain.report == "supports"


def test_the_content_of_a_refusal_to_comment_is_non_committal() -> None:
    """The claims layer may read "declined" as the cue and "to comment on …" as the content."""
    assert NONCOMMITTAL.search("to comment on the health of the group's leader")
    assert NONCOMMITTAL.search("to confirm the figure")
    assert not NONCOMMITTAL.search("to comment that the talks went well")  # a comment that says something
    assert not NONCOMMITTAL.search("plans to comment on Friday")
