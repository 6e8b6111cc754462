CREATE TABLE "corrective_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"review_id" uuid NOT NULL,
	"agent_user_id" uuid,
	"item" text NOT NULL,
	"description" text NOT NULL,
	"due_date" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"done_at" timestamp with time zone,
	"done_note" text,
	"follow_up_month" text,
	"follow_up_note" text,
	"follow_up_by" text,
	"follow_up_at" timestamp with time zone,
	CONSTRAINT "corrective_actions_status_ck" CHECK ("corrective_actions"."status" in ('open', 'done', 'effective', 'not_effective'))
);
--> statement-breakpoint
CREATE TABLE "health_checks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"kind" text NOT NULL,
	"month" text,
	"checked_by" text NOT NULL,
	"ok" boolean NOT NULL,
	"results" jsonb NOT NULL,
	"note" text,
	"noted_by" text,
	"noted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "quality_review_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"review_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"conversation_id" text NOT NULL,
	"channel" text NOT NULL,
	"agent_user_id" uuid,
	"call_id" uuid,
	"stratum" text NOT NULL,
	"prechecks" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"verdicts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"observations" text,
	"reviewed_by" text,
	"reviewed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "quality_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"month" text NOT NULL,
	"seed" text NOT NULL,
	"sample_size" integer NOT NULL,
	"strata" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'in_review' NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_by" text,
	"submitted_at" timestamp with time zone,
	"summary" jsonb,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"coordinator_comments" text,
	"history" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "quality_reviews_status_ck" CHECK ("quality_reviews"."status" in ('in_review', 'submitted', 'returned', 'approved'))
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "person_wrote_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "corrective_actions" ADD CONSTRAINT "corrective_actions_review_id_quality_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "public"."quality_reviews"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrective_actions" ADD CONSTRAINT "corrective_actions_agent_user_id_users_id_fk" FOREIGN KEY ("agent_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_review_items" ADD CONSTRAINT "quality_review_items_review_id_quality_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "public"."quality_reviews"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "corrective_actions_review_idx" ON "corrective_actions" USING btree ("review_id");--> statement-breakpoint
CREATE INDEX "corrective_actions_agent_idx" ON "corrective_actions" USING btree ("agent_user_id","status");--> statement-breakpoint
CREATE INDEX "health_checks_at_idx" ON "health_checks" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "health_checks_monthly_uq" ON "health_checks" USING btree ("month") WHERE "health_checks"."kind" = 'monthly';--> statement-breakpoint
CREATE UNIQUE INDEX "quality_review_items_conversation_uq" ON "quality_review_items" USING btree ("review_id","conversation_id");--> statement-breakpoint
CREATE INDEX "quality_review_items_review_idx" ON "quality_review_items" USING btree ("review_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "quality_reviews_month_uq" ON "quality_reviews" USING btree ("month");--> statement-breakpoint
-- Backfill: when the person first wrote in each conversation recorded before this migration.
UPDATE "conversations" AS c SET "person_wrote_at" = f.at
FROM (SELECT "conversation_id", min("timestamp") AS at FROM "activities" WHERE "direction" = 'in' AND "type" = 'message' GROUP BY "conversation_id") AS f
WHERE f."conversation_id" = c."id";
