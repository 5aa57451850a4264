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
CREATE INDEX "audit_events_tenant_actor_idx" ON "audit_events" USING btree ("tenant_id","actor_id","occurred_at" DESC NULLS LAST);
