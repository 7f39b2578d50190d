package stats

import "time"

// bucketBounds are the upper bounds (seconds) of the delivery-time buckets
// kept per day; the last bucket has no upper bound. Percentiles are read
// from them by linear interpolation inside the bucket, so p50/p95 are
// exact to the bucket's width (docs/RULES.md "Statistics").
var bucketBounds = []float64{1, 2, 3, 5, 7, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600}

// bucketOf is the bucket of a delivery time.
func bucketOf(d time.Duration) int {
	sec := d.Seconds()
	for i, b := range bucketBounds {
		if sec <= b {
			return i
		}
	}
	return len(bucketBounds)
}

// percentile reads the q-th quantile (0..1) from bucket counts; nil when empty.
func percentile(counts map[int]int64, q float64) *float64 {
	var total int64
	for _, n := range counts {
		total += n
	}
	if total == 0 {
		return nil
	}
	rank := q * float64(total)
	var seen int64
	for i := 0; i <= len(bucketBounds); i++ {
		n := counts[i]
		if n == 0 {
			continue
		}
		if float64(seen+n) >= rank {
			lo := 0.0
			if i > 0 {
				lo = bucketBounds[i-1]
			}
			hi := lo
			if i < len(bucketBounds) {
				hi = bucketBounds[i]
			}
			v := lo + (hi-lo)*(rank-float64(seen))/float64(n)
			return &v
		}
		seen += n
	}
	last := bucketBounds[len(bucketBounds)-1]
	return &last
}
