ALTER TABLE "vaults" ADD COLUMN "enabled_for_deployment" boolean;--> statement-breakpoint
ALTER TABLE "vaults" ADD COLUMN "enabled_for_disk_encryption" boolean;--> statement-breakpoint
ALTER TABLE "vaults" ADD COLUMN "enabled_for_template_deployment" boolean;--> statement-breakpoint
ALTER TABLE "vaults" ADD COLUMN "network_bypass" text;--> statement-breakpoint
ALTER TABLE "vaults" ADD COLUMN "private_endpoints" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "vaults" ADD COLUMN "access_policies" jsonb;--> statement-breakpoint
ALTER TABLE "vaults" ADD COLUMN "readable" boolean;--> statement-breakpoint
-- Backfill (hand-written): whether each scanned vault's last scan listed its objects. Before this column only
-- access_status told: 'ok' always listed; 'permission' with "Objects listed, but details…" listed (details denied);
-- every other status a scan stored (last_scanned_at set) was a listing failure. Never-scanned rows stay null.
UPDATE "vaults" SET "readable" = ("access_status" = 'ok'
  OR ("access_status" = 'permission' AND coalesce("access_error"->>'message', '') LIKE 'Objects listed,%'))
WHERE "last_scanned_at" IS NOT NULL;
