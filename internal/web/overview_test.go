package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
	"github.com/snapwarden/snapwarden/internal/web"
)

// hostileText is log-derived text that must show as text: a script, an
// attribute break-out into SVG, and an ANSI colour escape.
const hostileText = "<script>alert(1)</script>\"><svg onload=alert(1)>\x1b[31mred"

// checkEscaped fails when a page carries hostileText as markup, or an
// escape character.
func checkEscaped(t *testing.T, body string) {
	t.Helper()
	for _, bad := range []string{"<script>alert", "<svg onload", "\x1b"} {
		if strings.Contains(body, bad) {
			t.Errorf("page holds %q unescaped", bad)
		}
	}
	if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the hostile text is not shown as text")
	}
}

func withHealth(h web.Health) fixtureOpt {
	return func(o *web.Options) { o.Health = func() web.Health { return h } }
}

// dayTotals reads the chart's bars: day → findings.
func dayTotals(body string) map[string]string {
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`data-day="([0-9-]+)" data-total="([0-9]+)"`).FindAllStringSubmatch(body, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// section returns the part of body from the element with id to the end
// of its section.
func pageSection(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no section %q in %s", id, body)
	}
	s := body[i:]
	if j := strings.Index(s, "</section>"); j >= 0 {
		s = s[:j]
	}
	return s
}

func TestOverview(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		// The console's clock stands at noon, so "today" holds findings
		// whenever the test runs.
		now := time.Now().UTC()
		today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
		checkpoint := today.Add(12*time.Hour - 90*time.Second)
		fx := newFixture(t, b, withHealth(web.Health{Ready: true, AcceptedBatches: 1234, QueueBatches: 3, QueueBytes: 5 << 20,
			Malformed: 7, LastCheckpoint: checkpoint}))
		fx.advance(today.Add(12 * time.Hour).Sub(fx.clock()))
		day := func(n int, h time.Duration) time.Time { return today.AddDate(0, 0, -n).Add(h) }
		chain := func(f finding.Finding, n int) finding.Finding {
			f.Rule.Kind = finding.KindChain
			for i := 1; i < n; i++ {
				f.Events = append(f.Events, finding.EventRef{ID: f.ID + "-" + string(rune('a'+i)), Time: f.Time.Add(time.Duration(i) * time.Minute)})
			}
			return f
		}
		hostile := chain(mkFinding("chain-new", day(1, time.Hour), finding.Critical, event.Azure, hostileText, "az-chain", hostileText), 4)
		hostile.Rule.Title = hostileText
		hostile.Summary = map[string]string{"en": hostileText}
		fx.put(
			mkFinding("t1", day(0, time.Minute), finding.High, event.AWS, "111", "aws-share"),
			mkFinding("t2", day(0, 2*time.Minute), finding.High, event.AWS, "111", "aws-share"),
			mkFinding("t3", day(0, 3*time.Minute), finding.Low, event.GCP, "p", "gcp-share"),
			mkFinding("y1", day(1, 0), finding.Medium, event.Yandex, "b1g", "ya-share"),
			hostile,
			chain(mkFinding("chain-old", day(5, 0), finding.High, event.AWS, "111", "aws-chain", "bob"), 3),
			chain(mkFinding("chain-acked", day(2, 0), finding.High, event.AWS, "111", "aws-chain"), 2),
			mkFinding("too-old", day(14, 0), finding.Critical, event.AWS, "111", "aws-share"),
		)
		c := fx.client()
		c.login()
		if r := c.do("POST", "/findings/ack", url.Values{"id": {"chain-acked"}, "csrf": {c.csrf("/findings")}}); r.status != http.StatusSeeOther {
			t.Fatalf("ack: %d", r.status)
		}
		r := c.get("/")
		if r.status != http.StatusOK {
			t.Fatalf("GET /: %d %s", r.status, r.body)
		}
		totals := dayTotals(r.body)
		if len(totals) != 14 {
			t.Errorf("%d days in the chart, want 14", len(totals))
		}
		want := map[string]string{
			today.Format(time.DateOnly):                   "3",
			today.AddDate(0, 0, -1).Format(time.DateOnly): "2",
			today.AddDate(0, 0, -2).Format(time.DateOnly): "1",
			today.AddDate(0, 0, -5).Format(time.DateOnly): "1",
			today.AddDate(0, 0, -3).Format(time.DateOnly): "0",
		}
		for d, n := range want {
			if totals[d] != n {
				t.Errorf("day %s: %q findings, want %s", d, totals[d], n)
			}
		}
		if _, ok := totals[today.AddDate(0, 0, -14).Format(time.DateOnly)]; ok {
			t.Errorf("the chart shows a 15th day")
		}
		// Today's bar: two high and one low segment, high on top.
		todayBar := r.body[strings.Index(r.body, `data-day="`+today.Format(time.DateOnly)+`"`):]
		todayBar = todayBar[:strings.Index(todayBar, "</g>")]
		if n := strings.Count(todayBar, `<rect class="seg"`); n != 2 {
			t.Errorf("today's bar has %d segments, want 2 (low, high): %s", n, todayBar)
		}
		if lo, hi := strings.Index(todayBar, "low: 1"), strings.Index(todayBar, "high: 2"); lo < 0 || hi < 0 || lo > hi {
			t.Errorf("today's segments: want low: 1 then high: 2 in %s", todayBar)
		}
		// By cloud: columns critical, high, medium, low, info, total.
		byCloud := pageSection(t, r.body, "by-cloud")
		for cloud, cells := range map[string]string{
			"aws":    "<td>aws</td><td>0</td><td>4</td><td>0</td><td>0</td><td>0</td><td>4</td>",
			"azure":  "<td>azure</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td>",
			"gcp":    "<td>gcp</td><td>0</td><td>0</td><td>0</td><td>1</td><td>0</td><td>1</td>",
			"yandex": "<td>yandex</td><td>0</td><td>0</td><td>1</td><td>0</td><td>0</td><td>1</td>",
		} {
			if !strings.Contains(byCloud, cells) {
				t.Errorf("by cloud: no row %s for %s in %s", cells, cloud, byCloud)
			}
		}
		if strings.Index(byCloud, "<td>aws</td>") > strings.Index(byCloud, "<td>azure</td>") {
			t.Errorf("clouds out of order")
		}
		// Open chains, newest first; the acknowledged one and plain
		// detections left out.
		chains := pageSection(t, r.body, "chains")
		if got := ids(chains); strings.Join(got, ",") != "chain-new,chain-old" {
			t.Errorf("open chains %q, want chain-new, chain-old", got)
		}
		if !strings.Contains(chains, `href="/findings/chain-new"`) {
			t.Errorf("the chain is not linked to its page")
		}
		checkEscaped(t, r.body)
		// Health.
		health := pageSection(t, r.body, "health")
		for id, text := range map[string]string{
			"health-ready": "processing", "health-accepted": "1234", "health-queue": "3 batches, 5.0 MiB",
			"health-malformed": "7", "health-checkpoint": checkpoint.Format("2006-01-02 15:04:05"),
		} {
			if !regexp.MustCompile(`id="` + id + `">[^\n]*` + regexp.QuoteMeta(text)).MatchString(health) {
				t.Errorf("health %s: want %q in %s", id, text, health)
			}
		}
		if !strings.Contains(health, "(1m ago)") {
			t.Errorf("the checkpoint's age is not shown: %s", health)
		}
		// The same in Russian.
		ru := c.get("/", "Accept-Language", "ru")
		if !strings.Contains(ru.body, "Открытые цепочки") || !strings.Contains(ru.body, "пакетов: 3") {
			t.Errorf("the Russian overview lacks its texts")
		}
	})
}

