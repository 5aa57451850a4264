CREATE TABLE "audit_checkpoints" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"key_id" text NOT NULL,
	"signature" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_checkpoints" ADD CONSTRAINT "audit_checkpoints_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_checkpoints_tenant_seq_key" ON "audit_checkpoints" USING btree ("tenant_id","seq");--> statement-breakpoint
ALTER TABLE audit_checkpoints ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE audit_checkpoints FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON audit_checkpoints
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
--> statement-breakpoint
REVOKE UPDATE, DELETE ON audit_checkpoints FROM gatehouse_app;
--> statement-breakpoint
-- Tenants whose chain moved since their last checkpoint (ids only), for the process that writes checkpoints.
CREATE OR REPLACE FUNCTION gatehouse_tenants_needing_checkpoint() RETURNS SETOF text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT h.tenant_id FROM audit_chain_heads h
    WHERE h.seq > coalesce((SELECT max(c.seq) FROM audit_checkpoints c WHERE c.tenant_id = h.tenant_id), 0)
  $$;
--> statement-breakpoint
DO $$
BEGIN
  EXECUTE format('CREATE POLICY background_scan ON audit_checkpoints FOR SELECT TO %I USING (true)', current_user);
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION gatehouse_tenants_needing_checkpoint() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION gatehouse_tenants_needing_checkpoint() TO gatehouse_app;
