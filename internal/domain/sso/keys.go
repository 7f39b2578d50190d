package sso

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/oidcsigningkey"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/policy/viewer"
)

// rsaBits of a signing key.
const rsaBits = 2048

// keyGrace is how long past the ID-token lifetime a retired key stays in
// the JWKS: clock skew and RPs that fetch the JWKS late.
const keyGrace = 5 * time.Minute

type parsedKey struct {
	id  string
	pub *rsa.PublicKey
	key *rsa.PrivateKey
}

// signingKey implements op.SigningKey and op.Key.
type signingKey struct{ k *parsedKey }

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k signingKey) Algorithm() jose.SignatureAlgorithm          { return jose.RS256 }
func (k signingKey) Key() any                                    { return k.k.key }
func (k signingKey) ID() string                                  { return k.k.id }

// publicKey implements op.Key for the JWKS.
type publicKey struct{ k *parsedKey }

func (k publicKey) ID() string                         { return k.k.id }
func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return k.k.pub }

// newKeyRow generates an RSA key and writes it, sealed, in tx.
func (s *Service) newKeyRow(ctx context.Context, tx *store.Tx, now time.Time) (*ent.OIDCSigningKey, error) {
	priv, err := rsa.GenerateKey(rand.Reader, rsaBits)
	if err != nil {
		return nil, fmt.Errorf("sso: generate key: %w", err)
	}
	kid, err := randomID("")
	if err != nil {
		return nil, err
	}
	id := string(kid)[:22]
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("sso: marshal key: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("sso: marshal key: %w", err)
	}
	sealed, err := s.seal.seal(id, der)
	if err != nil {
		return nil, err
	}
	row, err := tx.Client.OIDCSigningKey.Create().SetID(id).SetPublicDer(pub).SetPrivateSealed(sealed).
		SetCreatedAt(now).Save(viewer.System(ctx))
	if err != nil {
		return nil, fmt.Errorf("sso: save key: %w", err)
	}
	return row, nil
}

// EnsureKey makes the first signing key when there is none.
func (s *Service) EnsureKey(ctx context.Context) error {
	sys := viewer.System(ctx)
	n, err := s.db.Client.OIDCSigningKey.Query().Where(oidcsigningkey.RetiredAtIsNil()).Count(sys)
	if err != nil {
		return fmt.Errorf("sso: keys: %w", err)
	}
	if n > 0 {
		return nil
	}
	return s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		_, err := s.newKeyRow(ctx, tx, s.now())
		return err
	})
}

// RotateKey adds a new signing key and retires the current ones: they stop
// signing at once and stay in the JWKS until every ID token they signed has
// expired. It returns the new kid.
func (s *Service) RotateKey(ctx context.Context) (string, error) {
	now := s.now()
	var kid string
	err := s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		sys := viewer.System(ctx)
		if _, err := tx.Client.OIDCSigningKey.Update().Where(oidcsigningkey.RetiredAtIsNil()).
			SetRetiredAt(now).SetPublishedUntil(now.Add(s.idTTL + keyGrace)).Save(sys); err != nil {
			return fmt.Errorf("sso: retire keys: %w", err)
		}
		row, err := s.newKeyRow(ctx, tx, now)
		if err != nil {
			return err
		}
		kid = row.ID
		return audit.Record(ctx, tx, now, audit.Entry{Action: "oidc.key_rotated", TargetType: "OIDCSigningKey", TargetID: kid})
	})
	return kid, err
}

// rotateIfDue replaces the current key when it is older than the rotation
// period. Replicas race for it with a conditional update: the one whose
// update retired the key makes the new one; the others see nothing to retire.
func (s *Service) rotateIfDue(ctx context.Context) (bool, error) {
	now := s.now()
	sys := viewer.System(ctx)
	due, err := s.db.Client.OIDCSigningKey.Query().
		Where(oidcsigningkey.RetiredAtIsNil(), oidcsigningkey.CreatedAtLTE(now.Add(-s.keyRotation))).
		IDs(sys)
	if err != nil || len(due) == 0 {
		return false, err
	}
	rotated := false
	err = s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		sys := viewer.System(ctx)
		n, err := tx.Client.OIDCSigningKey.Update().
			Where(oidcsigningkey.IDIn(due...), oidcsigningkey.RetiredAtIsNil()).
			SetRetiredAt(now).SetPublishedUntil(now.Add(s.idTTL + keyGrace)).Save(sys)
		if err != nil {
			return fmt.Errorf("sso: retire keys: %w", err)
		}
		if n != len(due) {
			return errLostRace
		}
		row, err := s.newKeyRow(ctx, tx, now)
		if err != nil {
			return err
		}
		rotated = true
		return audit.Record(ctx, tx, now, audit.Entry{Action: "oidc.key_rotated", TargetType: "OIDCSigningKey", TargetID: row.ID,
			Detail: map[string]any{"scheduled": true}})
	})
	if err == errLostRace {
		return false, nil
	}
	return rotated, err
}

type lostRace struct{}

func (lostRace) Error() string { return "sso: another replica rotated the key" }

var errLostRace error = lostRace{}

// parse opens a key row (cached by kid: rows never change).
func (s *Service) parse(row *ent.OIDCSigningKey) (*parsedKey, error) {
	s.keysMu.Lock()
	k, ok := s.keys[row.ID]
	s.keysMu.Unlock()
	if ok {
		return k, nil
	}
	der, err := s.seal.open(row.ID, row.PrivateSealed)
	if err != nil {
		return nil, err
	}
	anyKey, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("sso: parse key %s: %w", row.ID, err)
	}
	priv, ok := anyKey.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("sso: key %s is not RSA", row.ID)
	}
	k = &parsedKey{id: row.ID, pub: &priv.PublicKey, key: priv}
	s.keysMu.Lock()
	s.keys[row.ID] = k
	s.keysMu.Unlock()
	return k, nil
}

// currentKey is the newest key that is not retired.
func (s *Service) currentKey(ctx context.Context) (*parsedKey, error) {
	row, err := s.db.Client.OIDCSigningKey.Query().Where(oidcsigningkey.RetiredAtIsNil()).
		Order(ent.Desc(oidcsigningkey.FieldCreatedAt)).First(viewer.System(ctx))
	if err != nil {
		return nil, fmt.Errorf("sso: signing key: %w", err)
	}
	return s.parse(row)
}

// publishedKeys are the keys of the JWKS: current and still-valid previous.
func (s *Service) publishedKeys(ctx context.Context) ([]*parsedKey, error) {
	rows, err := s.db.Client.OIDCSigningKey.Query().
		Where(oidcsigningkey.Or(oidcsigningkey.PublishedUntilIsNil(), oidcsigningkey.PublishedUntilGT(s.now()))).
		Order(ent.Desc(oidcsigningkey.FieldCreatedAt)).All(viewer.System(ctx))
	if err != nil {
		return nil, fmt.Errorf("sso: keys: %w", err)
	}
	out := make([]*parsedKey, 0, len(rows))
	for _, row := range rows {
		pubAny, err := x509.ParsePKIXPublicKey(row.PublicDer)
		if err != nil {
			return nil, fmt.Errorf("sso: parse public key %s: %w", row.ID, err)
		}
		pub, ok := pubAny.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("sso: key %s is not RSA", row.ID)
		}
		out = append(out, &parsedKey{id: row.ID, pub: pub})
	}
	return out, nil
}

var (
	_ op.SigningKey = signingKey{}
	_ op.Key        = publicKey{}
)
