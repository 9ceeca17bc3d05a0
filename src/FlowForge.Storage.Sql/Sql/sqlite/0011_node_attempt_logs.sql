-- What a node wrote while an attempt ran (a script's console output), bounded by Execution:MaxAttemptLogBytes.
ALTER TABLE NodeAttempts ADD COLUMN Logs TEXT NULL;
