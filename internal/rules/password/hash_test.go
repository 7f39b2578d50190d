package password

import (
	"context"
	"errors"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/crypto/argon2"
)

var phcPattern = regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestHashVerify(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(2)
	pw := "Hồ Gươm mùa thu"
	phc, err := h.Hash(ctx, pw)
	if err != nil {
		t.Fatal(err)
	}
	if !phcPattern.MatchString(phc) {
		t.Fatalf("hash %q is not the expected PHC string", phc)
	}
	again, err := h.Hash(ctx, pw)
	if err != nil {
		t.Fatal(err)
	}
	if again == phc {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for _, tt := range []struct {
		pw   string
		want bool
	}{
		{pw, true},
		{"Hồ Gươm mùa thu ", false},
		{"ho guom mua thu", false},
		{"", false},
	} {
		ok, err := h.Verify(ctx, phc, tt.pw)
		if err != nil {
			t.Fatal(err)
		}
		if ok != tt.want {
			t.Errorf("Verify(%q) = %v, want %v", tt.pw, ok, tt.want)
		}
	}
}

// TestVerifyReadsParams: a hash made with other parameters still verifies,
// so the parameters can be raised later without invalidating old hashes.
func TestVerifyReadsParams(t *testing.T) {
	salt := []byte("0123456789abcdef")
	p := params{memory: 64, time: 1, threads: 2}
	phc := format(p, salt, argon2.IDKey([]byte("old password"), salt, p.time, p.memory, p.threads, 24))
	h := NewHasher(1)
	for pw, want := range map[string]bool{"old password": true, "other": false} {
		ok, err := h.Verify(context.Background(), phc, pw)
		if err != nil {
			t.Fatal(err)
		}
		if ok != want {
			t.Errorf("Verify(%q) = %v, want %v", pw, ok, want)
		}
	}
}

func TestVerifyMalformed(t *testing.T) {
	const salt, key = "MDEyMzQ1Njc4OWFiY2RlZg", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	for name, phc := range map[string]string{
		"empty":            "",
		"bcrypt":           "$2a$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234",
		"argon2i":          "$argon2i$v=19$m=19456,t=2,p=1$" + salt + "$" + key,
		"no version":       "$argon2id$m=19456,t=2,p=1$" + salt + "$" + key,
		"version 16":       "$argon2id$v=16$m=19456,t=2,p=1$" + salt + "$" + key,
		"params reordered": "$argon2id$v=19$t=2,m=19456,p=1$" + salt + "$" + key,
		"param missing":    "$argon2id$v=19$m=19456,t=2$" + salt + "$" + key,
		"param extra":      "$argon2id$v=19$m=19456,t=2,p=1,k=3$" + salt + "$" + key,
		"param not number": "$argon2id$v=19$m=lots,t=2,p=1$" + salt + "$" + key,
		"negative":         "$argon2id$v=19$m=-1,t=2,p=1$" + salt + "$" + key,
		"zero time":        "$argon2id$v=19$m=19456,t=0,p=1$" + salt + "$" + key,
		"zero threads":     "$argon2id$v=19$m=19456,t=2,p=0$" + salt + "$" + key,
		"huge memory":      "$argon2id$v=19$m=4194304,t=2,p=1$" + salt + "$" + key,
		"huge time":        "$argon2id$v=19$m=19456,t=100000,p=1$" + salt + "$" + key,
		"salt not base64":  "$argon2id$v=19$m=19456,t=2,p=1$!!!!$" + key,
		"salt padded":      "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "==$" + key,
		"salt too short":   "$argon2id$v=19$m=19456,t=2,p=1$AAAA$" + key,
		"key missing":      "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$",
		"key too short":    "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$AAAAAAAA",
		"trailing field":   "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key + "$x",
		"no leading $":     "argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key,
	} {
		t.Run(name, func(t *testing.T) {
			ok, err := NewHasher(1).Verify(context.Background(), phc, "pw")
			if ok || !errors.Is(err, ErrMalformedHash) {
				t.Errorf("Verify = %v, %v; want false, ErrMalformedHash", ok, err)
			}
		})
	}
	// The well-formed control: the same pieces parse.
	if _, _, _, err := parse("$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key); err != nil {
		t.Errorf("control hash refused: %v", err)
	}
}

// blockingHasher returns a Hasher whose calls report on waited when they find
// no free slot, and once they hold a slot report on entered and wait for a
// token on release (or its closing). It also records the most slots ever
// held at once.
type blockingHasher struct {
	*Hasher
	waited, entered, release chan struct{}
	maxInFlight              atomic.Int32
	// releaseAll lets every call holding or getting a slot finish; it may be
	// called more than once.
	releaseAll func()
}

func newBlockingHasher(slots int) *blockingHasher {
	b := &blockingHasher{
		Hasher:  NewHasher(slots),
		waited:  make(chan struct{}),
		entered: make(chan struct{}),
		release: make(chan struct{}),
	}
	b.releaseAll = sync.OnceFunc(func() { close(b.release) })
	var inFlight atomic.Int32
	b.Hasher.waiting = func() { b.waited <- struct{}{} }
	b.Hasher.inSlot = func() {
		n := inFlight.Add(1)
		for {
			m := b.maxInFlight.Load()
			if n <= m || b.maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		b.entered <- struct{}{}
		<-b.release
		inFlight.Add(-1)
	}
	return b
}

// expectWait fails the test if the call just started took a slot instead of
// waiting for one. Exactly one of the two happens, so this does not depend on
// timing.
func (b *blockingHasher) expectWait(t *testing.T) {
	t.Helper()
	select {
	case <-b.waited:
	case <-b.entered:
		t.Fatal("a call took a slot although all were held")
	}
}

func TestHashWaitsForASlotAndHonoursContext(t *testing.T) {
	h := newBlockingHasher(1)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer h.releaseAll() // runs first: lets the calls holding slots finish
	wg.Go(func() {
		if _, err := h.Hash(context.Background(), "first one"); err != nil {
			t.Error(err)
		}
	})
	<-h.entered // the only slot is taken

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 2)
	go func() {
		_, err := h.Hash(ctx, "second one")
		done <- err
	}()
	h.expectWait(t)
	go func() {
		_, err := h.Verify(ctx, h.dummy, "third one")
		done <- err
	}()
	h.expectWait(t)
	cancel()
	for range 2 {
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("waiting call = %v, want context.Canceled", err)
		}
	}
}

