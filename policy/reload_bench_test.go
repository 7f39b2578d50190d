package policy

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkReload: rebuilding the enforcer from n assignments (what the
// once-a-minute reload did every time before it learned to skip an
// unchanged set), and building one subject's grants after it.
func BenchmarkReload(b *testing.B) {
	for _, n := range []int{200, 2000} {
		var as []Assignment
		for i := range n {
			as = append(as, Assignment{Subject: fmt.Sprintf("AC%d", i), Role: Officer, Path: fmt.Sprintf("/UN%d/UN%d/", i%60, i)})
		}
		load := func(context.Context) ([]Assignment, error) { return as, nil }
		b.Run(fmt.Sprintf("rebuild/%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := New(context.Background(), load); err != nil {
					b.Fatal(err)
				}
			}
		})
		a, err := New(context.Background(), load)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("unchanged/%d", n), func(b *testing.B) {
			for b.Loop() {
				if err := a.Reload(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("grants/%d", n), func(b *testing.B) {
			for b.Loop() {
				a.Grants("AC7")
			}
		})
	}
}
