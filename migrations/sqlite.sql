-- The migrations up to revision 0003, rendered for SQLite by `python -m storage.migrations`

CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

-- Running upgrade  -> 0001

CREATE TABLE connectors (
    id VARCHAR(512) NOT NULL,
    seq_no BIGINT NOT NULL,
    primary_term BIGINT NOT NULL,
    source TEXT NOT NULL,
    index_name TEXT,
    name TEXT,
    service_type TEXT,
    description TEXT,
    deleted BOOLEAN NOT NULL,
    CONSTRAINT pk_connectors PRIMARY KEY (id)
);

CREATE INDEX ix_connectors_index_name ON connectors (index_name);

CREATE INDEX ix_connectors_name ON connectors (name);

CREATE INDEX ix_connectors_service_type ON connectors (service_type);

CREATE INDEX ix_connectors_deleted ON connectors (deleted);

CREATE TABLE connector_sync_jobs (
    id VARCHAR(512) NOT NULL,
    seq_no BIGINT NOT NULL,
    primary_term BIGINT NOT NULL,
    source TEXT NOT NULL,
    connector_id TEXT,
    status TEXT,
    job_type TEXT,
    created_at BIGINT,
    CONSTRAINT pk_connector_sync_jobs PRIMARY KEY (id)
);

CREATE INDEX ix_connector_sync_jobs_connector_id ON connector_sync_jobs (connector_id);

CREATE INDEX ix_connector_sync_jobs_status ON connector_sync_jobs (status);

CREATE INDEX ix_connector_sync_jobs_job_type ON connector_sync_jobs (job_type);

CREATE INDEX ix_connector_sync_jobs_created_at ON connector_sync_jobs (created_at);

CREATE TABLE connector_secrets (
    id VARCHAR(512) NOT NULL,
    seq_no BIGINT NOT NULL,
    primary_term BIGINT NOT NULL,
    source TEXT NOT NULL,
    CONSTRAINT pk_connector_secrets PRIMARY KEY (id)
);

INSERT INTO alembic_version (version_num) VALUES ('0001') RETURNING version_num;

-- Running upgrade 0001 -> 0002

CREATE TABLE api_keys (
    id VARCHAR(512) NOT NULL,
    seq_no BIGINT NOT NULL,
    primary_term BIGINT NOT NULL,
    source TEXT NOT NULL,
    name TEXT,
    username TEXT,
    realm TEXT,
    invalidated BOOLEAN NOT NULL,
    CONSTRAINT pk_api_keys PRIMARY KEY (id)
);

CREATE INDEX ix_api_keys_name ON api_keys (name);

CREATE INDEX ix_api_keys_username ON api_keys (username);

CREATE INDEX ix_api_keys_invalidated ON api_keys (invalidated);

UPDATE alembic_version SET version_num='0002' WHERE alembic_version.version_num = '0001';

-- Running upgrade 0002 -> 0003

CREATE TABLE document_counts (
    table_name VARCHAR(64) NOT NULL,
    documents BIGINT NOT NULL,
    term_matches BIGINT NOT NULL,
    CONSTRAINT pk_document_counts PRIMARY KEY (table_name)
);

CREATE TRIGGER connectors_count_insert AFTER INSERT ON connectors BEGIN
    UPDATE document_counts SET documents = documents + 1, term_matches = term_matches + CASE WHEN NEW.deleted = FALSE THEN 1 ELSE 0 END WHERE table_name = 'connectors';
END;

CREATE TRIGGER connectors_count_delete AFTER DELETE ON connectors BEGIN
    UPDATE document_counts SET documents = documents - 1, term_matches = term_matches - CASE WHEN OLD.deleted = FALSE THEN 1 ELSE 0 END WHERE table_name = 'connectors';
END;

CREATE TRIGGER connectors_count_update AFTER UPDATE OF deleted ON connectors
WHEN (NEW.deleted = FALSE) <> (OLD.deleted = FALSE) BEGIN
    UPDATE document_counts SET term_matches = term_matches + CASE WHEN NEW.deleted = FALSE THEN 1 ELSE 0 END - CASE WHEN OLD.deleted = FALSE THEN 1 ELSE 0 END WHERE table_name = 'connectors';
END;

INSERT INTO document_counts (table_name, documents, term_matches) SELECT 'connectors', COUNT(*), COALESCE(SUM(CASE WHEN connectors.deleted = FALSE THEN 1 ELSE 0 END), 0) FROM connectors;

CREATE TRIGGER connector_sync_jobs_count_insert AFTER INSERT ON connector_sync_jobs BEGIN
    UPDATE document_counts SET documents = documents + 1 WHERE table_name = 'connector_sync_jobs';
END;

CREATE TRIGGER connector_sync_jobs_count_delete AFTER DELETE ON connector_sync_jobs BEGIN
    UPDATE document_counts SET documents = documents - 1 WHERE table_name = 'connector_sync_jobs';
END;

INSERT INTO document_counts (table_name, documents, term_matches) SELECT 'connector_sync_jobs', COUNT(*), 0 FROM connector_sync_jobs;

DROP INDEX ix_connectors_deleted;

DROP INDEX ix_connectors_index_name;

CREATE INDEX ix_connectors_deleted_index_name_id ON connectors (deleted, index_name, id);

CREATE INDEX ix_connectors_index_name_id ON connectors (index_name, id);

DROP INDEX ix_connector_sync_jobs_connector_id;

DROP INDEX ix_connector_sync_jobs_created_at;

CREATE INDEX ix_connector_sync_jobs_connector_id_created_at ON connector_sync_jobs (connector_id, created_at DESC);

CREATE INDEX ix_connector_sync_jobs_created_at ON connector_sync_jobs (created_at DESC);

UPDATE alembic_version SET version_num='0003' WHERE alembic_version.version_num = '0002';
