package schema_test

import (
	"context"
	"errors"
	"testing"

	"entgo.io/ent"
	"entgo.io/ent/entql"

	gen "github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/privacy"
	"github.com/motcua/motcua/ent/schema"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// The privacy rules and policies, each against the viewers it must tell
// apart. The end-to-end authorisation tables (internal/app,
// internal/domain/officers) go through resolvers and services; these go to
// the rules themselves.

const (
	provHN = "/UNhn/"
	deskHN = "/UNhn/UNdesk/"
)

// viewers are the kinds of caller: nobody, a signed-out viewer, the system,
// a signed-in citizen, the super admin, the admin of Hà Nội and an officer
// at its desk.
func viewers(t *testing.T) map[string]*viewer.Viewer {
	t.Helper()
	authz, err := policy.New(context.Background(), func(context.Context) ([]policy.Assignment, error) {
		return []policy.Assignment{
			{Subject: "ACsuper", Role: policy.SuperAdmin, Path: policy.RootPath},
			{Subject: "ACadmin", Role: policy.Admin, Path: provHN},
			{Subject: "ACofficer", Role: policy.Officer, Path: deskHN},
		}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	as := func(id string) *viewer.Viewer {
		v := viewer.New(authz)
		v.AccountID = pulid.ID(id)
		return v
	}
	officer := as("ACofficer")
	officer.OfficerID, officer.UnitPath = "OFofficer", deskHN
	return map[string]*viewer.Viewer{
		"none":       nil,
		"signed out": viewer.New(authz),
		"system":     viewer.SystemViewer(),
		"citizen":    as("ACcitizen"),
		"super":      as("ACsuper"),
		"admin":      as("ACadmin"),
		"officer":    officer,
	}
}

func ctxOf(v *viewer.Viewer) context.Context {
	if v == nil {
		return context.Background()
	}
	return viewer.NewContext(context.Background(), v)
}

// decision is what a rule returned: "allow", "deny" or "skip".
func decision(t *testing.T, err error) string {
	t.Helper()
	switch {
	case errors.Is(err, privacy.Allow):
		return "allow"
	case errors.Is(err, privacy.Skip):
		return "skip"
	case errors.Is(err, privacy.Deny):
		return "deny"
	}
	t.Fatalf("rule returned %v, not a decision", err)
	return ""
}

func TestContextRules(t *testing.T) {
	want := map[string]struct{ allowSystem, denySignedOut string }{
		"none":       {"skip", "deny"},
		"signed out": {"skip", "deny"},
		"system":     {"allow", "deny"}, // no account; allowSystem comes first in every policy
		"citizen":    {"skip", "skip"},
		"super":      {"skip", "skip"},
		"admin":      {"skip", "skip"},
		"officer":    {"skip", "skip"},
	}
	for name, v := range viewers(t) {
		ctx := ctxOf(v)
		if got := decision(t, schema.AllowSystem().EvalQuery(ctx, nil)); got != want[name].allowSystem {
			t.Errorf("allowSystem(%s) query = %s, want %s", name, got, want[name].allowSystem)
		}
		if got := decision(t, schema.AllowSystem().EvalMutation(ctx, nil)); got != want[name].allowSystem {
			t.Errorf("allowSystem(%s) mutation = %s, want %s", name, got, want[name].allowSystem)
		}
		if got := decision(t, schema.DenySignedOut().EvalQuery(ctx, nil)); got != want[name].denySignedOut {
			t.Errorf("denySignedOut(%s) = %s, want %s", name, got, want[name].denySignedOut)
		}
	}
}

// TestScoped: the scope rule lets the whole tree through for a scope of
// everything, filters by the viewer's subtrees (and its own rows), and
// denies a viewer with neither.
func TestScoped(t *testing.T) {
	own := func(v *viewer.Viewer) []entql.P {
		if v.OfficerID == "" {
			return nil
		}
		return []entql.P{entql.FieldEQ("officer_id", string(v.OfficerID))}
	}
	tests := []struct {
		viewer string
		own    func(*viewer.Viewer) []entql.P
		want   string
	}{
		{"super", nil, "allow"},
		{"system", nil, "allow"},
		{"admin", nil, "allow"}, // filtered to its subtree
		{"citizen", nil, "deny"},
		{"citizen", own, "deny"},
		{"officer", nil, "deny"},  // an officer has no audit scope
		{"officer", own, "allow"}, // but its own rows
	}
	vs := viewers(t)
	client := gen.NewClient() // no database: the rule only adds predicates to the query
	for _, tt := range tests {
		rule := schema.Scoped(policy.ObjAudit, policy.ActRead, tt.own)
		if got := decision(t, rule.EvalQuery(ctxOf(vs[tt.viewer]), client.AuditEvent.Query())); got != tt.want {
			t.Errorf("scoped(%s, own=%v) = %s, want %s", tt.viewer, tt.own != nil, got, tt.want)
		}
	}
}

// TestPoliciesFailClosed: every entity's policy lets the system read and
// write, and refuses every write of anyone else (domain packages decide and
// then write as the system) and every read of a caller who is not signed in.
func TestPoliciesFailClosed(t *testing.T) {
	policies := map[string]ent.Policy{
		"Account": schema.Account{}.Policy(), "Officer": schema.Officer{}.Policy(),
		"Unit": schema.Unit{}.Policy(), "Session": schema.Session{}.Policy(),
		"AuditEvent": schema.AuditEvent{}.Policy(), "Registration": schema.Registration{}.Policy(),
		"SMSMessage": schema.SMSMessage{}.Policy(), "Scan": schema.Scan{}.Policy(),
		"OTPChallenge": schema.OTPChallenge{}.Policy(), "Budget": schema.Budget{}.Policy(),
		"SignInThrottle": schema.SignInThrottle{}.Policy(), "OIDCClient": schema.OIDCClient{}.Policy(),
		"OIDCRequest": schema.OIDCRequest{}.Policy(), "OIDCToken": schema.OIDCToken{}.Policy(),
		"OIDCGrant": schema.OIDCGrant{}.Policy(), "OIDCSigningKey": schema.OIDCSigningKey{}.Policy(),
		"OIDCBackchannelDelivery": schema.OIDCBackchannelDelivery{}.Policy(),
	}
	for entity, p := range policies {
		for name, v := range viewers(t) {
			ctx := ctxOf(v)
			err := p.EvalMutation(ctx, nil)
			if name == "system" && !allowed(err) {
				t.Errorf("%s: the system may not write: %v", entity, err)
			}
			if name != "system" && !errors.Is(err, privacy.Deny) {
				t.Errorf("%s: %s may write (%v); writes go through the domain as the system", entity, name, err)
			}
			if name == "none" || name == "signed out" || name == "system" {
				err := p.EvalQuery(ctx, nil)
				if name == "system" && !allowed(err) {
					t.Errorf("%s: the system may not read: %v", entity, err)
				}
				if name != "system" && !errors.Is(err, privacy.Deny) {
					t.Errorf("%s: %s may read (%v)", entity, name, err)
				}
			}
		}
	}
}

// allowed: a policy answers Allow (the ent runtime turns it into nil) or
// nothing.
func allowed(err error) bool { return err == nil || errors.Is(err, privacy.Allow) }
