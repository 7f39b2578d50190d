package app_test

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/testkit/gqlclient"
)

// TestMoveOfficerNotice: moving the registrar to a unit that is no service
// desk answers the officer, without the right, and a notice saying so in the
// request's language; the next move has nothing to tell.
func TestMoveOfficerNotice(t *testing.T) {
	databases(t, func(t *testing.T, s *testServer) {
		super := s.signIn(t, superAdmin, superPass)
		officerOf := func(login string) (id, unitID string) {
			var out struct {
				Officers struct {
					Edges []struct {
						Node struct {
							ID   string
							Unit struct{ ID string }
						}
					}
				}
			}
			mustDo(t, super, `query($s: String!) { officers(search: $s, first: 1) { edges { node { id unit { id } } } } }`,
				map[string]any{"s": login}, &out)
			if len(out.Officers.Edges) != 1 {
				t.Fatalf("officer %s not found", login)
			}
			return out.Officers.Edges[0].Node.ID, out.Officers.Edges[0].Node.Unit.ID
		}
		reg, desk := officerOf(registrar)
		_, justice := officerOf(justiceOff)

		type payload struct {
			MoveOfficer struct {
				Officer struct {
					ID          string
					Permissions []string
					Unit        struct{ ID string }
				}
				Notice *struct{ Code, Message string }
			}
		}
		const move = `mutation($o: ID!, $u: ID!) { moveOfficer(officerID: $o, unitID: $u) { officer { id permissions unit { id } } notice { code message } } }`
		vars := map[string]any{"o": reg, "u": justice}
		en := &gqlclient.Client{BaseURL: super.BaseURL, Token: super.Token, Lang: "en"}
		var got payload
		mustDo(t, en, move, vars, &got)
		o, n := got.MoveOfficer.Officer, got.MoveOfficer.Notice
		if o.ID != reg || o.Unit.ID != justice || len(o.Permissions) != 0 {
			t.Errorf("moved officer: %+v", o)
		}
		if n == nil || n.Code != "PERMISSION_REVOKED" || !strings.Contains(n.Message, "right to create citizen accounts was removed") {
			t.Errorf("notice: %+v", n)
		}

		// Already without the right: moved again, nothing to tell.
		got = payload{}
		mustDo(t, super, move, map[string]any{"o": reg, "u": desk}, &got)
		if got.MoveOfficer.Notice != nil || got.MoveOfficer.Officer.Unit.ID != desk {
			t.Errorf("second move: %+v", got.MoveOfficer)
		}
	})
}
