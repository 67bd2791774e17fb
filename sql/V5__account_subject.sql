-- Accounts of callers with JSON Web Tokens (issue 35): the token's account claim (its sub by
-- default) the account stands for, unique; NULL for accounts whose callers use API keys. Written
-- for PostgreSQL and H2.

ALTER TABLE account ADD COLUMN token_subject VARCHAR(200);
CREATE UNIQUE INDEX account_token_subject ON account (token_subject);
