package app

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// keys are the secrets derived from the one master key of the deployment
// (--secret-key): one per purpose, so that a key leaked from one use does not
// open another.
type keys struct {
	OTP   []byte // HMAC of OTP codes
	SMS   []byte // AES-GCM of SMS bodies until final
	Scans []byte // AES-GCM of ID scans
	// OIDCKeys seals the OpenID Provider's private signing keys;
	// OIDCTokens encrypts its opaque access tokens and codes.
	OIDCKeys, OIDCTokens []byte
	// Lookup is the HMAC key of the ID-number hashes in the audit trail of
	// citizen lookups.
	Lookup []byte
}

func deriveKeys(master []byte) (keys, error) {
	derive := func(info string) ([]byte, error) {
		return hkdf.Key(sha256.New, master, nil, "motcua "+info, 32)
	}
	var k keys
	var err error
	if k.OTP, err = derive("otp"); err != nil {
		return k, err
	}
	if k.SMS, err = derive("sms"); err != nil {
		return k, err
	}
	if k.Scans, err = derive("scans"); err != nil {
		return k, err
	}
	if k.OIDCKeys, err = derive("oidc signing keys"); err != nil {
		return k, err
	}
	if k.OIDCTokens, err = derive("oidc tokens"); err != nil {
		return k, err
	}
	k.Lookup, err = derive("lookup")
	return k, err
}

// MasterKey reads --secret-key (base64 of at least 32 bytes). In dev mode
// without one, a key is made once and kept in the data directory.
func MasterKey(flagValue string, dev bool, dataDir string) ([]byte, error) {
	if flagValue != "" {
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(flagValue))
		if err != nil || len(b) < 32 {
			return nil, errors.New("--secret-key must be base64 of at least 32 random bytes (openssl rand -base64 32)")
		}
		return b, nil
	}
	if !dev {
		return nil, errors.New("--secret-key (MOTCUA_SECRET_KEY) is required outside dev mode: openssl rand -base64 32")
	}
	path := filepath.Join(dataDir, "dev-secret.key")
	if b, err := os.ReadFile(path); err == nil {
		return base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(b)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write dev key: %w", err)
	}
	return b, nil
}

// OIDCKeys derives the OpenID Provider's keys from the master key: the one
// that seals its private signing keys and the one of its opaque tokens
// (`motcua oidc-keys rotate` needs the same ones as serve).
func OIDCKeys(master []byte) (seal, tokens []byte, err error) {
	k, err := deriveKeys(master)
	return k.OIDCKeys, k.OIDCTokens, err
}
