package compare

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// module is snapwarden's module path: its go.mod marks the repository root.
const module = "github.com/snapwarden/snapwarden"

// RepoRoot returns the snapwarden repository at or above dir: the folder
// whose go.mod declares the module itself (bench/go.mod declares another).
func RepoRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if declares(filepath.Join(dir, "go.mod"), module) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of %s at or above the working directory", module)
		}
		dir = parent
	}
}

// declares reports whether the go.mod at path declares module mod.
func declares(path, mod string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if w := bytes.Fields(sc.Bytes()); len(w) == 2 && string(w[0]) == "module" {
			return string(w[1]) == mod
		}
	}
	return false
}

// SharedDir returns the shared material (SigmaHQ rules, log samples):
// $SNAPWARDEN_SHARED, else ../shared beside the repository, as snapwarden's
// own tests find it.
func SharedDir(root string) string {
	if d := os.Getenv("SNAPWARDEN_SHARED"); d != "" {
		return d
	}
	return filepath.Join(root, "..", "shared")
}

// BuildCorpus writes n CloudTrail records to out with the repository's
// scripts/benchcorpus (real samples with fresh ids among routine reads):
// the corpus scripts/bench-rules.sh times hunt on.
func BuildCorpus(ctx context.Context, root, samples, out string, n int) error {
	cmd := exec.CommandContext(ctx, "go", "run", "./scripts/benchcorpus", "-samples", samples, "-out", out, "-n", fmt.Sprint(n))
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("go run ./scripts/benchcorpus: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
		}
		return fmt.Errorf("go run ./scripts/benchcorpus: %w", err)
	}
	return nil
}
