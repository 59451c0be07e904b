package store

import (
	"context"
	"sync"

	"github.com/jmoiron/sqlx"
)

// preparedMax bounds how many statements a DB keeps prepared; beyond it a
// statement is prepared for one use (the shapes of the hot writes are few:
// one per number of events and jobs a ticket opens with).
const preparedMax = 64

// statements keeps the hottest writes prepared on the server, so that
// PostgreSQL parses and plans them once per connection instead of on every
// call: for the statement that opens a ticket that is a third of the
// server's work per ticket. database/sql prepares a statement again on each
// connection that runs it.
type statements struct {
	mu sync.Mutex
	m  map[string]*sqlx.Stmt
}

// prepared returns query prepared; done releases it after use.
func (db *DB) prepared(ctx context.Context, query string) (stmt *sqlx.Stmt, done func(), err error) {
	db.stmts.mu.Lock()
	stmt, ok := db.stmts.m[query]
	db.stmts.mu.Unlock()
	if ok {
		return stmt, func() {}, nil
	}
	stmt, err = db.PreparexContext(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	db.stmts.mu.Lock()
	defer db.stmts.mu.Unlock()
	if db.stmts.m == nil {
		db.stmts.m = make(map[string]*sqlx.Stmt)
	}
	if kept, ok := db.stmts.m[query]; ok { // prepared meanwhile by another caller
		stmt.Close()
		return kept, func() {}, nil
	}
	if len(db.stmts.m) >= preparedMax {
		return stmt, func() { stmt.Close() }, nil
	}
	db.stmts.m[query] = stmt
	return stmt, func() {}, nil
}
