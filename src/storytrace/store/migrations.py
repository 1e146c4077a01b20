"""Schema of the SQLite store, as an ordered list of migrations; the store applies the ones it lacks."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Migration"]


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


_INITIAL = """
-- Outlets. `id` is a hash of the normalised name (or of the domain when no name is known).
CREATE TABLE sources (
    id      TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    domain  TEXT,
    kind    TEXT               -- news, agency, think_tank, social, government; NULL while unknown
);

-- One row per distinct cleaned text. `n` is the internal rowid the full-text index points at;
-- the public key is `id` (doc_ + hash of the cleaned text), so exact duplicates collapse by construction.
CREATE TABLE documents (
    n                     INTEGER PRIMARY KEY,
    id                    TEXT NOT NULL UNIQUE,
    source_id             TEXT REFERENCES sources(id),
    outlet                TEXT,
    outlet_via            TEXT,
    title                 TEXT,
    url                   TEXT,
    canonical_url         TEXT,
    original_id           TEXT,
    domain                TEXT,
    author                TEXT,
    published_at          TEXT,
    published_precision   TEXT,
    published_via         TEXT,
    published_evidence    TEXT,
    lang                  TEXT,
    lang_score            REAL,
    kind                  TEXT NOT NULL,
    text                  TEXT NOT NULL,
    word_count            INTEGER NOT NULL,
    near_duplicate_of     TEXT,
    near_duplicate_score  REAL,
    locator               TEXT NOT NULL,
    ingested_at           TEXT NOT NULL,
    meta                  TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX documents_published ON documents (published_at);
CREATE INDEX documents_source ON documents (source_id);
CREATE INDEX documents_original_id ON documents (original_id);
CREATE INDEX documents_url ON documents (url);

-- Every input that produced a document. An exact duplicate adds a sighting, not a document, so the
-- outlets that carried the same text stay known (independence of sources depends on it).
CREATE TABLE sightings (
    doc_id        TEXT NOT NULL REFERENCES documents(id),
    locator       TEXT NOT NULL,
    url           TEXT,
    original_id   TEXT,
    outlet        TEXT,
    title         TEXT,
    published_at  TEXT,
    raw_hash      TEXT NOT NULL,
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL,
    PRIMARY KEY (doc_id, locator)
);
CREATE INDEX sightings_raw_hash ON sightings (raw_hash);
CREATE INDEX sightings_locator ON sightings (locator);

-- Boilerplate removed while cleaning, kept for audit.
CREATE TABLE trims (
    doc_id    TEXT NOT NULL REFERENCES documents(id),
    seq       INTEGER NOT NULL,
    position  TEXT NOT NULL,
    rule      TEXT NOT NULL,
    text      TEXT NOT NULL,
    PRIMARY KEY (doc_id, seq)
);

-- Annotation layers: spans with character offsets into documents.text, and the component that made them.
CREATE TABLE spans (
    id           TEXT PRIMARY KEY,
    doc_id       TEXT NOT NULL REFERENCES documents(id),
    layer        TEXT NOT NULL,
    start_char   INTEGER NOT NULL,
    end_char     INTEGER NOT NULL,
    label        TEXT NOT NULL DEFAULT '',
    attrs        TEXT NOT NULL DEFAULT '{}',
    produced_by  TEXT NOT NULL,
    CHECK (0 <= start_char AND start_char <= end_char)
);
CREATE INDEX spans_doc_layer ON spans (doc_id, layer);

-- Scored, explained links between records; clusters are derived from them, never destructive merges.
CREATE TABLE edges (
    id           TEXT PRIMARY KEY,
    left_id      TEXT NOT NULL,
    right_id     TEXT NOT NULL,
    kind         TEXT NOT NULL,
    score        REAL NOT NULL,
    method       TEXT NOT NULL,
    explanation  TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX edges_left ON edges (left_id, kind);
CREATE INDEX edges_right ON edges (right_id, kind);

-- Inputs that did not become documents, with the reason and what to do.
CREATE TABLE failures (
    id           TEXT PRIMARY KEY,
    locator      TEXT NOT NULL,
    stage        TEXT NOT NULL,
    code         TEXT NOT NULL,
    message      TEXT NOT NULL,
    hint         TEXT NOT NULL,
    first_seen   TEXT NOT NULL,
    last_seen    TEXT NOT NULL,
    count        INTEGER NOT NULL DEFAULT 1,
    resolved_at  TEXT
);
CREATE INDEX failures_locator ON failures (locator);

-- Near-duplicate detection: a MinHash signature per document and its LSH band buckets.
CREATE TABLE fingerprints (
    doc_id     TEXT PRIMARY KEY REFERENCES documents(id),
    method     TEXT NOT NULL,
    signature  BLOB NOT NULL
);
CREATE TABLE minhash_bands (
    band    INTEGER NOT NULL,
    bucket  INTEGER NOT NULL,
    doc_id  TEXT NOT NULL,
    PRIMARY KEY (band, bucket, doc_id)
) WITHOUT ROWID;

-- One row per ingest run, for "what changed since" and for resuming.
CREATE TABLE runs (
    id           TEXT PRIMARY KEY,
    command      TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    added        INTEGER NOT NULL DEFAULT 0,
    duplicates   INTEGER NOT NULL DEFAULT 0,
    unchanged    INTEGER NOT NULL DEFAULT 0,
    failed       INTEGER NOT NULL DEFAULT 0
);

-- Full-text search over titles and texts (external content: the text is stored once).
CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, text, content='documents', content_rowid='n', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts (rowid, title, text) VALUES (new.n, new.title, new.text);
END;
CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, text) VALUES ('delete', old.n, old.title, old.text);
END;
CREATE TRIGGER documents_au AFTER UPDATE OF title, text ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, text) VALUES ('delete', old.n, old.title, old.text);
    INSERT INTO documents_fts (rowid, title, text) VALUES (new.n, new.title, new.text);
