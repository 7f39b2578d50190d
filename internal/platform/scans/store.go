package scans

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"gocloud.dev/blob"
	// The two bucket kinds motcua runs on: a local folder by default,
	// S3-compatible storage in production.
	_ "gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/s3blob"
	"gocloud.dev/gcerrors"
)

// Layout of a stored object: one key-id byte, the 12-byte GCM nonce, then the
// AES-256-GCM ciphertext with its 16-byte tag. The key id names the key that
// sealed the object so the key can be rotated later: a new key gets a new id,
// and objects sealed under the old one stay readable while it is kept.
const (
	keyID      byte = 1
	nonceSize       = 12
	objectHead      = 1 + nonceSize
	// maxObject bounds what Get reads back: the largest scan plus overhead.
	maxObject = MaxBytes + objectHead + 16
	// objectPrefix groups scans in the bucket; the rest of the name is random.
	objectPrefix = "scans/"
	randomBytes  = 16
)

// Store keeps scans encrypted with AES-256-GCM in a gocloud.dev/blob bucket.
// Object names are random, the object's metadata is empty and its content
// type is application/octet-stream, so nothing in the bucket but the sealed
// bytes relates to the citizen.
type Store struct {
	bucket *blob.Bucket
	aead   cipher.AEAD
}

// OpenStore opens the bucket at bucketURL with a 32-byte AES-256 key (see
// ParseKey). Bucket URLs:
//
//   - "file:///var/lib/motcua/scans?create_dir=1&no_tmp_dir=1": a local
//     folder (gocloud.dev/blob/fileblob); no_tmp_dir writes temporary files
//     beside the final ones, so writes work when /tmp is another mount.
//   - "s3://bucket?endpoint=…&region=…": S3-compatible storage
//     (gocloud.dev/blob/s3blob); credentials come from the usual AWS
//     environment, not the URL.
//
// Errors never repeat the URL's query or user information.
func OpenStore(ctx context.Context, bucketURL string, key []byte) (*Store, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("scans: open store: key must be 32 bytes (AES-256), got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("scans: open store: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("scans: open store: %w", err)
	}
	bucket, err := blob.OpenBucket(ctx, bucketURL)
	if err != nil {
		return nil, fmt.Errorf("scans: open store: %w", redactURL(err, bucketURL))
	}
	return &Store{bucket: bucket, aead: aead}, nil
}

// Put encrypts a checked scan and stores it under a new random key, which it
// returns. The key says nothing about the citizen.
func (s *Store) Put(ctx context.Context, c Checked) (string, error) {
	name := make([]byte, randomBytes)
	if _, err := rand.Read(name); err != nil {
		return "", fmt.Errorf("scans: put: %w", err)
	}
	key := objectPrefix + hex.EncodeToString(name)

	sealed := make([]byte, objectHead, objectHead+len(c.Data)+s.aead.Overhead())
	sealed[0] = keyID
	if _, err := rand.Read(sealed[1:objectHead]); err != nil {
		return "", fmt.Errorf("scans: put: %w", err)
	}
	sealed = s.aead.Seal(sealed, sealed[1:objectHead], c.Data, additionalData(key))

	err := s.bucket.WriteAll(ctx, key, sealed, &blob.WriterOptions{
		ContentType: "application/octet-stream",
		// Nothing else: no file name, kind, size or hash in metadata.
	})
	if err != nil {
		return "", fmt.Errorf("scans: put: %w", err)
	}
	return key, nil
}

