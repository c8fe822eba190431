CREATE TABLE "t0002" (
	"id" serial PRIMARY KEY NOT NULL,
	"account_id" integer NOT NULL,
	"note" text
);
--> statement-breakpoint
ALTER TABLE "t0002" ADD CONSTRAINT "t0002_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;
