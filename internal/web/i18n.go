package web

import (
	"fmt"
	"net/http"
	"strings"
)

// Languages the console speaks; the first is the fallback.
var languages = []string{"en", "ru"}

// texts holds the console's strings: language → key → text. Each page's
// file adds its own keys from an init with addTexts, so no file owns the
// whole table; TestTexts checks every key exists in every language.
var texts = map[string]map[string]string{}

// addTexts adds keys to a language's table; a key given twice keeps its
// first text (the test reports the duplicate).
func addTexts(lang string, m map[string]string) {
	t := texts[lang]
	if t == nil {
		t = map[string]string{}
		texts[lang] = t
	}
	for k, v := range m {
		if _, dup := t[k]; dup {
			duplicateTexts = append(duplicateTexts, lang+":"+k)
			continue
		}
		t[k] = v
	}
}

// duplicateTexts lists keys added twice, for the test to report.
var duplicateTexts []string

// text returns key's text in lang, else in English, else the key itself
// (a missing text shows, rather than an empty label). With args the text is
// a fmt format.
func text(lang, key string, args ...any) string {
	s, ok := texts[lang][key]
	if !ok {
		if s, ok = texts[languages[0]][key]; !ok {
			s = key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// langCookie keeps the language chosen with the switch.
const langCookie = "sw_lang"

// requestLang is the language of a request: the switch's cookie, else the
// first of Accept-Language's languages the console speaks, else English.
func requestLang(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && known(c.Value) {
		return c.Value
	}
	best, bestQ := languages[0], -1.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if !known(base) {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				continue
			}
		}
		if q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}

func known(lang string) bool {
	for _, l := range languages {
		if l == lang {
			return true
		}
	}
	return false
}
