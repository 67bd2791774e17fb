-- Per-key allowlists (issue 14): each list is its entries one per line, NULL when not set; and the
-- key's optional secret, stored as its SHA-256 hash like the key. Written for PostgreSQL and H2.

ALTER TABLE api_key ADD COLUMN allowed_origins VARCHAR(8000);
ALTER TABLE api_key ADD COLUMN allowed_cidrs VARCHAR(8000);
ALTER TABLE api_key ADD COLUMN allowed_user_agents VARCHAR(8000);
ALTER TABLE api_key ADD COLUMN allowed_methods VARCHAR(8000);
ALTER TABLE api_key ADD COLUMN allowed_contracts VARCHAR(8000);
ALTER TABLE api_key ADD COLUMN secret_hash VARCHAR(64);
ALTER TABLE api_key ADD COLUMN secret_required BOOLEAN DEFAULT FALSE NOT NULL;
