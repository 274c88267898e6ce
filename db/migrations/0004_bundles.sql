CREATE TABLE `registry_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `requests` ADD `origin` text;--> statement-breakpoint
CREATE UNIQUE INDEX `requests_origin` ON `requests` (`origin`) WHERE origin is not null;