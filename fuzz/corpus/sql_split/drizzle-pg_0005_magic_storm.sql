CREATE TABLE "t0005" (
	"id" serial PRIMARY KEY NOT NULL,
	"account_id" integer NOT NULL,
	"note" text
);
--> statement-breakpoint
ALTER TABLE "t0005" ADD CONSTRAINT "t0005_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;
