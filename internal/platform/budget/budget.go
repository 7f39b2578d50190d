// Package budget bounds how often someone may do something: at most Max uses
// per Window under a key (an officer's citizen lookups: 30 a minute, 300 a
// day). The counts are rows of the database (ent Budget), so every replica
// draws on the same budget, and a use is taken by a conditional update, so
// that no number of concurrent callers gets more than Max on SQLite or
// PostgreSQL.
package budget

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/ent"
	entbudget "github.com/motcua/motcua/ent/budget"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/policy/viewer"
)

// Limit is at most Max uses per Window. A window starts with the first use
// after the previous one ended.
type Limit struct {
	Name   string // for the caller's messages and the key, e.g. "minute"
	Max    int
	Window time.Duration
}

// Exceeded is the error of Take when a limit is spent: Limit says which, At
// when its window ends and a use is possible again.
type Exceeded struct {
	Limit Limit
	At    time.Time
}

func (e *Exceeded) Error() string {
	return fmt.Sprintf("budget: %d per %s spent until %s", e.Limit.Max, e.Limit.Name, e.At.UTC().Format(time.RFC3339))
}

// Take uses one of each limit under key, inside tx. When any limit is spent
// it returns *Exceeded (for the first such limit) and the caller must roll
// tx back, which gives back what the other limits took. Otherwise it returns
// how many uses each limit has left in its window.
//
// On PostgreSQL the updates lock the rows until tx ends, so the callers of
// one key queue behind each other; SQLite runs one write transaction at a
// time.
func Take(ctx context.Context, tx *store.Tx, now time.Time, key string, limits ...Limit) ([]int, error) {
	now = now.UTC() // one time zone, so that both databases compare times alike
	left := make([]int, len(limits))
	for i, l := range limits {
		n, err := take(ctx, tx, now, key+":"+l.Name, l)
		if err != nil {
			return nil, err
		}
		left[i] = n
	}
	return left, nil
}

// Spent returns the first of limits spent under key at now, without writing
// (nil when none is, or when a window has ended). It lets a caller refuse a
// flood of calls past the budget before opening a write transaction; Take
// stays the one that decides.
func Spent(ctx context.Context, client *ent.Client, now time.Time, key string, limits ...Limit) (*Exceeded, error) {
	now = now.UTC()
	for _, l := range limits {
		row, err := client.Budget.Query().Where(entbudget.Key(key + ":" + l.Name)).Only(viewer.System(ctx))
		switch {
		case ent.IsNotFound(err):
			continue
		case err != nil:
			return nil, fmt.Errorf("budget: read %s: %w", l.Name, err)
		}
		if end := row.WindowStart.Add(l.Window); row.Used >= l.Max && now.Before(end) {
			return &Exceeded{Limit: l, At: end}, nil
		}
	}
	return nil, nil
}

func take(ctx context.Context, tx *store.Tx, now time.Time, key string, l Limit) (int, error) {
	sys := viewer.System(ctx)
	err := tx.Client.Budget.Create().
		SetKey(key).SetUsed(0).SetWindowStart(now).SetCreatedAt(now).SetUpdatedAt(now).
		OnConflictColumns(entbudget.FieldKey).Ignore().
		Exec(sys)
	if err != nil {
		return 0, fmt.Errorf("budget: insert %s: %w", l.Name, err)
	}
	// A window that has ended starts again. Two callers may both see it
	// ended; the second one's condition no longer holds once the first has
	// moved window_start to its now.
	_, err = tx.Client.Budget.Update().
		Where(entbudget.Key(key), entbudget.WindowStartLTE(now.Add(-l.Window))).
		SetUsed(0).SetWindowStart(now).SetUpdatedAt(now).
		Save(sys)
	if err != nil {
		return 0, fmt.Errorf("budget: new window %s: %w", l.Name, err)
	}
	// The use itself: one statement that adds only while some are left.
	// PostgreSQL re-checks the condition on the row a concurrent update
	// just committed, so the count can never pass Max.
	n, err := tx.Client.Budget.Update().
		Where(entbudget.Key(key), entbudget.UsedLT(l.Max)).
		AddUsed(1).SetUpdatedAt(now).
		Save(sys)
	if err != nil {
		return 0, fmt.Errorf("budget: take %s: %w", l.Name, err)
	}
	row, err := tx.Client.Budget.Query().Where(entbudget.Key(key)).Only(sys)
	if err != nil {
		return 0, fmt.Errorf("budget: read %s: %w", l.Name, err)
	}
	if n == 0 {
		return 0, &Exceeded{Limit: l, At: row.WindowStart.Add(l.Window)}
	}
	return l.Max - row.Used, nil
}
