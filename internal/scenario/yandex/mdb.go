package yandex

// Managed Service for PostgreSQL: a cluster is a database, its backups are
// <cluster id>:<backup name>.

func clusterUpdate(w *writer, b []byte, c *call, _ bool) []byte {
	b = appendField(b, "cluster_id", c.op.Target)
	return appendField(b, "cluster_name", w.name(c.op.Target))
}

// clusterRestore makes cluster op.Created from backup op.Source.
func clusterRestore(w *writer, b []byte, c *call, _ bool) []byte {
	b = appendField(b, "cluster_id", c.op.Created)
	b = appendField(b, "cluster_name", w.name(c.op.Created))
	return appendField(b, "backup_id", c.op.Source)
}

// clusterBackup backs up cluster op.Source; DONE names the backup made.
func clusterBackup(w *writer, b []byte, c *call, done bool) []byte {
	b = appendField(b, "cluster_id", c.op.Source)
	b = appendField(b, "cluster_name", w.name(c.op.Source))
	if done && c.op.Created != "" {
		b = appendField(b, "backup_id", c.op.Created)
	}
	return b
}
