package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/rules/vn"
)

func TestParsePerf(t *testing.T) {
	out := `# Samples: 1K of event 'cpu-clock'
#
    12.50%  [.] runtime.mallocgc
     6.25%  [k] tcp_sendmsg_locked                  -      -
     3.00%  [.] runtime.goexit.abi0
    50.00%     1.00%  [.] github.com/motcua/motcua/internal/domain/auth.(*Service).Authenticate
`
	got := parsePerf(out, 10)
	want := []profLine{
		{Pct: 12.5, Symbol: "runtime.mallocgc"},
		{Pct: 6.25, Symbol: "tcp_sendmsg_locked", Kernel: true},
		{Pct: 50, Symbol: "github.com/motcua/motcua/internal/domain/auth.(*Service).Authenticate"},
	}
	if len(got) != len(want) {
		t.Fatalf("parsePerf = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	pk := byPackage(got, 5)
	if pk[0].Symbol != "github.com/motcua/motcua/internal/domain/auth" || pk[1].Symbol != "runtime" || !strings.HasPrefix(pk[2].Symbol, "kernel") {
		t.Errorf("byPackage = %+v", pk)
	}
}

func TestParseSamples(t *testing.T) {
	for in, want := range map[string]int{
		"# Samples: 6  of event 'cpu-clock:pppH'\n": 6,
		"#\n# Samples: 1K of event 'cpu-clock'\n":   1000,
		"# Samples: 2.5K of event 'cpu-clock'":      2500,
		"# Event count (approx.): 30150750\n":       0,
	} {
		if got := parseSamples(in); got != want {
			t.Errorf("parseSamples(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestPercentiles(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	p50, p95, p99, max := percentiles(ds)
	if p50 != 50*time.Millisecond || p95 != 95*time.Millisecond || p99 != 99*time.Millisecond || max != 100*time.Millisecond {
		t.Errorf("percentiles = %v %v %v %v", p50, p95, p99, max)
	}
	if a, b, c, d := percentiles(nil); a+b+c+d != 0 {
		t.Error("percentiles of nothing should be zero")
	}
}

// The desk citizens must be valid and unique, or the desk flow refuses
// them.
func TestDeskIdentities(t *testing.T) {
	b := &bench{}
	ids := map[string]bool{}
	for range 120_000 {
		c := b.nextCitizen()
		if ids[c.IDNumber] {
			t.Fatalf("ID number %s repeats", c.IDNumber)
		}
		ids[c.IDNumber] = true
		if b.citizenSeq%9_973 == 0 {
			id, err := vn.ParseIDNumber(c.IDNumber)
			if err == nil {
				err = id.CheckBirthDate(time.Date(1990, 5, 5, 0, 0, 0, 0, time.UTC))
			}
			if err != nil {
				t.Fatalf("%s: %v", c.IDNumber, err)
			}
			if _, err := vn.NormalizePhone(c.Phone); err != nil {
				t.Fatalf("%s: %v", c.Phone, err)
			}
		}
	}
}

func TestNotifyShadowOnlySuppressesOurChannel(t *testing.T) {
	if s := notifyShadow(false)[0]; !strings.Contains(s, "IF true THEN") {
		t.Errorf("forwarding shadow: %s", s)
	}
	if s := notifyShadow(true)[0]; !strings.Contains(s, "channel <> 'motcua_events'") {
		t.Errorf("suppressing shadow: %s", s)
	}
}

// TestSampleScanExists: S4 and S7 upload the tests' sample scan; a move of
// the fixtures must move the bench's path too (it once failed both).
func TestSampleScanExists(t *testing.T) {
	b := &bench{cfg: &config{repo: filepath.Join("..", "..")}}
	data, err := b.scanFile()
	if err != nil || len(data) == 0 {
		t.Fatalf("scanFile: %d bytes, %v", len(data), err)
	}
}
