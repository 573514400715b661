-- The migrations up to revision 0002, rendered for SQLite by `python -m storage.migrations`

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
