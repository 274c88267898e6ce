CREATE TABLE `ab_test_arms` (
	`ab_test_id` integer NOT NULL,
	`position` integer NOT NULL,
	`algorithm_id` integer NOT NULL,
	`weight` real NOT NULL,
	PRIMARY KEY(`ab_test_id`, `position`),
	FOREIGN KEY (`ab_test_id`) REFERENCES `ab_tests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`algorithm_id`) REFERENCES `algorithms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `ab_tests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`endpoint_id` integer NOT NULL,
	`mode` text NOT NULL,
	`metric` text NOT NULL,
	`created_by` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	`ended_at` text,
	`summary` text,
	`result` text,
	`state` text NOT NULL,
	FOREIGN KEY (`endpoint_id`) REFERENCES `endpoints`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ab_tests_one_running` ON `ab_tests` (`endpoint_id`) WHERE state = 'running';--> statement-breakpoint
CREATE TABLE `algorithm_statuses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`algorithm_id` integer NOT NULL,
	`endpoint_id` integer NOT NULL,
	`status` text NOT NULL,
	`active` integer NOT NULL,
	`created_by` text DEFAULT '' NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`algorithm_id`) REFERENCES `algorithms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`endpoint_id`) REFERENCES `endpoints`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `algorithm_statuses_one_active` ON `algorithm_statuses` (`algorithm_id`) WHERE active = 1;--> statement-breakpoint
CREATE UNIQUE INDEX `algorithm_statuses_one_production` ON `algorithm_statuses` (`endpoint_id`) WHERE active = 1 and status = 'production';--> statement-breakpoint
CREATE INDEX `algorithm_statuses_algorithm` ON `algorithm_statuses` (`algorithm_id`);--> statement-breakpoint
CREATE TABLE `algorithms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`endpoint_id` integer NOT NULL,
	`name` text NOT NULL,
	`version` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`owner` text DEFAULT '' NOT NULL,
	`code` text DEFAULT '' NOT NULL,
	`artifact_sha256` text NOT NULL,
	`artifact_bytes` integer NOT NULL,
	`signature` text NOT NULL,
	`task` text NOT NULL,
	`classes` text,
	`positive_class` text,
	`threshold` real,
	`feature_names` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`endpoint_id`) REFERENCES `endpoints`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `algorithms_endpoint_name_version` ON `algorithms` (`endpoint_id`,`name`,`version`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`secret_hash` text NOT NULL,
	`scope` text NOT NULL,
	`created_at` text NOT NULL,
	`last_used_at` text,
	`revoked_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_prefix_unique` ON `api_keys` (`prefix`);--> statement-breakpoint
CREATE TABLE `endpoints` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`owner` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `endpoints_name_unique` ON `endpoints` (`name`);--> statement-breakpoint
CREATE TABLE `requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`endpoint_id` integer NOT NULL,
	`algorithm_id` integer NOT NULL,
	`ab_test_id` integer,
	`shadow` integer DEFAULT false NOT NULL,
	`input` text NOT NULL,
	`response` text NOT NULL,
	`label` text NOT NULL,
	`status` text NOT NULL,
	`latency_us` integer NOT NULL,
	`client_key` text,
	`feedback` text,
	`feedback_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`endpoint_id`) REFERENCES `endpoints`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`algorithm_id`) REFERENCES `algorithms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ab_test_id`) REFERENCES `ab_tests`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `requests_endpoint_created` ON `requests` (`endpoint_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `requests_algorithm` ON `requests` (`algorithm_id`);--> statement-breakpoint
CREATE INDEX `requests_ab_test` ON `requests` (`ab_test_id`);