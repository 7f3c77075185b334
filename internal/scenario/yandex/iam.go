package yandex

// IAM and Resource Manager: the principals a user can make on Yandex are
// service accounts, so a new principal is one, and acts as one afterwards.

func serviceAccountCreate(w *writer, b []byte, c *call, _ bool) []byte {
	_, name := w.subjectOfNew(c.op.Created)
	b = appendField(b, "service_account_id", c.op.Created)
	return appendField(b, "service_account_name", name)
}

// serviceAccountCreated renders the new principal as a service account
// from now on.
func serviceAccountCreated(w *writer, c *call) {
	w.sa[c.op.Created] = true
	for p := range w.actors {
		if p.ID == c.op.Created {
			delete(w.actors, p)
		}
	}
}

// subjectOfNew is the service account name a principal gets when created.
func (w *writer) subjectOfNew(id string) (typ, name string) {
	if s := w.c.subjects[id]; s != nil {
		return serviceAcct, s.login
	}
	return serviceAcct, w.name(id)
}

// accessKeyCreate gives op.Target a static access key.
func accessKeyCreate(w *writer, b []byte, c *call, _ bool) []byte {
	_, name := w.subjectOf(c.op.Target)
	b = appendField(b, "access_key_id", derive(prefixIAM, c.op.ID, 2))
	b = appendField(b, "service_account_id", c.op.Target)
	return appendField(b, "service_account_name", name)
}

// folderBindings gives op.Target the editor role on the op's folder.
func folderBindings(w *writer, b []byte, c *call, _ bool) []byte {
	typ, name := w.subjectOf(c.op.Target)
	b = appendField(b, "folder_id", c.f.f.id)
	b = appendField(b, "folder_name", c.f.f.name)
	b = append(b, `,"access_binding_deltas":[{"action":"ADD","access_binding":{"role_id":"editor"`...)
	b = appendField(b, "subject_id", c.op.Target)
	b = appendField(b, "subject_type", typ)
	if name != "" {
		b = appendField(b, "subject_name", name)
	}
	return append(b, '}', '}', ']')
}
