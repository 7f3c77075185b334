package web

import (
	"net/http"
)

func init() {
	addPage(Page{Pattern: "GET /inventory", Nav: "nav.inventory", Path: "/inventory", Order: 30,
		Templates: []string{"inventory.html"}, Handle: (*Console).inventoryPage})
}

// inventoryMaxFilter bounds a filter value (cloud names and account ids
// are far shorter).
const inventoryMaxFilter = 256

func (c *Console) inventoryPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	cloud, account := q.Get("cloud"), q.Get("account")
	if len(cloud) > inventoryMaxFilter || len(account) > inventoryMaxFilter {
		c.fail(w, r, http.StatusBadRequest, "error.badrequest")
		return
	}
	v, err := loadInventory(r.Context(), c.o.Store, c.o.Trust, cloud, account, c.o.Now())
	if err != nil {
		c.internal(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "inventory.html", v)
}
