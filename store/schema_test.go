package store_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/storetest"
)

// The two sets of migrations (migrations/postgres, migrations/sqlite) must
// build the same schema: the same tables, the same columns with the same
// kind of type and nullability, and the same indexes (columns, uniqueness,
// partial or not). A migration that adds a column or an index to one
// dialect only fails here.
func TestDialectsMigrateToTheSameSchema(t *testing.T) {
	pg := postgresSchema(t, storetest.Postgres(t).DB)
	lite := sqliteSchema(t, storetest.SQLite(t).DB)
	for _, d := range acceptedSchemaDifferences {
		pg = slices.DeleteFunc(pg, func(s string) bool { return s == d.postgres })
		lite = slices.DeleteFunc(lite, func(s string) bool { return s == d.sqlite })
	}
	if diff := cmp.Diff(pg, lite); diff != "" {
		t.Errorf("schemas differ (-postgres +sqlite):\n%s", diff)
	}
	if len(pg) < 100 { // the introspection itself must see something
		t.Errorf("only %d schema facts read from PostgreSQL:\n%s", len(pg), strings.Join(pg, "\n"))
	}
}

// acceptedSchemaDifferences are facts of one dialect's schema that the
// other may lack, each with the reason; "" is a fact the dialect does not
// have. None today.
var acceptedSchemaDifferences []struct{ postgres, sqlite, why string }

// A schema is a sorted list of facts, one per line:
//
//	table T
//	column T.C integer not null
//	index T(C1,C2) unique partial         (a UNIQUE constraint's: its name differs by dialect)
//	index T(C1) partial named N           (CREATE INDEX N)
//
// The indexes of primary keys are left out: SQLite has none for an INTEGER
// PRIMARY KEY, which is the row id.

// ignoredTables are not Hotline's: goose's own record, SQLite's sequences.
func ignoredTable(name string) bool {
	return name == "goose_db_version" || strings.HasPrefix(name, "sqlite_")
}

func postgresSchema(t *testing.T, db *store.DB) []string {
	t.Helper()
	ctx := context.Background()
	var cols []struct {
		Table    string `db:"table_name"`
		Column   string `db:"column_name"`
		Type     string `db:"data_type"`
		Nullable string `db:"is_nullable"`
	}
	if err := db.SelectContext(ctx, &cols, `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable
		FROM information_schema.columns c JOIN information_schema.tables t
			ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'`); err != nil {
		t.Fatalf("postgres columns: %v", err)
	}
	var facts []string
	tables := map[string]bool{}
	for _, c := range cols {
		if ignoredTable(c.Table) {
			continue
		}
		tables[c.Table] = true
		facts = append(facts, columnFact(t, c.Table, c.Column, c.Type, c.Nullable == "NO"))
	}
	for name := range tables {
		facts = append(facts, "table "+name)
	}
	facts = append(facts, postgresIndexes(t, db)...)
	slices.Sort(facts)
	return facts
}

func postgresIndexes(t *testing.T, db *store.DB) []string {
	t.Helper()
	var idx []struct {
		Table      string `db:"table_name"`
		Name       string `db:"index_name"`
		Columns    string `db:"columns"`
		Unique     bool   `db:"is_unique"`
		Primary    bool   `db:"is_primary"`
		Partial    bool   `db:"is_partial"`
		Constraint bool   `db:"from_constraint"`
	}
	err := db.SelectContext(context.Background(), &idx, `SELECT tc.relname AS table_name, ic.relname AS index_name,
			array_to_string(ARRAY(SELECT a.attname FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k (attnum, ord)
				JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum ORDER BY k.ord), ',') AS columns,
			ix.indisunique AS is_unique, ix.indisprimary AS is_primary, ix.indpred IS NOT NULL AS is_partial,
			EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid) AS from_constraint
		FROM pg_index ix JOIN pg_class ic ON ic.oid = ix.indexrelid JOIN pg_class tc ON tc.oid = ix.indrelid
			JOIN pg_namespace n ON n.oid = tc.relnamespace
		WHERE n.nspname = current_schema()`)
	if err != nil {
		t.Fatalf("postgres indexes: %v", err)
	}
	var facts []string
	for _, i := range idx {
		if ignoredTable(i.Table) || i.Primary {
			continue
		}
		name := i.Name
		if i.Constraint {
			name = ""
		}
		facts = append(facts, indexFact(i.Table, i.Columns, i.Unique, i.Partial, name))
	}
	return facts
}

