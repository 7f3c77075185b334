package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// TestHuntDB_postgres: --db takes a postgres:// URL as it takes a file: a
// second run over the same logs lists the same findings.
func TestHuntDB_postgres(t *testing.T) {
	dsn := storetest.Postgres.Fresh(t)
	aws := filepath.Join("..", "..", "examples", "aws")
	var runs []string
	for range 2 {
		code, out, stderr := runCLI(t, "", "hunt", "--db", dsn, "--output", "jsonl", aws)
		if code != exitOK {
			t.Fatalf("code %d, stderr %s", code, stderr)
		}
		if !strings.Contains(out, `"kind":"chain"`) {
			t.Fatalf("no chain finding:\n%s", out)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		slices.Sort(lines) // workers emit detections in any order
		runs = append(runs, strings.Join(lines, "\n"))
	}
	if runs[0] != runs[1] {
		t.Errorf("the second run changed the findings:\n%s\nthen\n%s", runs[0], runs[1])
	}
}

// TestInventoryImport_postgres: inventory keeps its baseline in PostgreSQL.
func TestInventoryImport_postgres(t *testing.T) {
	dsn := storetest.Postgres.Fresh(t)
	dir := filepath.Join("testdata", "inventory")
	cfg := filepath.Join(dir, "config.yaml")
	code, _, stderr := runCLI(t, "", "inventory", "import", "--db", dsn, "--config", cfg, "--region", "eu-west-1",
		"--at", "2026-11-19T06:00:00Z", filepath.Join(dir, "day1-snapshots.json"))
	if code != exitOK || !strings.Contains(stderr, "2 added, 0 removed, 0 changed") {
		t.Fatalf("day 1: code %d\n%s", code, stderr)
	}
	code, out, stderr := runCLI(t, "", "inventory", "import", "--db", dsn, "--config", cfg, "--region", "eu-west-1",
		"--at", "2026-11-20T06:00:00Z", "--output", "jsonl", filepath.Join(dir, "day2-snapshots.json"), filepath.Join(dir, "day2-attribute.json"))
	if code != exitOK || !strings.Contains(stderr, "1 added, 1 removed, 1 changed") {
		t.Fatalf("day 2: code %d\n%s", code, stderr)
	}
	code, again, _ := runCLI(t, "", "inventory", "diff", "--db", dsn, "--config", cfg, "--since", "2026-11-20T00:00:00Z", "--output", "jsonl")
	if code != exitOK || again != out {
		t.Errorf("diff: code %d\n%s\nwant\n%s", code, again, out)
	}
}
