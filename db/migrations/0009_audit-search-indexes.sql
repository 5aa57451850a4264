CREATE INDEX "audit_events_tenant_agent_name_idx" ON "audit_events" USING btree ("tenant_id","agent_name","occurred_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_events_tenant_actor_name_idx" ON "audit_events" USING btree ("tenant_id","actor_name","occurred_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_events_tenant_action_time_idx" ON "audit_events" USING btree ("tenant_id","action","occurred_at" DESC NULLS LAST,"id" DESC NULLS LAST,"decision","outcome","total_ms");--> statement-breakpoint
-- Free-text search of the audit log uses the GIN index over `search` only if
-- Postgres may evaluate `tsvector @@ tsquery` before the row-level-security
-- policy: that is, if the operator's function is marked leakproof (it raises
-- no error and has no side effect that depends on the row it reads). Without
-- it, a search for a rare word reads every event of the tenant. Marking a
-- built-in function needs a superuser; another migrating role leaves it as it
-- is, and search stays correct, only slower for rare words.
DO $$
BEGIN
  ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) LEAKPROOF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'ts_match_vq stays non-leakproof (the migrating role is not a superuser): audit free-text search will not use its index under row-level security';
END
$$;
