CREATE TABLE "compliance_findings" (
	"rule_id" text NOT NULL,
	"object_id" text NOT NULL,
	"scope" text NOT NULL,
	"severity" text NOT NULL,
	"object_name" text NOT NULL,
	"vault_id" text,
	"vault_name" text,
	"subscription_id" text,
	"status" text NOT NULL,
	"reason" text NOT NULL,
	"waiver_id" uuid,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "compliance_findings_rule_id_object_id_pk" PRIMARY KEY("rule_id","object_id")
);
--> statement-breakpoint
CREATE TABLE "compliance_objects" (
	"object_id" text PRIMARY KEY NOT NULL,
	"scope" text NOT NULL,
	"object_name" text NOT NULL,
	"vault_id" text,
	"vault_name" text,
	"subscription_id" text,
	"digest" text NOT NULL,
	"next_change_at" timestamp with time zone,
	"evaluated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "compliance_snapshots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"scan_id" uuid,
	"trigger" text NOT NULL,
	"mode" text NOT NULL,
	"taken_at" timestamp with time zone NOT NULL,
	"watermark" timestamp with time zone NOT NULL,
	"rules_fingerprint" text NOT NULL,
	"tenant_score" real,
	"scores" jsonb NOT NULL,
	"tallies" jsonb NOT NULL,
	"delta" real,
	"explanations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"objects_evaluated" integer NOT NULL,
	"findings_changed" integer NOT NULL,
	"duration_ms" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "compliance_waivers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"rule_id" text NOT NULL,
	"scope_type" text NOT NULL,
	"scope_id" text NOT NULL,
	"scope_label" text NOT NULL,
	"justification" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"proposed_by" text NOT NULL,
	"proposed_by_name" text NOT NULL,
	"proposed_at" timestamp with time zone NOT NULL,
	"decided_by" text,
	"decided_by_name" text,
	"decided_at" timestamp with time zone,
	"decision_note" text
);
--> statement-breakpoint
CREATE INDEX "compliance_findings_object_idx" ON "compliance_findings" USING btree ("object_id");--> statement-breakpoint
CREATE INDEX "compliance_findings_status_idx" ON "compliance_findings" USING btree ("status","severity");--> statement-breakpoint
CREATE INDEX "compliance_findings_vault_idx" ON "compliance_findings" USING btree ("vault_id");--> statement-breakpoint
CREATE INDEX "compliance_objects_next_change_idx" ON "compliance_objects" USING btree ("next_change_at") WHERE next_change_at is not null;--> statement-breakpoint
CREATE INDEX "compliance_objects_vault_idx" ON "compliance_objects" USING btree ("vault_id");--> statement-breakpoint
CREATE INDEX "compliance_snapshots_taken_idx" ON "compliance_snapshots" USING btree ("taken_at");--> statement-breakpoint
CREATE INDEX "compliance_waivers_rule_idx" ON "compliance_waivers" USING btree ("rule_id","status");