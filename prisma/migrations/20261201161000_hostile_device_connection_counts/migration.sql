-- Written by hand: how many device connections each user has on each instance, so that
-- MAX_CONNECTIONS_PER_USER holds across instances (docs/protocol.md, Heartbeats and limits).
-- A row while the user has any connection on that instance; written in batches by
-- UserConnectionLimit, read only through ConnectionCountsRepository (SQL, not the Prisma model).
-- Rows of an instance that died without removing them are not counted (its bus session is gone)
-- and are deleted by housekeeping.
CREATE TABLE "device_connection_counts" (
    "user_id" VARCHAR(255) NOT NULL,
    "instance_id" UUID NOT NULL,
    "connections" INTEGER NOT NULL,
    CONSTRAINT "device_connection_counts_pkey" PRIMARY KEY ("user_id", "instance_id")
);
CREATE INDEX "device_connection_counts_instance" ON "device_connection_counts"("instance_id");
