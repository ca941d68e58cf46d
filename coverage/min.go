package coverage

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Metrics are the names --min accepts. operations is over the whole document; the others
// hold for every operation (an operation without pairs is 0% of everything it has).
var Metrics = []string{"operations", "fields", "query", "enums", "custom", "responses"}

// Min is one threshold: at least Percent of Metric.
type Min struct {
	Metric  string
	Percent float64
}

func (m Min) String() string { return m.Metric + "=" + formatPercent(m.Percent) }

// ParseMin parses "fields=80" or a comma-separated list of them ("fields=80,responses=50%").
func ParseMin(s string) ([]Min, error) {
	var out []Min
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		name, value, ok := strings.Cut(part, "=")
		if !ok || name == "" || value == "" {
			return nil, fmt.Errorf("--min %q: want METRIC=PERCENT, e.g. fields=80 (metrics: %s)", part, strings.Join(Metrics, ", "))
		}
		if !contains(Metrics, name) {
			return nil, fmt.Errorf("--min %q: unknown metric %q (want one of %s)", part, name, strings.Join(Metrics, ", "))
		}
		p, err := strconv.ParseFloat(strings.TrimSuffix(value, "%"), 64)
		if err != nil || math.IsNaN(p) || p < 0 || p > 100 {
			return nil, fmt.Errorf("--min %q: %q is not a percentage from 0 to 100", part, value)
		}
		out = append(out, Min{Metric: name, Percent: p})
	}
	return out, nil
}

// Shortfall is a threshold not met.
type Shortfall struct {
	// Operation is the operationId, or "" for the operations metric.
	Operation string  `json:"operation"`
	Metric    string  `json:"metric"`
	Percent   float64 `json:"percent"`
	Min       float64 `json:"min"`
	// Missing is how many more items would meet the threshold.
	Missing int    `json:"missing"`
	Message string `json:"message"`
}

// Check compares the report with the thresholds, records the shortfalls in r.Below and
// returns them.
func (r *Report) Check(mins []Min) []Shortfall {
	r.Below = []Shortfall{}
	for _, m := range mins {
		if m.Metric == "operations" {
			r.below(m, "", "operations", "exercise", len(r.Exercised.Seen), len(r.Exercised.Seen)+len(r.Exercised.Never), r.Exercised.Never)
			continue
		}
		for _, op := range r.Operations {
			switch m.Metric {
			case "fields":
				r.below(m, op.Operation, "fields", "send", len(op.Fields.Sent), len(op.Fields.Sent)+len(op.Fields.Never), op.Fields.Never)
			case "query":
				r.below(m, op.Operation, "query parameters", "send", len(op.Query.Sent), len(op.Query.Sent)+len(op.Query.Never), op.Query.Never)
			case "enums":
				r.below(m, op.Operation, "enum values", "send", op.Enums.Sent, op.Enums.Total, nil)
			case "custom":
				r.below(m, op.Operation, "custom forms", "send", len(op.Custom.Sent), len(op.Custom.Sent)+len(op.Custom.Never), op.Custom.Never)
			case "responses":
				r.below(m, op.Operation, "response variants", "see", len(op.Responses.Seen), len(op.Responses.Seen)+len(op.Responses.Never), nil)
			}
		}
	}
	return r.Below
}

func (r *Report) below(m Min, op, what, verb string, n, total int, never []string) {
	// Exact: n/total >= p/100, without rounding the share first.
	if total == 0 || float64(n)*100 >= m.Percent*float64(total) {
		return
	}
	need := int(math.Ceil(m.Percent*float64(total)/100-1e-9)) - n
	pct := percent(n, total)
	msg := fmt.Sprintf("%s %s%% (%d of %d) is below %s%% by %s points: %s %d more",
		what, formatPercent(pct), n, total, formatPercent(m.Percent), formatPercent(math.Ceil((m.Percent-float64(n)*100/float64(total))*10)/10), verb, need)
	if op != "" {
		msg = op + ": " + msg
	}
	if len(never) > 0 && len(never) <= 5 {
		msg += " (never: " + strings.Join(never, ", ") + ")"
	}
	r.Below = append(r.Below, Shortfall{Operation: op, Metric: m.Metric, Percent: pct, Min: m.Percent, Missing: need, Message: msg})
}
