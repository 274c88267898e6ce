PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_requests` (
	`id` integer PRIMARY KEY NOT NULL,
	`endpoint_id` integer NOT NULL,
	`algorithm_id` integer NOT NULL,
	`ab_test_id` integer,
	`shadow` integer DEFAULT false NOT NULL,
	`primary_request_id` integer,
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
INSERT INTO `__new_requests`("id", "endpoint_id", "algorithm_id", "ab_test_id", "shadow", "primary_request_id", "input", "response", "label", "status", "latency_us", "client_key", "feedback", "feedback_at", "created_at") SELECT "id", "endpoint_id", "algorithm_id", "ab_test_id", "shadow", "primary_request_id", "input", "response", "label", "status", "latency_us", "client_key", "feedback", "feedback_at", "created_at" FROM `requests`;--> statement-breakpoint
DROP TABLE `requests`;--> statement-breakpoint
ALTER TABLE `__new_requests` RENAME TO `requests`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `requests_algorithm_ab_test` ON `requests` (`algorithm_id`,`ab_test_id`);