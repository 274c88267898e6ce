ALTER TABLE `ab_test_arms` ADD `previous_status` text;--> statement-breakpoint
ALTER TABLE `ab_tests` ADD `minimum_detectable_difference` real;--> statement-breakpoint
ALTER TABLE `requests` ADD `primary_request_id` integer;