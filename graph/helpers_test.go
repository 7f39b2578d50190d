package graph

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/graph/model"
	"github.com/motcua/motcua/internal/domain/auth"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit"
)

// The resolvers' pure helpers, tested directly; the resolvers themselves are
// tested end to end in internal/app.

// TestNodeType: every Node type's prefix finds its table; the types kept
// out of node(id:) (OTP challenges, scans, sign-in throttles, budgets,
// OIDC requests, grants and keys) and unknown prefixes are not found.
func TestNodeType(t *testing.T) {
	for prefix, table := range map[string]string{
		"AC": "accounts", "AU": "audit_events", "OB": "oidc_backchannel_deliveries", "OC": "oidc_clients",
		"OF": "officers", "RG": "registrations", "SE": "sessions", "SM": "sms_messages", "UN": "units",
	} {
		got, err := nodeType(context.Background(), pulid.New(prefix))
		if err != nil || got != table {
			t.Errorf("nodeType(%s…) = %q, %v; want %q", prefix, got, err, table)
		}
	}
	for _, prefix := range []string{"OT", "SC", "TH", "BU", "OG", "ZZ"} {
		_, err := nodeType(context.Background(), pulid.New(prefix))
		testkit.Refused(t, err, refusal.NotFound)
	}
}

func TestViewerModel(t *testing.T) {
	boom := errors.New("boom")
	if v, err := viewerModel(nil, nil); v != nil || err != nil {
		t.Errorf("signed out: %v, %v; want nil, nil", v, err)
	}
	if v, err := viewerModel(&auth.Me{}, boom); v != nil || !errors.Is(err, boom) {
		t.Errorf("error: %v, %v; want nil, boom", v, err)
	}
	v, err := viewerModel(&auth.Me{Account: &ent.Account{}}, nil)
	if err != nil || v.Permissions == nil || len(v.Permissions) != 0 || v.CurrentSessionID != nil {
		t.Errorf("citizen: %+v, %v; want no permissions ([] not null) and no session", v, err)
	}
	v, _ = viewerModel(&auth.Me{Account: &ent.Account{}, CanCreateCitizenAccounts: true, CurrentSessionID: "SEx"}, nil)
	if !reflect.DeepEqual(v.Permissions, []model.Permission{model.PermissionCreateCitizenAccounts}) || v.CurrentSessionID == nil || *v.CurrentSessionID != "SEx" {
		t.Errorf("registrar: permissions %v, session %v", v.Permissions, v.CurrentSessionID)
	}
}

func TestSmallMappers(t *testing.T) {
	if ok, err := authOK(nil); !ok || err != nil {
		t.Errorf("authOK(nil) = %v, %v", ok, err)
	}
	if ok, err := authOK(errors.New("x")); ok || err == nil {
		t.Errorf("authOK(err) = %v, %v", ok, err)
	}
	if s := clientSecret(&ent.OIDCClient{}, ""); s.ClientSecret != nil {
		t.Errorf("public client shows a secret %q", *s.ClientSecret)
	}
	if s := clientSecret(&ent.OIDCClient{}, "s3cret"); s.ClientSecret == nil || *s.ClientSecret != "s3cret" {
		t.Errorf("confidential client: secret %v", s.ClientSecret)
	}
	if nonEmpty("") != nil || *nonEmpty("a") != "a" {
		t.Error("nonEmpty: want nil for \"\" and the string otherwise")
	}
	if got := orEmpty(nil); got == nil || len(got) != 0 {
		t.Errorf("orEmpty(nil) = %#v, want an empty list (GraphQL [String!]! is never null)", got)
	}
}

// TestPageOf: the connection arguments, in the Relay order of the schema,
// land in their own fields of the page (two ints and two cursors could be
// swapped without the compiler noticing).
func TestPageOf(t *testing.T) {
	first, last := 3, 4
	after, before := &ent.Cursor{ID: "AC01"}, &ent.Cursor{ID: "AC02"}
	p := pageOf(&first, after, &last, before)
	if p.First != &first || p.After != after || p.Last != &last || p.Before != before {
		t.Errorf("pageOf(first, after, last, before) = %+v", p)
	}
	if _, err := pageOf(&first, nil, &last, nil).Check(); err == nil {
		t.Error("first and last together were accepted")
	}
}
