package store

import (
	"context"
	"time"
)

// Holidays keeps the years of China's holiday schedule imported at run
// time (hotline calendar import), for every replica to count on.
type Holidays struct{ db *DB }

// HolidayYear is one imported year: its holiday-cn JSON as given.
type HolidayYear struct {
	Year       int       `db:"year"`
	Data       string    `db:"data"`
	Source     string    `db:"source"`
	ImportedAt time.Time `db:"imported_at"`
}

// ImportYear stores a year's schedule, replacing one imported before.
func (h *Holidays) ImportYear(ctx context.Context, y HolidayYear) error {
	_, err := h.db.ExecContext(ctx, `INSERT INTO holiday_years (year, data, source, imported_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (year) DO UPDATE SET data = excluded.data, source = excluded.source, imported_at = excluded.imported_at`,
		y.Year, y.Data, y.Source, utc(y.ImportedAt))
	return mapError(err)
}

// Years lists the imported years, oldest first.
func (h *Holidays) Years(ctx context.Context) ([]HolidayYear, error) {
	var out []HolidayYear
	err := h.db.SelectContext(ctx, &out, `SELECT year, data, source, imported_at FROM holiday_years ORDER BY year`)
	return out, mapError(err)
}

// Kept reports whether the database has the table of imported years: it
// has unless it was last migrated by a version before imports. A command
// that only reads asks this instead of migrating.
func (h *Holidays) Kept(ctx context.Context) (bool, error) {
	query := `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'holiday_years'`
	if h.db.Dialect == SQLite {
		query = `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'holiday_years'`
	}
	var n int
	err := h.db.GetContext(ctx, &n, query)
	return n > 0, mapError(err)
}
