package password

import (
	"crypto/rand"
	"fmt"
	"math/big"
)

// initialAlphabet has no look-alikes (0 O o, 1 l I) and is ASCII, since the
// initial password is read off an SMS (no diacritics) and typed by hand.
const initialAlphabet = "23456789" +
	"abcdefghijkmnpqrstuvwxyz" +
	"ABCDEFGHJKLMNPQRSTUVWXYZ"

// InitialLength is the length of an initial password: 56^10 ≈ 2^58.
const InitialLength = 10

// GenerateInitial returns a random initial password of InitialLength
// characters from crypto/rand. At 58 bits it is, with overwhelming
// probability, neither on the common list nor built from anyone's data, so
// it passes Check.
func GenerateInitial() (string, error) {
	size := big.NewInt(int64(len(initialAlphabet)))
	b := make([]byte, InitialLength)
	for i := range b {
		n, err := rand.Int(rand.Reader, size)
		if err != nil {
			return "", fmt.Errorf("password: generate initial: %w", err)
		}
		b[i] = initialAlphabet[n.Int64()]
	}
	return string(b), nil
}
