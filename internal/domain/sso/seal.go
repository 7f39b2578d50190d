package sso

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// sealer encrypts private signing keys with AES-256-GCM; the kid is the
// additional data, so a sealed key copied onto another row does not open.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (sealer, error) {
	if len(key) != 32 {
		return sealer{}, fmt.Errorf("sso: seal key is %d bytes, want 32", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return sealer{}, fmt.Errorf("sso: seal key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return sealer{}, fmt.Errorf("sso: seal key: %w", err)
	}
	return sealer{aead: aead}, nil
}

var errNoKey = errors.New("sso: no --secret-key: the signing keys cannot be opened")

func (s sealer) seal(ad string, plain []byte) ([]byte, error) {
	if s.aead == nil {
		return nil, errNoKey
	}
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("sso: seal: %w", err)
	}
	return s.aead.Seal(nonce, nonce, plain, []byte(ad)), nil
}

func (s sealer) open(ad string, sealed []byte) ([]byte, error) {
	if s.aead == nil {
		return nil, errNoKey
	}
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, errors.New("sso: sealed key too short")
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], []byte(ad))
	if err != nil {
		return nil, errors.New("sso: the signing key does not open with the configured --secret-key")
	}
	return plain, nil
}
