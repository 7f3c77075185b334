package store

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadMigrations(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name     string
		files    fstest.MapFS
		versions []int
		wantErr  string
	}{
		{"ordered by number, not name", fstest.MapFS{
			"m/0002_b.sql": file("B"), "m/0001_a.sql": file("A"), "m/0010_j.sql": file("J"),
			"m/0003_c.sql": file("C"), "m/0004_d.sql": file("D"), "m/0005_e.sql": file("E"), "m/0006_f.sql": file("F"),
			"m/0007_g.sql": file("G"), "m/0008_h.sql": file("H"), "m/0009_i.sql": file("I"), "m/README.md": file("x"),
		}, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, ""},
		{"gap", fstest.MapFS{"m/0001_a.sql": file("A"), "m/0003_c.sql": file("C")}, nil, "want version 2"},
		{"repeat", fstest.MapFS{"m/0001_a.sql": file("A"), "m/1_b.sql": file("B")}, nil, "want version 2"},
		{"no number", fstest.MapFS{"m/init.sql": file("A")}, nil, "want NNNN_name.sql"},
		{"no name", fstest.MapFS{"m/0001_.sql": file("A")}, nil, "want NNNN_name.sql"},
		{"zero", fstest.MapFS{"m/0000_a.sql": file("A")}, nil, "want NNNN_name.sql"},
		{"empty", fstest.MapFS{"m/README.md": file("x")}, nil, "no migrations"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := loadMigrations(tt.files, "m")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, m := range ms {
				got = append(got, m.version)
				if m.sql != strings.ToUpper(m.name) { // each file holds its name in capitals
					t.Errorf("migration %d (%s) holds %q", m.version, m.name, m.sql)
				}
			}
			if len(got) != len(tt.versions) {
				t.Fatalf("versions %v, want %v", got, tt.versions)
			}
			for i := range got {
				if got[i] != tt.versions[i] {
					t.Fatalf("versions %v, want %v", got, tt.versions)
				}
			}
		})
	}
}

// The embedded migrations are what Open applies: they must load, and each
// dialect has the same steps, so one version means one schema on both.
func TestEmbeddedMigrations(t *testing.T) {
	var names [][]string
	for _, d := range []*dialect{sqliteDialect, postgresDialect} {
		ms, err := loadMigrations(migrationFiles, "migrations/"+d.name)
		if err != nil {
			t.Fatalf("%s: %v", d.name, err)
		}
		var ns []string
		for _, m := range ms {
			if strings.TrimSpace(m.sql) == "" {
				t.Errorf("%s: migration %04d_%s is empty", d.name, m.version, m.name)
			}
			ns = append(ns, m.name)
		}
		names = append(names, ns)
	}
	if !slices.Equal(names[0], names[1]) {
		t.Errorf("sqlite migrations %q, postgres %q: want the same steps", names[0], names[1])
	}
}
