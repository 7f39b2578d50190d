package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/domain/sso"
	"github.com/motcua/motcua/internal/platform/jobs"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/policy/viewer"
)

// repeated is a flag that may be given several times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

// oidcService opens the database and the client registry (no keys: clients
// only) or, with withKeys, the whole provider's key store.
func oidcService(ctx context.Context, database string, dev bool, secretKey string, withKeys bool) (*sso.Service, func(), error) {
	db, err := openDB(ctx, database)
	if err != nil {
		return nil, nil, err
	}
	// A CLI process only inserts jobs (back-channel logouts); the servers work them.
	cfg := sso.Config{DB: db, Jobs: jobs.New(db, jobs.Config{}), Dev: dev}
	if withKeys {
		master, err := app.MasterKey(secretKey, dev, app.DataDir(database))
		if err != nil {
			db.Close()
			return nil, nil, err
		}
		if cfg.SealKey, cfg.CryptoKey, err = app.OIDCKeys(master); err != nil {
			db.Close()
			return nil, nil, err
		}
	}
	s, err := sso.New(cfg)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return s, func() { db.Close() }, nil
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func oidcClients(ctx context.Context, sub string, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("oidc-clients "+sub, stderr)
	database := fs.String("database", store.DefaultURL, "database URL")
	dev := fs.Bool("dev", false, "dev mode: http://127.0.0.1 and http://localhost redirect URIs are allowed")
	var in sso.ClientInput
	var redirects, postLogout repeated
	var scopes string
	if sub == "add" {
		fs.StringVar(&in.Name, "name", "", "the system's name, as the sign-in page shows it")
		fs.StringVar(&in.UnitCode, "unit", "", "code of the owning unit (decides which admins manage the client)")
		fs.Var(&redirects, "redirect-uri", "redirect URI (repeat for several); compared exactly")
		fs.Var(&postLogout, "post-logout-redirect-uri", "post-logout redirect URI (repeatable)")
		fs.StringVar(&in.BackchannelLogoutURI, "backchannel-logout-uri", "", "where back-channel logout tokens are POSTed")
		fs.StringVar(&scopes, "scopes", "openid,profile", "allowed scopes: openid,profile,phone,email,vn_identity")
		fs.BoolVar(&in.Public, "public", false, "a public client (no secret; PKCE only)")
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	s, done, err := oidcService(ctx, *database, *dev, "", false)
	if err != nil {
		return err
	}
	defer done()
	sys := viewer.System(ctx)
	switch sub {
	case "add":
		in.RedirectURIs, in.PostLogoutRedirectURIs = redirects, postLogout
		in.Scopes = splitList(scopes)
		return addClient(sys, s, in, stdout)
	case "list":
		return listClients(sys, s, stdout)
	case "disable", "rotate-secret":
		if fs.NArg() != 1 {
			return fmt.Errorf("usage: motcua oidc-clients %s CLIENT_ID", sub)
		}
		id := pulid.ID(fs.Arg(0))
		if sub == "disable" {
			c, err := s.SetDisabled(sys, id, true)
			if err != nil {
				return err
			}
			return printJSON(stdout, map[string]any{"client_id": string(c.ID), "disabled": true})
		}
		c, secret, err := s.RotateSecret(sys, id)
		if err != nil {
			return err
		}
		return printJSON(stdout, map[string]any{"client_id": string(c.ID), "client_secret": secret,
			"previous_secret_valid_until": c.PreviousSecretExpiresAt})
	}
	return errors.New("usage: motcua oidc-clients add|list|disable|rotate-secret")
}

// addClient registers the client in and prints its id and secret as JSON.
func addClient(sys context.Context, s *sso.Service, in sso.ClientInput, stdout io.Writer) error {
	c, secret, err := s.CreateClient(sys, in)
	if err != nil {
		return err
	}
	out := map[string]string{"client_id": string(c.ID)}
	if secret != "" {
		out["client_secret"] = secret
	}
	return printJSON(stdout, out)
}

// clientRow is a client as `motcua oidc-clients list` prints it.
type clientRow struct {
	ClientID               string    `json:"client_id"`
	Name                   string    `json:"name"`
	Unit                   string    `json:"unit"`
	RedirectURIs           []string  `json:"redirect_uris"`
	PostLogoutRedirectURIs []string  `json:"post_logout_redirect_uris"`
	BackchannelLogoutURI   string    `json:"backchannel_logout_uri,omitempty"`
	Scopes                 []string  `json:"scopes"`
	Public                 bool      `json:"public"`
	Disabled               bool      `json:"disabled"`
	CreatedAt              time.Time `json:"created_at"`
}

// listClients prints every client, oldest first, as JSON.
func listClients(sys context.Context, s *sso.Service, stdout io.Writer) error {
	q, err := s.ClientsQuery(sys, "")
	if err != nil {
		return err
	}
	cs, err := q.WithUnit().Order(ent.Asc("created_at")).All(sys)
	if err != nil {
		return err
	}
	rows := []clientRow{}
	for _, c := range cs {
		rows = append(rows, clientRow{string(c.ID), c.Name, c.Edges.Unit.Code, c.RedirectUris, c.PostLogoutRedirectUris,
			c.BackchannelLogoutURI, c.Scopes, c.Public, c.Disabled, c.CreatedAt})
	}
	return printJSON(stdout, rows)
}

func oidcKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("oidc-keys rotate", stderr)
	database := fs.String("database", store.DefaultURL, "database URL")
	dev := fs.Bool("dev", false, "dev mode (the dev secret key in the data directory)")
	secretKey := fs.String("secret-key", "", "base64 master key, as given to serve")
	if err := parse(fs, args); err != nil {
		return err
	}
	s, done, err := oidcService(ctx, *database, *dev, *secretKey, true)
	if err != nil {
		return err
	}
	defer done()
	kid, err := s.RotateKey(viewer.System(ctx))
	if err != nil {
		return err
	}
	return printJSON(stdout, map[string]string{"kid": kid})
}
