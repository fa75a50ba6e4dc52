CREATE TABLE "rotation_link_decisions" (
	"vault_id" text NOT NULL,
	"secret_name" text NOT NULL,
	"app_object_id" text NOT NULL,
	"decision" text NOT NULL,
	"decided_by" text NOT NULL,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rotation_link_decisions_vault_id_secret_name_app_object_id_pk" PRIMARY KEY("vault_id","secret_name","app_object_id")
);
--> statement-breakpoint
CREATE TABLE "rotation_steps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"rotation_id" uuid NOT NULL,
	"step" text NOT NULL,
	"target" text DEFAULT '' NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "rotations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"app_object_id" text NOT NULL,
	"app_id" text NOT NULL,
	"app_display_name" text NOT NULL,
	"old_key_id" text,
	"new_key_id" text,
	"new_end_date_time" timestamp with time zone,
	"state" text NOT NULL,
	"held_from" text,
	"held_reason" text,
	"attempt" integer DEFAULT 1 NOT NULL,
	"overlap_hours" integer NOT NULL,
	"validity_days" integer NOT NULL,
	"overlap_until" timestamp with time zone,
	"targets" jsonb NOT NULL,
	"requested_by" text NOT NULL,
	"locked_by" text,
	"locked_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "rotation_steps" ADD CONSTRAINT "rotation_steps_rotation_id_rotations_id_fk" FOREIGN KEY ("rotation_id") REFERENCES "public"."rotations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "rotation_steps_uq" ON "rotation_steps" USING btree ("rotation_id","step","target");--> statement-breakpoint
CREATE INDEX "rotations_app_idx" ON "rotations" USING btree ("app_object_id");--> statement-breakpoint
CREATE INDEX "rotations_state_idx" ON "rotations" USING btree ("state");