package bot

import (
	"context"
	"time"
)

// Customer is a person who writes to the official account, with the
// details they gave last time, so they are confirmed rather than asked.
type Customer struct {
	ID         int64      `db:"id"`
	Channel    string     `db:"channel"`
	OpenID     string     `db:"open_id"`
	UnitName   string     `db:"unit_name"`
	Name       string     `db:"name"`
	Phone      string     `db:"phone"`
	Room       string     `db:"room"`
	Subscribed bool       `db:"subscribed"`
	LastSeenAt *time.Time `db:"last_seen_at"`
	CreatedAt  time.Time  `db:"created_at"`
	UpdatedAt  time.Time  `db:"updated_at"`
}

// Messageable reports whether the customer can be sent messages: one of
// the official account's. A caller staff know only by their phone number
// (Channel ChannelPhone, OpenID the number) is called back instead.
func (c *Customer) Messageable() bool { return c.Channel == ChannelWeChat }

// CustomerStore keeps customers.
type CustomerStore interface {
	// Customer loads one; ErrNotFound when the channel id is new.
	Customer(ctx context.Context, channel, openID string) (*Customer, error)
	// CustomerByID loads one by id.
	CustomerByID(ctx context.Context, id int64) (*Customer, error)
	// SaveCustomer inserts or updates by (channel, open id) and fills c.ID.
	SaveCustomer(ctx context.Context, c *Customer) error
	// CustomersOfUnit lists subscribed customers whose unit is name.
	CustomersOfUnit(ctx context.Context, name string) ([]Customer, error)
	// CustomersByPhone lists the customers of channel who gave phone,
	// compared as digits, the most recently seen first.
	CustomersByPhone(ctx context.Context, channel, phone string) ([]Customer, error)
	// SetSubscribed records a follow or an unfollow.
	SetSubscribed(ctx context.Context, channel, openID string, subscribed bool, at time.Time) error
}
