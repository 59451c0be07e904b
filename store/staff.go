package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/hotline-desk/hotline/bot"
)

// Staff keeps the roster, invitations and each member's load
// (bot.StaffStore), with the roster cached in this process (rosterCache).
type Staff struct {
	db     *DB
	roster *rosterCache // ListStaff's
}

var _ bot.StaffStore = (*Staff)(nil)

const staffColumns = `id, number, name, roles, units, hours, telegram_user_id, active, last_assigned_at, created_at, updated_at`

// SyncStaff implements bot.StaffStore.
func (sf *Staff) SyncStaff(ctx context.Context, staff []bot.Staff) error {
	defer sf.roster.forget()
	return sf.db.inTx(ctx, func(tx *sqlx.Tx) error {
		for _, s := range staff {
			_, err := tx.ExecContext(ctx, `INSERT INTO staff (number, name, roles, units, hours, telegram_user_id, active, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $7)
				ON CONFLICT (number) DO UPDATE SET name = excluded.name, roles = excluded.roles, units = excluded.units,
					hours = excluded.hours, telegram_user_id = COALESCE(excluded.telegram_user_id, staff.telegram_user_id),
					updated_at = excluded.updated_at`,
				s.Number, s.Name, s.RolesText, s.UnitsText, s.Hours, s.TelegramUserID, utc(s.UpdatedAt))
			if err != nil {
				return fmt.Errorf("sync staff %s: %w", s.Number, mapError(err))
			}
		}
		return nil
	})
}

// AddStaff implements bot.StaffStore; a number in use is bot.ErrConflict.
func (sf *Staff) AddStaff(ctx context.Context, s *bot.Staff) error {
	defer sf.roster.forget()
	err := sf.db.QueryRowxContext(ctx, `INSERT INTO staff (number, name, roles, units, hours, telegram_user_id, active, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $7) RETURNING id`,
		s.Number, s.Name, s.RolesText, s.UnitsText, s.Hours, s.TelegramUserID, utc(s.CreatedAt)).Scan(&s.ID)
	return mapError(err)
}

// SetStaffActive implements bot.StaffStore.
func (sf *Staff) SetStaffActive(ctx context.Context, number string, active bool, now time.Time) error {
	defer sf.roster.forget()
	res, err := sf.db.ExecContext(ctx, `UPDATE staff SET active = $2, updated_at = $3 WHERE number = $1`, number, active, utc(now))
	return expectOne(res, err)
}

func (sf *Staff) staffWhere(ctx context.Context, where string, arg any) (*bot.Staff, error) {
	var s bot.Staff
	if err := sf.db.GetContext(ctx, &s, `SELECT `+staffColumns+` FROM staff WHERE `+where, arg); err != nil {
		return nil, mapError(err)
	}
	return &s, nil
}

// StaffByNumber implements bot.StaffStore.
func (sf *Staff) StaffByNumber(ctx context.Context, number string) (*bot.Staff, error) {
	return sf.staffWhere(ctx, `number = $1`, number)
}

// StaffByID implements bot.StaffStore.
func (sf *Staff) StaffByID(ctx context.Context, id int64) (*bot.Staff, error) {
	return sf.staffWhere(ctx, `id = $1`, id)
}

// StaffByTelegram implements bot.StaffStore: only active staff are found.
func (sf *Staff) StaffByTelegram(ctx context.Context, userID int64) (*bot.Staff, error) {
	return sf.staffWhere(ctx, `telegram_user_id = $1 AND active`, userID)
}

// ListStaff implements bot.StaffStore. The roster is read at most once per
// rosterTTL and forgotten at once when staff change through this Staff;
// changes made otherwise (hotline staff, other replicas) show within
// rosterTTL. LastAssignedAt is as of the read: assignments do not make the
// roster be read again (OpenLoad has the current times).
func (sf *Staff) ListStaff(ctx context.Context) ([]bot.Staff, error) {
	if staff, ok := sf.roster.recall(); ok {
		return staff, nil
	}
	gen := sf.roster.generation()
	var out []bot.Staff
	if err := sf.db.SelectContext(ctx, &out, `SELECT `+staffColumns+` FROM staff ORDER BY number`); err != nil {
		return nil, mapError(err)
	}
	sf.roster.remember(gen, out)
	return slices.Clone(out), nil
}

// CreateInvite implements bot.StaffStore.
func (sf *Staff) CreateInvite(ctx context.Context, staffID int64, codeHash string, expires time.Time) error {
	_, err := sf.db.ExecContext(ctx, `INSERT INTO staff_invites (code_hash, staff_id, expires_at) VALUES ($1, $2, $3)`,
		codeHash, staffID, utc(expires))
	return mapError(err)
}

// RedeemInvite implements bot.StaffStore. Using the code and linking the
// account happen in one transaction; a Telegram account linked to someone
// else is a conflict.
func (sf *Staff) RedeemInvite(ctx context.Context, codeHash string, telegramUserID int64, now time.Time) (*bot.Staff, error) {
	defer sf.roster.forget()
	var staffID int64
	err := sf.db.inTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.QueryRowxContext(ctx, `UPDATE staff_invites SET used_at = $2
			WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING staff_id`, codeHash, utc(now)).Scan(&staffID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE staff SET telegram_user_id = $2, updated_at = $3 WHERE id = $1`, staffID, telegramUserID, utc(now))
		return err
	})
	if err != nil {
		return nil, mapError(err)
	}
	return sf.StaffByID(ctx, staffID)
}

// OpenLoad implements bot.StaffStore.
func (sf *Staff) OpenLoad(ctx context.Context) (map[int64]bot.Load, error) {
	var rows []struct {
		ID             int64        `db:"id"`
		LastAssignedAt sql.NullTime `db:"last_assigned_at"`
		Open           int          `db:"open_tickets"`
	}
	err := sf.db.SelectContext(ctx, &rows, `SELECT s.id, s.last_assigned_at, count(t.id) AS open_tickets
		FROM staff s LEFT JOIN tickets t ON t.assignee_id = s.id AND t.closed_at IS NULL
			AND t.status IN ('open', 'acknowledged', 'waiting')
		GROUP BY s.id, s.last_assigned_at`)
	if err != nil {
		return nil, mapError(err)
	}
	load := make(map[int64]bot.Load, len(rows))
	for _, r := range rows {
		load[r.ID] = bot.Load{Open: r.Open, LastAssignedAt: nullTime(r.LastAssignedAt)}
	}
	return load, nil
}

// rosterTTL is how long ListStaff answers from memory.
const rosterTTL = 5 * time.Second

// rosterCache keeps the staff roster for rosterTTL. Forgetting it bumps a
// generation, so a read that began before a change does not store what it
// read after the change is forgotten.
type rosterCache struct {
	now func() time.Time

	mu    sync.Mutex
	gen   uint64
	staff []bot.Staff // nil: nothing kept
	until time.Time
}

func newRosterCache() *rosterCache { return &rosterCache{now: time.Now} }

func (c *rosterCache) recall() ([]bot.Staff, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.staff == nil || !c.now().Before(c.until) {
		return nil, false
	}
	return slices.Clone(c.staff), true
}

func (c *rosterCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

func (c *rosterCache) remember(gen uint64, staff []bot.Staff) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if staff == nil {
		staff = []bot.Staff{}
	}
	c.staff, c.until = staff, c.now().Add(rosterTTL)
}

func (c *rosterCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.staff = nil
}
