ALTER TABLE `algorithms` ADD `output_kind` text;--> statement-breakpoint
ALTER TABLE `algorithms` ADD `handles_missing` integer;