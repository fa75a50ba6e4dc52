CREATE TABLE "app_credentials" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"app_object_id" text NOT NULL,
	"key_id" text NOT NULL,
	"type" text NOT NULL,
	"display_name" text,
	"hint" text,
	"start_date_time" timestamp with time zone,
	"end_date_time" timestamp with time zone,
	"status" text NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "app_registrations" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"app_id" text NOT NULL,
	"display_name" text NOT NULL,
	"owners" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_date_time" timestamp with time zone,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "assets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"vault_id" text NOT NULL,
	"subscription_id" text NOT NULL,
	"type" text NOT NULL,
	"name" text NOT NULL,
	"object_id" text NOT NULL,
	"current_version" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"not_before" timestamp with time zone,
	"expires_on" timestamp with time zone,
	"created_on" timestamp with time zone,
	"updated_on" timestamp with time zone,
	"content_type" text,
	"managed" boolean DEFAULT false NOT NULL,
	"recovery_level" text,
	"tags" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"version_count" integer,
	"status" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"detail_fingerprint" text,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "scan_errors" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"scan_id" uuid NOT NULL,
	"scope" text NOT NULL,
	"kind" text NOT NULL,
	"code" text,
	"message" text NOT NULL,
	"remediation" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scan_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"mode" text NOT NULL,
	"scope" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"trigger" text NOT NULL,
	"requested_by" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"heartbeat_at" timestamp with time zone,
	"cancel_requested" boolean DEFAULT false NOT NULL,
	"vaults_total" integer DEFAULT 0 NOT NULL,
	"vaults_done" integer DEFAULT 0 NOT NULL,
	"vaults_failed" integer DEFAULT 0 NOT NULL,
	"objects_seen" integer DEFAULT 0 NOT NULL,
	"apps_seen" integer DEFAULT 0 NOT NULL,
	"error_count" integer DEFAULT 0 NOT NULL,
	"request_count" integer DEFAULT 0 NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text,
	"display_name" text NOT NULL,
	"state" text,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "vaults" (
	"id" text PRIMARY KEY NOT NULL,
	"subscription_id" text NOT NULL,
	"resource_group" text NOT NULL,
	"name" text NOT NULL,
	"location" text,
	"vault_uri" text,
	"tenant_id" text,
	"sku" text,
	"enable_rbac_authorization" boolean,
	"enable_soft_delete" boolean,
	"soft_delete_retention_days" integer,
	"enable_purge_protection" boolean,
	"public_network_access" text,
	"network_default_action" text,
	"ip_rule_count" integer,
	"vnet_rule_count" integer,
	"private_endpoint_count" integer,
	"access_policy_count" integer,
	"diagnostics_enabled" boolean,
	"tags" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"access_status" text DEFAULT 'unknown' NOT NULL,
	"access_error" jsonb,
	"object_count" integer DEFAULT 0 NOT NULL,
	"last_scan_id" uuid,
	"last_scanned_at" timestamp with time zone,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "app_credentials" ADD CONSTRAINT "app_credentials_app_object_id_app_registrations_id_fk" FOREIGN KEY ("app_object_id") REFERENCES "public"."app_registrations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "assets_vault_id_vaults_id_fk" FOREIGN KEY ("vault_id") REFERENCES "public"."vaults"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scan_errors" ADD CONSTRAINT "scan_errors_scan_id_scan_runs_id_fk" FOREIGN KEY ("scan_id") REFERENCES "public"."scan_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "app_credentials_app_key_uq" ON "app_credentials" USING btree ("app_object_id","key_id");--> statement-breakpoint
CREATE INDEX "app_credentials_end_idx" ON "app_credentials" USING btree ("end_date_time");--> statement-breakpoint
CREATE INDEX "app_registrations_app_id_idx" ON "app_registrations" USING btree ("app_id");--> statement-breakpoint
CREATE UNIQUE INDEX "assets_vault_type_name_uq" ON "assets" USING btree ("vault_id","type","name");--> statement-breakpoint
CREATE INDEX "assets_expires_idx" ON "assets" USING btree ("expires_on");--> statement-breakpoint
CREATE INDEX "assets_status_idx" ON "assets" USING btree ("status");--> statement-breakpoint
CREATE INDEX "assets_subscription_idx" ON "assets" USING btree ("subscription_id");--> statement-breakpoint
CREATE INDEX "assets_name_idx" ON "assets" USING btree ("name");--> statement-breakpoint
CREATE INDEX "scan_errors_scan_idx" ON "scan_errors" USING btree ("scan_id");--> statement-breakpoint
CREATE INDEX "scan_runs_created_idx" ON "scan_runs" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "vaults_subscription_idx" ON "vaults" USING btree ("subscription_id");--> statement-breakpoint
CREATE INDEX "vaults_name_idx" ON "vaults" USING btree ("name");