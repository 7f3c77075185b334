package aws

// facts are what the writer remembers of resources it has written about,
// so that a copy keeps its source's size and engine: a snapshot the size
// of its volume, a restored volume the size of its snapshot, a restored
// database the engine of its DB snapshot. What it has not seen is derived
// from the id. Deleting a resource forgets it, keeping the maps to what
// exists.
type facts struct {
	sizes   map[string]int64
	engines map[string]*engine
}

func (f *facts) size(id string) int64 {
	if n, ok := f.sizes[id]; ok {
		return n
	}
	return sizeOf(id)
}

// copied records that made holds the data of source.
func (f *facts) copied(source, made string) {
	if made == "" {
		return
	}
	if f.sizes == nil {
		f.sizes = map[string]int64{}
	}
	f.sizes[made] = f.size(source)
}

func (f *facts) engine(id string) *engine {
	if e := f.engines[id]; e != nil {
		return e
	}
	return engineOf(rdsNameOf(id))
}

// copiedDB records that the database or DB snapshot made holds source's.
func (f *facts) copiedDB(source, made string) {
	if made == "" {
		return
	}
	if f.engines == nil {
		f.engines = map[string]*engine{}
	}
	f.engines[made] = f.engine(source)
	f.copied(source, made)
}

func (f *facts) forget(id string) {
	delete(f.sizes, id)
	delete(f.engines, id)
}
