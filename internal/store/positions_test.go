package store_test

import (
	"maps"
	"testing"

	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

func TestTailPositions_SaveLoadForget(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, dsn := openTemp(t, b)
		ctx := t.Context()
		tp := s.TailPositions()

		got, err := tp.Load(ctx)
		if err != nil || len(got) != 0 {
			t.Fatalf("Load on an empty store = %v, %v; want none", got, err)
		}

		odd := "/logs/\x00bad\xff-name.log" // a Unix file name need not be UTF-8
		saves := []store.TailPosition{
			{Path: "/logs/a.log", Identity: "2049:17", Offset: 120},
			{Path: "/logs/b.json.gz", Identity: "2049:18", Offset: 4096, Done: true},
			{Path: odd, Offset: 7},
			{Path: "/logs/a.log", Identity: "2049:17", Offset: 300}, // replaces the first
		}
		for _, p := range saves {
			if err := tp.Save(ctx, p); err != nil {
				t.Fatalf("Save(%+v): %v", p, err)
			}
		}
		want := map[string]store.TailPosition{
			"/logs/a.log":     {Path: "/logs/a.log", Identity: "2049:17", Offset: 300},
			"/logs/b.json.gz": {Path: "/logs/b.json.gz", Identity: "2049:18", Offset: 4096, Done: true},
			odd:               {Path: odd, Offset: 7},
		}
		if got, err = tp.Load(ctx); err != nil || !maps.Equal(got, want) {
			t.Fatalf("Load = %v, %v; want %v", got, err, want)
		}

		// Another Store on the same database sees them: they outlive the process.
		again, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		defer again.Close()
		if got, err = again.TailPositions().Load(ctx); err != nil || !maps.Equal(got, want) {
			t.Fatalf("Load after reopen = %v, %v; want %v", got, err, want)
		}

		if err := tp.Forget(ctx, "/logs/a.log"); err != nil {
			t.Fatal(err)
		}
		if err := tp.Forget(ctx, "/logs/never-saved"); err != nil {
			t.Fatalf("Forget of an unknown path: %v", err)
		}
		delete(want, "/logs/a.log")
		if got, err = tp.Load(ctx); err != nil || !maps.Equal(got, want) {
			t.Fatalf("Load after Forget = %v, %v; want %v", got, err, want)
		}
	})
}

func TestTailPositions_SaveRejects(t *testing.T) {
	s, _ := openTemp(t, storetest.SQLite)
	for _, p := range []store.TailPosition{
		{Identity: "1:2", Offset: 1},
		{Path: "/x.log", Offset: -1},
	} {
		if err := s.TailPositions().Save(t.Context(), p); err == nil {
			t.Errorf("Save(%+v) = nil, want an error", p)
		}
	}
	if got, err := s.TailPositions().Load(t.Context()); err != nil || len(got) != 0 {
		t.Errorf("after rejected saves Load = %v, %v; want none", got, err)
	}
}
