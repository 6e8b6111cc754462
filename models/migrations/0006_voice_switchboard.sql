CREATE TABLE "calls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"call_sid" text NOT NULL,
	"parent_call_sid" text,
	"conversation_id" text,
	"direction" text NOT NULL,
	"purpose" text DEFAULT 'caller' NOT NULL,
	"from_number" text,
	"to_number" text,
	"status" text NOT NULL,
	"outcome" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"answered_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"duration_seconds" integer,
	"transfers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"queue_group" text,
	"queue_wait_seconds" integer,
	"agent_user_id" uuid,
	"callback_id" uuid,
	"recording_consent" boolean DEFAULT false NOT NULL,
	"recording_sid" text,
	"recording_url" text,
	"recording_seconds" integer,
	"message_recording_url" text,
	"ticket_number" text,
	"meta" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "calls_direction_ck" CHECK ("calls"."direction" in ('inbound', 'outbound'))
);
--> statement-breakpoint
CREATE TABLE "directory_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"title" text,
	"gender" text,
	"area" text,
	"position" text,
	"aliases" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"extension" text,
	"phone" text,
	"email" text,
	"availability" text DEFAULT 'available' NOT NULL,
	"availability_note" text,
	"route_kind" text,
	"route_address" text,
	"send_digits" text,
	"outbound_allowed" boolean DEFAULT false NOT NULL,
	"outbound_pin_hash" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "directory_entries_kind_ck" CHECK ("directory_entries"."kind" in ('person', 'area')),
	CONSTRAINT "directory_entries_availability_ck" CHECK ("directory_entries"."availability" in ('available', 'away', 'unavailable')),
	CONSTRAINT "directory_entries_route_ck" CHECK ("directory_entries"."route_kind" is null or "directory_entries"."route_kind" in ('sip', 'pstn'))
);
--> statement-breakpoint
ALTER TABLE "attentions" DROP CONSTRAINT "attentions_outcome_ck";--> statement-breakpoint
ALTER TABLE "callback_requests" DROP CONSTRAINT "callback_requests_status_ck";--> statement-breakpoint
ALTER TABLE "callback_requests" ADD COLUMN "kind" text DEFAULT 'handoff' NOT NULL;--> statement-breakpoint
ALTER TABLE "callback_requests" ADD COLUMN "directory_entry_id" uuid;--> statement-breakpoint
ALTER TABLE "callback_requests" ADD COLUMN "scheduled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "callback_requests" ADD COLUMN "next_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "callback_requests" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "callback_requests" ADD COLUMN "max_attempts" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "callback_requests" ADD COLUMN "last_call_sid" text;--> statement-breakpoint
ALTER TABLE "callback_requests" ADD COLUMN "last_result" text;--> statement-breakpoint
ALTER TABLE "callback_requests" ADD COLUMN "requested_by" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "voice_route" text;--> statement-breakpoint
CREATE UNIQUE INDEX "calls_call_sid_uq" ON "calls" USING btree ("call_sid");--> statement-breakpoint
CREATE INDEX "calls_started_idx" ON "calls" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "calls_conversation_idx" ON "calls" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "directory_entries_extension_idx" ON "directory_entries" USING btree ("extension");--> statement-breakpoint
CREATE INDEX "callback_requests_due_idx" ON "callback_requests" USING btree ("status","next_attempt_at");--> statement-breakpoint
ALTER TABLE "attentions" ADD CONSTRAINT "attentions_outcome_ck" CHECK ("attentions"."outcome" in ('first_level', 'ticket', 'informative', 'out_of_scope', 'status_lookup', 'directory', 'transferred', 'callback'));--> statement-breakpoint
ALTER TABLE "callback_requests" ADD CONSTRAINT "callback_requests_kind_ck" CHECK ("callback_requests"."kind" in ('handoff', 'transfer', 'outbound'));--> statement-breakpoint
ALTER TABLE "callback_requests" ADD CONSTRAINT "callback_requests_status_ck" CHECK ("callback_requests"."status" in ('pending', 'calling', 'done', 'failed', 'cancelled'));