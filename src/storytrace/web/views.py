"""The pages of the web workspace and the judgement forms, as routes on an ``App``."""

from __future__ import annotations

import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from storytrace.assess.status import STATUSES
from storytrace.errors import NotFound, StorytraceError
from storytrace.store import DocumentFilter, Store
from storytrace.store.dossier import add_judgement, find_entity, list_judgements
from storytrace.web import queries
from storytrace.web.app import TOKEN_COOKIE, App, HTTPError, Request, Response, url_id
from storytrace.web.figures import Graph, build_graph, place_points, project
from storytrace.web.reader import marks_of, segments
from storytrace.web.server import Workspace

__all__ = ["build_app"]

STANCES = ("supports", "refutes", "reports")
READER_LAYERS = ("times", "attributions")
SEARCH_PAGE = 20


def _links() -> dict[str, Any]:
    return {
        "entity": lambda i: f"/entities/{url_id(i)}",
        "proposition": lambda i: f"/propositions/{url_id(i)}",
        "event": lambda i: f"/events/{url_id(i)}",
    }


def build_app(workspace: Workspace, *, write_token: str | None = None) -> App:
    app = App(write_token=write_token)
    app.context["workspace"] = workspace
    links = _links()

    def cached(store: Store, name: str, compute: Callable[[], Any]) -> Any:
        """Figures that scan whole tables, kept until the dossier, the documents or the judgements change."""
        key = (name, workspace.dossier_version(store), *_last_rows(store))
        if key not in workspace.cache:
            if len(workspace.cache) > 100:  # stale keys pile up while documents arrive (watch mode)
                workspace.cache.clear()
            workspace.cache[key] = compute()
        return workspace.cache[key]

    def render(name: str, request: Request, **values: Any) -> Response:
        values.setdefault("resolve_state", workspace.state)
        values.setdefault("done", request.arg("done"))
        return app.render(name, request, **values)

    @app.route("GET", "/")
    def overview(request: Request) -> Response:
        with workspace.store() as store:
            summary = cached(store, "overview", lambda: queries.overview_counts(store))
            latest = queries.latest_documents(store)
            top = cached(
                store, "top", lambda: queries.list_propositions_page(store, status=None, search=None, number=1, size=10)
            ).rows
        return render("overview.html", request, summary=summary, latest=latest, top=top, statuses=STATUSES)

    @app.route("GET", "/propositions")
    def propositions(request: Request) -> Response:
        status = request.arg("status") or None
        if status and status not in STATUSES:
            raise HTTPError(HTTPStatus.BAD_REQUEST, f"unknown status {status!r}")
        search = request.arg("q") or None
        number = request.int_arg("page", 1, low=1)
        with workspace.store() as store:
            page = queries.list_propositions_page(store, status=status, search=search, number=number)
            counts = cached(store, "overview", lambda: queries.overview_counts(store))["statuses"]
        query = {"status": status, "q": search}
        return render(
            "propositions.html",
            request,
            page=page,
            statuses=STATUSES,
            current=status,
            q=search,
            query=query,
            counts=counts,
        )

    @app.route("GET", "/propositions/{prop_id}")
    def proposition(request: Request) -> Response:
        number = request.int_arg("page", 1, low=1)
        with workspace.store() as store:
            prop = queries.proposition_row(store, request.params["prop_id"])
            if prop is None:
                raise HTTPError(HTTPStatus.NOT_FOUND, f"no proposition {request.params['prop_id']!r}")
            page = queries.proposition_claims(store, prop["id"], number=number)
        return render("proposition.html", request, prop=prop, page=page, stances=STANCES, query={})

    @app.route("GET", "/timeline")
    def timeline(request: Request) -> Response:
        kind = request.arg("type") or None
        number = request.int_arg("page", 1, low=1)
        everything = request.arg("all") == "1"  # also the events only demanded, denied, planned …
        with workspace.store() as store:
            page = queries.list_events_page(store, kind=kind, number=number, everything=everything)
            types = cached(store, "event types", lambda: _event_types(store))
        query = {"type": kind, "all": "1" if everything else None}
        return render("timeline.html", request, page=page, kind=kind, types=types, everything=everything, query=query)

    @app.route("GET", "/events/{event_id}")
    def event(request: Request) -> Response:
        """An event's place on the timeline: its page, with the events that did not happen when it is one of them."""
        event_id = request.params["event_id"]
        with workspace.store() as store:
            place = queries.event_place(store, event_id)
        if place is None:
            raise HTTPError(HTTPStatus.NOT_FOUND, f"no event {event_id!r}")
        number, everything = place
        query = "&".join(q for q in (f"page={number}" if number > 1 else "", "all=1" if everything else "") if q)
        return Response.redirect(f"/timeline{'?' + query if query else ''}#{url_id(event_id)}")

    @app.route("GET", "/graph")
    def graph(request: Request) -> Response:
        focus_ref = request.arg("entity") or None
        with workspace.store() as store:
            focus = _entity_or_404(store, focus_ref) if focus_ref else None
            drawn: Graph = cached(store, f"graph {focus}", lambda: build_graph(store, workspace.actors, focus=focus))
            focus_name = drawn.nodes.get(focus, {}).get("name") if focus else None
        return render("graph.html", request, graph=drawn, focus=focus, focus_name=focus_name)

    @app.route("GET", "/map")
    def map_page(request: Request) -> Response:
        with workspace.store() as store:
            located, unlocated = place_points(store, workspace.actors)
        frame = project(located)
        return render("map.html", request, points=located, unlocated=unlocated[:100], frame=frame)

    @app.route("GET", "/entities")
    def entities(request: Request) -> Response:
        kind = request.arg("kind") or None
        search = request.arg("q") or None
        number = request.int_arg("page", 1, low=1)
        with workspace.store() as store:
            page = queries.list_entities_page(store, kind=kind, search=search, number=number)
        return render("entities.html", request, page=page, kind=kind, q=search, query={"kind": kind, "q": search})

    @app.route("GET", "/entities/{entity_id}")
    def entity(request: Request) -> Response:
        number = request.int_arg("page", 1, low=1)
        with workspace.store() as store:
            row = queries.entity_row(store, request.params["entity_id"])
            if row is None:
                raise HTTPError(HTTPStatus.NOT_FOUND, f"no entity {request.params['entity_id']!r}")
            spellings = queries.entity_spellings(store, row["id"])
            claims = queries.entity_claims(store, row["id"], number=1, size=20)
            mentions = queries.entity_mentions(store, row["id"], number=number)
            relations = queries.entity_relations(store, row["id"], row["pack_id"])
            names = _names(store, {r["other_entity"] for r in relations if r["other_entity"]})
        actor = workspace.actors.get(row["pack_id"]) if row["pack_id"] else None
        pack_names = (
            {a.target: workspace.actors[a.target].name for a in actor.affiliations if a.target in workspace.actors}
            if actor
            else {}
        )
        return render(
            "entity.html",
            request,
            entity=row,
            spellings=spellings,
            claims=claims,
            mentions=mentions,
            relations=relations,
            names=names,
            actor=actor,
            pack_names=pack_names,
            query={},
        )

    @app.route("GET", "/documents")
    def documents(request: Request) -> Response:
        number = request.int_arg("page", 1, low=1)
        with workspace.store() as store:
            page = queries.list_documents_page(store, number=number)
        return render("documents.html", request, page=page, query={})

    @app.route("GET", "/documents/{doc_id}")
    def document(request: Request) -> Response:
        with workspace.store() as store:
            doc_id = request.params["doc_id"]
            row = store.db.execute(
                "SELECT id, title, outlet, url, published_at, near_duplicate_of, text FROM documents WHERE id = ?",
                (doc_id,),
            ).fetchone()
            if row is None:
                raise HTTPError(HTTPStatus.NOT_FOUND, f"no document {doc_id!r}")
            marks = marks_of(
                mentions=queries.document_mentions(store, doc_id),
                claims=queries.document_claims(store, doc_id),
                events=queries.document_event_mentions(store, doc_id),
                spans=queries.document_spans(store, doc_id, READER_LAYERS),
                link=links,
            )
        target = None
        if request.arg("from"):
            start = request.int_arg("from", 0)
            target = (start, request.int_arg("to", start + 1))
        pieces = segments(row["text"], marks, target)
        layers = sorted({m.layer for m in marks})
        return render(
            "document.html",
            request,
            doc=dict(row),
            pieces=pieces,
            marks=[m.as_json() for m in marks],
            layers=layers,
        )

    @app.route("GET", "/search")
    def search(request: Request) -> Response:
        text = request.arg("q")
        number = request.int_arg("page", 1, low=1)
        rows: list[dict[str, Any]] = []
        error = None
        has_next = False
        if text:
            with workspace.store() as store:
                flt = DocumentFilter(limit=SEARCH_PAGE + 1, offset=(number - 1) * SEARCH_PAGE)
                try:
                    rows = store.search(text, flt)
                except StorytraceError as exc:
                    error = exc.message + (f" ({exc.hint})" if exc.hint else "")
            has_next = len(rows) > SEARCH_PAGE
            rows = rows[:SEARCH_PAGE]
        page = queries.Page(rows, number, has_next)
        return render("search.html", request, q=text, page=page, error=error, query={"q": text})

    @app.route("GET", "/judgements")
    def judgements(request: Request) -> Response:
        with workspace.store() as store:
            rows = list_judgements(store)[-200:]
        return render("judgements.html", request, rows=list(reversed(rows)))

    @app.route("POST", "/judgements/merge")
    def merge(request: Request) -> Response:
        with workspace.store() as store:
            keep = _entity_or_400(store, request.field("keep"))
            other = _entity_or_400(store, request.field("other"))
            if keep == other:
                raise HTTPError(HTTPStatus.BAD_REQUEST, "an entity cannot be merged into itself")
            add_judgement(store, "merge", keep, other, note=request.field("note") or None)
        _after_judgement()
        return Response.redirect(f"/entities/{url_id(keep)}?done=merge")

    @app.route("POST", "/judgements/split")
    def split(request: Request) -> Response:
        spelling = request.field("spelling")
        with workspace.store() as store:
            entity_id = _entity_or_400(store, request.field("entity"))
            known = store.db.execute(
                "SELECT 1 FROM mentions WHERE entity_id = ? AND text = ? LIMIT 1", (entity_id, spelling)
            ).fetchone()
            if not known:
                raise HTTPError(HTTPStatus.BAD_REQUEST, f"{entity_id} has no spelling {spelling!r}")
            add_judgement(store, "split", entity_id, spelling, note=request.field("note") or None)
        _after_judgement()
        return Response.redirect(f"/entities/{url_id(entity_id)}?done=split")

    @app.route("POST", "/judgements/stance")
    def stance(request: Request) -> Response:
        claim_id, value = request.field("claim"), request.field("stance")
        if value not in STANCES:
            raise HTTPError(HTTPStatus.BAD_REQUEST, f"stance must be one of {', '.join(STANCES)}")
        with workspace.store() as store:
            row = store.db.execute("SELECT proposition_id FROM claims WHERE id = ?", (claim_id,)).fetchone()
            if row is None:
                raise HTTPError(HTTPStatus.BAD_REQUEST, f"no claim {claim_id!r}")
            add_judgement(store, "stance", claim_id, value, note=request.field("note") or None)
        _after_judgement()
        back = f"/propositions/{url_id(row[0])}" if row[0] else "/propositions"
        return Response.redirect(back + "?done=stance")

    def _after_judgement() -> None:
        if workspace.resolve_after_judgement:
            workspace.request_resolve()

    @app.route("GET", "/api/status")
    def status(request: Request) -> Response:
        state = workspace.state
        return Response.json(
            {"resolving": state.running, "resolves": state.runs, "error": state.error, "time": time.time()}
        )

    @app.route("GET", "/login")
    def login_form(request: Request) -> Response:
        return render("login.html", request, failed=False)

    @app.route("POST", "/login")
    def login(request: Request) -> Response:
        given = request.field("token")
        if app.write_token is None:
            return Response.redirect("/")
        request.cookies[TOKEN_COOKIE] = given
        if not app.token_ok(request):
            time.sleep(0.5)  # slows guessing; the token is long and random anyway
            return render("login.html", request, failed=True)
        response = Response.redirect("/")
        response.headers["Set-Cookie"] = f"{TOKEN_COOKIE}={given}; HttpOnly; SameSite=Strict; Path=/"
        return response

    return app


