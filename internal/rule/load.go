package rule

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// maxFileSize bounds a rule file: rules are small, and a huge file is a
// mistake (or an attack) that should not be read into memory.
const maxFileSize = 4 << 20

// Load reads the rules of files and folders. A folder is walked recursively
// for *.yml and *.yaml files (folders whose name starts with a dot are
// skipped); a file named directly is read whatever its name. It returns
// every valid rule, in the order read, and every error, so that one bad file
// does not hide the others. Rules whose id (or name) another rule already
// used are rejected, with both positions in the message.
func Load(paths ...string) ([]*Rule, ErrorList) {
	var l loader
	for _, p := range paths {
		l.walkOS(p)
	}
	return l.result()
}

// LoadFS is Load over a file system (the embedded built-in pack, say): every
// *.yml and *.yaml file under root. Positions name files by their path in
// fsys.
func LoadFS(fsys fs.FS, root string) ([]*Rule, ErrorList) {
	var l loader
	l.walkFS(fsys, root)
	return l.result()
}

// loader reads files into documents and rejects duplicate ids and names.
type loader struct {
	docs  []document
	ids   map[string]Pos
	names map[string]Pos
}

func (l *loader) result() (rules []*Rule, errs ErrorList) {
	for _, d := range l.docs {
		if d.rule != nil {
			rules = append(rules, d.rule)
		}
		errs = append(errs, d.errs...)
	}
	return rules, errs
}

// fail records a file that could not be read.
func (l *loader) fail(file string, err error) {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	l.docs = append(l.docs, document{pos: Pos{File: file}, errs: ErrorList{{Pos: Pos{File: file}, Err: err}}})
}

// add parses one file and checks its rules against those already loaded.
func (l *loader) add(file string, data []byte) {
	if l.ids == nil {
		l.ids, l.names = map[string]Pos{}, map[string]Pos{}
	}
	for _, d := range parseFile(file, data) {
		if r := d.rule; r != nil {
			if first, dup := l.ids[r.ID]; dup {
				d.rule = nil
				d.errs.Add(Errorf(r.Pos, r.ID, "duplicate rule id: first used at %s", first))
			} else if first, dup := l.names[r.Name]; dup && r.Name != "" {
				d.rule = nil
				d.errs.Add(Errorf(r.Pos, r.ID, "duplicate rule name %q: first used at %s", r.Name, first))
			} else {
				l.ids[r.ID] = r.Pos
				if r.Name != "" {
					l.names[r.Name] = r.Pos
				}
			}
		}
		l.docs = append(l.docs, d)
	}
}

// isRuleFile reports whether a file met while walking a folder is a rule.
func isRuleFile(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".yml" || ext == ".yaml"
}

func hidden(name string) bool { return strings.HasPrefix(name, ".") && name != "." && name != ".." }

func (l *loader) walkOS(root string) {
	info, err := os.Stat(root)
	if err != nil {
		l.fail(root, err)
		return
	}
	if !info.IsDir() {
		l.readOS(root, info.Size())
		return
	}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			l.fail(p, err)
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
		case d.IsDir():
			if p != root && hidden(d.Name()) {
				return fs.SkipDir
			}
		case isRuleFile(p):
			info, err := d.Info()
			if err != nil {
				l.fail(p, err)
				return nil
			}
			l.readOS(p, info.Size())
		}
		return nil
	})
	if err != nil {
		l.fail(root, err)
	}
}

func (l *loader) readOS(file string, size int64) {
	if size > maxFileSize {
		l.fail(file, fmt.Errorf("file of %d bytes is larger than the %d MiB a rule file may have", size, maxFileSize>>20))
		return
	}
	data, err := os.ReadFile(file)
	if err != nil {
		l.fail(file, err)
		return
	}
	l.add(file, data)
}

func (l *loader) walkFS(fsys fs.FS, root string) {
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			l.fail(p, err)
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
		case d.IsDir():
			if p != root && hidden(d.Name()) {
				return fs.SkipDir
			}
		case isRuleFile(p):
			info, err := d.Info()
			if err != nil {
				l.fail(p, err)
				return nil
			}
			if info.Size() > maxFileSize {
				l.fail(p, fmt.Errorf("file of %d bytes is larger than the %d MiB a rule file may have", info.Size(), maxFileSize>>20))
				return nil
			}
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				l.fail(p, err)
				return nil
			}
			l.add(p, data)
		}
		return nil
	})
	if err != nil {
		l.fail(root, err)
	}
}
