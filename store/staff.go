package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/hotline-desk/hotline/bot"
)

const staffColumns = `id, number, name, roles, units, hours, telegram_user_id, active, last_assigned_at, created_at, updated_at`

// SyncStaff implements bot.StaffStore.
func (db *DB) SyncStaff(ctx context.Context, staff []bot.Staff) error {
	return db.inTx(ctx, func(tx *sqlx.Tx) error {
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
func (db *DB) AddStaff(ctx context.Context, s *bot.Staff) error {
	err := db.QueryRowxContext(ctx, `INSERT INTO staff (number, name, roles, units, hours, telegram_user_id, active, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $7) RETURNING id`,
		s.Number, s.Name, s.RolesText, s.UnitsText, s.Hours, s.TelegramUserID, utc(s.CreatedAt)).Scan(&s.ID)
	return mapError(err)
}

// SetStaffActive implements bot.StaffStore.
func (db *DB) SetStaffActive(ctx context.Context, number string, active bool, now time.Time) error {
	res, err := db.ExecContext(ctx, `UPDATE staff SET active = $2, updated_at = $3 WHERE number = $1`, number, active, utc(now))
	return expectOne(res, err)
}

func (db *DB) staffWhere(ctx context.Context, where string, arg any) (*bot.Staff, error) {
	var s bot.Staff
	if err := db.GetContext(ctx, &s, `SELECT `+staffColumns+` FROM staff WHERE `+where, arg); err != nil {
		return nil, mapError(err)
	}
	return &s, nil
}

// StaffByNumber implements bot.StaffStore.
func (db *DB) StaffByNumber(ctx context.Context, number string) (*bot.Staff, error) {
	return db.staffWhere(ctx, `number = $1`, number)
}

// StaffByID implements bot.StaffStore.
func (db *DB) StaffByID(ctx context.Context, id int64) (*bot.Staff, error) {
	return db.staffWhere(ctx, `id = $1`, id)
}

// StaffByTelegram implements bot.StaffStore: only active staff are found.
func (db *DB) StaffByTelegram(ctx context.Context, userID int64) (*bot.Staff, error) {
	return db.staffWhere(ctx, `telegram_user_id = $1 AND active`, userID)
}

// ListStaff implements bot.StaffStore.
func (db *DB) ListStaff(ctx context.Context) ([]bot.Staff, error) {
	var out []bot.Staff
	err := db.SelectContext(ctx, &out, `SELECT `+staffColumns+` FROM staff ORDER BY number`)
	return out, mapError(err)
}

// CreateInvite implements bot.StaffStore.
func (db *DB) CreateInvite(ctx context.Context, staffID int64, codeHash string, expires time.Time) error {
	_, err := db.ExecContext(ctx, `INSERT INTO staff_invites (code_hash, staff_id, expires_at) VALUES ($1, $2, $3)`,
		codeHash, staffID, utc(expires))
	return mapError(err)
}

// RedeemInvite implements bot.StaffStore. Using the code and linking the
// account happen in one transaction; a Telegram account linked to someone
// else is a conflict.
func (db *DB) RedeemInvite(ctx context.Context, codeHash string, telegramUserID int64, now time.Time) (*bot.Staff, error) {
	var staffID int64
	err := db.inTx(ctx, func(tx *sqlx.Tx) error {
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
	return db.StaffByID(ctx, staffID)
}

// OpenLoad implements bot.StaffStore.
func (db *DB) OpenLoad(ctx context.Context) (map[int64]int, error) {
	rows, err := db.QueryxContext(ctx, `SELECT assignee_id, count(*) FROM tickets
		WHERE assignee_id IS NOT NULL AND status IN ('open', 'acknowledged', 'waiting') GROUP BY assignee_id`)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	load := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		load[id] = n
	}
	return load, rows.Err()
}
