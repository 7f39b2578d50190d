package stats

import (
	"context"
	"fmt"
	"strings"

	"entgo.io/ent/dialect"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/predicate"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/statsday"
	"github.com/motcua/motcua/ent/statsunitday"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/policy/viewer"
)

// coarseDepth is the deepest level of the coarse roll-up: 0 the country,
// 1 the provinces, 2 their children. A view that needs deeper units (a
// district's children, a desk, an officer) reads the desk rows
// (docs/RULES.md "Statistics", docs/PERFORMANCE.md "S9").
const coarseDepth = 2

// coarseKey is a coarse roll-up row's identity.
type coarseKey struct {
	Day      string
	Level    int
	UnitPath string
	Metric   string
	Kind     string
	Carrier  string
	Bucket   int
}

// depthOf is the depth of a materialised path: 1 for "/UNa/", 0 for "".
func depthOf(p string) int {
	if t := strings.Trim(p, "/"); t != "" {
		return strings.Count(t, "/") + 1
	}
	return 0
}

// ancestorAt is the path of the unit at depth level on path p.
func ancestorAt(p string, level int) string {
	if level == 0 {
		return ""
	}
	parts := strings.Split(strings.Trim(p, "/"), "/")
	return "/" + strings.Join(parts[:level], "/") + "/"
}

// coarseOf sums desk rows into the coarse rows: each desk row counts once
// at every level from 0 to its own depth (at most coarseDepth), under its
// ancestor at that level.
func coarseOf(rows map[key]int64) map[coarseKey]int64 {
	out := map[coarseKey]int64{}
	for k, n := range rows {
		if n == 0 {
			continue
		}
		for l := range min(depthOf(k.UnitPath), coarseDepth) + 1 {
			out[coarseKey{k.Day, l, ancestorAt(k.UnitPath, l), k.Metric, k.Kind, k.Carrier, k.Bucket}] += n
		}
	}
	return out
}

// writeCoarse replaces the coarse rows of day d with fresh, inside the
// rebuild's transaction, when they differ.
func writeCoarse(ctx context.Context, c *ent.Client, d string, fresh map[coarseKey]int64) error {
	old, err := c.StatsUnitDay.Query().Where(statsunitday.Day(d)).All(ctx)
	if err != nil {
		return fmt.Errorf("stats: read coarse %s: %w", d, err)
	}
	same := len(old) == len(fresh)
	for _, r := range old {
		if !same {
			break
		}
		same = fresh[coarseKey{r.Day, r.Level, r.UnitPath, r.Metric, r.Kind, r.Carrier, r.Bucket}] == r.N
	}
	if same {
		return nil
	}
	if _, err := c.StatsUnitDay.Delete().Where(statsunitday.Day(d)).Exec(ctx); err != nil {
		return fmt.Errorf("stats: clear coarse %s: %w", d, err)
	}
	keys := make([]coarseKey, 0, len(fresh))
	for k := range fresh {
		keys = append(keys, k)
	}
	const batch = 500
	for i := 0; i < len(keys); i += batch {
		var bs []*ent.StatsUnitDayCreate
		for _, k := range keys[i:min(i+batch, len(keys))] {
			bs = append(bs, c.StatsUnitDay.Create().SetID(pulid.New("SU")).SetDay(k.Day).SetLevel(k.Level).
				SetUnitPath(k.UnitPath).SetMetric(k.Metric).SetKind(k.Kind).SetCarrier(k.Carrier).
				SetBucket(k.Bucket).SetN(fresh[k]))
		}
		if err := c.StatsUnitDay.CreateBulk(bs...).Exec(ctx); err != nil {
			return fmt.Errorf("stats: write coarse %s: %w", d, err)
		}
	}
	return nil
}

