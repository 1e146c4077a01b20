"""The workspace's pages and forms through a real loopback server on the demo store (plus two hostile reports)."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import yaml

from storytrace.errors import StorytraceError
from storytrace.web import make_server
from storytrace.web.app import CSP
from storytrace.web.queries import PAGE_SIZE
from tests.web.conftest import PACK, RunningServer, copy_store, wait_for_resolve


def _get(live: RunningServer, path: str, **kwargs: object) -> httpx.Response:
    return httpx.get(live.url + path, timeout=30, **kwargs)  # type: ignore[arg-type]


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def _db(live: RunningServer) -> sqlite3.Connection:
    return sqlite3.connect(live.server.workspace.db_path)


def _hostile_ids(live: RunningServer) -> list[str]:
    with _db(live) as db:
        rows = db.execute("SELECT id FROM documents WHERE text LIKE '%__pwned%' ORDER BY id").fetchall()
    assert len(rows) == 2
    return [r[0] for r in rows]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "Propositions by status"),
        ("/propositions", "Origins"),
        ("/propositions?status=contested", "contested"),
        ("/timeline", "Timeline"),
        ("/graph", "Kata&#39;ib Sayf al-Hudhud"),
        ("/map", "Places"),
        ("/entities", "Marwan Fayez al-Qutrubi"),
        ("/entities?kind=PER&q=Qutrubi", "Marwan Fayez al-Qutrubi"),
        ("/documents", "Meridian Wire"),
        ("/search?q=convoy", "<mark>convoy</mark>"),
        ("/judgements", "Judgements"),
    ],
)
def test_routes_main_pages_answer(live: RunningServer, path: str, expected: str) -> None:
    response = _get(live, path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert expected in response.text


def test_routes_every_page_has_a_strict_content_security_policy(live: RunningServer) -> None:
    response = _get(live, "/")
    assert response.headers["content-security-policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
    assert response.headers["x-content-type-options"] == "nosniff"


def test_routes_unknown_pages_and_records_are_404(live: RunningServer) -> None:
    assert _get(live, "/nothing-here").status_code == 404
    assert _get(live, "/entities/ent_doesnotexist").status_code == 404
    assert _get(live, "/propositions/prp_nope").status_code == 404
    assert _get(live, "/documents/doc_nope").status_code == 404
    assert _get(live, "/static/../app.py").status_code == 404


def test_routes_static_assets_are_served_locally(live: RunningServer) -> None:
    page = _get(live, "/").text
    assert "http://" not in re.sub(r'href="http://127\.0\.0\.1[^"]*"', "", page.split("<main>")[0])
    for asset in ("/static/app.css", "/static/app.js"):
        response = _get(live, asset)
        assert response.status_code == 200 and len(response.content) > 500


def test_routes_proposition_page_shows_every_report_sentence_with_reader_links(live: RunningServer) -> None:
    with _db(live) as db:
        prop_id = db.execute("SELECT id FROM propositions ORDER BY reports DESC, id LIMIT 1").fetchone()[0]
        claims = db.execute(
            "SELECT c.doc_id, c.sentence_start, c.sentence_end, c.stance, "
            "substr(d.text, c.sentence_start + 1, c.sentence_end - c.sentence_start) "
            "FROM claims c JOIN documents d ON d.id = c.doc_id WHERE c.proposition_id = ?",
            (prop_id,),
        ).fetchall()
    page = _get(live, f"/propositions/{prop_id}").text
    assert len(claims) >= 3
    for doc_id, start, end, _stance, sentence in claims:
        assert f"/documents/{doc_id}?from={start}&amp;to={end}#target" in page
        assert " ".join(sentence.split())[:60].replace("'", "&#39;").replace('"', "&#34;") in " ".join(page.split())
    assert page.count('name="stance"') == len(claims)


def test_routes_proposition_page_says_when_the_outlet_only_relays_its_speaker(live: RunningServer) -> None:
    with _db(live) as db:  # the demo's propositions fit on one page of claims
        prop_id, relayed = db.execute(
            "SELECT proposition_id, SUM(stance = 'supports' AND report_stance = 'reports') AS n FROM claims "
            "GROUP BY proposition_id ORDER BY n DESC, proposition_id LIMIT 1"
        ).fetchone()
    page = _get(live, f"/propositions/{prop_id}").text
    assert relayed >= 1 and page.count("relays it without endorsing it") == relayed


def test_routes_reader_highlights_layers_and_marks_the_linked_sentence(live: RunningServer) -> None:
    with _db(live) as db:
        doc_id, start, end = db.execute(
            "SELECT doc_id, sentence_start, sentence_end FROM claims ORDER BY doc_id, start_char LIMIT 1"
        ).fetchone()
    page = _get(live, f"/documents/{doc_id}?from={start}&to={end}").text
    for layer in ("l-entity", "l-claim", "l-time", "l-attribution"):
        assert layer in page, layer
    assert 'id="target"' in page and "l-target" in page
    marks = re.search(r'<script type="application/json" id="marks">(.*?)</script>', page, re.S)
    assert marks and "/entities/" in marks.group(1) and "value: 2025-" in marks.group(1)


def test_routes_entity_page_shows_spellings_with_evidence_and_relations(live: RunningServer) -> None:
    page = _get(live, "/entities/" + quote("ain-bashura:org/kataib-sayf-al-hudhud", safe="")).text
    assert "KSH" in page and "in the report" in page
    assert "Marwan Fayez al-Qutrubi" in page  # its leader, stated in the reports
    assert "Merge another entity into this one" in page


def test_routes_entity_spellings_count_every_mention(demo_store_file: Path) -> None:
    from storytrace.store import Store
    from storytrace.web.queries import entity_spellings

    entity = "ain-bashura:org/kataib-sayf-al-hudhud"
    with Store(demo_store_file) as store:
        spellings = entity_spellings(store, entity)
        total = store.db.execute("SELECT COUNT(*) FROM mentions WHERE entity_id = ?", (entity,)).fetchone()[0]
    assert len(spellings) >= 5 and sum(s["count"] for s in spellings) == total
    assert all(s["evidence"]["explanation"] for s in spellings)


def test_routes_pagination_walks_the_board_without_repeating_rows(live: RunningServer) -> None:
    ids = []
    page_number = 1
    while True:
        html = _get(live, f"/propositions?page={page_number}").text
        ids += re.findall(r'href="/propositions/(prp_[0-9a-f]+)"', html)
        if 'rel="next"' not in html:
            break
        page_number += 1
    with _db(live) as db:
        total = db.execute("SELECT COUNT(*) FROM propositions").fetchone()[0]
    assert page_number == -(-total // 50)
    assert len(ids) == len(set(ids)) == total


@pytest.mark.parametrize("everything", [False, True])
def test_routes_timeline_pages_give_dated_events_in_order_then_undated(live: RunningServer, everything: bool) -> None:
    # By default only the events a report says happened; ?all=1 adds those only demanded, denied, planned …
    where = "" if everything else " WHERE asserted = 1"
    with _db(live) as db:
        expected = [
            r[0]
            for r in db.execute(f"SELECT id FROM events{where} ORDER BY date IS NULL, date, first_seen, id").fetchall()
        ]
        undated = {r[0] for r in db.execute(f"SELECT id FROM events WHERE date IS NULL{where.replace('WHERE', 'AND')}")}
    assert undated  # the walk goes from dated to undated events
    # and, with ?all=1, crosses pages (the demo's 44 asserted events fit on one)
    assert len(expected) > PAGE_SIZE or not everything
    seen: list[str] = []
    page_number = 1
    while True:
        html = _get(live, f"/timeline?page={page_number}" + ("&all=1" if everything else "")).text
        seen += re.findall(r'<li id="(evt_[0-9a-f]+)" class="event">', html)
        if 'rel="next"' not in html:
            break
        assert ("all=1" in html.split('rel="next"')[1].split(">")[0]) == everything  # the pager keeps the toggle
        page_number += 1
    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen))
    first_undated = min(seen.index(e) for e in undated)
    assert set(seen[first_undated:]) == undated


def test_routes_timeline_shows_what_an_unasserted_event_was_only_when_asked(live: RunningServer) -> None:
    with _db(live) as db:
        demanded = db.execute("SELECT id FROM events WHERE modality = 'demanded' ORDER BY id LIMIT 1").fetchone()[0]
        kind = db.execute("SELECT type FROM events WHERE id = ?", (demanded,)).fetchone()[0]
    html = _get(live, "/timeline", params={"type": kind}).text
    assert demanded not in html and 'name="all" value="1">' in html
    html = _get(live, "/timeline", params={"type": kind, "all": "1"}).text
    assert f'<li id="{demanded}" class="event">' in html
    assert "not reported as happened: demanded" in html and 'name="all" value="1" checked>' in html


def test_routes_event_link_finds_its_page_and_view_of_the_timeline(live: RunningServer) -> None:
    # The reader links each event mention to /events/ID, which sends the browser to the timeline page that lists
    # it: with ?all=1 for an event no report says happened, on a later page when earlier events fill the first.
    with _db(live) as db:
        ordered = [
            (r[0], r[1])
            for r in db.execute("SELECT id, asserted FROM events ORDER BY date IS NULL, date, first_seen, id")
        ]
    unasserted = [i for i, (_e, asserted) in enumerate(ordered) if not asserted]
    late = next(i for i in unasserted if i >= PAGE_SIZE)  # on page 2 of the ?all=1 view
    for index in (unasserted[0], late):
        event_id = ordered[index][0]
        response = _get(live, f"/events/{quote(event_id, safe='')}", follow_redirects=False)
        assert response.status_code == 303
        page = index // PAGE_SIZE + 1
        expected = (f"?page={page}&all=1" if page > 1 else "?all=1") + f"#{event_id}"
        assert response.headers["location"] == "/timeline" + expected
        html = _get(live, response.headers["location"].split("#")[0]).text
        assert f'<li id="{event_id}" class="event">' in html
    asserted = [e for e, a in ordered if a]
    response = _get(live, f"/events/{quote(asserted[0], safe='')}", follow_redirects=False)
    assert response.headers["location"] == f"/timeline#{asserted[0]}"
    assert _get(live, "/events/evt_0000").status_code == 404


def test_routes_search_syntax_error_is_explained(live: RunningServer) -> None:
    response = _get(live, "/search", params={"q": '"unbalanced'})
    assert response.status_code == 200
    assert "cannot search for" in response.text


def test_routes_hostile_report_stays_text_everywhere(live: RunningServer) -> None:
    pages = [f"/documents/{doc_id}" for doc_id in _hostile_ids(live)]
    pages += ["/", "/documents", "/search?q=pwned", "/search?q=convoy", "/propositions?q=convoy"]
    for path in pages:
        html = _get(live, path).text
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert all(
            s in ('<script src="/static/app.js" defer>', '<script type="application/json" id="marks">') for s in scripts
        ), (path, scripts)
        assert not re.search(r"<(img|svg|b|i)\b[^>]*\bon\w+=", html, re.I), path
        assert 'href="javascript:' not in html
    reader = _get(live, pages[1]).text
    assert "&lt;script&gt;window.__pwned = 1" in reader
    assert "&lt;img src=&#34;x&#34; onerror=" in reader


def test_routes_post_without_csrf_token_is_refused(live: RunningServer) -> None:
    response = httpx.post(
        live.url + "/judgements/merge", data={"keep": "Ain Bashura", "other": "Hayy al-Tawahin"}, timeout=30
    )
    assert response.status_code == 403
    assert "stale or not from this server" in response.text


def test_routes_cross_site_origin_and_foreign_host_are_refused(live: RunningServer) -> None:
    token = _csrf(_get(live, "/entities/" + quote("ain-bashura:gpe/ibdara", safe="")).text)
    response = httpx.post(
        live.url + "/judgements/merge",
        data={"keep": "Ain Bashura", "other": "Hayy al-Tawahin", "csrf": token},
        headers={"Origin": "http://evil.example"},
        timeout=30,
    )
    assert response.status_code == 403
    assert _get(live, "/", headers={"Host": "rebound.example:80"}).status_code == 421
    # The browser's own same-origin form (and a privacy browser's "null") passes the origin check.
    for origin in (live.url, "null"):
        response = httpx.post(
            live.url + "/judgements/stance",
            data={"claim": "clm_x", "stance": "maybe", "csrf": token},
            headers={"Origin": origin},
            timeout=30,
        )
        assert response.status_code == 400, origin


def test_routes_merge_form_stores_a_judgement_and_re_resolves(live: RunningServer) -> None:
    keep = "ain-bashura:gpe/ain-bashura"
    page = _get(live, "/entities/" + quote(keep, safe="")).text
    runs = live.server.workspace.state.runs
    response = httpx.post(
        live.url + "/judgements/merge",
        data={"keep": keep, "other": "Hayy al-Tawahin", "csrf": _csrf(page), "note": "the district counts as its town"},
        timeout=30,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/entities/" + quote(keep, safe="") + "?done=merge"
    wait_for_resolve(live.server, runs)
    with _db(live) as db:
        judgement = db.execute("SELECT kind, subject, note FROM judgements ORDER BY id DESC LIMIT 1").fetchone()
        owners = {r[0] for r in db.execute("SELECT DISTINCT entity_id FROM mentions WHERE text = 'Hayy al-Tawahin'")}
    assert judgement == ("merge", keep, "the district counts as its town")
    assert owners == {keep}
    assert "Hayy al-Tawahin" in _get(live, "/entities/" + quote(keep, safe="")).text


def test_routes_stance_form_corrects_the_claim_after_resolve(live: RunningServer) -> None:
    with _db(live) as db:
        claim_id, prop_id = db.execute(
            "SELECT id, proposition_id FROM claims WHERE stance = 'supports' ORDER BY id LIMIT 1"
        ).fetchone()
    page = _get(live, f"/propositions/{prop_id}").text
    runs = live.server.workspace.state.runs
    response = httpx.post(
        live.url + "/judgements/stance",
        data={"claim": claim_id, "stance": "refutes", "csrf": _csrf(page)},
        timeout=30,
    )
    assert response.status_code == 303
    wait_for_resolve(live.server, runs)
    with _db(live) as db:
        assert db.execute("SELECT stance FROM claims WHERE id = ?", (claim_id,)).fetchone()[0] == "refutes"


def test_routes_split_form_takes_a_spelling_out_after_resolve(live: RunningServer) -> None:
    entity = "ain-bashura:org/kataib-sayf-al-hudhud"
    page = _get(live, "/entities/" + quote(entity, safe="")).text
    assert '<option value="KSH">' in page
    runs = live.server.workspace.state.runs
    response = httpx.post(
        live.url + "/judgements/split",
        data={"entity": entity, "spelling": "KSH", "csrf": _csrf(page)},
        timeout=30,
    )
    assert response.status_code == 303
    wait_for_resolve(live.server, runs)
    with _db(live) as db:
        owners = {r[0] for r in db.execute("SELECT DISTINCT entity_id FROM mentions WHERE text = 'KSH'")}
    assert owners and entity not in owners
    unknown = httpx.post(
        live.url + "/judgements/split",
        data={"entity": entity, "spelling": "Never Written", "csrf": _csrf(page)},
        timeout=30,
    )
    assert unknown.status_code == 400 and "has no spelling" in unknown.text


def test_routes_bad_form_values_are_refused_with_the_reason(live: RunningServer) -> None:
    token = _csrf(_get(live, "/entities/" + quote("ain-bashura:gpe/ibdara", safe="")).text)
    bad_stance = httpx.post(
        live.url + "/judgements/stance", data={"claim": "clm_x", "stance": "maybe", "csrf": token}, timeout=30
    )
    assert bad_stance.status_code == 400 and "stance must be one of" in bad_stance.text
    bad_entity = httpx.post(
        live.url + "/judgements/merge", data={"keep": "Ibdara", "other": "Nowhere-at-all", "csrf": token}, timeout=30
    )
    assert bad_entity.status_code == 400 and "no entity" in bad_entity.text


def test_routes_write_token_guards_posts_and_login_sets_it(demo_store_file: Path, tmp_path: Path) -> None:
    db = copy_store(demo_store_file, tmp_path)
    server = make_server(db, port=0, token="tok_abcdefghijklmnop", packs=[str(PACK)], resolve_after_judgement=False)
    with RunningServer(server) as live, httpx.Client(base_url=live.url, timeout=30) as client:
        entity_page = client.get("/entities/" + quote("ain-bashura:gpe/ibdara", safe="")).text
        assert "Log in to edit" in entity_page
        data = {"keep": "Ain Bashura", "other": "Hayy al-Tawahin", "csrf": _csrf(entity_page)}
        assert client.post("/judgements/merge", data=data).status_code == 401
        wrong = client.post("/login", data={"token": "tok_wrongwrongwrong"})
        assert wrong.status_code == 200 and "That is not the token" in wrong.text
        right = client.post("/login", data={"token": "tok_abcdefghijklmnop"})
        assert right.status_code == 303 and "HttpOnly" in right.headers["set-cookie"]
        assert "SameSite=Strict" in right.headers["set-cookie"]
        assert client.post("/judgements/merge", data=data).status_code == 303
        bearer = httpx.post(
            live.url + "/judgements/merge",
            data=data,
            headers={"Authorization": "Bearer tok_abcdefghijklmnop"},
            timeout=30,
        )
        assert bearer.status_code == 303
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM judgements WHERE kind = 'merge'").fetchone()[0] == 2


def test_routes_binding_beyond_loopback_makes_a_token(demo_store_file: Path) -> None:
    server = make_server(demo_store_file, host="0.0.0.0", port=0)
    try:
        assert server.app.write_token and len(server.app.write_token) >= 20
        assert server.app.allowed_hosts == set()
    finally:
        server.server_close()
    loopback = make_server(demo_store_file, port=0)
    try:
        assert loopback.app.write_token is None
    finally:
        loopback.server_close()


def test_routes_short_token_is_refused(demo_store_file: Path) -> None:
    with pytest.raises(StorytraceError, match="at least 12"):
        make_server(demo_store_file, port=0, token="abc")


def test_routes_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StorytraceError, match="no store at"):
        make_server(tmp_path / "none.db", port=0)


def test_routes_cli_errors_are_one_line(demo_store_file: Path, tmp_path: Path) -> None:
    def run(*args: str) -> tuple[int, str]:
        done = subprocess.run(
            [sys.executable, "-m", "storytrace", "serve", *args], capture_output=True, text=True, timeout=60
        )
        return done.returncode, done.stderr

    code, err = run("--db", str(tmp_path / "none.db"), "--port", "0")
    assert code == 1 and err.startswith("Error: no store at") and "Traceback" not in err
    code, err = run("--db", str(demo_store_file), "--port", "0", "--token", "abc")
    assert code == 1 and "at least 12" in err
    with RunningServer(make_server(demo_store_file, port=0)) as busy:
        port = busy.url.rsplit(":", 1)[1]
        code, err = run("--db", str(demo_store_file), "--port", port)
    assert code == 1 and err.startswith(f"Error: cannot listen on 127.0.0.1:{port}"), err


def test_routes_store_gone_gives_an_error_page_not_a_traceback(demo_store_file: Path, tmp_path: Path) -> None:
    db = copy_store(demo_store_file, tmp_path)
    with RunningServer(make_server(db, port=0)) as live:
        db.unlink()
        response = _get(live, "/")
    assert response.status_code == 500
    assert "no store at" in response.text and "Traceback" not in response.text


def test_routes_map_plots_places_a_pack_locates(demo_store_file: Path, tmp_path: Path) -> None:
    # A copy of the demo pack with invented coordinates for two of its (invented) places.
    pack = tmp_path / "ain-bashura"
    pack.mkdir()
    for name in ("pack.yaml", "anchors.yaml"):
        (pack / name).write_text((PACK / name).read_text(encoding="utf-8"), encoding="utf-8")
    actors = yaml.safe_load((PACK / "actors.yaml").read_text(encoding="utf-8"))
    where = {"ain-bashura:gpe/ain-bashura": [35.2, 40.1], "ain-bashura:gpe/harbal": [34.0, 40.5]}
    for actor in actors:
        if actor["id"] in where:
            actor["coordinates"] = where[actor["id"]]
    (pack / "actors.yaml").write_text(yaml.safe_dump(actors, allow_unicode=True), encoding="utf-8")
    server = make_server(demo_store_file, port=0, packs=[str(pack)])
    with RunningServer(server) as live:
        page = _get(live, "/map").text
    plotted = re.findall(r'<a href="/entities/([^"]+)" class="place', page)
    assert sorted(plotted) == sorted(quote(k, safe="") for k in where)
    assert "Places without coordinates" in page
