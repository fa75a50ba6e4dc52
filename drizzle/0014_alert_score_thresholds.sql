ALTER TABLE "alert_rules" ADD COLUMN "score_below" integer DEFAULT 80 NOT NULL;--> statement-breakpoint
ALTER TABLE "alert_rules" ADD COLUMN "score_drop" integer DEFAULT 5 NOT NULL;