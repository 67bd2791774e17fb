-- The networks an account's keys may call (comma-separated names); NULL: every network.
ALTER TABLE account ADD COLUMN networks VARCHAR(1000);
