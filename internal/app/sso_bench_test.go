package app_test

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"

	"github.com/motcua/motcua/internal/testkit/dbtest"
)

// The token endpoint's throughput through the real server (scenario S8 of
// docs/PERFORMANCE.md): a code exchange (client secret, PKCE, ID token
// signed RS256, access and refresh token rows, audit line) and a refresh
// (rotation, ID token), against the cost of the bare signatures. Run with
// -cpu 1 for "tokens per second on one core".

func benchSetup(b *testing.B) (*testServer, *testRP, *oauth2.Token) {
	s := start(b, dbtest.SQLiteURL(b))
	rp := newRP(b, s, []string{"profile"})
	br := browser(b, rp)
	gql := signInBrowser(b, s, br, citizenLogin, citizenPw)
	f := newFlow()
	tok, err := rp.conf.Exchange(context.Background(), codeFor(b, s, rp, br, gql, f), oauth2.VerifierOption(f.verifier))
	if err != nil {
		b.Fatal(err)
	}
	return s, rp, tok
}

func BenchmarkSSORefresh(b *testing.B) {
	_, rp, tok := benchSetup(b)
	ctx := context.Background()
	refresh := tok.RefreshToken
	b.ResetTimer()
	for b.Loop() {
		t, err := rp.conf.TokenSource(ctx, &oauth2.Token{RefreshToken: refresh, Expiry: time.Now().Add(-time.Hour)}).Token()
		if err != nil {
			b.Fatal(err)
		}
		refresh = t.RefreshToken
	}
}

// BenchmarkSSOCodeFlow is the whole sign-in of a returning user (consent
// remembered): authorize, the OP's login decision, the code, the exchange.
func BenchmarkSSOCodeFlow(b *testing.B) {
	s, rp, _ := benchSetup(b)
	br := browser(b, rp)
	signInBrowser(b, s, br, citizenLogin, citizenPw)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		f := newFlow()
		_, loc := get(b, br, f.url(rp))
		if loc == nil || loc.Query().Get("code") == "" {
			b.Fatalf("no code: %v", loc)
		}
		if _, err := rp.conf.Exchange(ctx, loc.Query().Get("code"), oauth2.VerifierOption(f.verifier)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSignRS256(b *testing.B) {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, nil)
	payload := []byte(`{"iss":"https://motcua.example","sub":"AC01J","aud":"OC01J","exp":1,"iat":1}`)
	for b.Loop() {
		if _, err := signer.Sign(payload); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSignHMAC(b *testing.B) {
	key := make([]byte, 32)
	payload := []byte(`{"iss":"https://motcua.example","sub":"AC01J","aud":"OC01J","exp":1,"iat":1}`)
	for b.Loop() {
		m := hmac.New(sha256.New, key)
		m.Write(payload)
		_ = m.Sum(nil)
	}
}
