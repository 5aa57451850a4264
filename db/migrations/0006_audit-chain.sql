CREATE TABLE "audit_chain_heads" (
	"tenant_id" text PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "seq" bigint;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "content_hash" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "prev_hash" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "hash" text;--> statement-breakpoint
ALTER TABLE "audit_chain_heads" ADD CONSTRAINT "audit_chain_heads_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_tenant_seq_key" ON "audit_events" USING btree ("tenant_id","seq");--> statement-breakpoint
-- Only gatehouse_audit_append() moves a chain's head: the app's role may not read or write it.
REVOKE ALL ON audit_chain_heads FROM gatehouse_app;
--> statement-breakpoint
-- Continues the calling tenant's chain by one event: returns its place, the hash
-- before it and its chain hash, sha256(prev_hash || content_hash). The first
-- event of a tenant continues from a genesis hash of the tenant id, so chains
-- cannot be spliced across tenants. Only the tenant in scope may be continued
-- (no row comes back otherwise, and the caller refuses to write the event).
-- Concurrent appends queue on the head row: the chain has no forks.
CREATE OR REPLACE FUNCTION gatehouse_audit_append(p_tenant text, p_content_hash text)
  RETURNS TABLE (seq bigint, prev_hash text, hash text)
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
    INSERT INTO audit_chain_heads AS h (tenant_id, seq, prev_hash, hash)
    SELECT p_tenant, 1, g.genesis, encode(sha256(convert_to(g.genesis || p_content_hash, 'UTF8')), 'hex')
    FROM (SELECT encode(sha256(convert_to('gatehouse-audit:' || p_tenant, 'UTF8')), 'hex') AS genesis) g
    WHERE p_tenant = current_setting('app.tenant_id', true) AND p_content_hash ~ '^[0-9a-f]{64}$'
    ON CONFLICT (tenant_id) DO UPDATE
      SET seq = h.seq + 1, prev_hash = h.hash, hash = encode(sha256(convert_to(h.hash || p_content_hash, 'UTF8')), 'hex')
    RETURNING h.seq, h.prev_hash, h.hash
  $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION gatehouse_audit_append(text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION gatehouse_audit_append(text, text) TO gatehouse_app;
--> statement-breakpoint
-- Where the chain of the tenant in scope ends, for verification (a cut-off tail shows as events missing before it).
CREATE OR REPLACE FUNCTION gatehouse_audit_head()
  RETURNS TABLE (seq bigint, hash text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT h.seq, h.hash FROM audit_chain_heads h WHERE h.tenant_id = current_setting('app.tenant_id', true)
  $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION gatehouse_audit_head() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION gatehouse_audit_head() TO gatehouse_app;
