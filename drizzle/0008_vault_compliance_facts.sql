ALTER TABLE "vaults" ADD COLUMN "ip_rules" jsonb;--> statement-breakpoint
ALTER TABLE "vaults" ADD COLUMN "diagnostic_settings" jsonb;--> statement-breakpoint
ALTER TABLE "vaults" ADD COLUMN "defender_for_key_vault" text;