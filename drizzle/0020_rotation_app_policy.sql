CREATE TABLE "rotation_app_policies" (
	"app_object_id" text PRIMARY KEY NOT NULL,
	"auto" text NOT NULL,
	"decided_by" text NOT NULL,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL
);
