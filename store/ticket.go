package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/hotline-desk/hotline/bot"
)

// Tickets keeps tickets and their event logs (bot.TicketStore): opening a
// ticket with its first events and jobs, changing it, reading it.
type Tickets struct{ db *DB }

var _ bot.TicketStore = (*Tickets)(nil)

const ticketColumns = `id, opened_by, customer_id, channel, unit_name, contact_name, phone, room, description,
	severity, status, plan, paid_service, reported_at, response_due, resolution_due, response_rule, resolution_rule,
	call_back, unit_key, paused, paused_since,
	responded_at, resolved_at, closed_at, assignee_id, staff_name, staff_number, handling, resolution,
	kind, category, visit_decided_at, visit_due, visit_arrived_at, visit_left_at, obligation, created_at, updated_at`

// OpenTicket implements bot.TicketStore. The unique key on opened_by is the
// last guard against a retried opening message: the loser of a race loads
// the winner's ticket.
func (tk *Tickets) OpenTicket(ctx context.Context, o bot.Opening) (bool, error) {
	open := tk.openInSteps
	if tk.db.Dialect == Postgres {
		open = tk.openAtOnce
	}
	err := mapError(open(ctx, o))
	if errors.Is(err, bot.ErrConflict) {
		existing, lerr := tk.ticketOpenedBy(ctx, o.Ticket.OpenedBy)
		if lerr != nil {
			return false, fmt.Errorf("load ticket after conflict: %w", lerr)
		}
		*o.Ticket = *existing
		if o.Customer != nil {
			o.Customer.ID = existing.CustomerID
		}
		return false, nil
	}
	return err == nil, err
}

// openAtOnce writes an opening on PostgreSQL as one statement, so that it
// costs one commit and, with the id, two round trips: the ticket takes its
// id from its sequence first, so that its events and jobs can name it, and
// each write is a data-modifying CTE. The customer's id reaches the ticket
// in SQL. Both statements are prepared once per connection.
func (tk *Tickets) openAtOnce(ctx context.Context, o bot.Opening) error {
	t := o.Ticket
	next, done, err := tk.db.prepared(ctx, `SELECT nextval(pg_get_serial_sequence('tickets', 'id'))`)
	if err != nil {
		return err
	}
	err = next.GetContext(ctx, &t.ID)
	done()
	if err != nil {
		return err
	}
	writes, err := openingWrites(o)
	if err != nil {
		return err
	}
	var args []any
	var ctes []string
	var customer string
	if o.Customer != nil {
		ctes = append(ctes, "c AS ("+upsertCustomerSQL(&args, o.Customer)+")")
		customer = "(SELECT id FROM c)"
	} else {
		customer = arg(&args, t.CustomerID)
	}
	ctes = append(ctes, "t AS ("+insertTicketSQL(&args, t, customer)+")")
	for i, w := range writes {
		ctes = append(ctes, fmt.Sprintf("w%d AS (%s)", i, w(&args)))
	}
	stmt, done, err := tk.db.prepared(ctx, "WITH "+strings.Join(ctes, ",\n")+"\nSELECT customer_id FROM t")
	if err != nil {
		return err
	}
	err = stmt.QueryRowxContext(ctx, args...).Scan(&t.CustomerID)
	done()
	if err == nil && o.Customer != nil {
		o.Customer.ID = t.CustomerID
	}
	return err
}

