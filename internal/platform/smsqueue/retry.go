package smsqueue

import (
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river/rivertype"
)

// Backoff is the wait between two attempts to send a message: exponential,
// capped, with jitter so that messages that failed together (a gateway
// outage) do not all come back at the same instant.
//
// After attempt n fails, the next waits d = min(Max, Base·2^(n-1)), of which
// the fraction Jitter is drawn at random: the wait lies in [d·(1-Jitter), d].
type Backoff struct {
	Base   time.Duration // wait after the first failure; 0 means DefaultBackoff.Base
	Max    time.Duration // the longest wait; 0 means DefaultBackoff.Max
	Jitter float64       // 0..1; 0 means DefaultBackoff.Jitter, negative means none
}

// DefaultBackoff: 5s, 10s, 20s, … up to 5 minutes, each up to half shorter
// at random. Ten attempts span about 20 minutes.
var DefaultBackoff = Backoff{Base: 5 * time.Second, Max: 5 * time.Minute, Jitter: 0.5}

func (b Backoff) withDefaults() Backoff {
	if b.Base <= 0 {
		b.Base = DefaultBackoff.Base
	}
	if b.Max <= 0 {
		b.Max = DefaultBackoff.Max
	}
	if b.Max < b.Base {
		b.Max = b.Base
	}
	switch {
	case b.Jitter == 0:
		b.Jitter = DefaultBackoff.Jitter
	case b.Jitter < 0:
		b.Jitter = 0
	case b.Jitter > 1:
		b.Jitter = 1
	}
	return b
}

// ceiling is the wait after failed attempt n before jitter.
func (b Backoff) ceiling(attempt int) time.Duration {
	d := b.Base
	for i := 1; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// Delay is the wait after failed attempt n (1 for the first), given r drawn
// uniformly from [0, 1).
func (b Backoff) Delay(attempt int, r float64) time.Duration {
	d := b.ceiling(attempt)
	return d - time.Duration(float64(d)*b.Jitter*(1-r))
}

// Shortest is the least wait after failed attempt n, whatever the jitter.
func (b Backoff) Shortest(attempt int) time.Duration {
	return b.Delay(attempt, 0)
}

// retryPolicy is the River retry policy of the send jobs. It runs on River's
// clock (the real one): River refuses a retry time in its past.
type retryPolicy struct {
	b    Backoff
	now  func() time.Time
	rand func() float64
}

func (p retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	r := rand.Float64
	if p.rand != nil {
		r = p.rand
	}
	now := time.Now
	if p.now != nil {
		now = p.now
	}
	return now().Add(p.b.Delay(job.Attempt, r()))
}
