-- Lineage shared across repositories, in the central PostgreSQL store beside the audit log
-- (`lacuna audit init-central` creates both; this part needs the audit part's lacuna.chains).
-- Each push of a repository's lineage (or of a catalog imported with --central) is kept as a
-- whole: lineage_current points at the push that is the repository's view now, and every
-- earlier push stays queryable (history). Rows are never changed; a push is complete when
-- lacuna.lineage_publish() has checked it and made it current.
-- Who may add to a repository is the audit store's rule: the role lacuna.chains gives the
-- repository to (`lacuna audit grant-push`), else the first login role that pushes it.
-- Who may read which repository's rows is decided row by row in the views readers are given
-- (PostgreSQL's own row-level security would forbid the pushers' COPY): members of
-- lacuna_read_all read every repository, other roles those lacuna.lineage_readers grants them,
-- and a repository's pusher its own.

-- Two init-central runs at once (CI jobs of several repositories) take turns: the script
-- runs as one transaction, and this lock is held until it ends.
SELECT pg_advisory_xact_lock(hashtextextended('lacuna init-central', 0));

CREATE TABLE IF NOT EXISTS lacuna.lineage_pushes (
    push_id BIGSERIAL PRIMARY KEY,
    repo TEXT NOT NULL,
    kind TEXT NOT NULL,          -- 'lineage', or 'catalog:<file>' for an imported catalog
    digest TEXT NOT NULL,        -- of every row sent: the same content is the same push
    "commit" TEXT NOT NULL,
    nodes INTEGER NOT NULL,
    edges INTEGER NOT NULL,
    pusher TEXT NOT NULL DEFAULT session_user,
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at TIMESTAMPTZ,
    UNIQUE (repo, kind, digest)
);
-- Stores made before column lineage was pushed gain the count (their pushes have none).
ALTER TABLE lacuna.lineage_pushes ADD COLUMN IF NOT EXISTS column_edges INTEGER NOT NULL
    DEFAULT 0;

-- Resources (and, for `downstream`, the in-memory steps between them) with the
-- classification the repository gave them and why. `key` is the lineage node id for places
-- every repository names alike (tables, URLs, absolute paths); a path relative to one
-- repository, and a step of its code, are prefixed with `<repo>::`.
CREATE TABLE IF NOT EXISTS lacuna.lineage_nodes (
    push_id BIGINT NOT NULL REFERENCES lacuna.lineage_pushes,
    seq INTEGER NOT NULL,
    repo TEXT NOT NULL,
    key TEXT NOT NULL,
    kind TEXT NOT NULL,          -- resource or value
    label TEXT NOT NULL,
    produced BOOLEAN NOT NULL,   -- the repository's code writes it
    tier TEXT NOT NULL,
    tags TEXT[] NOT NULL,
    sensitive_columns JSONB NOT NULL,
    layer TEXT NOT NULL,
    reasoning TEXT NOT NULL,
    inherited_from TEXT[] NOT NULL,
    written_by TEXT[] NOT NULL,  -- file:line of the code writing it
    PRIMARY KEY (push_id, seq)
);

CREATE TABLE IF NOT EXISTS lacuna.lineage_edges (
    push_id BIGINT NOT NULL REFERENCES lacuna.lineage_pushes,
    seq INTEGER NOT NULL,
    repo TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    operation TEXT NOT NULL,     -- read, write, join, project, aggregate, anonymize, ...
    path TEXT NOT NULL,
    line INTEGER NOT NULL,
    PRIMARY KEY (push_id, seq)
);

-- Column lineage between resources: a column of `source` is written into a column of `target`
-- at path:line, with what happened on the way (copy, rename, aggregate, anonymize, joined by +).
-- `*` is every column not named, under its own name, except `except_columns`.
CREATE TABLE IF NOT EXISTS lacuna.lineage_column_edges (
    push_id BIGINT NOT NULL REFERENCES lacuna.lineage_pushes,
    seq INTEGER NOT NULL,
    repo TEXT NOT NULL,
    source TEXT NOT NULL,
    source_column TEXT NOT NULL,
    target TEXT NOT NULL,
    target_column TEXT NOT NULL,
    operation TEXT NOT NULL,
    path TEXT NOT NULL,
    line INTEGER NOT NULL,
    except_columns TEXT[] NOT NULL,
    PRIMARY KEY (push_id, seq)
);

CREATE TABLE IF NOT EXISTS lacuna.lineage_current (
    repo TEXT NOT NULL,
    kind TEXT NOT NULL,
    push_id BIGINT NOT NULL REFERENCES lacuna.lineage_pushes,
    since TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (repo, kind)
);

-- Which roles (and their members) read which repositories (LIKE patterns).
CREATE TABLE IF NOT EXISTS lacuna.lineage_readers (
    reader TEXT NOT NULL,
    repo_pattern TEXT NOT NULL,
    PRIMARY KEY (reader, repo_pattern)
);

-- The pull: what the current pushes know about a batch of resources.
CREATE INDEX IF NOT EXISTS lineage_nodes_known ON lacuna.lineage_nodes (key, push_id)
    WHERE produced OR layer = 'catalog';
-- Org-wide downstream and upstream walks.
CREATE INDEX IF NOT EXISTS lineage_edges_source ON lacuna.lineage_edges (source, push_id);
CREATE INDEX IF NOT EXISTS lineage_edges_target ON lacuna.lineage_edges (target, push_id);
-- Where a column goes: the column walk asks for (resource, column) and (resource, '*').
CREATE INDEX IF NOT EXISTS lineage_column_edges_source
    ON lacuna.lineage_column_edges (source, source_column, push_id);
CREATE INDEX IF NOT EXISTS lineage_nodes_label ON lacuna.lineage_nodes (lower(label), push_id);
CREATE INDEX IF NOT EXISTS lineage_current_push ON lacuna.lineage_current (push_id);

CREATE OR REPLACE FUNCTION lacuna.may_read(name TEXT) RETURNS BOOLEAN
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT pg_has_role(session_user, 'lacuna_read_all', 'MEMBER')
        OR EXISTS (SELECT 1 FROM lacuna.chains c
                   WHERE c.chain = name AND pg_has_role(session_user, c.pusher, 'MEMBER'))
        OR EXISTS (SELECT 1 FROM lacuna.lineage_readers r
                   WHERE name LIKE r.repo_pattern
                     AND pg_has_role(session_user, r.reader, 'MEMBER'))
$$;

-- A push row claims its repository for the pushing role the first time (as audit records
-- claim their chain), and must be its pusher's.
CREATE OR REPLACE FUNCTION lacuna.check_lineage_pushes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    names TEXT[] := ARRAY(SELECT DISTINCT repo FROM inserted);
    foreign_name TEXT;
BEGIN
    PERFORM lacuna.claim_chains(names);
    foreign_name := lacuna.foreign_chain(names);
    IF foreign_name IS NOT NULL THEN
        RAISE EXCEPTION 'lacuna: repository % belongs to another role: % may not push to it',
            foreign_name, session_user;
    END IF;
    RETURN NULL;
END $$;

-- Nodes and edges go into an open push of their own repository.
CREATE OR REPLACE FUNCTION lacuna.check_lineage_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad RECORD;
BEGIN
    SELECT n.repo, n.push_id INTO bad FROM (SELECT DISTINCT repo, push_id FROM inserted) n
    WHERE NOT EXISTS (SELECT 1 FROM lacuna.lineage_pushes p
                      WHERE p.push_id = n.push_id AND p.repo = n.repo
                        AND p.completed_at IS NULL)
       OR lacuna.foreign_chain(ARRAY[n.repo]) IS NOT NULL
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'lacuna: push % is not an open push of % by %', bad.push_id, bad.repo,
            session_user;
    END IF;
    RETURN NULL;
END $$;

-- Complete a push: every announced row is in; it becomes its repository's current view.
CREATE OR REPLACE FUNCTION lacuna.lineage_publish(id BIGINT) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    pushed lacuna.lineage_pushes;
BEGIN
    SELECT * INTO pushed FROM lacuna.lineage_pushes WHERE push_id = id FOR UPDATE;
    IF NOT FOUND OR lacuna.foreign_chain(ARRAY[pushed.repo]) IS NOT NULL THEN
        RAISE EXCEPTION 'lacuna: push % is not %''s to publish', id, session_user;
    END IF;
    IF (SELECT count(*) FROM lacuna.lineage_nodes WHERE push_id = id) <> pushed.nodes
       OR (SELECT count(*) FROM lacuna.lineage_edges WHERE push_id = id) <> pushed.edges
       OR (SELECT count(*) FROM lacuna.lineage_column_edges WHERE push_id = id)
          <> pushed.column_edges THEN
        RAISE EXCEPTION 'lacuna: push % of % is incomplete', id, pushed.repo;
    END IF;
    UPDATE lacuna.lineage_pushes SET completed_at = coalesce(completed_at, now())
    WHERE push_id = id;
    INSERT INTO lacuna.lineage_current (repo, kind, push_id) VALUES (pushed.repo, pushed.kind, id)
    ON CONFLICT (repo, kind) DO UPDATE SET push_id = EXCLUDED.push_id, since = now();
END $$;

-- What a reader sees: every push of the repositories it may read (history), and their
-- current views. The filter runs once per push, not once per row.
CREATE OR REPLACE VIEW lacuna.visible_pushes WITH (security_barrier) AS
    SELECT * FROM lacuna.lineage_pushes WHERE lacuna.may_read(repo);
CREATE OR REPLACE VIEW lacuna.current_pushes WITH (security_barrier) AS
    SELECT c.repo, c.kind, c.push_id, c.since FROM lacuna.lineage_current c
    WHERE lacuna.may_read(c.repo);
CREATE OR REPLACE VIEW lacuna.visible_nodes AS
    SELECT n.* FROM lacuna.lineage_nodes n JOIN lacuna.visible_pushes p USING (push_id);
CREATE OR REPLACE VIEW lacuna.visible_edges AS
    SELECT e.* FROM lacuna.lineage_edges e JOIN lacuna.visible_pushes p USING (push_id);
CREATE OR REPLACE VIEW lacuna.visible_column_edges AS
    SELECT e.* FROM lacuna.lineage_column_edges e JOIN lacuna.visible_pushes p USING (push_id);
CREATE OR REPLACE VIEW lacuna.current_nodes AS
    SELECT n.* FROM lacuna.lineage_nodes n JOIN lacuna.current_pushes c USING (push_id);
CREATE OR REPLACE VIEW lacuna.current_edges AS
    SELECT e.* FROM lacuna.lineage_edges e JOIN lacuna.current_pushes c USING (push_id);
CREATE OR REPLACE VIEW lacuna.current_column_edges AS
    SELECT e.* FROM lacuna.lineage_column_edges e JOIN lacuna.current_pushes c
    USING (push_id);

DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['lineage_nodes', 'lineage_edges', 'lineage_column_edges'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = t || '_no_change') THEN
            EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON lacuna.%I FOR EACH ROW '
                           'EXECUTE FUNCTION lacuna.reject_change()', t || '_no_change', t);
            EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON lacuna.%I FOR EACH STATEMENT '
                           'EXECUTE FUNCTION lacuna.reject_change()', t || '_no_truncate', t);
            EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON lacuna.%I REFERENCING NEW TABLE '
                           'AS inserted FOR EACH STATEMENT EXECUTE FUNCTION '
                           'lacuna.check_lineage_rows()', t || '_checks', t);
        END IF;
    END LOOP;
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'lineage_pushes_checks') THEN
        CREATE TRIGGER lineage_pushes_checks AFTER INSERT ON lacuna.lineage_pushes
            REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
            EXECUTE FUNCTION lacuna.check_lineage_pushes();
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lacuna_read') THEN
        CREATE ROLE lacuna_read NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lacuna_read_all') THEN
        CREATE ROLE lacuna_read_all NOLOGIN IN ROLE lacuna_read;
    END IF;
