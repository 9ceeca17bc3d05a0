-- OAuth state lookups bind the hash as text; against CHAR(64) PostgreSQL compares as text and cannot use the primary key.
ALTER TABLE OAuthStates ALTER COLUMN StateHash TYPE TEXT;
ALTER TABLE OAuthStates ALTER COLUMN BindingHash TYPE TEXT;
