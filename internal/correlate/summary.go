package correlate

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// placeholders are what a correlation's summary template may hold, beside
// its group-by fields ({actor.id}, {account}, an alias…):
//
//	{count}       events in the finding
//	{value}       what the condition compared (count, distinct values,
//	              rules matched, sum, average, percentile, share in %)
//	{group}       the group: "field=value, …"
//	{timespan}    the window, as written
//	{field}       the condition's field
//	{values}      value_percentile without a percentile: the rare values
//	{percentile}  the condition's percentile
//	{rules}       how many rules the correlation references
//	{first} {last}  times of the first and newest event (RFC 3339, UTC)
//	{actor} {account} {cloud}  of the first event
var placeholders = []string{"count", "value", "group", "timespan", "field", "values", "percentile", "rules", "first", "last", "actor", "account", "cloud"}

// defaultSummary is the summary of a correlation that writes none.
func defaultSummary(x *corr) map[string]string {
	var en, ru string
	switch x.c.Type {
	case rule.EventCount:
		en, ru = "{count} matching events within {timespan} ({group})", "совпадающих событий: {count} за {timespan} ({group})"
	case rule.ValueCount:
		en, ru = "{value} distinct values of {field} within {timespan} ({group})", "различных значений {field}: {value} за {timespan} ({group})"
	case rule.Temporal:
		en, ru = "{value} of {rules} correlated rules matched within {timespan} ({group})", "сработало связанных правил: {value} из {rules} за {timespan} ({group})"
	case rule.TemporalOrdered:
		en, ru = "{value} of {rules} correlated rules matched in order within {timespan} ({group})", "по порядку сработало связанных правил: {value} из {rules} за {timespan} ({group})"
	case rule.ValueSum:
		en, ru = "sum of {field} is {value} within {timespan} ({group})", "сумма {field}: {value} за {timespan} ({group})"
	case rule.ValueAvg:
		en, ru = "average of {field} is {value} within {timespan} ({group})", "среднее {field}: {value} за {timespan} ({group})"
	case rule.ValuePercentile:
		if x.rarity {
			en, ru = "{field} {values}: {value}% of events within {timespan} ({group})", "{field} {values}: {value}% событий за {timespan} ({group})"
		} else {
			en, ru = "percentile {percentile} of {field} is {value} within {timespan} ({group})", "процентиль {percentile} для {field}: {value} за {timespan} ({group})"
		}
	}
	return map[string]string{"en": en, "ru": ru}
}

// unknownPlaceholders returns the {names} of a template that render does
// not fill.
func unknownPlaceholders(tmpl string, groupBy []string) []string {
	var bad []string
	for {
		_, name, after, ok := finding.NextPlaceholder(tmpl)
		if !ok {
			return bad
		}
		if !slices.Contains(placeholders, name) && !slices.Contains(groupBy, name) && !slices.Contains(bad, name) {
			bad = append(bad, name)
		}
		tmpl = after
	}
}

// render fills a summary template for a finding. The result is log text
// (group values come from events): renderers escape it.
func render(tmpl, lang string, w *window, ep *episode) string {
	var b strings.Builder
	for {
		before, name, after, ok := finding.NextPlaceholder(tmpl)
		if !ok {
			break
		}
		b.WriteString(before)
		if v, known := placeholder(name, lang, w, ep); known {
			b.WriteString(v)
		} else {
			b.WriteString("{" + name + "}")
		}
		tmpl = after
	}
	b.WriteString(tmpl)
	return b.String()
}

func placeholder(name, lang string, w *window, ep *episode) (string, bool) {
	x := w.c
	if i := slices.Index(x.groupBy, name); i >= 0 {
		return w.group[i], true
	}
	switch name {
	case "count":
		return strconv.Itoa(ep.total), true
	case "value":
		return formatNumber(ep.value), true
	case "group":
		if len(x.groupBy) == 0 {
			if lang == "ru" {
				return "все события", true
			}
			return "all events", true
		}
		parts := make([]string, len(x.groupBy))
		for i, g := range x.groupBy {
			parts[i] = g + "=" + w.group[i]
		}
		return strings.Join(parts, ", "), true
	case "timespan":
		return x.c.TimespanText, true
	case "field":
		return x.cond.Field.Name, true
	case "values":
		vals := ep.rare
		if len(vals) > 5 {
			vals = append(slices.Clone(vals[:5]), "…")
		}
		return strings.Join(vals, ", "), true
	case "percentile":
		return formatNumber(x.cond.Percentile), true
	case "rules":
		return strconv.Itoa(len(x.refs)), true
	case "first":
		return ep.first.Time.UTC().Format(time.RFC3339), true
	case "last":
		return ep.last.UTC().Format(time.RFC3339), true
	case "actor":
		return ep.first.Actor, true
	case "account":
		return ep.first.Account, true
	case "cloud":
		return string(ep.first.Cloud), true
	}
	return "", false
}
