INSERT INTO `users` (`id`, `name`) VALUES (1, 'ada');--> statement-breakpoint
INSERT INTO `posts` (`id`, `title`, `author_id`) VALUES (1, 'hello', 1);