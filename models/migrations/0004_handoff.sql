CREATE TABLE "agent_presence" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"status" text DEFAULT 'offline' NOT NULL,
	"groups" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"capacity" integer DEFAULT 3 NOT NULL,
	"last_assigned_at" timestamp with time zone,
	"heartbeat_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_presence_status_ck" CHECK ("agent_presence"."status" in ('available', 'busy', 'away', 'offline')),
	CONSTRAINT "agent_presence_capacity_ck" CHECK ("agent_presence"."capacity" between 1 and 50)
);
--> statement-breakpoint
CREATE TABLE "handoffs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"conversation_id" text NOT NULL,
	"channel" text NOT NULL,
	"resolver_group" text NOT NULL,
	"reason" text NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"assigned_at" timestamp with time zone,
	"agent_user_id" uuid,
	"closed_at" timestamp with time zone,
	"close_reason" text,
	"requeues" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "handoffs_status_ck" CHECK ("handoffs"."status" in ('queued', 'assigned', 'closed', 'cancelled'))
);
--> statement-breakpoint
ALTER TABLE "agent_presence" ADD CONSTRAINT "agent_presence_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handoffs" ADD CONSTRAINT "handoffs_agent_user_id_users_id_fk" FOREIGN KEY ("agent_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_presence_status_idx" ON "agent_presence" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "handoffs_open_conversation_uq" ON "handoffs" USING btree ("conversation_id") WHERE "handoffs"."status" in ('queued', 'assigned');--> statement-breakpoint
CREATE INDEX "handoffs_queue_idx" ON "handoffs" USING btree ("resolver_group","status","priority","queued_at");--> statement-breakpoint
CREATE INDEX "handoffs_agent_idx" ON "handoffs" USING btree ("agent_user_id","status");