-- Networks: the networks an account's keys may call (comma-separated names); NULL: every network.
ALTER TABLE account ADD COLUMN networks VARCHAR(1000);

-- Each month's usage per account and network; monthly_usage keeps the account's total, which the
-- quota is checked against (one budget across networks).
CREATE TABLE network_usage (
    account_id UUID NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    period VARCHAR(7) NOT NULL,
    network VARCHAR(64) NOT NULL,
    compute_units BIGINT NOT NULL,
    requests BIGINT NOT NULL,
    refusals BIGINT NOT NULL,
    PRIMARY KEY (account_id, period, network)
);