func TestConcurrencyIsBounded(t *testing.T) {
	const slots, calls = 2, 7
	h := newBlockingHasher(slots)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer h.releaseAll()
	hash := func() {
		wg.Go(func() {
			if _, err := h.Hash(context.Background(), "some password"); err != nil {
				t.Error(err)
			}
		})
	}
	for range slots {
		hash()
		<-h.entered
	}
	// Every further call waits...
	for range calls - slots {
		hash()
		h.expectWait(t)
	}
	// ...and one goes through each time a slot is given back.
	for range calls - slots {
		h.release <- struct{}{}
		<-h.entered
	}
	h.releaseAll()
	wg.Wait()
	if got := h.maxInFlight.Load(); got != slots {
		t.Errorf("at most %d hashes ran at once, want exactly %d", got, slots)
	}
}

func TestNewHasherDefaultsToCPUs(t *testing.T) {
	if got := cap(NewHasher(0).slots); got < 1 {
		t.Errorf("NewHasher(0) has %d slots", got)
	}
	if got := cap(NewHasher(3).slots); got != 3 {
		t.Errorf("NewHasher(3) has %d slots", got)
	}
}

// TestDummyVerify: DummyVerify does a full Verify, with today's parameters,
// in a slot like any other.
func TestDummyVerify(t *testing.T) {
	p, _, key, err := parse(NewHasher(1).dummy)
	if err != nil {
		t.Fatalf("dummy hash: %v", err)
	}
	if p != currentParams() || len(key) != keyLen {
		t.Errorf("dummy hash params %+v key %d bytes, want %+v and %d", p, len(key), currentParams(), keyLen)
	}
	h := NewHasher(1)
	var derived atomic.Int32
	h.inSlot = func() { derived.Add(1) }
	h.DummyVerify(context.Background())
	if derived.Load() != 1 {
		t.Errorf("DummyVerify ran %d derivations, want 1", derived.Load())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h.slots <- struct{}{} // no slot free: a cancelled DummyVerify must return, not hang
	h.DummyVerify(ctx)
}

// BenchmarkHash measures argon2id throughput with one slot per CPU: the
// ceiling on password checks (sign-ins, changes) per second of this machine.
func BenchmarkHash(b *testing.B) {
	h := NewHasher(0)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := h.Hash(ctx, "correct horse battery staple"); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
}
