package store

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/lib/pq"

	"github.com/hotline-desk/hotline/bot"
)

// mapError turns driver errors into the bot's error values, once, here.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return bot.ErrNotFound
	}
	if isUniqueViolation(err) {
		return errors.Join(bot.ErrConflict, err)
	}
	return err
}

func isUniqueViolation(err error) bool {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		return pqErr.Code == "23505"
	}
	// modernc's error text for SQLITE_CONSTRAINT_UNIQUE and _PRIMARYKEY.
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "(2067)") || strings.Contains(msg, "(1555)")
}

// expectOne maps an UPDATE that touched no row to bot.ErrNotFound.
func expectOne(res sql.Result, err error) error {
	if err != nil {
		return mapError(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return bot.ErrNotFound
	}
	return nil
}