END $$;

REVOKE ALL ON lacuna.lineage_pushes, lacuna.lineage_nodes, lacuna.lineage_edges,
    lacuna.lineage_column_edges, lacuna.lineage_current, lacuna.lineage_readers FROM PUBLIC;
REVOKE ALL ON FUNCTION lacuna.lineage_publish(BIGINT) FROM PUBLIC;
-- Pushers add rows and read what they may (their own repositories' pushes at least);
-- readers read the views only.
GRANT SELECT, INSERT ON lacuna.lineage_pushes TO lacuna_ingest;
GRANT INSERT ON lacuna.lineage_nodes, lacuna.lineage_edges, lacuna.lineage_column_edges
    TO lacuna_ingest;
GRANT USAGE ON SEQUENCE lacuna.lineage_pushes_push_id_seq TO lacuna_ingest;
GRANT EXECUTE ON FUNCTION lacuna.lineage_publish(BIGINT) TO lacuna_ingest;
GRANT USAGE ON SCHEMA lacuna TO lacuna_read;
GRANT SELECT ON lacuna.visible_pushes, lacuna.current_pushes, lacuna.visible_nodes,
    lacuna.visible_edges, lacuna.visible_column_edges, lacuna.current_nodes,
    lacuna.current_edges, lacuna.current_column_edges TO lacuna_read, lacuna_ingest;
