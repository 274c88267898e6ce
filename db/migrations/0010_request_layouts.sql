CREATE TABLE `request_layouts` (
	`id` integer PRIMARY KEY NOT NULL,
	`names` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `request_layouts_names_unique` ON `request_layouts` (`names`);