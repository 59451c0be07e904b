package store

import (
	"database/sql"
	"strconv"
	"strings"
	"time"
)

// Parameters of the statements both dialects run.

// arg appends v to args and returns its placeholder. Statements built in
// parts number their parameters across the parts, so that PostgreSQL can
// run the parts as one statement.
func arg(args *[]any, v any) string {
	*args = append(*args, v)
	return "$" + strconv.Itoa(len(*args))
}

// argList appends vs to args and returns their placeholders, comma
// separated.
func argList(args *[]any, vs ...any) string {
	marks := make([]string, len(vs))
	for i, v := range vs {
		marks[i] = arg(args, v)
	}
	return strings.Join(marks, ", ")
}

// valuesRow appends vs to args and returns them as one row of VALUES.
func valuesRow(args *[]any, vs ...any) string { return "(" + argList(args, vs...) + ")" }

// utc binds a time in UTC (see DB).
func utc(t time.Time) time.Time { return t.UTC() }

// utcPtr binds an optional time in UTC, or NULL.
func utcPtr(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return t.UTC()
}

// nullTime turns a scanned optional time into a pointer.
func nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time
	return &v
}
