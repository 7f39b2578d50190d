// Package otp holds the rules of the one-time codes sent by SMS: how a code is
// made, how it is stored (a keyed hash, never the code), when another may be
// sent and whether a submitted code is accepted. Every decision is a pure
// function of its inputs; storing challenges and counting sends belongs to the
// caller, so registration and password reset share the same rules.
package otp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
)

// Purposes of a code. The purpose is part of the hash, so a code sent for one
// flow is never accepted by another.
const (
	PurposeRegistration = "REGISTRATION"
	PurposeReset        = "RESET"
)

// Digits is the length of a code.
const Digits = 6

// Code is a one-time code: Digits decimal digits, leading zeros kept.
type Code string

// million is 10^Digits, the number of possible codes.
var million = big.NewInt(1_000_000)

// Generate returns a new code from crypto/rand. rand.Int draws by rejection,
// so every code from 000000 to 999999 is equally likely (no modulo bias).
func Generate() (Code, error) {
	n, err := rand.Int(rand.Reader, million)
	if err != nil {
		return "", fmt.Errorf("otp: generate: %w", err)
	}
	return Code(fmt.Sprintf("%0*d", Digits, n.Int64())), nil
}

// Hasher turns a code into what is stored: HMAC-SHA256 under a server key.
// A plain hash of a 6-digit code is reversed by trying all million codes; the
// key (from configuration, never in the database) prevents that.
type Hasher struct {
	key []byte
}

// NewHasher returns a Hasher using key, which should be at least 32 random
// bytes. It panics on an empty key: that is a configuration error, and an
// unkeyed hash of a code is no protection at all.
func NewHasher(key []byte) *Hasher {
	if len(key) == 0 {
		panic("otp: NewHasher: empty key")
	}
	return &Hasher{key: append([]byte(nil), key...)}
}

// Hash returns the hex HMAC of the code bound to its purpose and subject (the
// registration or account it was sent for), so a code only counts there.
func (h *Hasher) Hash(purpose, subjectID string, c Code) string {
	m := hmac.New(sha256.New, h.key)
	m.Write([]byte(purpose + ":" + subjectID + ":" + string(c)))
	return hex.EncodeToString(m.Sum(nil))
}

// Equal reports whether submitted is the code whose hash is hash, for this
// purpose and subject. Spaces are removed first (people type "123 456" or
// paste a trailing newline). The comparison takes constant time.
func (h *Hasher) Equal(hash, purpose, subjectID, submitted string) bool {
	c := Code(strings.Join(strings.Fields(submitted), ""))
	return hmac.Equal([]byte(h.Hash(purpose, subjectID, c)), []byte(hash))
}
