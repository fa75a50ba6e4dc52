CREATE TABLE "rotation_hint_matches" (
	"vault_id" text NOT NULL,
	"secret_name" text NOT NULL,
	"app_object_id" text NOT NULL,
	"key_id" text NOT NULL,
	"matched_by" text NOT NULL,
	"matched_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rotation_hint_matches_vault_id_secret_name_app_object_id_pk" PRIMARY KEY("vault_id","secret_name","app_object_id")
);
