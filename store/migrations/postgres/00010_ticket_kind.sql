-- The monthly report counts tickets by kind and by fault category (seed
-- 003 asks for faults classified and frequent problems picked out; it also
-- names daily maintenance and upgrades or patches as kinds of request).
-- kind: fault (the default, so earlier tickets stay faults), consult,
-- maintenance, upgrade (bot.Kinds); category: one of the policy file's
-- categories, '' for none. The engineer sets them when resolving; leads
-- change them with /ticket N.

-- +goose Up
ALTER TABLE tickets ADD COLUMN kind TEXT NOT NULL DEFAULT 'fault';
ALTER TABLE tickets ADD COLUMN category TEXT NOT NULL DEFAULT '';
-- The monthly report reads a month's tickets by when they were resolved
-- and closed.
CREATE INDEX tickets_resolved_at ON tickets (resolved_at);
CREATE INDEX tickets_closed_at ON tickets (closed_at);
-- The 12-month trend reads every ticket of the year for its deadlines
-- only: this index covers it, so a year of a million tickets is read from
-- the index, not the table. Tickets never resolved are counted at a
-- month's end from their own small index.
CREATE INDEX tickets_reported_sla ON tickets (reported_at, response_due, responded_at, resolution_due, resolved_at);
CREATE INDEX tickets_unresolved ON tickets (reported_at) WHERE resolved_at IS NULL;

-- +goose Down
DROP INDEX tickets_unresolved;
DROP INDEX tickets_reported_sla;
DROP INDEX tickets_closed_at;
DROP INDEX tickets_resolved_at;
ALTER TABLE tickets DROP COLUMN category;
ALTER TABLE tickets DROP COLUMN kind;