END;
"""

_DOSSIER = """
-- Cross-document resolution (storytrace resolve). Every row is derived from the documents' span layers and is
-- rebuilt or updated by the resolver; only `judgements` holds what an analyst decided, and survives every re-run.

-- Actors and places across reports. `id` is the domain-pack id when a pack knows the actor, else ent_ + hash.
CREATE TABLE entities (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL,          -- PER, ORG, GPE, LOC, FAC, NORP, MISC
    name           TEXT NOT NULL,          -- canonical name (the pack's, else the most frequent full form)
    pack_id        TEXT,                   -- the domain-pack actor, when known
    mentions       INTEGER NOT NULL DEFAULT 0,
    documents      INTEGER NOT NULL DEFAULT 0,
    first_seen     TEXT,                   -- earliest publication date of a report naming it
    last_seen      TEXT,
    updated_at     TEXT NOT NULL
);

-- Each entity mention of each report, linked to its entity, with the reason.
CREATE TABLE mentions (
    doc_id       TEXT NOT NULL REFERENCES documents(id),
    start_char   INTEGER NOT NULL,
    end_char     INTEGER NOT NULL,
    text         TEXT NOT NULL,
    label        TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    score        REAL NOT NULL,
    method       TEXT NOT NULL,
    explanation  TEXT NOT NULL,
    PRIMARY KEY (doc_id, start_char, end_char)
) WITHOUT ROWID;
CREATE INDEX mentions_entity ON mentions (entity_id);

-- Events merged across reports: one row per real-world event, its reconciled date and the conflicts.
CREATE TABLE events (
    id              TEXT PRIMARY KEY,      -- evt_ + hash of its first mention
    type            TEXT NOT NULL,
    date            TEXT,                  -- ISO value of the reconciled date
    date_precision  TEXT,
    date_conflicts  TEXT NOT NULL DEFAULT '[]',   -- JSON: other dates reports gave, with their reports
    place_id        TEXT,
    place           TEXT,
    summary         TEXT NOT NULL,
    reports         INTEGER NOT NULL DEFAULT 0,
    first_seen      TEXT,
    last_seen       TEXT,
    updated_at      TEXT NOT NULL
);
CREATE TABLE event_mentions (
    doc_id       TEXT NOT NULL REFERENCES documents(id),
    start_char   INTEGER NOT NULL,
    end_char     INTEGER NOT NULL,
    event_id     TEXT NOT NULL,
    type         TEXT NOT NULL,
    date         TEXT,
    precision    TEXT,
    score        REAL NOT NULL,
    explanation  TEXT NOT NULL,
    PRIMARY KEY (doc_id, start_char, end_char)
) WITHOUT ROWID;
CREATE INDEX event_mentions_event ON event_mentions (event_id);

-- Propositions: claims about the same thing aligned across reports, with their assessed status.
CREATE TABLE propositions (
    id            TEXT PRIMARY KEY,        -- prp_ + hash of its first claim
    text          TEXT NOT NULL,           -- the representative wording
    status        TEXT NOT NULL,           -- corroborated, single_source, contested, denied, circular
    reasons       TEXT NOT NULL DEFAULT '[]',   -- JSON list of sentences saying why
    origins       INTEGER NOT NULL DEFAULT 0,   -- independent origins behind the supporting claims
    supports      INTEGER NOT NULL DEFAULT 0,
    refutes       INTEGER NOT NULL DEFAULT 0,
    reports       INTEGER NOT NULL DEFAULT 0,
    event_id      TEXT,
    first_seen    TEXT,
    last_seen     TEXT,
    updated_at    TEXT NOT NULL
);
CREATE INDEX propositions_status ON propositions (status);

-- Every claim of every report, flattened from its `claims` span, with its proposition, stance and origin.
CREATE TABLE claims (
    id              TEXT PRIMARY KEY,      -- clm_ + hash of doc id and offsets
    doc_id          TEXT NOT NULL REFERENCES documents(id),
    start_char      INTEGER NOT NULL,
    end_char        INTEGER NOT NULL,
    sentence_start  INTEGER NOT NULL,
    sentence_end    INTEGER NOT NULL,
    text            TEXT NOT NULL,
    voice           TEXT NOT NULL,         -- attributed, outlet
    speaker         TEXT,
    speaker_kind    TEXT,                  -- named, anonymous, outlet, document, social, pronoun
    speaker_entity  TEXT,
    chain           TEXT NOT NULL DEFAULT '[]',
    polarity        TEXT NOT NULL,
    hedges          TEXT NOT NULL DEFAULT '[]',
    modality        TEXT NOT NULL,
    proposition_id  TEXT,
    stance          TEXT,                  -- supports, refutes, reports
    stance_score    REAL,
    origin          TEXT,                  -- the independent origin this claim traces back to
    origin_reason   TEXT,
    published_at    TEXT
);
CREATE INDEX claims_doc ON claims (doc_id);
CREATE INDEX claims_proposition ON claims (proposition_id);

-- What an analyst decided: merge or split entities, correct a stance. Re-runs apply them, never erase them.
CREATE TABLE judgements (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,             -- merge, split, stance
    subject     TEXT NOT NULL,
    object      TEXT,
    value       TEXT,
    note        TEXT,
    author      TEXT,
    created_at  TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1
);
"""

_STANCE_REASON = """
-- Why a claim has its stance (resolve/stance.py gives one short reason per claim; an analyst's correction says so).
ALTER TABLE claims ADD COLUMN stance_reason TEXT;
"""

_REPORT_STANCE = """
-- The report's own stance toward the proposition (supports, refutes, reports: "X, the ministry said" relays X),
-- beside ``stance``, the speaker's position that origins are counted with (resolve/stance.py).
ALTER TABLE claims ADD COLUMN report_stance TEXT;
"""

_WATCH = """
-- `storytrace watch`: how to poll each feed politely next time, and how it has been going.
CREATE TABLE watch_feeds (
    url            TEXT PRIMARY KEY,
    etag           TEXT,                          -- validators for the next conditional GET
    last_modified  TEXT,
    last_poll      TEXT,
    last_success   TEXT,
    failures       INTEGER NOT NULL DEFAULT 0,    -- consecutive failed polls, for the backoff
    next_poll      TEXT,                          -- ISO 8601 UTC; NULL means due now
    last_error     TEXT,
    items_added    INTEGER NOT NULL DEFAULT 0
);
-- What watch has already reported, so a restart reports each change once: the documents accounted for, and the
-- propositions (with the claims they held) as they stood at the last report.
CREATE TABLE watch_documents (
    doc_id   TEXT PRIMARY KEY,
    seen_at  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE watch_propositions (
    id       TEXT PRIMARY KEY,
    status   TEXT NOT NULL,
    reasons  TEXT NOT NULL DEFAULT '[]',
    reports  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE watch_claims (
    claim_id        TEXT PRIMARY KEY,
    proposition_id  TEXT NOT NULL
) WITHOUT ROWID;
"""

_BRIEFINGS = """
-- `storytrace brief`: each briefing written, so the next one can say what changed. `scope` is the JSON of the
-- options that select what a briefing covers (about, topic, since); `snapshot` is the JSON of what it saw:
-- {"max_doc_n": documents.n at the time, "propositions": {id: [status, origins, reports, a member claim id]}}.
CREATE TABLE briefings (
    id          INTEGER PRIMARY KEY,
    created_at  TEXT NOT NULL,
    scope       TEXT NOT NULL,
    params      TEXT NOT NULL DEFAULT '{}',
    snapshot    TEXT NOT NULL
);
CREATE INDEX briefings_scope ON briefings (scope, id);
-- `brief --about` looks up what an entity said, not only what names it.
CREATE INDEX IF NOT EXISTS claims_speaker_entity ON claims (speaker_entity);
"""

_CLAIM_EMBEDDINGS = """
-- Sentence embeddings of claims, kept so that `resolve` embeds only new or changed claims (resolve/job.py).
-- `text_hash` covers the claim's text and the model: a reworded claim or another model is embedded again.
CREATE TABLE claim_embeddings (
    claim_id   TEXT PRIMARY KEY,
    text_hash  TEXT NOT NULL,
    vector     BLOB NOT NULL             -- float32, little-endian, the model's dimension
);
"""

_PAGE_INDEXES = """
-- Indexes for the ranked and filtered pages of the web workspace and the listings (measured on a 100k store:
-- the propositions board went from 325 ms to 3 ms, the timeline from 300 ms to 27 ms).
CREATE INDEX propositions_rank ON propositions (reports DESC, origins DESC, first_seen);
CREATE INDEX propositions_status_rank ON propositions (status, reports DESC, origins DESC, first_seen);
CREATE INDEX events_date ON events (date, first_seen);
CREATE INDEX entities_rank ON entities (documents DESC, mentions DESC, name);
CREATE INDEX mentions_entity_text ON mentions (entity_id, text);
CREATE INDEX claims_speaker_published ON claims (speaker_entity, published_at);
"""

_RESOLVE_STATE = """
-- What `resolve` keeps so that new reports join the dossier without replaying the pile (resolve/incremental.py).
-- All of it is derived, rebuilt by every full run (`storytrace resolve --full`).
CREATE TABLE resolve_state (
    key    TEXT PRIMARY KEY,                -- version, judgements, embedding model: what a join must find unchanged
    value  TEXT NOT NULL
) WITHOUT ROWID;
-- The reports the dossier holds; `Store.replace_layers` forgets a report whose layers it rewrites.
CREATE TABLE resolved_documents (
    doc_id  TEXT PRIMARY KEY
) WITHOUT ROWID;
-- Entity resolution's pile: each entity's reference spellings and tallies (JSON), and its blocking keys.
CREATE TABLE entity_pile (
    id       TEXT PRIMARY KEY,
    generic  TEXT,                           -- the context key of a generic description ("the interior ministry")
    state    TEXT NOT NULL
);
CREATE INDEX entity_pile_generic ON entity_pile (generic) WHERE generic IS NOT NULL;
CREATE TABLE entity_keys (
    key        TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    PRIMARY KEY (key, entity_id)
) WITHOUT ROWID;
-- How mentions of each name (by consonant skeleton) were labelled: the kind vote of resolve/entities.py.
CREATE TABLE name_votes (
    skeleton  TEXT PRIMARY KEY,
    counts    TEXT NOT NULL                  -- JSON {family: mentions}
) WITHOUT ROWID;
-- Event grouping's state: each event's founding order, what its vetoes and reconciliation read, its keys.
CREATE TABLE event_pile (
    seq    INTEGER PRIMARY KEY,
    id     TEXT NOT NULL UNIQUE,
    state  TEXT NOT NULL
);
CREATE TABLE event_keys (
    key  TEXT NOT NULL,
    seq  INTEGER NOT NULL,
    PRIMARY KEY (key, seq)
) WITHOUT ROWID;
-- Claim clustering's state: each proposition's founding order, the sum of its claims' embeddings, its seed and
-- anchor claims and tallies (JSON), and its blocking keys (content words and entities).
CREATE TABLE proposition_pile (
    seq    INTEGER PRIMARY KEY,
    id     TEXT NOT NULL UNIQUE,
    total  BLOB NOT NULL,                   -- float32, little-endian
    state  TEXT NOT NULL
);
CREATE TABLE proposition_keys (
    key  TEXT NOT NULL,
    seq  INTEGER NOT NULL,
    PRIMARY KEY (key, seq)
) WITHOUT ROWID;
-- What clustering and status read of a claim beyond its columns: entities, event types and ids, figures, copy root.
ALTER TABLE claims ADD COLUMN context TEXT NOT NULL DEFAULT '{}';
"""

_EVENT_EMBEDDINGS = """
-- The pair scorer's vectors of event mentions (resolve/events.py ``embed_event_mentions``: views x dim, float16),
-- kept so that a full `resolve` embeds only the reports whose scored mentions are new or changed (resolve/job.py).
-- A report's mentions are embedded together and the model's vectors depend on their batch mates, so `text_hash`
-- covers the mention's texts, every text of its report's batch and the model: a report whose scored mentions or
-- their sentences changed (`storytrace process`) is embedded again whole, and its rows replaced.
CREATE TABLE event_embeddings (
    doc_id      TEXT NOT NULL,
    start_char  INTEGER NOT NULL,
    end_char    INTEGER NOT NULL,
    text_hash   TEXT NOT NULL,
    vector      BLOB NOT NULL,          -- float16, little-endian, views x the model's dimension
    PRIMARY KEY (doc_id, start_char, end_char)
);
"""

_EVENT_ASSERTION = """
-- Whether a report says an event happened or is happening: the timeline lists those by default. An event mention's
-- `modality` is NULL when its report asserts it, else what the report says instead, in the extraction's words
-- (negated, demanded, future, planned, conditional, possible ...); an event is asserted when one of its mentions is,
-- else its `modality` is its mentions' most frequent (ties: the first by name). resolve/job.py writes them.
ALTER TABLE event_mentions ADD COLUMN modality TEXT;
ALTER TABLE events ADD COLUMN asserted INTEGER NOT NULL DEFAULT 1;
ALTER TABLE events ADD COLUMN modality TEXT;
-- A store resolved before v11 is read again from each mention's `events` span, as resolve/job.py reads it, so its
-- timeline is right at once and a later join (which updates only the events it touches) agrees with a full run.
UPDATE event_mentions SET modality = (
    SELECT CASE
        WHEN json_extract(s.attrs, '$.negated') THEN 'negated'
        WHEN coalesce(json_extract(s.attrs, '$.modality'), '') IN ('', 'asserted') THEN NULL
        ELSE json_extract(s.attrs, '$.modality')
    END
    FROM spans s
    WHERE s.doc_id = event_mentions.doc_id AND s.layer = 'events'
        AND s.start_char = event_mentions.start_char AND s.end_char = event_mentions.end_char
    ORDER BY s.id LIMIT 1
);
UPDATE events SET asserted = (
    SELECT COUNT(*) = 0 OR SUM(m.modality IS NULL) > 0 FROM event_mentions m WHERE m.event_id = events.id
);
UPDATE events SET modality = (
    SELECT m.modality FROM event_mentions m WHERE m.event_id = events.id
    GROUP BY m.modality ORDER BY COUNT(*) DESC, m.modality LIMIT 1
) WHERE asserted = 0;
-- The timeline's default page: the asserted events in date order.
CREATE INDEX events_asserted_date ON events (asserted, date, first_seen);
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial", _INITIAL),
    Migration(2, "dossier", _DOSSIER),
    Migration(3, "stance_reason", _STANCE_REASON),
    Migration(4, "watch", _WATCH),
    Migration(5, "briefings", _BRIEFINGS),
    Migration(6, "claim_embeddings", _CLAIM_EMBEDDINGS),
    Migration(7, "page_indexes", _PAGE_INDEXES),
    Migration(8, "resolve_state", _RESOLVE_STATE),
    Migration(9, "report_stance", _REPORT_STANCE),
    Migration(10, "event_embeddings", _EVENT_EMBEDDINGS),
    Migration(11, "event_assertion", _EVENT_ASSERTION),
)
SCHEMA_VERSION = MIGRATIONS[-1].version
