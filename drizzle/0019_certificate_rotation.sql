ALTER TABLE "app_credentials" ADD COLUMN "thumbprint" text;--> statement-breakpoint
ALTER TABLE "rotations" ADD COLUMN "kind" text DEFAULT 'secret' NOT NULL;--> statement-breakpoint
ALTER TABLE "rotations" ADD COLUMN "certificate" jsonb;