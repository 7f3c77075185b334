package web

import (
	"net/http"
)

func init() {
	addPage(Page{Pattern: "GET /entitlements", Nav: "nav.entitlements", Path: "/entitlements", Order: 40,
		Templates: []string{"entitlements.html"}, Handle: (*Console).entitlementsPage})
}

func (c *Console) entitlementsPage(w http.ResponseWriter, r *http.Request) {
	v, err := loadEntitlements(r.Context(), c.o.Store)
	if err != nil {
		c.internal(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "entitlements.html", v)
}