// Get reads and decrypts the scan stored under key. A tampered object, one
// sealed under another key, or one moved from another name is an error.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	if !validKey(key) {
		return nil, errors.New("scans: get: malformed scan key")
	}
	r, err := s.bucket.NewReader(ctx, key, nil)
	if err != nil {
		return nil, fmt.Errorf("scans: get: %w", err)
	}
	defer r.Close()
	sealed, err := io.ReadAll(io.LimitReader(r, maxObject+1))
	if err != nil {
		return nil, fmt.Errorf("scans: get: %w", err)
	}
	if len(sealed) > maxObject || len(sealed) < objectHead+s.aead.Overhead() {
		return nil, fmt.Errorf("scans: get: stored object has an impossible size (%d bytes)", len(sealed))
	}
	if sealed[0] != keyID {
		return nil, fmt.Errorf("scans: get: sealed under unknown key id %d", sealed[0])
	}
	data, err := s.aead.Open(nil, sealed[1:objectHead], sealed[objectHead:], additionalData(key))
	if err != nil {
		return nil, fmt.Errorf("scans: get: decrypt: %w", err)
	}
	return data, nil
}

// Delete removes the scan stored under key. A scan already gone is not an
// error, so a retried delete succeeds.
func (s *Store) Delete(ctx context.Context, key string) error {
	if !validKey(key) {
		return errors.New("scans: delete: malformed scan key")
	}
	err := s.bucket.Delete(ctx, key)
	if err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return fmt.Errorf("scans: delete: %w", err)
	}
	return nil
}

// Close releases the bucket.
func (s *Store) Close() error {
	if err := s.bucket.Close(); err != nil {
		return fmt.Errorf("scans: close: %w", err)
	}
	return nil
}

// redactURL keeps err's chain but removes the bucket URL's query and user
// information from its message: gocloud repeats the URL in its errors, and
// the query may carry credentials.
func redactURL(err error, bucketURL string) error {
	u, perr := url.Parse(bucketURL)
	if perr != nil {
		return redacted{msg: strings.ReplaceAll(err.Error(), bucketURL, "<bucket URL>"), err: err}
	}
	msg := strings.ReplaceAll(err.Error(), bucketURL, u.Scheme+"://"+u.Host+u.Path)
	for _, secret := range []string{u.RawQuery, u.User.String()} {
		if secret != "" {
			msg = strings.ReplaceAll(msg, secret, "…")
		}
	}
	return redacted{msg: msg, err: err}
}

type redacted struct {
	msg string
	err error
}

func (r redacted) Error() string { return r.msg }
func (r redacted) Unwrap() error { return r.err }

// additionalData binds the ciphertext to the key id and the object name, so
// an object copied over another scan's name does not decrypt.
func additionalData(key string) []byte {
	return append([]byte{keyID}, key...)
}

// validKey reports whether key is one Put could have made; anything else
// (a path, a guess) never reaches the bucket.
func validKey(key string) bool {
	rest, ok := strings.CutPrefix(key, objectPrefix)
	if !ok || len(rest) != 2*randomBytes {
		return false
	}
	_, err := hex.DecodeString(rest)
	return err == nil && strings.ToLower(rest) == rest
}

// ParseKey decodes the storage key from configuration: 32 bytes written as 64
// hex digits or as standard base64 (44 characters with padding). The error
// never repeats the value.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("scans: key is empty: give 32 random bytes as 64 hex digits or standard base64 (e.g. `openssl rand -base64 32`)")
	}
	if len(s) == 64 {
		key, err := hex.DecodeString(s)
		if err != nil {
			return nil, errors.New("scans: key of 64 characters is not valid hex: give 32 random bytes as 64 hex digits or standard base64 (e.g. `openssl rand -base64 32`)")
		}
		return key, nil
	}
	key, err := base64.StdEncoding.DecodeString(s)
	if err == nil && len(key) == 32 {
		return key, nil
	}
	if err == nil {
		return nil, fmt.Errorf("scans: key decodes (base64) to %d bytes, want 32: give 32 random bytes as 64 hex digits or standard base64 (e.g. `openssl rand -base64 32`)", len(key))
	}
	return nil, fmt.Errorf("scans: key of %d characters is neither 64 hex digits nor standard base64 of 32 bytes (e.g. `openssl rand -base64 32`)", len(s))
}
