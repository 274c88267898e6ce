CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`created_at` text NOT NULL,
	`actor` text NOT NULL,
	`api_key_id` integer,
	`client_address` text,
	`action` text NOT NULL,
	`endpoint` text,
	`summary` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_action` ON `audit_log` (`action`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `endpoints` text;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `created_by` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `expires_at` text;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `rate_limit` real;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `last_used_address` text;--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_active_name` ON `api_keys` (`name`) WHERE revoked_at is null;--> statement-breakpoint
ALTER TABLE `requests` ADD `api_key_id` integer REFERENCES api_keys(id);