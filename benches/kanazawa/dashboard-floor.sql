-- "The database floor" of the service's Dashboard (benches/kanazawa.sh):
-- the SQL statements one Dashboard request sends (captured with
-- log_statement = 'all' on a scratch database, release build, 2026-12-03:
-- `bash benches/kanazawa.sh capture` prints them again), verbatim, each
-- parameter the service binds replaced by a pgbench variable. With
-- `pgbench -M prepared` the variables are bound as parameters, as sqlx binds
-- them. The script passes the demo member's real values with -D:
--   :token_hash  SHA-256 (hex) of the bearer token the benchmark signed in with
--   :session_id  that session's sessions.id
--   :member_id   the demo member's members.id
--   :now         the time of the run (the service binds its clock's now)
--   :touch       1 to send the session's last-use touch every time (see below)
-- The service sends the statements of one request over up to three pooled
-- connections at once (the session first, then the others concurrently);
-- pgbench sends them one after another on one connection.
\set one 1
-- notices(first: 5): one more row than asked, to know hasNextPage.
\set notice_limit 6

-- 1. The session with its member and portalStatus.lastDataUpdateAt (the
--    latest import, a scalar subquery of the same statement).
SELECT "sessions"."id" AS "A_id", "sessions"."token_hash" AS "A_token_hash", "sessions"."member_id" AS "A_member_id", "sessions"."staff_id" AS "A_staff_id", "sessions"."created_at" AS "A_created_at", "sessions"."last_seen_at" AS "A_last_seen_at", "sessions"."expires_at" AS "A_expires_at", "sessions"."revoked_at" AS "A_revoked_at", "sessions"."user_agent" AS "A_user_agent", "sessions"."client_address" AS "A_client_address", "members"."id" AS "B_id", "members"."login_id" AS "B_login_id", "members"."password_hash" AS "B_password_hash", "members"."display_name" AS "B_display_name", "members"."email" AS "B_email", "members"."secret_question_id" AS "B_secret_question_id", "members"."secret_answer_hash" AS "B_secret_answer_hash", "members"."secret_answer_norm_version" AS "B_secret_answer_norm_version", "members"."notify_bill_issued" AS "B_notify_bill_issued", "members"."notify_notice_published" AS "B_notify_notice_published", "members"."notify_new_device" AS "B_notify_new_device", "members"."notify_high_usage" AS "B_notify_high_usage", "members"."language" AS "B_language", "members"."terms_version" AS "B_terms_version", "members"."status" AS "B_status", "members"."registered_at" AS "B_registered_at", "members"."updated_at" AS "B_updated_at", "members"."withdrawn_at" AS "B_withdrawn_at", "members"."name_search" AS "B_name_search", "members"."last_write_at" AS "B_last_write_at", (SELECT "imported_at" FROM "data_imports" ORDER BY "imported_at" DESC LIMIT 1) AS "last_data_update" FROM "sessions" LEFT JOIN "members" ON "sessions"."member_id" = "members"."id" WHERE "sessions"."token_hash" = :token_hash LIMIT :one;

-- 2. The session's last-use touch. The service sends it only when a second
--    has passed since the recorded last use, so under load about once a
--    second per session, not once per request: by default (touch=0) the
--    floor leaves it out, as the service's steady state does.
\if :touch
UPDATE "sessions" SET "last_seen_at" = :now WHERE "sessions"."id" = :session_id;
\endif

-- 3. The locations with their latest bills (one left join on each location's greatest billing month).
SELECT "service_locations"."id" AS "A_id", "service_locations"."customer_number" AS "A_customer_number", "service_locations"."portal_customer_number" AS "A_portal_customer_number", "service_locations"."holder_name" AS "A_holder_name", "service_locations"."address" AS "A_address", "service_locations"."meter_diameter_mm" AS "A_meter_diameter_mm", "service_locations"."use_type" AS "A_use_type", "service_locations"."reading_month_parity" AS "A_reading_month_parity", "service_locations"."member_id" AS "A_member_id", "service_locations"."linked_at" AS "A_linked_at", "service_locations"."created_at" AS "A_created_at", "service_locations"."updated_at" AS "A_updated_at", "service_locations"."search_text" AS "A_search_text", "bills"."id" AS "B_id", "bills"."service_location_id" AS "B_service_location_id", "bills"."meter_reading_id" AS "B_meter_reading_id", "bills"."billing_month" AS "B_billing_month", "bills"."period_start" AS "B_period_start", "bills"."period_end" AS "B_period_end", "bills"."usage_m3" AS "B_usage_m3", "bills"."water_charge_yen" AS "B_water_charge_yen", "bills"."sewer_charge_yen" AS "B_sewer_charge_yen", "bills"."tax_yen" AS "B_tax_yen", "bills"."amount_yen" AS "B_amount_yen", "bills"."due_date" AS "B_due_date", "bills"."payment_status" AS "B_payment_status", "bills"."paid_on" AS "B_paid_on", "bills"."payment_method" AS "B_payment_method", "bills"."issued_at" AS "B_issued_at", "bills"."as_of" AS "B_as_of" FROM "service_locations" LEFT JOIN "bills" ON "service_locations"."id" = "bills"."service_location_id" AND ("bills"."billing_month" = (SELECT MAX("latest"."billing_month") FROM "bills" AS "latest" WHERE "latest"."service_location_id" = "bills"."service_location_id")) WHERE "service_locations"."member_id" = :member_id ORDER BY "service_locations"."customer_number" ASC;

-- 4. The notices the member may see, newest first, with their read marks.
SELECT "notices"."id" AS "A_id", "notices"."external_id" AS "A_external_id", "notices"."member_id" AS "A_member_id", "notices"."title" AS "A_title", "notices"."body" AS "A_body", "notices"."published_at" AS "A_published_at", "notice_reads"."member_id" AS "B_member_id", "notice_reads"."notice_id" AS "B_notice_id", "notice_reads"."read_at" AS "B_read_at" FROM "notices" LEFT JOIN "notice_reads" ON "notices"."id" = "notice_reads"."notice_id" AND "notice_reads"."member_id" = :member_id WHERE ("notices"."member_id" IS NULL OR "notices"."member_id" = :member_id) AND "notices"."published_at" <= :now ORDER BY "notices"."published_at" DESC, "notices"."id" DESC LIMIT :notice_limit;
