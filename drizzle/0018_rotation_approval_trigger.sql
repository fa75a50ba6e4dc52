ALTER TABLE "rotations" ADD COLUMN "trigger" text DEFAULT 'manual' NOT NULL;--> statement-breakpoint
ALTER TABLE "rotations" ADD COLUMN "decided_by" text;--> statement-breakpoint
ALTER TABLE "rotations" ADD COLUMN "decided_at" timestamp with time zone;