CREATE TABLE "attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"conversation_id" text NOT NULL,
	"source_id" text NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "email_messages" (
	"pk" bigserial PRIMARY KEY NOT NULL,
	"mailbox" text NOT NULL,
	"message_id" text NOT NULL,
	"direction" text NOT NULL,
	"conversation_id" text,
	"status" text NOT NULL,
	"reason" text,
	"from_address" text,
	"subject" text,
	"references" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	CONSTRAINT "email_messages_direction_ck" CHECK ("email_messages"."direction" in ('in', 'out')),
	CONSTRAINT "email_messages_status_ck" CHECK ("email_messages"."status" in ('received', 'processed', 'ignored', 'queued'))
);
--> statement-breakpoint
CREATE TABLE "identity_codes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"requester_id" uuid NOT NULL,
	"sent_to" text NOT NULL,
	"target" text NOT NULL,
	"code_hash" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "monthly_reports" (
	"month" text PRIMARY KEY NOT NULL,
	"generated_at" timestamp with time zone NOT NULL,
	"generated_by" text NOT NULL,
	"report" jsonb NOT NULL,
	"xlsx" "bytea" NOT NULL,
	"recipients" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"emailed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "requester_identities" ADD COLUMN "proof" text;--> statement-breakpoint
ALTER TABLE "requesters" ADD COLUMN "merged_into" uuid;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_messages" ADD CONSTRAINT "email_messages_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity_codes" ADD CONSTRAINT "identity_codes_requester_id_requesters_id_fk" FOREIGN KEY ("requester_id") REFERENCES "public"."requesters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "attachments_source_uq" ON "attachments" USING btree ("conversation_id","source_id","sha256","filename");--> statement-breakpoint
CREATE INDEX "attachments_conversation_idx" ON "attachments" USING btree ("conversation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "email_messages_uq" ON "email_messages" USING btree ("mailbox","direction","message_id");--> statement-breakpoint
CREATE INDEX "email_messages_message_id_idx" ON "email_messages" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "email_messages_conversation_idx" ON "email_messages" USING btree ("conversation_id","pk");--> statement-breakpoint
CREATE INDEX "identity_codes_identity_idx" ON "identity_codes" USING btree ("kind","value","created_at");--> statement-breakpoint
CREATE INDEX "activities_inbound_message_idx" ON "activities" USING btree ("conversation_id") WHERE "activities"."direction" = 'in' and "activities"."type" = 'message';--> statement-breakpoint
CREATE INDEX "conversations_channel_user_idx" ON "conversations" USING btree ("channel","user_id");--> statement-breakpoint
CREATE INDEX "handoffs_conversation_idx" ON "handoffs" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "handoffs_queued_idx" ON "handoffs" USING btree ("queued_at");--> statement-breakpoint
UPDATE "requester_identities" SET "proof" = 'channel' WHERE "verified";