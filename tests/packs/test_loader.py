"""Tests for the domain-pack loader: the built-in pack, a user pack from a folder, and every validation error."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from storytrace.errors import PipelineError, StorytraceError
from storytrace.packs import PACKS_ENV, PackError, builtin_packs, clear_pack_cache, load_pack, name_key

ROOT = Path(__file__).resolve().parents[2]
DEMO_PACK = ROOT / "examples" / "packs" / "ain-bashura"

PACK_YAML = "id: demo\nname: Demo\nversion: '1'\nlicence: CC0-1.0\ndescription: An invented pack.\n"
ACTORS_YAML = """\
- id: demo:org/sword-brigades
  kind: ORG
  name: Sword Brigades
  aliases: [Kata'ib al-Sayf, SB]
- id: demo:per/nadia-haddad
  kind: PER
  name: Nadia Haddad
  roles:
    - {title: commander, org: demo:org/sword-brigades, from: 2021-03, to: 2024-01-02}
  affiliations:
    - {kind: leader_of, target: demo:org/sword-brigades, from: "2021"}
- id: demo:fac/old-mill
  kind: FAC
  name: Old Mill
  coordinates: [33.3, 44.4]
"""
ANCHORS_YAML = """\
- id: demo:event/flood
  names: [the great flood]
  from: 2024-02-03
"""


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    clear_pack_cache()
    yield
    clear_pack_cache()


def write_pack(folder: Path, *, pack: str = PACK_YAML, actors: str = ACTORS_YAML, anchors: str = ANCHORS_YAML) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text(pack, encoding="utf-8")
    (folder / "actors.yaml").write_text(actors, encoding="utf-8")
    (folder / "anchors.yaml").write_text(anchors, encoding="utf-8")
    return folder


def test_load_pack_reads_a_user_pack_from_a_folder(tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path / "demo"))
    assert (pack.id, pack.name, pack.version, pack.licence) == ("demo", "Demo", "1", "CC0-1.0")
    person = pack.actor("demo:per/nadia-haddad")
    assert person.roles[0].organisation == "demo:org/sword-brigades"
    assert (person.roles[0].start, person.roles[0].end) == ("2021-03", "2024-01-02")
    assert person.affiliations[0].kind == "leader_of"
    assert pack.actor("demo:fac/old-mill").coordinates == (33.3, 44.4)
    assert pack.actor("demo:org/sword-brigades").names == ("Sword Brigades", "Kata'ib al-Sayf", "SB")
    assert pack.anchors[0].start == "2024-02-03"  # dates stay strings, not datetime.date


def test_load_pack_is_cached_by_path(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "demo")
    assert load_pack(folder) is load_pack(str(folder))


def test_load_pack_by_name_from_the_packs_env_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_pack(tmp_path / "demo")
    monkeypatch.setenv(PACKS_ENV, str(tmp_path))
    assert load_pack("demo").id == "demo"


def test_builtin_mideast_pack_loads() -> None:
    assert "mideast" in builtin_packs()
    pack = load_pack("mideast")
    assert len(pack.actors) > 150
    sudani = pack.actor("mideast:per/mohammed-shia-al-sudani")
    assert sudani.roles[0].start == "2022-10-27"
    haniyeh = pack.actor("mideast:per/ismail-haniyeh")
    bureau = next(r for r in haniyeh.roles if r.organisation == "mideast:org/hamas")
    assert (bureau.start, bureau.end) == ("2017-05-06", "2024-07-31")
    anchors = {a.id: a for a in pack.anchors}
    assert anchors["mideast:event/gaza-war"].start == "2023-10-07"
    assert anchors["mideast:event/tower-22-attack"].start == "2024-01-28"


def test_builtin_mideast_pack_keeps_look_alikes_apart() -> None:
    pack = load_pack("mideast")
    owner = {name_key(alias): actor.id for actor in pack.actors for alias in actor.names}
    assert owner[name_key("Kataib Hezbollah")] == "mideast:org/kataib-hezbollah"
    assert owner[name_key("Hezbollah")] == "mideast:org/hezbollah"
    assert owner[name_key("Kataib Sayyid al-Shuhada")] == "mideast:org/kataib-sayyid-al-shuhada"
    assert name_key("Mohammed al-Halbousi") != name_key("Mohammed al-Hafi")


def test_demo_pack_loads_with_the_siege_anchor() -> None:
    pack = load_pack(DEMO_PACK)
    assert pack.id == "ain-bashura"
    assert pack.anchors[0].start == "2025-03-03"


def test_pack_error_is_a_storytrace_error_with_code_st410(tmp_path: Path) -> None:
    with pytest.raises(PackError) as info:
        load_pack(tmp_path / "nowhere")
    assert isinstance(info.value, PipelineError) and isinstance(info.value, StorytraceError)
    assert info.value.code == "ST410"
    assert str(info.value).endswith("[ST410]")


def test_load_pack_unknown_name() -> None:
    with pytest.raises(PackError, match=r"no pack named 'atlantis' \(built in: .*mideast.*\)") as info:
        load_pack("atlantis")
    assert PACKS_ENV in info.value.hint


def test_load_pack_folder_without_pack_yaml(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(PackError, match=r"the pack has no pack\.yaml") as info:
        load_pack(tmp_path / "empty")
    assert info.value.locator == str(tmp_path / "empty")


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


BAD_ACTORS = [
    ("  kind: ORG", "  kind: GROUP", "entity 'demo:org/sword-brigades': kind 'GROUP' is not one of FAC, GPE, LOC"),
    ("- id: demo:org/sword-brigades", "- id: other:org/sword-brigades", "the id must look like 'demo:org/short-name'"),
    ("  name: Sword Brigades", "  name: ''", "entity 'demo:org/sword-brigades': 'name' must be a non-empty string"),
    ("  aliases: [Kata'ib al-Sayf, SB]", "  aliases: Kata'ib al-Sayf\n  alias: [SB]", "unknown field 'alias'"),
    ("  aliases: [Kata'ib al-Sayf, SB]", "  aliases: [Kata'ib al-Sayf, 3]", "'aliases' must be a list of non-empty"),
    ("from: 2021-03, to: 2024-01-02", "from: March 2021", "'from' must be an ISO date like 2024-07-31"),
    ("from: 2021-03, to: 2024-01-02", "from: 2024-03, to: 2021-01-02", "'to' (2021-01-02) is before 'from' (2024-03)"),
    (
        "target: demo:org/sword-brigades, from",
        "target: demo:org/sword-brigade, from",
        "refers to 'demo:org/sword-brigade'",
    ),
    ("{kind: leader_of", "{kind: commands", "kind 'commands' is not one of allied_with, backed_by"),
    ("coordinates: [33.3, 44.4]", "coordinates: [133.3, 44.4]", "coordinates must be [latitude, longitude]"),
    (
        "  roles:\n    - {title: commander, org: demo:org/sword-brigades, from: 2021-03, to: 2024-01-02}\n",
        "  roles: commander\n",
        "'roles' must be a list",
    ),
]


@pytest.mark.parametrize(("old", "new", "message"), BAD_ACTORS)
def test_load_pack_actor_errors_name_the_file_line_and_entry(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in ACTORS_YAML
    actors = ACTORS_YAML.replace(old, new, 1)
    write_pack(tmp_path / "demo", actors=actors)
    with pytest.raises(PackError) as info:
        load_pack(tmp_path / "demo")
    assert message in info.value.message
    assert info.value.locator is not None
    path, _, line = info.value.locator.rpartition(":")
    assert path == str(tmp_path / "demo" / "actors.yaml")
    entry_line = line_of(actors, new.splitlines()[0].strip()) if new.startswith("- id") else None
    assert int(line) >= 1
    if entry_line is not None:
        assert int(line) == entry_line


def test_load_pack_duplicate_id_names_the_first_line(tmp_path: Path) -> None:
    actors = ACTORS_YAML + "- id: demo:org/sword-brigades\n  kind: ORG\n  name: Other Swords\n"
    write_pack(tmp_path / "demo", actors=actors)
    with pytest.raises(PackError, match=r"entity 'demo:org/sword-brigades': the id is already used at line 1") as info:
        load_pack(tmp_path / "demo")
    assert info.value.locator == f"{tmp_path / 'demo' / 'actors.yaml'}:{line_of(actors, 'Other Swords') - 2}"


def test_load_pack_rejects_two_entities_with_the_same_normalised_alias(tmp_path: Path) -> None:
    actors = ACTORS_YAML + "- id: demo:org/other\n  kind: ORG\n  name: Kataib Sayf\n"
    write_pack(tmp_path / "demo", actors=actors)
    with pytest.raises(PackError) as info:
        load_pack(tmp_path / "demo")
    assert info.value.message == (
        "entity 'demo:org/other': alias 'Kataib Sayf' reads the same as \"Kata'ib al-Sayf\" of "
        "'demo:org/sword-brigades' once normalised (kataib saif); remove one or make it longer"
    )


def test_load_pack_invalid_yaml_gives_the_line(tmp_path: Path) -> None:
    write_pack(tmp_path / "demo", actors="- id: demo:org/x\n  kind: [ORG\n")
    with pytest.raises(PackError, match="not valid YAML") as info:
        load_pack(tmp_path / "demo")
    assert info.value.locator is not None and info.value.locator.startswith(str(tmp_path / "demo" / "actors.yaml:"))


@pytest.mark.parametrize(
    ("pack", "message"),
    [
        (PACK_YAML.replace("id: demo", "id: Demo Pack"), "pack: id 'Demo Pack' must be lower-case letters"),
        (PACK_YAML.replace("licence: CC0-1.0\n", ""), "pack: 'licence' is missing"),
        (PACK_YAML + "license: MIT\n", "pack: unknown field 'license'"),
        ("- just a list\n", "pack must be a mapping of fields, not list"),
    ],
)
def test_load_pack_metadata_errors(tmp_path: Path, pack: str, message: str) -> None:
    write_pack(tmp_path / "demo", pack=pack)
    with pytest.raises(PackError) as info:
        load_pack(tmp_path / "demo")
    assert message in info.value.message
    assert info.value.locator is not None and "pack.yaml" in info.value.locator


@pytest.mark.parametrize(
    ("anchors", "message"),
    [
        ("- id: demo:event/flood\n  names: [the flood]\n", "anchor 'demo:event/flood': 'from' is missing"),
        ("- id: demo:event/flood\n  names: []\n  from: 2024-01-01\n", "'names' must list at least one name"),
        ("- id: flood\n  names: [x]\n  from: 2024-01-01\n", "the id must look like 'demo:event/short-name'"),
        (ANCHORS_YAML + ANCHORS_YAML, "anchor 'demo:event/flood': the id is used twice"),
        ("id: demo:event/flood\n", "anchors.yaml must be a list of anchor events"),
    ],
)
def test_load_pack_anchor_errors(tmp_path: Path, anchors: str, message: str) -> None:
    write_pack(tmp_path / "demo", anchors=textwrap.dedent(anchors))
    with pytest.raises(PackError) as info:
        load_pack(tmp_path / "demo")
    assert message in info.value.message


def test_load_pack_actors_and_anchors_are_optional(tmp_path: Path) -> None:
    folder = tmp_path / "bare"
    folder.mkdir()
    (folder / "pack.yaml").write_text(PACK_YAML, encoding="utf-8")
    pack = load_pack(folder)
    assert pack.actors == () and pack.anchors == ()
