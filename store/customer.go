package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/hotline-desk/hotline/bot"
)

// Customers keeps the people who report faults, by channel and open id
// (bot.CustomerStore).
type Customers struct{ db *DB }

var _ bot.CustomerStore = (*Customers)(nil)

const customerColumns = `id, channel, open_id, unit_name, name, phone, room, subscribed, last_seen_at, created_at, updated_at`

// Customer implements bot.CustomerStore.
func (cs *Customers) Customer(ctx context.Context, channel, openID string) (*bot.Customer, error) {
	var c bot.Customer
	err := cs.db.GetContext(ctx, &c, `SELECT `+customerColumns+` FROM customers WHERE channel = $1 AND open_id = $2`, channel, openID)
	if err != nil {
		return nil, mapError(err)
	}
	return &c, nil
}

// SaveCustomer implements bot.CustomerStore.
func (cs *Customers) SaveCustomer(ctx context.Context, c *bot.Customer) error {
	return mapError(upsertCustomer(ctx, cs.db, c))
}

// upsertCustomer inserts or updates c by (channel, open id) and fills its
// id and creation time.
func upsertCustomer(ctx context.Context, q sqlx.QueryerContext, c *bot.Customer) error {
	var args []any
	return q.QueryRowxContext(ctx, upsertCustomerSQL(&args, c), args...).Scan(&c.ID, &c.CreatedAt)
}

// upsertCustomerSQL inserts or updates c, returning its id and creation
// time.
func upsertCustomerSQL(args *[]any, c *bot.Customer) string {
	now := utc(c.UpdatedAt)
	return `INSERT INTO customers
		(channel, open_id, unit_name, name, phone, room, subscribed, last_seen_at, created_at, updated_at)
		VALUES ` + valuesRow(args, c.Channel, c.OpenID, c.UnitName, c.Name, c.Phone, c.Room, c.Subscribed, utcPtr(c.LastSeenAt), now, now) + `
		ON CONFLICT (channel, open_id) DO UPDATE SET unit_name = excluded.unit_name, name = excluded.name,
			phone = excluded.phone, room = excluded.room, last_seen_at = excluded.last_seen_at,
			updated_at = excluded.updated_at
		RETURNING id, created_at`
}

// SetSubscribed implements bot.CustomerStore; an unfollow by someone never
// seen before is recorded too.
func (cs *Customers) SetSubscribed(ctx context.Context, channel, openID string, subscribed bool, at time.Time) error {
	_, err := cs.db.ExecContext(ctx, `INSERT INTO customers (channel, open_id, subscribed, last_seen_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $4, $4)
		ON CONFLICT (channel, open_id) DO UPDATE SET subscribed = excluded.subscribed, updated_at = excluded.updated_at`,
		channel, openID, subscribed, utc(at))
	return mapError(err)
}

// CustomerByID implements bot.CustomerStore.
func (cs *Customers) CustomerByID(ctx context.Context, id int64) (*bot.Customer, error) {
	var c bot.Customer
	if err := cs.db.GetContext(ctx, &c, `SELECT `+customerColumns+` FROM customers WHERE id = $1`, id); err != nil {
		return nil, mapError(err)
	}
	return &c, nil
}

// CustomersOfUnit implements bot.CustomerStore.
func (cs *Customers) CustomersOfUnit(ctx context.Context, name string) ([]bot.Customer, error) {
	var all []bot.Customer
	err := cs.db.SelectContext(ctx, &all, `SELECT `+customerColumns+` FROM customers WHERE subscribed AND unit_name <> ''`)
	if err != nil {
		return nil, mapError(err)
	}
	key := bot.UnitKey(name)
	out := all[:0]
	for _, c := range all {
		if bot.UnitKey(c.UnitName) == key {
			out = append(out, c)
		}
	}
	return out, nil
}

// CustomersByPhone implements bot.CustomerStore. Phones are kept in one
// form (conversation.NormalisePhone), so they compare as they are.
func (cs *Customers) CustomersByPhone(ctx context.Context, channel, phone string) ([]bot.Customer, error) {
	var out []bot.Customer
	err := cs.db.SelectContext(ctx, &out, `SELECT `+customerColumns+` FROM customers
		WHERE channel = $1 AND phone = $2 AND phone <> ''
		ORDER BY COALESCE(last_seen_at, created_at) DESC, id DESC LIMIT 10`, channel, phone)
	return out, mapError(err)
}
