package tail

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"time"
)

// entry is a file a scan found.
type entry struct {
	path string
	id   string // identity(); "" unknown
	size int64
	mod  time.Time
}

// notLogs are the extensions internal/source's directory walk skips
// (documentation and config beside logs); kept in step with it by hand.
var notLogs = map[string]bool{
	".md": true, ".txt": true, ".yaml": true, ".yml": true, ".license": true, ".toml": true,
	".png": true, ".jpg": true, ".svg": true, ".html": true, ".go": true, ".sh": true,
}

// isLog says whether a walk picks up a file of this name.
func isLog(name string) bool {
	return !strings.HasPrefix(name, ".") && !notLogs[strings.ToLower(filepath.Ext(name))] &&
		!strings.HasPrefix(name, "LICENSE") && !strings.HasPrefix(name, "NOTICE")
}

// scan walks every directory and returns the regular log files by path.
// Problems are logged once each (and again only when they change), counted,
// and never stop the scan: a directory may be mounted later.
func (t *Tailer) scan() map[string]entry {
	found := map[string]entry{}
	for _, dir := range t.opts.Dirs {
		// A trailing separator makes the walk follow a root that is a
		// symbolic link; entries below are not followed.
		root := dir
		if !strings.HasSuffix(root, string(filepath.Separator)) {
			root += string(filepath.Separator)
		}
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if path == root {
					return err // reported below, per directory
				}
				t.problem(path, err.Error())
				return nil
			}
			if path == root {
				return nil
			}
			if strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() || !isLog(d.Name()) {
				return nil
			}
			fi, err := d.Info()
			if err != nil {
				if !errors.Is(err, fs.ErrNotExist) { // gone since the directory was read
					t.problem(path, err.Error())
				}
				return nil
			}
			t.solved(path)
			found[path] = entry{path: path, id: identity(fi), size: fi.Size(), mod: fi.ModTime()}
			return nil
		})
		if err != nil {
			t.problem(dir, err.Error())
		} else {
			t.solved(dir)
		}
	}
	return found
}

// problem logs and counts what went wrong with path, unless it was already
// reported as it is.
func (t *Tailer) problem(path, what string) {
	if t.warned[path] == what {
		return
	}
	t.warned[path] = what
	t.errs.Add(1)
	t.log.Warn("cannot watch", keyFile, path, keyErr, what)
}

// solved forgets path's problem once it is gone.
func (t *Tailer) solved(path string) {
	if _, ok := t.warned[path]; ok {
		delete(t.warned, path)
		t.log.Info("watching again", keyFile, path)
	}
}
