CREATE TABLE `algorithm_metadata` (
	`algorithm_id` integer PRIMARY KEY NOT NULL,
	`notes` text DEFAULT '' NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`metrics` text DEFAULT '{}' NOT NULL,
	`input_example` text,
	FOREIGN KEY (`algorithm_id`) REFERENCES `algorithms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `endpoint_metadata` (
	`endpoint_id` integer PRIMARY KEY NOT NULL,
	`notes` text DEFAULT '' NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`free_text_feedback` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`endpoint_id`) REFERENCES `endpoints`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `metadata_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`endpoint_id` integer NOT NULL,
	`algorithm_id` integer,
	`changes` text NOT NULL,
	`created_by` text DEFAULT '' NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`endpoint_id`) REFERENCES `endpoints`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`algorithm_id`) REFERENCES `algorithms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `metadata_changes_endpoint` ON `metadata_changes` (`endpoint_id`);--> statement-breakpoint
CREATE INDEX `metadata_changes_algorithm` ON `metadata_changes` (`algorithm_id`);