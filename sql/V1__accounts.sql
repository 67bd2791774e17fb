-- Accounts, API keys, blocklist, monthly usage, audit, and the change counter instances poll.
-- Written for both PostgreSQL and the embedded H2 database.

CREATE TABLE account (
    id UUID PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    tier VARCHAR(64) NOT NULL,
    enabled BOOLEAN NOT NULL,
    rps_override DOUBLE PRECISION,
    burst_override BIGINT,
    cu_per_second_override DOUBLE PRECISION,
    monthly_cu_override BIGINT,
    ws_connections_override INTEGER,
    sender_exempt BOOLEAN NOT NULL,
    flagged_high_rate_at TIMESTAMP(6) WITH TIME ZONE,
    created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP(6) WITH TIME ZONE NOT NULL
);

CREATE TABLE api_key (
    id UUID PRIMARY KEY,
    account_id UUID NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    label VARCHAR(200),
    key_hash VARCHAR(64) NOT NULL UNIQUE,
    prefix VARCHAR(16) NOT NULL,
    created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    last_used_at TIMESTAMP(6) WITH TIME ZONE,
    revoked_at TIMESTAMP(6) WITH TIME ZONE
);
CREATE INDEX api_key_account ON api_key (account_id);

CREATE TABLE blocked_address (
    id UUID PRIMARY KEY,
    cidr VARCHAR(64) NOT NULL,
    reason VARCHAR(500),
    created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP(6) WITH TIME ZONE
);

CREATE TABLE monthly_usage (
    account_id UUID NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    period VARCHAR(7) NOT NULL,
    compute_units BIGINT NOT NULL,
    requests BIGINT NOT NULL,
    refusals BIGINT NOT NULL,
    PRIMARY KEY (account_id, period)
);

CREATE TABLE audit_record (
    id UUID PRIMARY KEY,
    actor VARCHAR(100) NOT NULL,
    action VARCHAR(64) NOT NULL,
    target VARCHAR(100),
    detail VARCHAR(2000),
    at TIMESTAMP(6) WITH TIME ZONE NOT NULL
);

CREATE TABLE change_seq (
    id INTEGER PRIMARY KEY,
    seq BIGINT NOT NULL
);
INSERT INTO change_seq (id, seq) VALUES (1, 0);