def _event_types(store: Store) -> list[str]:
    return [str(r[0]) for r in store.db.execute("SELECT DISTINCT type FROM events ORDER BY type LIMIT 200")]


def _last_rows(store: Store) -> tuple[int, int]:
    """The newest document and judgement (rowid lookups): a cheap sign that the overview's counts changed."""
    doc = store.db.execute("SELECT MAX(n) FROM documents").fetchone()[0]
    judgement = store.db.execute("SELECT MAX(id) FROM judgements").fetchone()[0]
    return int(doc or 0), int(judgement or 0)


def _names(store: Store, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    return {r[0]: r[1] for r in store.db.execute(f"SELECT id, name FROM entities WHERE id IN ({marks})", list(ids))}


def _entity_or_404(store: Store, ref: str) -> str:
    try:
        return find_entity(store, ref)
    except NotFound as exc:
        raise HTTPError(HTTPStatus.NOT_FOUND, exc.message) from None


def _entity_or_400(store: Store, ref: str) -> str:
    if not ref:
        raise HTTPError(HTTPStatus.BAD_REQUEST, "name an entity (its id, name or a spelling)")
    try:
        return find_entity(store, ref)
    except NotFound as exc:
        raise HTTPError(HTTPStatus.BAD_REQUEST, exc.line()) from None
