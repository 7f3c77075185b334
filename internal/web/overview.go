package web

import (
	"net/http"

	"github.com/snapwarden/snapwarden/internal/finding"
)

func init() {
	addPage(Page{Pattern: "GET /{$}", Nav: "nav.overview", Path: "/", Order: 10,
		Templates: []string{"overview.html"}, Handle: (*Console).overviewPage})
}

// overviewData is the overview page's.
type overviewData struct {
	*overview
	Chart     chart
	Health    *Health // nil without a pipeline
	HealthAge string  // how long ago the last checkpoint was, rounded
	QueueSize string  // the queue's bytes, for people
	Sevs      []finding.Severity
}

// sevsDown lists the severities critical first, as the counts table's
// columns.
var sevsDown = []finding.Severity{finding.Critical, finding.High, finding.Medium, finding.Low, finding.Info}

func (c *Console) overviewPage(w http.ResponseWriter, r *http.Request) {
	now := c.o.Now()
	o, err := loadOverview(r.Context(), c.o.Store, now)
	if err != nil {
		c.internal(w, r, err)
		return
	}
	d := overviewData{overview: o, Chart: newChart(o.Days, o.Max), Sevs: sevsDown}
	if c.o.Health != nil {
		h := c.o.Health()
		d.Health = &h
		d.QueueSize = byteSize(h.QueueBytes)
		if !h.LastCheckpoint.IsZero() {
			d.HealthAge = roundAge(now.Sub(h.LastCheckpoint))
		}
	}
	c.render(w, r, http.StatusOK, "overview.html", d)
}
