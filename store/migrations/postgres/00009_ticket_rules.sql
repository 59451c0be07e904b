-- Tickets opened by staff (a phone call, an e-mail) run on the same clock
-- with their channel's commitments: each deadline records the rule that
-- set it (severity, channel or out_of_hours; '' for none). Customers known
-- only by a phone number are found again by it, and staff link a ticket to
-- a WeChat customer by the phone number they gave.

-- +goose Up
ALTER TABLE tickets ADD COLUMN response_rule TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN resolution_rule TEXT NOT NULL DEFAULT '';
UPDATE tickets SET response_rule = 'severity';
UPDATE tickets SET resolution_rule = 'severity' WHERE resolution_due IS NOT NULL;
CREATE INDEX customers_phone ON customers (phone) WHERE phone <> '';
CREATE INDEX tickets_unit_name ON tickets (unit_name, id);

-- +goose Down
DROP INDEX tickets_unit_name;
DROP INDEX customers_phone;
ALTER TABLE tickets DROP COLUMN resolution_rule;
ALTER TABLE tickets DROP COLUMN response_rule;
