package store

import (
	"context"
	"database/sql"
	"strings"
)

// rowsPerInsert is how many rows one INSERT carries. One statement per row
// spends most of its time crossing database/sql and the driver; a few
// hundred rows a statement stay under SQLite's (32766) and PostgreSQL's
// (65535) limits on parameters for any table here.
const rowsPerInsert = 256

// insertRows inserts n rows into table; fill appends row i's values, one per
// column, to args and returns it. Rows go rowsPerInsert to a statement.
func (s *Store) insertRows(ctx context.Context, tx *sql.Tx, table string, cols []string, n int, fill func(i int, args []any) ([]any, error)) error {
	return s.execBatches(ctx, tx, len(cols), n, func(k int) string { return insertSQL(s.d.placeholder, table, cols, k) }, fill)
}

// insertSQL is INSERT INTO table (cols) VALUES (…), (…) for rows rows, with
// the dialect's placeholders.
func insertSQL(placeholder func(int) string, table string, cols []string, rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO ")
	b.WriteString(table)
	b.WriteString(" (")
	b.WriteString(strings.Join(cols, ", "))
	b.WriteString(") VALUES ")
	p := 1
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteString(", ")
			}
			b.WriteString(placeholder(p))
			p++
		}
		b.WriteByte(')')
	}
	return b.String()
}
