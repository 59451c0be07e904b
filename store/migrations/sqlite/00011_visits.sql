-- On-site visits and the recurring work a contract owes (seed 002: on site
-- within 24 hours when remote help cannot solve it; regular inspections and
-- telephone revisits; seed 003: a scheduled on-site service every month).
-- visit_decided_at: when 需上门 was pressed (or a lead decided it);
-- visit_due: by when the engineer is on site (the plan's on_site target,
-- or the time agreed with the customer); visit_arrived_at and
-- visit_left_at: what the engineer recorded. obligation: the kind of
-- recurring work (巡检, 电话回访, 日常维护) a maintenance ticket was opened
-- for, '' for the others.

-- +goose Up
ALTER TABLE tickets ADD COLUMN visit_decided_at DATETIME;
ALTER TABLE tickets ADD COLUMN visit_due DATETIME;
ALTER TABLE tickets ADD COLUMN visit_arrived_at DATETIME;
ALTER TABLE tickets ADD COLUMN visit_left_at DATETIME;
ALTER TABLE tickets ADD COLUMN obligation TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE tickets DROP COLUMN obligation;
ALTER TABLE tickets DROP COLUMN visit_left_at;
ALTER TABLE tickets DROP COLUMN visit_arrived_at;
ALTER TABLE tickets DROP COLUMN visit_due;
ALTER TABLE tickets DROP COLUMN visit_decided_at;
