package budget

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/internal/testkit/testenv"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

var (
	perMinute = Limit{Name: "minute", Max: 30, Window: time.Minute}
	perDay    = Limit{Name: "day", Max: 45, Window: 24 * time.Hour}
)

// use takes one use under key at now in a transaction of its own, as a
// caller does: a refusal rolls back what the other limits took.
func use(db *store.DB, now time.Time, key string) ([]int, error) {
	var left []int
	err := db.InTx(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		var err error
		left, err = Take(ctx, tx, now, key, perMinute, perDay)
		return err
	})
	return left, err
}

// useConcurrently makes n uses at once and counts the granted and refused.
func useConcurrently(t *testing.T, db *store.DB, now time.Time, key string, n int) (granted int, refused []*Exceeded) {
	t.Helper()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			_, err := use(db, now, key)
			mu.Lock()
			defer mu.Unlock()
			var ex *Exceeded
			switch {
			case err == nil:
				granted++
			case errors.As(err, &ex):
				refused = append(refused, ex)
			default:
				t.Errorf("take: %v", err)
			}
		})
	}
	wg.Wait()
	return granted, refused
}

// TestConcurrentTakesNeverPassTheLimit: 120 uses at once get exactly the
// minute's 30; the next minute 15 more, the day's rest; every refusal says
// when the spent window ends.
func TestConcurrentTakesNeverPassTheLimit(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		granted, refused := useConcurrently(t, db, t0, "lookup:OFa", 120)
		if granted != 30 || len(refused) != 90 {
			t.Fatalf("first minute: %d granted, %d refused; want 30 and 90", granted, len(refused))
		}
		for _, ex := range refused {
			if ex.Limit.Name != "minute" || !ex.At.Equal(t0.Add(time.Minute)) {
				t.Fatalf("refusal %+v, want the minute, until %s", ex, t0.Add(time.Minute))
			}
		}
		// Another key has a budget of its own.
		if left, err := use(db, t0, "lookup:OFb"); err != nil || left[0] != 29 || left[1] != 44 {
			t.Fatalf("other key: %v %v", left, err)
		}
		// A minute later: the minute starts again, the day has 15 left.
		next := t0.Add(time.Minute)
		granted, refused = useConcurrently(t, db, next, "lookup:OFa", 120)
		if granted != 15 || len(refused) != 105 {
			t.Fatalf("second minute: %d granted, %d refused; want 15 and 105", granted, len(refused))
		}
		for _, ex := range refused {
			// Refusals by the day limit must not have used the minute's.
			if ex.Limit.Name != "day" || !ex.At.Equal(t0.Add(24*time.Hour)) {
				t.Fatalf("refusal %+v, want the day, until %s", ex, t0.Add(24*time.Hour))
			}
		}
		// The next day everything is back.
		if left, err := use(db, t0.Add(24*time.Hour), "lookup:OFa"); err != nil || left[0] != 29 || left[1] != 44 {
			t.Fatalf("next day: %v %v", left, err)
		}
	})
}

// TestRefusalGivesBack: a use the day refuses takes nothing from the minute.
func TestRefusalGivesBack(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		now := t0
		for i := range perDay.Max {
			if _, err := use(db, now, "k"); err != nil {
				t.Fatalf("use %d: %v", i, err)
			}
			if i%perMinute.Max == perMinute.Max-1 {
				now = now.Add(time.Minute)
			}
		}
		var ex *Exceeded
		if _, err := use(db, now, "k"); !errors.As(err, &ex) || ex.Limit.Name != "day" {
			t.Fatalf("use past the day: %v", err)
		}
		left, err := func() ([]int, error) {
			var left []int
			err := db.InTx(context.Background(), func(ctx context.Context, tx *store.Tx) error {
				var err error
				left, err = Take(ctx, tx, now, "k", perMinute)
				return err
			})
			return left, err
		}()
		if err != nil || left[0] != perMinute.Max-(perDay.Max-perMinute.Max)-1 {
			t.Fatalf("minute after a refusal: %v %v", left, err)
		}
	})
}

// TestSpentReadsWithoutWriting: Spent sees a spent budget until its window
// ends, and nothing where no use was made.
func TestSpentReadsWithoutWriting(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if ex, err := Spent(ctx, db.Client, t0, "k", perMinute, perDay); ex != nil || err != nil {
			t.Fatalf("unused key: %v %v", ex, err)
		}
		for range perMinute.Max - 1 {
			if _, err := use(db, t0, "k"); err != nil {
				t.Fatal(err)
			}
		}
		if ex, err := Spent(ctx, db.Client, t0, "k", perMinute, perDay); ex != nil || err != nil {
			t.Fatalf("one use left: %v %v", ex, err)
		}
		if _, err := use(db, t0, "k"); err != nil {
			t.Fatal(err)
		}
		ex, err := Spent(ctx, db.Client, t0.Add(59*time.Second), "k", perMinute, perDay)
		if err != nil || ex == nil || ex.Limit.Name != "minute" || !ex.At.Equal(t0.Add(time.Minute)) {
			t.Fatalf("spent minute: %+v %v", ex, err)
		}
		if ex, err := Spent(ctx, db.Client, t0.Add(time.Minute), "k", perMinute, perDay); ex != nil || err != nil {
			t.Fatalf("after the window: %v %v", ex, err)
		}
	})
}