func TestOverviewEmpty(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		fx := newFixture(t, b)
		fx.put(mkFinding("old", fx.now.AddDate(0, 0, -30), finding.High, event.AWS, "111", "aws-share"))
		c := fx.client()
		c.login()
		r := c.get("/")
		if r.status != http.StatusOK {
			t.Fatalf("GET /: %d", r.status)
		}
		for _, id := range []string{"no-findings", "no-chains", "no-health"} {
			if !strings.Contains(r.body, `id="`+id+`"`) {
				t.Errorf("no %s note", id)
			}
		}
		if strings.Contains(r.body, "<svg") {
			t.Errorf("an empty period draws a chart")
		}
	})
}

func TestOverviewNeedsLogin(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		fx := newFixture(t, b)
		r := fx.client().get("/")
		if r.status == http.StatusOK {
			t.Fatalf("the overview answered without a login")
		}
		if r := fx.client().get("/", "Authorization", "Bearer "+testToken); r.status != http.StatusOK {
			t.Fatalf("the overview refused the bearer token: %d", r.status)
		}
	})
}

func TestGatherHealth(t *testing.T) {
	reg := prometheus.NewRegistry()
	batches := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "snapwarden_ingest_batches_total"}, []string{"format"})
	malformed := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "snapwarden_malformed_total"}, []string{"format"})
	qb := prometheus.NewGauge(prometheus.GaugeOpts{Name: "snapwarden_queue_batches"})
	qbytes := prometheus.NewGauge(prometheus.GaugeOpts{Name: "snapwarden_queue_bytes"})
	other := prometheus.NewCounter(prometheus.CounterOpts{Name: "snapwarden_records_total"})
	reg.MustRegister(batches, malformed, qb, qbytes, other)
	batches.WithLabelValues("cloudtrail").Add(10)
	batches.WithLabelValues("auto").Add(5)
	malformed.WithLabelValues("unknown").Add(2)
	malformed.WithLabelValues("gcpaudit").Add(1)
	qb.Set(4)
	qbytes.Set(4096)
	other.Add(99)
	got := web.GatherHealth(reg)
	want := web.Health{AcceptedBatches: 15, Malformed: 3, QueueBatches: 4, QueueBytes: 4096}
	if got != want {
		t.Errorf("GatherHealth = %+v, want %+v", got, want)
	}
	if got := web.GatherHealth(prometheus.NewRegistry()); got != (web.Health{}) {
		t.Errorf("an empty registry gives %+v", got)
	}
}
