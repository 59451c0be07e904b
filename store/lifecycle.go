package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/hotline-desk/hotline/bot"
)

// Move implements bot.TicketStore. The status check is part of the
// UPDATE's WHERE, so concurrent presses race on the row, and only one of
// them changes it and writes its events.
func (tk *Tickets) Move(ctx context.Context, id int64, tr bot.Transition, events []bot.Event, jobs []bot.Job) (*bot.Ticket, bool, error) {
	query, args, err := moveQuery(id, tr)
	if err != nil {
		return nil, false, err
	}
	applied := false
	err = tk.db.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return err
		}
		applied = true
		if tr.Staff != nil {
			if err := markAssigned(ctx, tx, tr.Staff.ID, tr.At); err != nil {
				return err
			}
		}
		for _, e := range events {
			e.TicketID = id
			if _, err := insertEvent(ctx, tx, e); err != nil {
				return err
			}
		}
		return insertJobs(ctx, tx, jobs, tr.At)
	})
	if err != nil {
		return nil, false, fmt.Errorf("%s ticket %d: %w", tr.Action, id, mapError(err))
	}
	t, err := tk.Ticket(ctx, id)
	return t, applied, err
}

// Classify implements bot.TicketStore. The change test is part of the
// UPDATE's WHERE, so of two presses at once only one writes its event.
func (tk *Tickets) Classify(ctx context.Context, id int64, kind, category string, e bot.Event) (*bot.Ticket, bool, error) {
	changed := false
	err := tk.db.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tickets SET kind = $2, category = $3, updated_at = $4
			WHERE id = $1 AND (kind <> $2 OR category <> $3)`, id, kind, category, utc(e.At))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		changed = true
		_, err = insertEvent(ctx, tx, e.On(id))
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("classify ticket %d: %w", id, mapError(err))
	}
	t, err := tk.Ticket(ctx, id)
	return t, changed, err
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

// moveSet is what a lifecycle action writes beside updated_at ($2, the
// transition's time): its SET clause, whose parameters from $3 on are its
// fields in order, and what else the row must be (guard: so a second
// arrival records nothing).
type moveSet struct {
	set    string
	fields func(tr bot.Transition) []any
	guard  string
}

var (
	statusOnly = func(tr bot.Transition) []any { return []any{string(tr.To)} }
	assignee   = func(tr bot.Transition) []any { return []any{tr.Staff.ID, tr.Staff.Name, tr.Staff.Number} }
)

// moveSets are the columns each action of the lifecycle table (bot/ticket)
// sets. AutoClose is not here: a batch of them is CloseResolved.
var moveSets = map[bot.Action]moveSet{
	bot.Acknowledge: {set: "status = $3, responded_at = COALESCE(responded_at, $2), assignee_id = $4, staff_name = $5, staff_number = $6",
		fields: func(tr bot.Transition) []any { return append(statusOnly(tr), assignee(tr)...) }},
	bot.Resolve: {set: "status = $3, responded_at = COALESCE(responded_at, $2), resolved_at = $2, resolution = $4, handling = $5",
		fields: func(tr bot.Transition) []any { return []any{string(tr.To), tr.Resolution, tr.Handling} }},
	bot.Reassign: {set: "assignee_id = $3, staff_name = $4, staff_number = $5", fields: assignee},
	bot.Pause:    {set: "status = $3, paused_since = $2", fields: statusOnly},
	bot.Resume: {set: "status = $3, paused_since = NULL, paused = $4, response_due = $5, resolution_due = $6",
		fields: func(tr bot.Transition) []any {
			return []any{string(tr.To), tr.Paused, utc(tr.ResponseDue), utcPtr(tr.ResolutionDue)}
		}},
	bot.Confirm: {set: "status = $3, closed_at = $2", fields: statusOnly},
	bot.Reopen:  {set: "status = $3, resolved_at = NULL", fields: statusOnly},
	bot.Visit: {set: "visit_decided_at = COALESCE(visit_decided_at, $2), visit_due = $3", guard: "visit_arrived_at IS NULL",
		fields: func(tr bot.Transition) []any { return []any{utcPtr(tr.VisitDue)} }},
	bot.Arrive: {set: "visit_arrived_at = $2", guard: "visit_decided_at IS NOT NULL AND visit_arrived_at IS NULL", fields: none},
	bot.Leave:  {set: "visit_left_at = $2", guard: "visit_arrived_at IS NOT NULL AND visit_left_at IS NULL", fields: none},
	bot.Reschedule: {set: "response_due = $3, resolution_due = $4",
		fields: func(tr bot.Transition) []any { return []any{utc(tr.ResponseDue), utcPtr(tr.ResolutionDue)} }},
}

func none(bot.Transition) []any { return nil }

// moveQuery is the UPDATE of a transition: the action's columns, while the
// ticket is in one of tr.From.
func moveQuery(id int64, tr bot.Transition) (string, []any, error) {
	m, ok := moveSets[tr.Action]
	if !ok || len(tr.From) == 0 {
		return "", nil, fmt.Errorf("move ticket %d: no way to apply %q", id, tr.Action)
	}
	args := append([]any{id, utc(tr.At)}, m.fields(tr)...)
	from := make([]any, len(tr.From))
	for i, st := range tr.From {
		from[i] = string(st)
	}
	q := "UPDATE tickets SET " + m.set + ", updated_at = $2 WHERE id = $1 AND status IN (" + argList(&args, from...) + ")"
	if m.guard != "" {
		q += " AND " + m.guard
	}
	return q, args, nil
}

// ActiveTickets implements bot.TicketStore: the nearest deadline first
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
