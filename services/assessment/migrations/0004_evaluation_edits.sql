-- Editing evaluation inputs (UpdateReviewScore, DeleteReviewScore): review
-- scores are soft-deleted like declarations; one live score per school,
-- community, scheme and component (a deleted one may be entered again).
ALTER TABLE eval_review_scores ADD COLUMN deleted_at timestamptz;
DO $$
DECLARE n text;
BEGIN
  FOR n IN SELECT conname FROM pg_constraint WHERE conrelid = 'eval_review_scores'::regclass AND contype = 'u' LOOP
    EXECUTE format('ALTER TABLE eval_review_scores DROP CONSTRAINT %I', n);
  END LOOP;
END $$;
CREATE UNIQUE INDEX eval_review_scores_live ON eval_review_scores (school_code, community_id, scheme_id, component_id)
  WHERE deleted_at IS NULL;
