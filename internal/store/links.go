package store

import "strings"

// Links are stored as one text: each id with \ and newline escaped, joined
// by newlines. Unlike JSON this keeps every byte (an id with invalid UTF-8
// from a hostile log still joins), and it stays readable in a SQL shell.
// No links is NULL; [""] is "".

var linkEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`)

func joinLinks(links []string) any {
	if len(links) == 0 {
		return nil
	}
	var b strings.Builder
	for i, l := range links {
		if i > 0 {
			b.WriteByte('\n')
		}
		linkEscaper.WriteString(&b, l)
	}
	return b.String()
}

func splitLinks(s string) []string {
	var (
		out []string
		cur strings.Builder
	)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\n':
			out = append(out, cur.String())
			cur.Reset()
		case c == '\\' && i+1 < len(s):
			i++
			if s[i] == 'n' {
				cur.WriteByte('\n')
			} else {
				cur.WriteByte(s[i])
			}
		default:
			cur.WriteByte(c)
		}
	}
	return append(out, cur.String())
}
