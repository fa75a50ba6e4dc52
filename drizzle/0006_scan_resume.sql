CREATE TABLE "scan_vaults" (
	"scan_id" uuid NOT NULL,
	"vault_id" text NOT NULL,
	"position" integer NOT NULL,
	"target" jsonb NOT NULL,
	"done_at" timestamp with time zone,
	"done_attempt" integer,
	"failed" boolean DEFAULT false NOT NULL,
	"objects" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "scan_vaults_scan_id_vault_id_pk" PRIMARY KEY("scan_id","vault_id")
);
--> statement-breakpoint
ALTER TABLE "scan_runs" ADD COLUMN "lease_owner" text;--> statement-breakpoint
ALTER TABLE "scan_runs" ADD COLUMN "lease_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "scan_runs" ADD COLUMN "attempt" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "scan_runs" ADD COLUMN "checkpoint" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "scan_vaults" ADD CONSTRAINT "scan_vaults_scan_id_scan_runs_id_fk" FOREIGN KEY ("scan_id") REFERENCES "public"."scan_runs"("id") ON DELETE no action ON UPDATE no action;