// BackfillCoarse builds the coarse rows of every day that has desk rows
// and no coarse ones (the days rolled up before the coarse roll-up
// existed), from the stored desk rows, one transaction per day. The
// refresh job runs it once per process before its first rebuild.
func (s *Service) BackfillCoarse(ctx context.Context) error {
	sys := viewer.System(ctx)
	desk, err := s.db.Client.StatsDay.Query().Unique(true).Select(statsday.FieldDay).Strings(sys)
	if err != nil {
		return fmt.Errorf("stats: desk days: %w", err)
	}
	have, err := s.db.Client.StatsUnitDay.Query().Unique(true).Select(statsunitday.FieldDay).Strings(sys)
	if err != nil {
		return fmt.Errorf("stats: coarse days: %w", err)
	}
	done := map[string]bool{}
	for _, d := range have {
		done[d] = true
	}
	for _, d := range desk {
		if !done[d] {
			if err := s.recoarsen(ctx, d); err != nil {
				return err
			}
		}
	}
	return nil
}

// recoarsen rebuilds the coarse rows of day d from its desk rows.
func (s *Service) recoarsen(ctx context.Context, d string) error {
	return s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		if err := lockRefresh(ctx, tx); err != nil {
			return err
		}
		sys := viewer.System(ctx)
		rows, err := tx.Client.StatsDay.Query().Where(statsday.Day(d)).All(sys)
		if err != nil {
			return fmt.Errorf("stats: read %s: %w", d, err)
		}
		return writeCoarse(sys, tx.Client, d, coarseOf(keysOf(rows)))
	})
}

func keysOf(rows []*ent.StatsDay) map[key]int64 {
	out := make(map[key]int64, len(rows))
	for _, r := range rows {
		out[key{r.Day, r.UnitPath, r.OfficerID, r.Metric, r.Kind, r.Carrier, r.Bucket}] = r.N
	}
	return out
}

// lockRefresh serialises the rebuilds of the roll-ups on PostgreSQL.
func lockRefresh(ctx context.Context, tx *store.Tx) error {
	if tx.Dialect != dialect.Postgres {
		return nil
	}
	if _, err := tx.SQL.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, refreshLock); err != nil {
		return fmt.Errorf("stats: lock: %w", err)
	}
	return nil
}

// coarseWhere is the condition on the coarse rows that sums the report's
// scope with one row per unit below levels under each summed path (0: the
// path's own rows, for totals; 1: its children's, the groups of a UNIT
// bar, whose paths bars are). ok is false when those units are deeper
// than coarseDepth or the summed paths nest: the desk rows answer then.
func (r *Report) coarseWhere(below int, bars []*ent.Unit) (predicate.StatsUnitDay, bool) {
	if below < 0 {
		return nil, false
	}
	if r.all && below == totals {
		return statsunitday.And(statsunitday.Level(0), statsunitday.UnitPath("")), true
	}
	if r.all {
		var paths []string
		for _, b := range bars {
			paths = append(paths, b.Path)
		}
		return statsunitday.And(statsunitday.Level(below), statsunitday.UnitPathIn(paths...)), below <= coarseDepth
	}
	var ors []predicate.StatsUnitDay
	for _, p := range r.paths {
		l := depthOf(p) + below
		for _, q := range r.paths {
			if q != p && strings.HasPrefix(q, p) {
				return nil, false
			}
		}
		if l > coarseDepth {
			return nil, false
		}
		ors = append(ors, statsunitday.And(statsunitday.Level(l), statsunitday.UnitPathIn(unitPaths(p, below, bars)...)))
	}
	return statsunitday.Or(ors...), len(ors) > 0
}

// unitPaths are the paths whose coarse rows sum path p's figures: p itself,
// or the bars under it. Equality, unlike a prefix, is a range of the index
// on both databases.
func unitPaths(p string, below int, bars []*ent.Unit) []string {
	if below == 0 {
		return []string{p}
	}
	out := []string{}
	for _, b := range bars {
		if strings.HasPrefix(b.Path, p) && depthOf(b.Path) == depthOf(p)+below {
			out = append(out, b.Path)
		}
	}
	return out
}
