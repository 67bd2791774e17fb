-- Accounts of callers with JSON Web Tokens (issue 35): the subject the account stands for, the
-- issuer and the token's account claim ("<issuer> <claim>": a claim is unique within one issuer
-- only), unique; NULL for accounts whose callers use API keys. Written for PostgreSQL and H2.

ALTER TABLE account ADD COLUMN token_subject VARCHAR(1000);
CREATE UNIQUE INDEX account_token_subject ON account (token_subject);
