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
-- call_back: the customer cannot be messaged (a caller who does not follow
-- the official account); staff call them.
ALTER TABLE tickets ADD COLUMN call_back BOOLEAN NOT NULL DEFAULT FALSE;
-- unit_key: the unit as names are matched (bot.UnitKey: no spaces, lower
-- case, full-width folded); earlier rows get the spaces and case only.
ALTER TABLE tickets ADD COLUMN unit_key TEXT NOT NULL DEFAULT '';
UPDATE tickets SET unit_key = lower(replace(unit_name, ' ', ''));
CREATE INDEX customers_phone ON customers (phone) WHERE phone <> '';
CREATE INDEX tickets_unit_key ON tickets (unit_key, id);

-- +goose Down
DROP INDEX tickets_unit_key;
DROP INDEX customers_phone;
ALTER TABLE tickets DROP COLUMN unit_key;
ALTER TABLE tickets DROP COLUMN call_back;
ALTER TABLE tickets DROP COLUMN resolution_rule;
ALTER TABLE tickets DROP COLUMN response_rule;
