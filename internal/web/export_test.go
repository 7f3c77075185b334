package web

// Texts exposes the text tables and the keys added twice to the tests.
func Texts() (map[string]map[string]string, []string) { return texts, duplicateTexts }
