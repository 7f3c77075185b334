package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

func TestInsertSQL(t *testing.T) {
	tests := []struct {
		d    *dialect
		want string
	}{
		{sqliteDialect, "INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?)"},
		{postgresDialect, "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4), ($5, $6)"},
	}
	for _, tt := range tests {
		if got := insertSQL(tt.d.placeholder, "t", []string{"a", "b"}, 3); got != tt.want {
			t.Errorf("%s:\n got  %s\n want %s", tt.d.name, got, tt.want)
		}
	}
}

// The row count of one statement changes at the last batch; every row
// lands once whatever n is.
func TestInsertRows(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, err := Open(t.Context(), b.Fresh(t))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		for _, n := range []int{0, 1, rowsPerInsert - 1, rowsPerInsert, rowsPerInsert + 1, 3*rowsPerInsert + 7} {
			err := s.writeTx(t.Context(), func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(t.Context(), `DELETE FROM state_meta`); err != nil {
					return err
				}
				return s.insertRows(t.Context(), tx, "state_meta", []string{"key", "value"}, n, func(i int, args []any) ([]any, error) {
					return append(args, string(rune('a'+i%26))+strings.Repeat("x", i), "v"), nil
				})
			})
			if err != nil {
				t.Fatalf("n=%d: %v", n, err)
			}
			var count int
			if err := s.r.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM state_meta`).Scan(&count); err != nil || count != n {
				t.Errorf("n=%d: %d rows, %v", n, count, err)
			}
		}

		// An error from fill ends the transaction with nothing written.
		boom := errors.New("boom")
		err = s.writeTx(context.Background(), func(tx *sql.Tx) error {
			return s.insertRows(t.Context(), tx, "principals", []string{"cloud", "id", "created_by"}, 1000, func(i int, args []any) ([]any, error) {
				if i == 900 {
					return nil, boom
				}
				return append(args, "aws", strings.Repeat("p", i+1), ""), nil
			})
		})
		if !errors.Is(err, boom) {
			t.Fatalf("error %v, want boom", err)
		}
		var count int
		if err := s.r.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM principals`).Scan(&count); err != nil || count != 0 {
			t.Errorf("%d principals after a failed insert, %v", count, err)
		}
	})
}
