package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/hotline-desk/hotline/bot"
)

// Outbox keeps the staff chat's durable outbox (telegram_outbox), the
// record of the messages it sent (telegram_messages) and the marks of the
// updates it took (telegram_updates): what adapters/telegram keeps durable.
// Messages are stored first and delivered by a worker on any replica, which
// claims rows with a lease: a Telegram outage or a crash delays a message
// but never loses it.
type Outbox struct{ db *DB }

const outboxColumns = `id, chat_id, kind, ref, ticket_id, payload, created_at, due_at, attempts, last_error`

// Enqueue stores an item for delivery and returns its id. It is due at
// item.DueAt (set it to now to send at once).
func (ob *Outbox) Enqueue(ctx context.Context, item bot.OutboxItem) (int64, error) {
	var key any
	if item.Key != "" {
		key = item.Key
	}
	var id int64
	err := ob.db.QueryRowxContext(ctx, `INSERT INTO telegram_outbox (chat_id, kind, ref, ticket_id, payload, created_at, due_at, dedupe_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
		item.ChatID, item.Kind, item.Ref, item.TicketID, item.Payload, utc(item.CreatedAt), utc(item.DueAt), key,
	).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil // stored before under the same key
	}
	if err != nil {
		return 0, fmt.Errorf("enqueue: %w", mapError(err))
	}
	return id, nil
}

// claimable selects due items that are neither delivered, given up nor
// leased, and that are the first pending item of their chat: a chat's
// messages go out in the order they were enqueued, so an item waits while an
// earlier one of its chat (in flight, or waiting to retry) is pending. An
// earlier item held for later (quiet hours: due in the future, never tried)
// does not hold the others back.
// A pending row never becomes pending again once sent or failed, so an
// older snapshot can only hold an item back, never let one jump its queue.
const claimable = `SELECT o.id FROM telegram_outbox o
	WHERE o.sent_at IS NULL AND o.failed_at IS NULL AND o.due_at <= $1
		AND (o.claimed_until IS NULL OR o.claimed_until <= $1)
		AND NOT EXISTS (SELECT 1 FROM telegram_outbox e
			WHERE e.chat_id = o.chat_id AND e.id < o.id AND e.sent_at IS NULL AND e.failed_at IS NULL
				AND (e.due_at <= $1 OR e.attempts > 0))
	ORDER BY o.id LIMIT $3`

// Claim leases up to limit due items until now+lease and returns them in id
// order, at most one per chat. Until the lease ends no other claimer gets
// them; a worker that dies leaves them to be claimed again after it.
//
// On PostgreSQL, FOR UPDATE SKIP LOCKED lets concurrent claimers pass over
// each other's rows instead of waiting or taking them twice; a row another
// claimer leased meanwhile fails the lease condition when rechecked. SQLite
// has one writer, so its single UPDATE is already exclusive.
func (ob *Outbox) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]bot.OutboxItem, error) {
	pick := claimable
	if ob.db.Dialect == Postgres {
		pick += ` FOR UPDATE SKIP LOCKED`
	}
	var items []bot.OutboxItem
	err := ob.db.SelectContext(ctx, &items, `UPDATE telegram_outbox SET claimed_until = $2
		WHERE id IN (`+pick+`) RETURNING `+outboxColumns,
		utc(now), utc(now.Add(lease)), limit)
	if err != nil {
		return nil, fmt.Errorf("claim outbox: %w", mapError(err))
	}
	// RETURNING promises no order.
	slices.SortFunc(items, func(a, b bot.OutboxItem) int { return cmp.Compare(a.ID, b.ID) })
	return items, nil
}

// MarkSent records the delivery of item id as Telegram message messageID.
// A send that has a ref or a ticket is also recorded in telegram_messages,
// in the same transaction, so a later edit finds it by ref and a reply to it
// finds its ticket. Marking an item already marked changes nothing.
func (ob *Outbox) MarkSent(ctx context.Context, id int64, messageID int, now time.Time) error {
	err := ob.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var it bot.OutboxItem
		err := tx.GetContext(ctx, &it, `UPDATE telegram_outbox SET sent_at = $2, claimed_until = NULL
			WHERE id = $1 AND sent_at IS NULL RETURNING `+outboxColumns, id, utc(now))
		if errors.Is(err, sql.ErrNoRows) {
			return nil // marked before: a worker whose lease ran out, or a retried mark
		}
		if err != nil || it.Kind != bot.OutboxSend || (it.Ref == "" && it.TicketID == 0) {
			return err
		}
		return recordMessage(ctx, tx, it, messageID, now)
	})
	if err != nil {
		return fmt.Errorf("mark sent: %w", mapError(err))
	}
	return nil
}

// recordMessage names message messageID. A ref names one message: a newer
// message under the same ref takes the name (edits go to it), and the older
// one keeps its row without a name, so a reply to it still finds its ticket.
func recordMessage(ctx context.Context, tx *sqlx.Tx, it bot.OutboxItem, messageID int, now time.Time) error {
	var ref any
	if it.Ref != "" {
		ref = it.Ref
		if _, err := tx.ExecContext(ctx, `UPDATE telegram_messages SET ref = NULL
			WHERE chat_id = $1 AND ref = $2 AND message_id <> $3`, it.ChatID, it.Ref, messageID); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO telegram_messages (chat_id, ref, message_id, ticket_id, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (chat_id, message_id) DO NOTHING`,
		it.ChatID, ref, messageID, it.TicketID, utc(now))
	return err
}

