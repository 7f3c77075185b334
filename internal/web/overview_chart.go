package web

import (
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
)

// The bar chart's geometry, in SVG user units (the viewBox scales it).
const (
	chartBarW   = 32
	chartGap    = 8
	chartPlotH  = 120 // the tallest bar
	chartTop    = 14  // room for the tallest bar's count
	chartBottom = 20  // room for the day labels
)

// chart is the overview's SVG: one stacked bar a day, severities from
// info at the bottom to critical on top. Only numbers and fixed class
// names reach the markup; the day labels are dates.
type chart struct {
	W, H   int
	Bars   []chartBar
	BaseY  int // the x axis
	LabelY int // the day labels' baseline
}

// chartBar is one day's bar.
type chartBar struct {
	Day      dayCount
	Date     string // 2026-11-27
	Label    string // 11-27
	X, W     int
	LabelX   int
	TotalY   int // where the day's count is written
	Segments []chartSegment
}

// chartSegment is one severity's part of a bar.
type chartSegment struct {
	Severity finding.Severity
	Count    int
	Y, H     int
	Fill     string // the severity's colour (the stylesheet's badge colours)
}

// sevFill colours the bars as console.css colours the severity badges
// (SVG fills are presentation attributes, which the page's CSP allows).
var sevFill = [...]string{finding.Info: "#6b7785", finding.Low: "#2d7d9a", finding.Medium: "#b7791f",
	finding.High: "#c53030", finding.Critical: "#7b1010"}

// newChart lays out the days' bars scaled to the busiest day.
func newChart(days []dayCount, busiest int) chart {
	c := chart{W: len(days)*(chartBarW+chartGap) + chartGap, H: chartTop + chartPlotH + chartBottom, BaseY: chartTop + chartPlotH}
	c.LabelY = c.BaseY + chartBottom - 6
	for i, d := range days {
		b := chartBar{Day: d, Date: d.Day.Format(time.DateOnly), Label: d.Day.Format("01-02"), X: chartGap + i*(chartBarW+chartGap), W: chartBarW}
		b.LabelX = b.X + chartBarW/2
		y, sum := c.BaseY, 0
		for _, s := range finding.Severities {
			n := d.BySev[s]
			if n == 0 || busiest == 0 {
				continue
			}
			// Scale the running total, not each part, so rounding never
			// makes a bar taller than its day's share; a part too small
			// to draw still gets a line.
			sum += n
			top := min(c.BaseY-sum*chartPlotH/busiest, y-1)
			b.Segments = append(b.Segments, chartSegment{Severity: s, Count: n, Y: top, H: y - top, Fill: sevFill[s]})
			y = top
		}
		b.TotalY = y - 3
		c.Bars = append(c.Bars, b)
	}
	return c
}
