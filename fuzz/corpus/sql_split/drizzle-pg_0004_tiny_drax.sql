CREATE TABLE "t0004" (
	"id" serial PRIMARY KEY NOT NULL,
	"account_id" integer NOT NULL,
	"note" text
);
--> statement-breakpoint
ALTER TABLE "t0004" ADD CONSTRAINT "t0004_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;
