-- An account of callers' tokens stands for the issuer and the token's account claim together
-- ("<issuer> <claim>": a claim is unique within one issuer only), longer than the claim alone.
-- Written for PostgreSQL and H2.

ALTER TABLE account ALTER COLUMN token_subject SET DATA TYPE VARCHAR(1000);
