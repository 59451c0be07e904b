package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/hotline-desk/hotline/bot"
)

const ticketColumns = `id, opened_by, customer_id, channel, unit_name, contact_name, phone, room, description,
	severity, status, plan, paid_service, reported_at, response_due, resolution_due, paused, paused_since,
	responded_at, resolved_at, closed_at, assignee_id, staff_name, staff_number, handling, resolution,
	created_at, updated_at`

// OpenTicket implements bot.TicketStore. The unique key on opened_by is the
// last guard against a retried opening message: the loser of a race loads
// the winner's ticket.
func (db *DB) OpenTicket(ctx context.Context, o bot.Opening) (bool, error) {
	t := o.Ticket
	err := db.inTx(ctx, func(tx *sqlx.Tx) error {
		if o.Customer != nil {
			if err := upsertCustomer(ctx, tx, o.Customer); err != nil {
				return err
			}
			t.CustomerID = o.Customer.ID
		}
		if err := insertTicket(ctx, tx, t); err != nil {
			return err
		}
		events := make([]bot.Event, len(o.Events))
		for i, e := range o.Events {
			e.TicketID = t.ID
			events[i] = e
		}
		if err := insertEvents(ctx, tx, events); err != nil {
			return err
		}
		if t.AssigneeID != nil {
			if err := markAssigned(ctx, tx, *t.AssigneeID, t.CreatedAt); err != nil {
				return err
			}
		}
		if o.Jobs == nil {
			return nil
		}
		js, err := o.Jobs(t)
		if err != nil {
			return err
		}
		return insertJobs(ctx, tx, js, t.CreatedAt)
	})
	if err = mapError(err); errors.Is(err, bot.ErrConflict) {
		existing, lerr := db.ticketOpenedBy(ctx, t.OpenedBy)
		if lerr != nil {
			return false, fmt.Errorf("load ticket after conflict: %w", lerr)
		}
		*t = *existing
		return false, nil
	}
	return err == nil, err
}

func insertTicket(ctx context.Context, tx *sqlx.Tx, t *bot.Ticket) error {
	return tx.QueryRowxContext(ctx, `INSERT INTO tickets (opened_by, customer_id, channel, unit_name, contact_name,
		phone, room, description, severity, status, plan, paid_service, reported_at, response_due, resolution_due,
		assignee_id, staff_name, staff_number, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19)
		RETURNING id`,
		t.OpenedBy, t.CustomerID, t.Channel, t.UnitName, t.ContactName, t.Phone, t.Room, t.Description,
		t.Severity, t.Status, t.Plan, t.PaidService, utc(t.ReportedAt), utc(t.ResponseDue), utcPtr(t.ResolutionDue),
		t.AssigneeID, t.StaffName, t.StaffNumber, utc(t.CreatedAt),
	).Scan(&t.ID)
}

func (db *DB) ticketOpenedBy(ctx context.Context, key string) (*bot.Ticket, error) {
	var t bot.Ticket
	err := db.GetContext(ctx, &t, `SELECT `+ticketColumns+` FROM tickets WHERE opened_by = $1`, key)
	return &t, mapError(err)
}

// Ticket implements bot.TicketStore.
func (db *DB) Ticket(ctx context.Context, id int64) (*bot.Ticket, error) {
	var t bot.Ticket
	if err := db.GetContext(ctx, &t, `SELECT `+ticketColumns+` FROM tickets WHERE id = $1`, id); err != nil {
		return nil, mapError(err)
	}
	return &t, nil
}

// OpenTicketsOf implements bot.TicketStore.
func (db *DB) OpenTicketsOf(ctx context.Context, customerID int64) ([]bot.Ticket, error) {
	var ts []bot.Ticket
	err := db.SelectContext(ctx, &ts, `SELECT `+ticketColumns+` FROM tickets
		WHERE customer_id = $1 AND closed_at IS NULL ORDER BY id DESC LIMIT 20`, customerID)
	return ts, mapError(err)
}

// LatestTicketOf implements bot.TicketStore.
func (db *DB) LatestTicketOf(ctx context.Context, customerID int64) (*bot.Ticket, error) {
	var t bot.Ticket
	err := db.GetContext(ctx, &t, `SELECT `+ticketColumns+` FROM tickets
		WHERE customer_id = $1 ORDER BY id DESC LIMIT 1`, customerID)
	if err != nil {
		return nil, mapError(err)
	}
	return &t, nil
}

// AddEvent implements bot.TicketStore.
func (db *DB) AddEvent(ctx context.Context, e bot.Event) (bool, error) {
	added, err := insertEvent(ctx, db, e)
	return added, mapError(err)
}

// insertEvent appends to the log; a MsgKey already recorded is skipped
// (ON CONFLICT DO NOTHING), which is how a retried message stays single.
func insertEvent(ctx context.Context, q sqlx.ExtContext, e bot.Event) (bool, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO ticket_events (ticket_id, at, actor_kind, actor, kind, body, media_id, msg_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (msg_key) DO NOTHING`,
		e.TicketID, utc(e.At), e.ActorKind, e.Actor, e.Kind, e.Body, e.MediaID, e.MsgKey)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// insertEvents appends events in one statement, in order; one whose MsgKey
// is recorded already is skipped. Callers keep the batch well under the
// dialects' limits on parameters.
func insertEvents(ctx context.Context, q sqlx.ExecerContext, events []bot.Event) error {
	if len(events) == 0 {
		return nil
	}
	rows := make([]string, len(events))
	args := make([]any, 0, len(events)*8)
	for i, e := range events {
		n := i * 8
		rows[i] = fmt.Sprintf("($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8)
		args = append(args, e.TicketID, utc(e.At), e.ActorKind, e.Actor, e.Kind, e.Body, e.MediaID, e.MsgKey)
	}
	_, err := q.ExecContext(ctx, `INSERT INTO ticket_events (ticket_id, at, actor_kind, actor, kind, body, media_id, msg_key)
		VALUES `+strings.Join(rows, ", ")+` ON CONFLICT (msg_key) DO NOTHING`, args...)
	return err
}

// Events implements bot.TicketStore.
func (db *DB) Events(ctx context.Context, ticketID int64) ([]bot.Event, error) {
	var es []bot.Event
	err := db.SelectContext(ctx, &es, `SELECT id, ticket_id, at, actor_kind, actor, kind, body, media_id, msg_key
		FROM ticket_events WHERE ticket_id = $1 ORDER BY id`, ticketID)
	return es, mapError(err)
}
