-- Editing evaluation schemes (UpdateEvaluationScheme, DeleteEvaluationScheme):
-- drafts are soft-deleted, kept for history and never published.
ALTER TABLE eval_schemes ADD COLUMN deleted_at timestamptz;
