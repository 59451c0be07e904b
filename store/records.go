package store

// Records are the relational store's nouns, each a type of its own on one
// DB. Build them with NewRecords, once per DB: the nouns share the DB's
// connections and prepared statements, and Staff's roster cache is one per
// Records, so that a change through it is seen at once by every reader of
// it.
type Records struct {
	DB        *DB
	Tickets   *Tickets
	Customers *Customers
	Units     *Units
	Staff     *Staff
	Jobs      *Jobs
	Backlog   *Backlog
	Surveys   *Surveys
	Rounds    *Rounds
	Revisits  *Revisits
	Stats     *Stats
	Outbox    *Outbox
	Settings  *Settings
	Holidays  *Holidays
}

// NewRecords builds every noun on db.
func NewRecords(db *DB) *Records {
	return &Records{
		DB:        db,
		Tickets:   &Tickets{db: db},
		Customers: &Customers{db: db},
		Units:     &Units{db: db},
		Staff:     &Staff{db: db, roster: newRosterCache()},
		Jobs:      &Jobs{db: db},
		Backlog:   &Backlog{db: db},
		Surveys:   &Surveys{db: db},
		Rounds:    &Rounds{db: db},
		Revisits:  &Revisits{db: db},
		Stats:     &Stats{db: db},
		Outbox:    &Outbox{db: db},
		Settings:  &Settings{db: db},
		Holidays:  &Holidays{db: db},
	}
}
