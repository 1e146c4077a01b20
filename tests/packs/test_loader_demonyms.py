"""The ``demonyms`` field of a pack entity: read for a GPE, refused elsewhere, checked against the other names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storytrace.packs import PackError, clear_pack_cache, load_pack
from tests.packs.test_loader import DEMO_PACK, write_pack

STATE = """\
- id: demo:gpe/qarnassa
  kind: GPE
  name: Qarnassa
  demonyms: [Qarnassan, Qarnassans]
"""


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    clear_pack_cache()
    yield
    clear_pack_cache()


def test_demonyms_are_read_for_a_gpe_and_are_not_names(tmp_path: Path) -> None:
    actor = load_pack(write_pack(tmp_path / "demo", actors=STATE)).actor("demo:gpe/qarnassa")
    assert actor.demonyms == ("Qarnassan", "Qarnassans")
    assert actor.names == ("Qarnassa",)  # a demonym names the people, not the place


def test_demonyms_of_a_non_gpe_are_an_error(tmp_path: Path) -> None:
    actors = STATE.replace("kind: GPE", "kind: ORG")
    with pytest.raises(PackError, match=r"'demonyms' is for a GPE \(a country, region or city\), not a ORG") as info:
        load_pack(write_pack(tmp_path / "demo", actors=actors))
    assert info.value.locator.endswith("actors.yaml:1")


def test_a_demonym_that_reads_as_another_entitys_name_is_an_error(tmp_path: Path) -> None:
    actors = STATE + "- id: demo:org/qarnassans\n  kind: ORG\n  name: Qarnassans\n"
    with pytest.raises(PackError, match=r"alias 'Qarnassans' reads the same as 'Qarnassans' of 'demo:gpe/qarnassa'"):
        load_pack(write_pack(tmp_path / "demo", actors=actors))


def test_the_shipped_packs_list_demonyms_of_their_states() -> None:
    mideast = load_pack("mideast")
    assert mideast.actor("mideast:gpe/iraq").demonyms == ("Iraqi", "Iraqis")
    assert "Lebanese" in mideast.actor("mideast:gpe/lebanon").demonyms
    assert all(a.kind == "GPE" for a in mideast.actors if a.demonyms)
    assert len([a for a in mideast.actors if a.demonyms]) >= 19
    demo = load_pack(DEMO_PACK)
    assert demo.actor("ain-bashura:gpe/ibdara").demonyms == ("Ibdaran", "Ibdarans")
    assert demo.actor("ain-bashura:gpe/qarnassa").demonyms == ("Qarnassan", "Qarnassans")
