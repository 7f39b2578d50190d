package smsqueue

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/motcua/motcua/ent/schema/pulid"
)

// sealer encrypts message bodies with AES-256-GCM. The message id is the
// additional data, so a sealed body copied onto another row does not open.
// Layout: 12-byte random nonce, then ciphertext and tag.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (sealer, error) {
	if len(key) != 32 {
		return sealer{}, fmt.Errorf("smsqueue: seal key is %d bytes, want 32", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return sealer{}, fmt.Errorf("smsqueue: seal key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return sealer{}, fmt.Errorf("smsqueue: seal key: %w", err)
	}
	return sealer{aead: aead}, nil
}

func (s sealer) seal(id pulid.ID, body string) ([]byte, error) {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(body)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("smsqueue: seal: %w", err)
	}
	return s.aead.Seal(nonce, nonce, []byte(body), []byte(id)), nil
}

// errUnsealable: the body does not open with our key (another key, or a
// damaged row). Retrying cannot help.
var errUnsealable = errors.New("smsqueue: the sealed body does not open with the configured key")

func (s sealer) open(id pulid.ID, sealed []byte) (string, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return "", errUnsealable
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], []byte(id))
	if err != nil {
		return "", errUnsealable
	}
	return string(plain), nil
}
