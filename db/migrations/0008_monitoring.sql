CREATE TABLE `monitor_drift_hours` (
	`profile_id` integer NOT NULL,
	`hour` integer NOT NULL,
	`rows` integer NOT NULL,
	`counts` text NOT NULL,
	PRIMARY KEY(`profile_id`, `hour`),
	FOREIGN KEY (`profile_id`) REFERENCES `reference_profiles`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `monitor_feedback` (
	`request_id` integer PRIMARY KEY NOT NULL,
	`algorithm_id` integer NOT NULL,
	`predicted_at` integer NOT NULL,
	`correct` integer,
	`error` real,
	`delay_seconds` real NOT NULL
);
--> statement-breakpoint
CREATE INDEX `monitor_feedback_algorithm_time` ON `monitor_feedback` (`algorithm_id`,`predicted_at`);--> statement-breakpoint
CREATE TABLE `monitor_health_hours` (
	`hour` integer NOT NULL,
	`algorithm_id` integer NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`shadow` integer DEFAULT 0 NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`latency_sum_us` integer DEFAULT 0 NOT NULL,
	`latency_histogram` blob,
	`runs` integer DEFAULT 0 NOT NULL,
	`run_rows` integer DEFAULT 0 NOT NULL,
	`run_max` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`algorithm_id`, `hour`),
	FOREIGN KEY (`algorithm_id`) REFERENCES `algorithms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `monitor_health_minutes` (
	`minute` integer NOT NULL,
	`algorithm_id` integer NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`shadow` integer DEFAULT 0 NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`latency_sum_us` integer DEFAULT 0 NOT NULL,
	`latency_histogram` blob,
	`runs` integer DEFAULT 0 NOT NULL,
	`run_rows` integer DEFAULT 0 NOT NULL,
	`run_max` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`algorithm_id`, `minute`),
	FOREIGN KEY (`algorithm_id`) REFERENCES `algorithms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `monitor_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `reference_profiles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`algorithm_id` integer NOT NULL,
	`active` integer NOT NULL,
	`source` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`profile` text NOT NULL,
	`live_from_id` integer NOT NULL,
	`backfill_after_id` integer,
	`created_by` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`algorithm_id`) REFERENCES `algorithms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reference_profiles_one_active` ON `reference_profiles` (`algorithm_id`) WHERE active = 1;--> statement-breakpoint
CREATE INDEX `reference_profiles_algorithm` ON `reference_profiles` (`algorithm_id`);