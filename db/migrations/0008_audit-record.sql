ALTER TABLE "tenants" ADD COLUMN "audit_fail_open" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "audit_result_max_bytes" integer DEFAULT 16384 NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "audit_full_payloads" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "audit_retention_days" integer;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "audit_redaction" jsonb DEFAULT '{"detectors":["email","phone","card","iban"],"fieldRules":[]}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "severity" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "actor_kind" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "source_ip" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "target_type" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "target_id" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "target_name" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "before" jsonb;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "after" jsonb;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "result" jsonb;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "result_bytes" integer;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "result_hash" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "result_truncated" boolean;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "redactions" jsonb;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "sealed_payload" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (jsonb_to_tsvector('simple', coalesce(arguments, 'null'::jsonb), '["string", "numeric"]')
        || jsonb_to_tsvector('simple', coalesce(result, 'null'::jsonb), '["string", "numeric"]')
        || to_tsvector('simple', coalesce(tool, '') || ' ' || coalesce(error, '') || ' ' || coalesce(reason, '') || ' ' || coalesce(comment, '') || ' ' || coalesce(target_name, ''))) STORED;--> statement-breakpoint
CREATE INDEX "audit_events_search_idx" ON "audit_events" USING gin ("search");--> statement-breakpoint
CREATE INDEX "audit_events_tenant_tool_idx" ON "audit_events" USING btree ("tenant_id","tool","occurred_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_events_tenant_actor_idx" ON "audit_events" USING btree ("tenant_id","actor_id","occurred_at" DESC NULLS LAST);--> statement-breakpoint
-- Retention: deletes the tenant-in-scope's audit events up to and including
-- place p_through_seq, but only where a checkpoint stands at exactly that
-- place and hash (so the chain that remains starts from a signed point and
-- stays verifiable), the tenant has a retention period, and that event is
-- older than it. Events from before the chain existed go by age alone.
-- The app's role still cannot DELETE audit rows itself.
CREATE OR REPLACE FUNCTION gatehouse_audit_prune(p_tenant text, p_through_seq bigint) RETURNS bigint
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
DECLARE
  v_days integer;
  v_at timestamptz;
  v_hash text;
  v_deleted bigint;
BEGIN
  IF p_tenant IS DISTINCT FROM current_setting('app.tenant_id', true) THEN
    RAISE EXCEPTION 'only the audit log of the tenant in scope can be pruned';
  END IF;
  SELECT t.audit_retention_days INTO v_days FROM tenants t WHERE t.id = p_tenant;
  IF v_days IS NULL THEN
    RAISE EXCEPTION 'the tenant has no audit retention period';
  END IF;
  SELECT e.occurred_at, e.hash INTO v_at, v_hash FROM audit_events e WHERE e.tenant_id = p_tenant AND e.seq = p_through_seq;
  IF v_at IS NULL OR v_at >= now() - make_interval(days => v_days) THEN
    RAISE EXCEPTION 'event % is not older than the retention period', p_through_seq;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM audit_checkpoints c WHERE c.tenant_id = p_tenant AND c.seq = p_through_seq AND c.hash = v_hash) THEN
    RAISE EXCEPTION 'no checkpoint stands at event %', p_through_seq;
  END IF;
  DELETE FROM audit_events e
  WHERE e.tenant_id = p_tenant
    AND (e.seq <= p_through_seq OR (e.seq IS NULL AND e.occurred_at < now() - make_interval(days => v_days)));
  GET DIAGNOSTICS v_deleted = ROW_COUNT;
  RETURN v_deleted;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION gatehouse_audit_prune(text, bigint) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION gatehouse_audit_prune(text, bigint) TO gatehouse_app;
