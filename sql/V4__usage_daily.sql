-- Usage per account, key, network, method and day (UTC), for billing and the admin API's usage
-- views: every call counted once (requests), the compute units it was charged, and whether it was
-- refused or answered with an error. key_id is the all-zero UUID for an account's calls made
-- without a key of its own. Written for PostgreSQL and H2; instances add to the same rows.

CREATE TABLE usage_daily (
    account_id UUID NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    usage_day DATE NOT NULL,
    key_id UUID NOT NULL,
    network VARCHAR(64) NOT NULL,
    method VARCHAR(128) NOT NULL,
    requests BIGINT NOT NULL,
    compute_units BIGINT NOT NULL,
    refusals BIGINT NOT NULL,
    errors BIGINT NOT NULL,
    PRIMARY KEY (account_id, usage_day, key_id, network, method)
);
CREATE INDEX usage_daily_day ON usage_daily (usage_day);