// Retry gives item id back for another try at dueAt, counting a failed
// attempt and keeping its error for the operator.
func (ob *Outbox) Retry(ctx context.Context, id int64, dueAt time.Time, errText string) error {
	err := ob.settlePending(ctx, id, `due_at = $2, last_error = $3, attempts = attempts + 1`, utc(dueAt), errText)
	if err != nil {
		return fmt.Errorf("retry outbox item: %w", err)
	}
	return nil
}

// Postpone gives item id back untried, due at dueAt: the worker could not
// try it in time (pacing, shutdown), which is no failure of the item.
func (ob *Outbox) Postpone(ctx context.Context, id int64, dueAt time.Time) error {
	if err := ob.settlePending(ctx, id, `due_at = $2`, utc(dueAt)); err != nil {
		return fmt.Errorf("postpone outbox item: %w", err)
	}
	return nil
}

// Fail gives up on item id for good (the bot was blocked, the chat is
// gone): it stays in the table with its error, is never tried again, and
// no longer holds back the later messages of its chat.
func (ob *Outbox) Fail(ctx context.Context, id int64, now time.Time, errText string) error {
	err := ob.settlePending(ctx, id, `failed_at = $2, last_error = $3, attempts = attempts + 1`, utc(now), errText)
	if err != nil {
		return fmt.Errorf("fail outbox item: %w", err)
	}
	return nil
}

// settlePending applies set (whose parameters start at $2) to item id and
// ends its lease, if the item is still pending: one already sent or given
// up is left as it is (a worker whose lease ran out reports late).
func (ob *Outbox) settlePending(ctx context.Context, id int64, set string, args ...any) error {
	_, err := ob.db.ExecContext(ctx, `UPDATE telegram_outbox SET `+set+`, claimed_until = NULL
		WHERE id = $1 AND sent_at IS NULL AND failed_at IS NULL`, append([]any{id}, args...)...)
	return mapError(err)
}

// MessageByRef returns the id of the message last sent to chatID under ref,
// or bot.ErrNotFound when none was (yet).
func (ob *Outbox) MessageByRef(ctx context.Context, chatID int64, ref string) (int, error) {
	var id int
	err := ob.db.GetContext(ctx, &id, `SELECT message_id FROM telegram_messages WHERE chat_id = $1 AND ref = $2`, chatID, ref)
	if err != nil {
		return 0, fmt.Errorf("message by ref: %w", mapError(err))
	}
	return id, nil
}

