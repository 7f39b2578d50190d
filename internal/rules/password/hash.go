// Package password hashes and checks account passwords: argon2id hashes in
// PHC strings with a bound on how many run at once, the rules a new password
// must pass (docs/RULES.md, NIST SP 800-63B: length, no common passwords, not
// built from the account's own data, no composition rules), and the random
// initial password sent by SMS.
//
// The common-password list (common.txt) is the top of the "passwords" list of
// the npm package zxcvbn 4.4.2 (MIT, Dan Wheeler and Dropbox, Inc.), plus
// common Vietnamese passwords.
package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// params are argon2id's cost parameters (OWASP: m = 19 MiB, t = 2, p = 1).
type params struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
}

// The parameters new hashes are made with. Verify reads them from the PHC
// string instead, so raising them later keeps old hashes valid.
const (
	memoryKiB = 19 * 1024
	passes    = 2
	lanes     = 1
	saltLen   = 16
	keyLen    = 32
)

func currentParams() params { return params{memory: memoryKiB, time: passes, threads: lanes} }

// Limits on parameters read back from a PHC string: a corrupted or hostile
// stored hash must not make Verify allocate gigabytes or spin for minutes.
const (
	maxMemory = 1 << 20 // 1 GiB in KiB
	maxTime   = 64
	minKeyLen = 16
	maxKeyLen = 128
)

// ErrMalformedHash says a stored hash is not an argon2id PHC string this
// package can verify.
var ErrMalformedHash = errors.New("password: malformed argon2id hash")

// Hasher makes and checks argon2id password hashes. Each hash takes 19 MiB
// and tens of milliseconds of one CPU, so at most a fixed number run at once;
// the others wait for a slot (or for their context to end) rather than let a
// burst of sign-ins exhaust memory.
type Hasher struct {
	slots chan struct{} // a semaphore: one token per running hash
	dummy string        // the fixed hash DummyVerify checks against

	// Test hooks, nil in production: waiting runs when a call finds no free
	// slot, inSlot while a call holds one, before hashing.
	waiting func()
	inSlot  func()
}

// NewHasher returns a Hasher that runs at most maxConcurrent hashes at once;
// maxConcurrent <= 0 means one per CPU.
func NewHasher(maxConcurrent int) *Hasher {
	if maxConcurrent <= 0 {
		maxConcurrent = runtime.NumCPU()
	}
	// The dummy's key is zeros: no password derives it, and that does not
	// matter, since only the time its check takes is wanted.
	dummySalt := []byte("motcua-dummy-slt")
	return &Hasher{
		slots: make(chan struct{}, maxConcurrent),
		dummy: format(currentParams(), dummySalt, make([]byte, keyLen)),
	}
}

// Hash returns the argon2id PHC string of pw with a new random salt:
// "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>" (salt and key in unpadded
// standard base64). It waits for a free slot
// and gives up with ctx's error if ctx ends first.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: hash: salt: %w", err)
	}
	key, err := h.derive(ctx, pw, salt, currentParams(), keyLen)
	if err != nil {
		return "", fmt.Errorf("password: hash: %w", err)
	}
	return format(currentParams(), salt, key), nil
}

// Verify reports whether pw matches the PHC string phc, using the parameters
// written in phc. The keys are compared in constant time. A malformed phc is
// an error wrapping ErrMalformedHash; when ctx ends while Verify waits for a
// slot the error wraps ctx's cause.
func (h *Hasher) Verify(ctx context.Context, phc, pw string) (bool, error) {
	p, salt, want, err := parse(phc)
	if err != nil {
		return false, fmt.Errorf("password: verify: %w", err)
	}
	got, err := h.derive(ctx, pw, salt, p, uint32(len(want)))
	if err != nil {
		return false, fmt.Errorf("password: verify: %w", err)
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// DummyVerify does the work of a Verify against a fixed hash and throws the
// result away. Sign-in calls it when no account has the login given, so that
// the answer takes as long as a wrong password and timing does not tell
// whether an account exists.
func (h *Hasher) DummyVerify(ctx context.Context) {
	_, _ = h.Verify(ctx, h.dummy, "not a password")
}

// derive runs argon2id once a slot is free.
func (h *Hasher) derive(ctx context.Context, pw string, salt []byte, p params, n uint32) ([]byte, error) {
	select {
	case h.slots <- struct{}{}:
	default:
		if h.waiting != nil {
			h.waiting()
		}
		select {
		case h.slots <- struct{}{}:
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for a slot: %w", context.Cause(ctx))
		}
	}
	defer func() { <-h.slots }()
	if h.inSlot != nil {
		h.inSlot()
	}
	return argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, n), nil
}

func format(p params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// parse reads an argon2id PHC string. It accepts only what format writes
// (same field order, version 19) and bounds the parameters.
func parse(phc string) (p params, salt, key []byte, err error) {
	fields := strings.Split(phc, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	if len(fields) != 6 || fields[0] != "" || fields[1] != "argon2id" {
		return p, nil, nil, ErrMalformedHash
	}
	if fields[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, fmt.Errorf("%w: unsupported version %q", ErrMalformedHash, fields[2])
	}
	var m, t, threads uint64
	for i, kv := range strings.Split(fields[3], ",") {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || i > 2 || name != "mtp"[i:i+1] {
			return p, nil, nil, fmt.Errorf("%w: parameters", ErrMalformedHash)
		}
		n, err := strconv.ParseUint(value, 10, 32)
		if err != nil {
			return p, nil, nil, fmt.Errorf("%w: parameter %s", ErrMalformedHash, name)
		}
		switch name {
		case "m":
			m = n
		case "t":
			t = n
		case "p":
			threads = n
		}
	}
	if threads < 1 || threads > 255 || t < 1 || t > maxTime || m < 8*threads || m > maxMemory {
		return p, nil, nil, fmt.Errorf("%w: parameters out of range", ErrMalformedHash)
	}
	salt, err = base64.RawStdEncoding.DecodeString(fields[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, fmt.Errorf("%w: salt", ErrMalformedHash)
	}
	key, err = base64.RawStdEncoding.DecodeString(fields[5])
	if err != nil || len(key) < minKeyLen || len(key) > maxKeyLen {
		return p, nil, nil, fmt.Errorf("%w: key", ErrMalformedHash)
	}
	return params{memory: uint32(m), time: uint32(t), threads: uint8(threads)}, salt, key, nil
}
