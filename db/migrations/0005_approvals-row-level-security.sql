-- Tenant isolation for approvals and webhooks (see 0001 for how the scope is set).
--> statement-breakpoint
ALTER TABLE approvals ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE approvals FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON approvals
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
--> statement-breakpoint
ALTER TABLE approval_votes ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE approval_votes FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON approval_votes
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
--> statement-breakpoint
ALTER TABLE webhooks ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE webhooks FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON webhooks
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
--> statement-breakpoint
ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON webhook_deliveries
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
--> statement-breakpoint
-- A vote is history: it is never changed or taken back.
REVOKE UPDATE, DELETE ON approval_votes FROM gatehouse_app;
--> statement-breakpoint
-- Background work (webhook delivery, approval expiry) must learn which tenants
-- have something due without seeing any tenant's rows: these return ids only
-- and run as the owner. The work itself then runs in each tenant's scope.
DO $$
BEGIN
  -- FORCE row-level security applies to the owner too: let the owner (the functions
  -- below) read these two tables whole. The app's own role gains nothing.
  EXECUTE format('CREATE POLICY background_scan ON webhook_deliveries FOR SELECT TO %I USING (true)', current_user);
  EXECUTE format('CREATE POLICY background_scan ON approvals FOR SELECT TO %I USING (true)', current_user);
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION gatehouse_tenants_with_due_deliveries() RETURNS SETOF text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT DISTINCT tenant_id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= now()
  $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION gatehouse_next_delivery_at() RETURNS timestamptz
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT min(next_attempt_at) FROM webhook_deliveries WHERE status = 'pending'
  $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION gatehouse_tenants_with_expired_approvals() RETURNS SETOF text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT DISTINCT tenant_id FROM approvals WHERE status IN ('pending', 'approved') AND expires_at <= now()
  $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION gatehouse_tenants_with_due_deliveries(), gatehouse_next_delivery_at(), gatehouse_tenants_with_expired_approvals() TO gatehouse_app;
