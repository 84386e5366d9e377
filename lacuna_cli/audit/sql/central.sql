-- Central, append-only audit store in PostgreSQL (`lacuna audit init-central`).
-- Each repository pushes its own hash chain (`chain`, the name given to `audit push --repo`);
-- rows can be inserted and read, never changed.
-- A superuser can still bypass triggers: the signed checkpoints pushed beside the records
-- (and kept by auditors) are what prove the rows were not rewritten.
CREATE SCHEMA IF NOT EXISTS lacuna;

CREATE TABLE IF NOT EXISTS lacuna.audit_log (
    chain TEXT NOT NULL, seq BIGINT NOT NULL, event_id TEXT NOT NULL UNIQUE,
    "timestamp" TEXT NOT NULL, actor TEXT NOT NULL, repo TEXT NOT NULL, "commit" TEXT NOT NULL,
    event_type TEXT NOT NULL, resource TEXT NOT NULL, action TEXT NOT NULL, tier TEXT NOT NULL,
    tags TEXT[] NOT NULL, result TEXT NOT NULL, policy_id TEXT NOT NULL,
    policy_version TEXT NOT NULL, reasoning TEXT NOT NULL, location TEXT NOT NULL,
    prev_hash TEXT NOT NULL, hash TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (chain, seq)
);

CREATE TABLE IF NOT EXISTS lacuna.checkpoints (
    chain TEXT NOT NULL, seq BIGINT NOT NULL, head_hash TEXT NOT NULL, tree_root TEXT NOT NULL,
    "timestamp" TEXT NOT NULL, key_id TEXT NOT NULL, signature TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (chain, seq)
);

CREATE OR REPLACE FUNCTION lacuna.reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'lacuna: % on %.% is not allowed: the audit store is append-only',
        TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME;
END $$;

-- Every inserted record must continue its chain: seq 1 links to the genesis
-- hash, any other seq links to the stored hash of seq - 1.
CREATE OR REPLACE FUNCTION lacuna.check_continuity() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    broken RECORD;
BEGIN
    SELECT n.chain, n.seq INTO broken FROM inserted n
    WHERE NOT (
        (n.seq = 1 AND n.prev_hash = repeat('0', 64))
        OR EXISTS (SELECT 1 FROM lacuna.audit_log p
                   WHERE p.chain = n.chain AND p.seq = n.seq - 1 AND p.hash = n.prev_hash))
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'lacuna: record % of % does not continue its chain', broken.seq, broken.chain;
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
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'audit_log_continuity') THEN
        CREATE TRIGGER audit_log_continuity AFTER INSERT ON lacuna.audit_log
            REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
            EXECUTE FUNCTION lacuna.check_continuity();
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lacuna_ingest') THEN
        CREATE ROLE lacuna_ingest NOLOGIN;
    END IF;
END $$;

REVOKE ALL ON lacuna.audit_log, lacuna.checkpoints FROM PUBLIC;
GRANT USAGE ON SCHEMA lacuna TO lacuna_ingest;
GRANT SELECT, INSERT ON lacuna.audit_log, lacuna.checkpoints TO lacuna_ingest;