// TicketOfMessage returns the ticket message messageID in chatID was sent
// about (0 for none), or bot.ErrNotFound for a message the outbox never sent.
func (ob *Outbox) TicketOfMessage(ctx context.Context, chatID int64, messageID int) (int64, error) {
	var id int64
	err := ob.db.GetContext(ctx, &id, `SELECT ticket_id FROM telegram_messages WHERE chat_id = $1 AND message_id = $2`,
		chatID, messageID)
	if err != nil {
		return 0, fmt.Errorf("ticket of message: %w", mapError(err))
	}
	return id, nil
}

// PruneOutbox deletes outbox items delivered or given up before before, and
// update marks older than it. Telegram never resends an update after a day,
// and a delivered item's record lives on in telegram_messages.
func (ob *Outbox) PruneOutbox(ctx context.Context, before time.Time) error {
	_, err := ob.db.ExecContext(ctx, `DELETE FROM telegram_outbox WHERE sent_at < $1 OR failed_at < $1`, utc(before))
	if err == nil {
		_, err = ob.db.ExecContext(ctx, `DELETE FROM telegram_updates WHERE seen_at < $1`, utc(before))
	}
	if err != nil {
		return fmt.Errorf("prune outbox: %w", mapError(err))
	}
	return nil
}

// FirstUpdate marks Telegram update updateID as taken by the caller and
// reports whether the caller is the first to take it, across replicas and
// restarts: a retried webhook call or a re-fetched update gets false. A mark
// older than lease and never completed by UpdateHandled counts as abandoned
// (its handler's process died) and is taken over; the caller decides the
// lease, and its handlers must finish well within it.
// The marks live in the database rather than in Redis so that a lost Redis
// does not make a replica handle old updates again.
func (ob *Outbox) FirstUpdate(ctx context.Context, updateID int, now time.Time, lease time.Duration) (bool, error) {
	res, err := ob.db.ExecContext(ctx, `INSERT INTO telegram_updates (update_id, seen_at) VALUES ($1, $2)
		ON CONFLICT (update_id) DO UPDATE SET seen_at = excluded.seen_at
		WHERE telegram_updates.handled_at IS NULL AND telegram_updates.seen_at <= $3`,
		updateID, utc(now), utc(now.Add(-lease)))
	if err != nil {
		return false, fmt.Errorf("mark update: %w", mapError(err))
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// UpdateHandled completes the mark FirstUpdate took: the update is done with.
func (ob *Outbox) UpdateHandled(ctx context.Context, updateID int, now time.Time) error {
	_, err := ob.db.ExecContext(ctx, `UPDATE telegram_updates SET handled_at = $2 WHERE update_id = $1`, updateID, utc(now))
	if err != nil {
		return fmt.Errorf("mark update handled: %w", mapError(err))
	}
	return nil
}

// UpdateWasHandled reports whether update updateID was handled to the end;
// false with a mark present means a handler is still at it.
func (ob *Outbox) UpdateWasHandled(ctx context.Context, updateID int) (bool, error) {
	var n int
	err := ob.db.GetContext(ctx, &n, `SELECT count(*) FROM telegram_updates
		WHERE update_id = $1 AND handled_at IS NOT NULL`, updateID)
	if err != nil {
		return false, fmt.Errorf("update handled: %w", mapError(err))
	}
	return n == 1, nil
}

// ReleaseUpdates drops the marks of updates never handled to the end. The
// single long-polling process calls it when it starts: marks left without
// completion were its predecessor's, cut short by a crash, and Telegram
// hands those updates out again because their offset was not confirmed.
func (ob *Outbox) ReleaseUpdates(ctx context.Context) error {
	_, err := ob.db.ExecContext(ctx, `DELETE FROM telegram_updates WHERE handled_at IS NULL`)
	if err != nil {
		return fmt.Errorf("release updates: %w", mapError(err))
	}
	return nil
}

// Pending counts the messages still to deliver (not sent, not given up):
// the outbox's backlog, for /metrics.
func (o *Outbox) Pending(ctx context.Context) (int, error) {
	var n int
	err := o.db.GetContext(ctx, &n, `SELECT count(*) FROM telegram_outbox WHERE sent_at IS NULL AND failed_at IS NULL`)
	return n, mapError(err)
}
