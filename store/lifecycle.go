package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/hotline-desk/hotline/bot"
)

// ChangeTicket implements bot.TicketUpdater. The status check is part of
// the UPDATE's WHERE, so concurrent presses race on the row, and only one
// of them changes it and writes its events.
func (tk *Tickets) ChangeTicket(ctx context.Context, id int64, ch bot.TicketChange, events []bot.Event, jobs []bot.Job) (*bot.Ticket, bool, error) {
	query, args := changeQuery(id, ch)
	applied := false
	err := tk.db.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return err
		}
		applied = true
		if ch.Assignee != nil {
			if err := markAssigned(ctx, tx, ch.Assignee.ID, ch.At); err != nil {
				return err
			}
		}
		for _, e := range events {
			e.TicketID = id
			if _, err := insertEvent(ctx, tx, e); err != nil {
				return err
			}
		}
		return insertJobs(ctx, tx, jobs, ch.At)
	})
	if err != nil {
		return nil, false, fmt.Errorf("change ticket %d: %w", id, mapError(err))
	}
	t, err := tk.Ticket(ctx, id)
	return t, applied, err
}

// markAssigned records that staffID was given a ticket at at, for the
// round robin (bot.Load).
func markAssigned(ctx context.Context, tx *sqlx.Tx, staffID int64, at time.Time) error {
	var args []any
	_, err := tx.ExecContext(ctx, markAssignedSQL(&args, staffID, at), args...)
	return err
}

func markAssignedSQL(args *[]any, staffID int64, at time.Time) string {
	return `UPDATE staff SET last_assigned_at = ` + arg(args, utc(at)) + ` WHERE id = ` + arg(args, staffID)
}

// changeQuery builds the UPDATE for ch, with $n parameters.
func changeQuery(id int64, ch bot.TicketChange) (string, []any) {
	args := []any{id, utc(ch.At)}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	sets := []string{"updated_at = $2"}
	if ch.Status != "" {
		sets = append(sets, "status = "+arg(string(ch.Status)))
	}
	if a := ch.Assignee; a != nil {
		sets = append(sets, "assignee_id = "+arg(a.ID), "staff_name = "+arg(a.Name), "staff_number = "+arg(a.Number))
	}
	if ch.RespondedAt != nil {
		sets = append(sets, "responded_at = COALESCE(responded_at, "+arg(utc(*ch.RespondedAt))+")")
	}
	if ch.ResolvedAt != nil {
		sets = append(sets, "resolved_at = "+arg(utc(*ch.ResolvedAt)))
	}
	if ch.ClearResolution {
		sets = append(sets, "resolved_at = NULL")
	}
	if ch.ClosedAt != nil {
		sets = append(sets, "closed_at = "+arg(utc(*ch.ClosedAt)))
	}
	if ch.Pause {
		sets = append(sets, "paused_since = $2")
	}
	if ch.Resume {
		sets = append(sets, "paused_since = NULL", "paused = "+arg(ch.Paused), "response_due = "+arg(utc(ch.ResponseDue)),
			"resolution_due = "+arg(utcPtr(ch.ResolutionDue)))
	}
	if ch.Resolution != nil {
		sets = append(sets, "resolution = "+arg(*ch.Resolution))
	}
	if ch.Handling != nil {
		sets = append(sets, "handling = "+arg(*ch.Handling))
	}
	from := make([]string, len(ch.From))
	for i, s := range ch.From {
		from[i] = arg(string(s))
	}
	q := "UPDATE tickets SET " + strings.Join(sets, ", ") + " WHERE id = $1"
	if len(from) > 0 {
		q += " AND status IN (" + strings.Join(from, ", ") + ")"
	}
	return q, args
}

// ActiveTickets implements bot.TicketUpdater: the nearest deadline first
// (the response deadline until answered, then the resolution deadline).
func (tk *Tickets) ActiveTickets(ctx context.Context, assignee *int64) ([]bot.Ticket, error) {
	q := `SELECT ` + ticketColumns + ` FROM tickets WHERE status IN ('open', 'acknowledged', 'waiting', 'resolved')`
	var args []any
	if assignee != nil {
		q += ` AND assignee_id = $1`
		args = append(args, *assignee)
	}
	q += ` ORDER BY CASE WHEN responded_at IS NULL THEN response_due ELSE COALESCE(resolution_due, response_due) END, id LIMIT 200`
	var out []bot.Ticket
	err := tk.db.SelectContext(ctx, &out, q, args...)
	return out, mapError(err)
}
