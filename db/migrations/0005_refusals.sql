CREATE TABLE `refusals` (
	`minute` text NOT NULL,
	`endpoint_id` integer NOT NULL,
	`algorithm_id` integer NOT NULL,
	`reason` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`minute`, `endpoint_id`, `algorithm_id`, `reason`)
);
--> statement-breakpoint
ALTER TABLE `requests` ADD `client_request_id` text;