// openInSteps writes an opening statement by statement in a transaction
// (SQLite has no data-modifying CTEs); the ticket's id comes from its insert.
func (tk *Tickets) openInSteps(ctx context.Context, o bot.Opening) error {
	t := o.Ticket
	t.ID = 0
	return tk.db.inTx(ctx, func(tx *sqlx.Tx) error {
		customer := t.CustomerID
		if o.Customer != nil {
			if err := upsertCustomer(ctx, tx, o.Customer); err != nil {
				return err
			}
			customer = o.Customer.ID
		}
		var args []any
		q := insertTicketSQL(&args, t, arg(&args, customer))
		if err := tx.QueryRowxContext(ctx, q, args...).Scan(&t.ID, &t.CustomerID); err != nil {
			return err
		}
		writes, err := openingWrites(o)
		if err != nil {
			return err
		}
		for _, w := range writes {
			var args []any
			if _, err := tx.ExecContext(ctx, w(&args), args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// sqlPart is one statement of a larger write; it appends its parameters to
// args.
type sqlPart func(args *[]any) string

// openingWrites are the statements that follow the insert of an opening's
// ticket, which has its id: its events, its assignee's mark (see
// bot.Opening), its jobs.
func openingWrites(o bot.Opening) ([]sqlPart, error) {
	t := o.Ticket
	var writes []sqlPart
	if len(o.Events) > 0 {
		events := make([]bot.Event, len(o.Events))
		for i, e := range o.Events {
			e.TicketID = t.ID
			events[i] = e
		}
		writes = append(writes, func(args *[]any) string { return insertEventsSQL(args, events) })
	}
	if t.AssigneeID != nil {
		writes = append(writes, func(args *[]any) string { return markAssignedSQL(args, *t.AssigneeID, t.CreatedAt) })
	}
	if o.Jobs == nil {
		return writes, nil
	}
	jobs, err := o.Jobs(t)
	if err != nil || len(jobs) == 0 {
		return writes, err
	}
	return append(writes, func(args *[]any) string { return insertJobsSQL(args, jobs, t.CreatedAt) }), nil
}

// insertTicketSQL inserts t, with its id when it has one, returning its id
// and customer id; customer is the SQL of the customer id.
func insertTicketSQL(args *[]any, t *bot.Ticket, customer string) string {
	cols, id := "", ""
	if t.ID != 0 {
		cols, id = "id, ", arg(args, t.ID)+", "
	}
	now := utc(t.CreatedAt)
	return `INSERT INTO tickets (` + cols + `customer_id, opened_by, channel, unit_name, contact_name,
		phone, room, description, severity, status, plan, paid_service, reported_at, response_due, resolution_due,
		response_rule, resolution_rule, call_back, unit_key, assignee_id, staff_name, staff_number, kind, category, obligation, created_at, updated_at)
		VALUES (` + id + customer + ", " + argList(args, t.OpenedBy, t.Channel, t.UnitName, t.ContactName, t.Phone,
		t.Room, t.Description, t.Severity, t.Status, t.Plan, t.PaidService, utc(t.ReportedAt), utc(t.ResponseDue),
		utcPtr(t.ResolutionDue), t.ResponseRule, t.ResolutionRule, t.CallBack, bot.UnitKey(t.UnitName), t.AssigneeID, t.StaffName, t.StaffNumber,
		cmp.Or(t.Kind, bot.KindFault), t.Category, t.Obligation, now, now) + `)
		RETURNING id, customer_id`
}

func (tk *Tickets) ticketOpenedBy(ctx context.Context, key string) (*bot.Ticket, error) {
	var t bot.Ticket
	err := tk.db.GetContext(ctx, &t, `SELECT `+ticketColumns+` FROM tickets WHERE opened_by = $1`, key)
	return &t, mapError(err)
}

// Ticket implements bot.TicketStore.
func (tk *Tickets) Ticket(ctx context.Context, id int64) (*bot.Ticket, error) {
	var t bot.Ticket
	if err := tk.db.GetContext(ctx, &t, `SELECT `+ticketColumns+` FROM tickets WHERE id = $1`, id); err != nil {
		return nil, mapError(err)
	}
	return &t, nil
}

// OpenTicketsOf implements bot.TicketStore.
func (tk *Tickets) OpenTicketsOf(ctx context.Context, customerID int64) ([]bot.Ticket, error) {
	var ts []bot.Ticket
	err := tk.db.SelectContext(ctx, &ts, `SELECT `+ticketColumns+` FROM tickets
		WHERE customer_id = $1 AND closed_at IS NULL ORDER BY id DESC LIMIT 20`, customerID)
	return ts, mapError(err)
}

// LatestTicketOf implements bot.TicketStore.
func (tk *Tickets) LatestTicketOf(ctx context.Context, customerID int64) (*bot.Ticket, error) {
	var t bot.Ticket
	err := tk.db.GetContext(ctx, &t, `SELECT `+ticketColumns+` FROM tickets
		WHERE customer_id = $1 ORDER BY id DESC LIMIT 1`, customerID)
	if err != nil {
		return nil, mapError(err)
	}
	return &t, nil
}

// AddEvent implements bot.TicketStore.
func (tk *Tickets) AddEvent(ctx context.Context, e bot.Event) (bool, error) {
	added, err := insertEvent(ctx, tk.db, e)
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
	var args []any
	_, err := q.ExecContext(ctx, insertEventsSQL(&args, events), args...)
	return err
}

// insertEventsSQL appends events (at least one), skipping one whose MsgKey
// is recorded already.
func insertEventsSQL(args *[]any, events []bot.Event) string {
	rows := make([]string, len(events))
	for i, e := range events {
		rows[i] = valuesRow(args, e.TicketID, utc(e.At), e.ActorKind, e.Actor, e.Kind, e.Body, e.MediaID, e.MsgKey)
	}
	return `INSERT INTO ticket_events (ticket_id, at, actor_kind, actor, kind, body, media_id, msg_key)
		VALUES ` + strings.Join(rows, ", ") + ` ON CONFLICT (msg_key) DO NOTHING`
}

// Events implements bot.TicketStore.
func (tk *Tickets) Events(ctx context.Context, ticketID int64) ([]bot.Event, error) {
	var es []bot.Event
	err := tk.db.SelectContext(ctx, &es, `SELECT id, ticket_id, at, actor_kind, actor, kind, body, media_id, msg_key
		FROM ticket_events WHERE ticket_id = $1 ORDER BY id`, ticketID)
	return es, mapError(err)
}

// OpenTicketsAfter lists up to limit tickets that are not closed, with ids
// above after, in id order (ticket.RescheduleStore).
func (tk *Tickets) OpenTicketsAfter(ctx context.Context, after int64, limit int) ([]bot.Ticket, error) {
	var ts []bot.Ticket
	err := tk.db.SelectContext(ctx, &ts, `SELECT `+ticketColumns+` FROM tickets
		WHERE closed_at IS NULL AND id > $1 ORDER BY id LIMIT $2`, after, limit)
	return ts, mapError(err)
}

// TicketFilter narrows ListTickets.
type TicketFilter struct {
	Open  bool   // only tickets not closed
	Unit  string // only this unit's, matched as bot.UnitKey matches ("" for all)
	Limit int    // at most this many; 0 means 50
}

// ListTickets lists tickets newest first (hotline ticket list).
func (tk *Tickets) ListTickets(ctx context.Context, f TicketFilter) ([]bot.Ticket, error) {
	var args []any
	q := `SELECT ` + ticketColumns + ` FROM tickets WHERE true`
	if f.Open {
		q += ` AND closed_at IS NULL`
	}
	if f.Unit != "" {
		q += ` AND unit_key = ` + arg(&args, bot.UnitKey(f.Unit))
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	q += ` ORDER BY id DESC LIMIT ` + arg(&args, f.Limit)
	var out []bot.Ticket
	err := tk.db.SelectContext(ctx, &out, q, args...)
	return out, mapError(err)
}
