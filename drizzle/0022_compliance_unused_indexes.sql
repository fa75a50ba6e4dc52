DROP INDEX "compliance_findings_object_idx";--> statement-breakpoint
DROP INDEX "compliance_objects_vault_idx";