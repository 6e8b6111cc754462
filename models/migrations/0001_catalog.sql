CREATE TABLE "catalog_draft" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"catalog" jsonb NOT NULL,
	"based_on_version" integer,
	"revision" integer DEFAULT 1 NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "catalog_draft_single_ck" CHECK ("catalog_draft"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "catalog_versions" (
	"version" integer PRIMARY KEY NOT NULL,
	"catalog" jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"source" text NOT NULL,
	"note" text,
	"summary" jsonb NOT NULL,
	"published_by" text NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"csrf_token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "sessions_expires_idx" ON "sessions" USING btree ("expires_at");