CREATE TABLE "audit_prunes" (
	"tenant_id" text NOT NULL,
	"through_seq" bigint NOT NULL,
	"through_hash" text NOT NULL,
	"retention_days" integer NOT NULL,
	"deleted" bigint NOT NULL,
	"pruned_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_prunes" ADD CONSTRAINT "audit_prunes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_prunes_tenant_seq_key" ON "audit_prunes" USING btree ("tenant_id","through_seq");--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_audit_retention_days_check" CHECK ("tenants"."audit_retention_days" between 1 and 3650);--> statement-breakpoint
ALTER TABLE audit_prunes ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE audit_prunes FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON audit_prunes
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
--> statement-breakpoint
-- Only gatehouse_audit_prune() records a prune; the app reads them to verify.
REVOKE INSERT, UPDATE, DELETE ON audit_prunes FROM gatehouse_app;
--> statement-breakpoint
-- Every event joins its tenant's chain as it is inserted, whoever inserts it:
-- its place and hashes are set here from the chain's head, whatever the
-- insert said, so no event can be stored beside the chain or at a place of
-- its choosing, and the head never moves without an event. (Only a superuser
-- loading in bulk with session_replication_role = replica skips it.)
CREATE OR REPLACE FUNCTION gatehouse_audit_chain_event() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  v_link record;
BEGIN
  SELECT a.seq, a.prev_hash, a.hash INTO v_link FROM gatehouse_audit_append(NEW.tenant_id, NEW.content_hash) a;
  IF v_link.seq IS NULL THEN
    RAISE EXCEPTION 'audit event % cannot join the chain of tenant %: the tenant is not in scope or the content hash is malformed', NEW.id, NEW.tenant_id
      USING ERRCODE = 'check_violation';
  END IF;
  NEW.seq := v_link.seq;
  NEW.prev_hash := v_link.prev_hash;
  NEW.hash := v_link.hash;
  RETURN NEW;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION gatehouse_audit_chain_event() FROM PUBLIC;
--> statement-breakpoint
CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION gatehouse_audit_chain_event();
--> statement-breakpoint
-- The app no longer moves a chain's head itself: only inserting an event does.
REVOKE EXECUTE ON FUNCTION gatehouse_audit_append(text, text) FROM gatehouse_app;
--> statement-breakpoint
-- Retention: deletes the tenant-in-scope's audit events up to and including
-- place p_through_seq, but only where a checkpoint stands at exactly that
-- place and hash (so the chain that remains starts from a signed point and
-- stays verifiable), the tenant has a retention period, and that event is
-- older than it; and records what it deleted in audit_prunes, which
-- verification requires of a chain whose start is gone. Events from before
-- the chain existed go by age alone. The app's role still cannot DELETE
-- audit rows itself.
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
  IF v_days IS NULL OR v_days < 1 THEN
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
  INSERT INTO audit_prunes (tenant_id, through_seq, through_hash, retention_days, deleted)
  VALUES (p_tenant, p_through_seq, v_hash, v_days, v_deleted)
  ON CONFLICT (tenant_id, through_seq) DO UPDATE SET deleted = audit_prunes.deleted + excluded.deleted, pruned_at = now();
  RETURN v_deleted;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION gatehouse_audit_prune(text, bigint) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION gatehouse_audit_prune(text, bigint) TO gatehouse_app;