func sqliteSchema(t *testing.T, db *store.DB) []string {
	t.Helper()
	ctx := context.Background()
	var tables []string
	if err := db.SelectContext(ctx, &tables, `SELECT name FROM sqlite_master WHERE type = 'table'`); err != nil {
		t.Fatalf("sqlite tables: %v", err)
	}
	var facts []string
	for _, table := range tables {
		if ignoredTable(table) {
			continue
		}
		facts = append(facts, "table "+table)
		var cols []struct {
			Name    string `db:"name"`
			Type    string `db:"type"`
			NotNull bool   `db:"notnull"`
			PK      int    `db:"pk"`
		}
		if err := db.SelectContext(ctx, &cols, `SELECT name, type, "notnull", pk FROM pragma_table_info($1)`, table); err != nil {
			t.Fatalf("sqlite columns of %s: %v", table, err)
		}
		for _, c := range cols {
			// A primary key is NOT NULL on PostgreSQL; SQLite reports an
			// INTEGER PRIMARY KEY (the row id) as nullable, but it is not.
			facts = append(facts, columnFact(t, table, c.Name, c.Type, c.NotNull || c.PK > 0))
		}
		facts = append(facts, sqliteIndexes(t, db, table)...)
	}
	slices.Sort(facts)
	return facts
}

func sqliteIndexes(t *testing.T, db *store.DB, table string) []string {
	t.Helper()
	ctx := context.Background()
	var idx []struct {
		Name    string `db:"name"`
		Unique  bool   `db:"unique"`
		Origin  string `db:"origin"` // c: CREATE INDEX, u: UNIQUE constraint, pk: primary key
		Partial bool   `db:"partial"`
	}
	if err := db.SelectContext(ctx, &idx, `SELECT name, "unique", origin, partial FROM pragma_index_list($1)`, table); err != nil {
		t.Fatalf("sqlite indexes of %s: %v", table, err)
	}
	var facts []string
	for _, i := range idx {
		if i.Origin == "pk" {
			continue
		}
		var cols []string
		if err := db.SelectContext(ctx, &cols, `SELECT name FROM pragma_index_info($1) ORDER BY seqno`, i.Name); err != nil {
			t.Fatalf("sqlite columns of index %s: %v", i.Name, err)
		}
		name := i.Name
		if i.Origin != "c" {
			name = ""
		}
		facts = append(facts, indexFact(table, strings.Join(cols, ","), i.Unique, i.Partial, name))
	}
	return facts
}

func columnFact(t *testing.T, table, column, typ string, notNull bool) string {
	t.Helper()
	class, ok := typeClass(typ)
	if !ok {
		t.Errorf("column %s.%s: type %q has no class; add it to typeClass", table, column, typ)
	}
	fact := fmt.Sprintf("column %s.%s %s", table, column, class)
	if notNull {
		fact += " not null"
	}
	return fact
}

func indexFact(table, columns string, unique, partial bool, name string) string {
	fact := fmt.Sprintf("index %s(%s)", table, columns)
	if unique {
		fact += " unique"
	}
	if partial {
		fact += " partial"
	}
	if name != "" {
		fact += " named " + name
	}
	return fact
}

// typeClass maps either dialect's type name to a coarse class. SQLite's
// names are the declared ones (its affinity would make DATETIME numeric).
func typeClass(name string) (string, bool) {
	switch strings.ToLower(name) {
	case "text", "character varying", "varchar", "character", "char":
		return "text", true
	case "integer", "int", "bigint", "smallint":
		return "integer", true
	case "boolean", "bool":
		return "boolean", true
	case "timestamp with time zone", "timestamp without time zone", "timestamptz", "timestamp", "datetime":
		return "timestamp", true
	case "date":
		return "date", true
	case "double precision", "real", "double", "float", "numeric":
		return "real", true
	}
	return name, false
}

// MigrationVersions reads without writing: an empty schema gets no version
// table from it, and a migrated one is current.
func TestMigrationVersionsOnlyReads(t *testing.T) {
	ctx := context.Background()
	db, err := store.OpenPostgres(ctx, storetest.PostgresSchemaURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	current, latest, err := db.MigrationVersions(ctx)
	if err != nil || current != 0 || latest < 9 {
		t.Fatalf("empty schema: %d, %d, %v", current, latest, err)
	}
	var tables int
	if err := db.Get(&tables, `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()`); err != nil || tables != 0 {
		t.Fatalf("tables after reading the versions: %d, %v", tables, err)
	}
	if err := db.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if current, latest, err = db.MigrationVersions(ctx); err != nil || current != latest {
		t.Fatalf("migrated: %d, %d, %v", current, latest, err)
	}
}
