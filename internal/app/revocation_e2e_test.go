package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/session"
	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/policy/viewer"
	"github.com/motcua/motcua/server"
)

// socketWait only keeps a broken test from hanging; nothing waits for it to pass.
const socketWait = 10 * time.Second

// socket is a signed-in WebSocket of one of the two sub-protocols.
type socket struct {
	t     *testing.T
	conn  *websocket.Conn
	proto string
	ack   json.RawMessage // the raw connection_ack
}

type socketMessage struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// openSocket connects to s with the bearer token in connection_init and
// waits for connection_ack.
func openSocket(t *testing.T, s *testServer, token, proto string) *socket {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{proto}, HandshakeTimeout: socketWait}
	conn, _, err := d.Dial("ws"+strings.TrimPrefix(s.URL, "http")+"/graphql", nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	ws := &socket{t: t, conn: conn, proto: proto}
	ws.send(socketMessage{Type: "connection_init", Payload: json.RawMessage(fmt.Sprintf(`{"authorization":"Bearer %s"}`, token))})
	for {
		_ = conn.SetReadDeadline(time.Now().Add(socketWait))
		_, raw, err := conn.ReadMessage()
		if err != nil {
			t.Fatalf("waiting for connection_ack: %v", err)
		}
		var m socketMessage
		_ = json.Unmarshal(raw, &m)
		if m.Type == "connection_ack" {
			ws.ack = raw
			return ws
		}
	}
}

func (ws *socket) send(m socketMessage) {
	ws.t.Helper()
	if err := ws.conn.WriteJSON(m); err != nil {
		ws.t.Fatalf("send %s: %v", m.Type, err)
	}
}

// start sends an operation with the sub-protocol's message type.
func (ws *socket) start(id, query string) error {
	typ := "subscribe"
	if ws.proto == "graphql-ws" {
		typ = "start"
	}
	return ws.conn.WriteJSON(socketMessage{Type: typ, ID: id, Payload: json.RawMessage(fmt.Sprintf(`{"query":%q}`, query))})
}

// result reads until the operation id answers and returns its payload.
func (ws *socket) result(id string) json.RawMessage {
	ws.t.Helper()
	for {
		m, err := ws.next()
		if err != nil {
			ws.t.Fatalf("waiting for %s: %v", id, err)
		}
		if m.ID == id && (m.Type == "next" || m.Type == "data" || m.Type == "error") {
			return m.Payload
		}
	}
}

func (ws *socket) next() (socketMessage, error) {
	_ = ws.conn.SetReadDeadline(time.Now().Add(socketWait))
	var m socketMessage
	err := ws.conn.ReadJSON(&m)
	if m.Type == "ping" {
		_ = ws.conn.WriteJSON(socketMessage{Type: "pong"})
	}
	return m, err
}

// closed reads until the server closes the socket and returns the close
// code and the data messages that arrived first.
func (ws *socket) closed() (int, []socketMessage) {
	ws.t.Helper()
	var got []socketMessage
	for {
		m, err := ws.next()
		if err == nil {
			if m.Type == "next" || m.Type == "data" {
				got = append(got, m)
			}
			continue
		}
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code, got
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			ws.t.Fatalf("socket still open after %v", socketWait)
		}
		ws.t.Fatalf("socket ended without a close frame: %v", err)
	}
}

// expectClosed checks that the socket closes with code, and that an
// operation sent on it afterwards gets no answer.
func (ws *socket) expectClosed(code int, since time.Time) {
	ws.t.Helper()
	got, data := ws.closed()
	if got != code {
		ws.t.Fatalf("closed with %d, want %d", got, code)
	}
	if len(data) > 0 {
		ws.t.Errorf("data after the revocation: %s", data[0].Payload)
	}
	ws.t.Logf("%s socket closed %d after %v", ws.proto, code, time.Since(since).Round(time.Millisecond))
	if err := ws.start("late", `{ viewer { account { id } } }`); err == nil {
		if m, err := ws.next(); err == nil {
			ws.t.Errorf("an operation sent after the close was answered: %+v", m)
		}
	}
}

const viewerQuery = `{ viewer { account { id } } }`

// mustWork runs a query on the socket and checks it answers with data.
func (ws *socket) mustWork(id string) {
	ws.t.Helper()
	if err := ws.start(id, viewerQuery); err != nil {
		ws.t.Fatal(err)
	}
	p := ws.result(id)
	if !strings.Contains(string(p), `"account":{"id":"AC`) {
		ws.t.Fatalf("query on the socket: %s", p)
	}
}

var protocols = []string{"graphql-transport-ws", "graphql-ws"}

func TestSocketClosesOnSignOut(t *testing.T) {
	databases(t, func(t *testing.T, s *testServer) {
		for _, proto := range protocols {
			c := s.signIn(t, registrar, registrarPw)
			ws := openSocket(t, s, c.Token, proto)
			ws.mustWork("1")
			since := time.Now()
			mustDo(t, c, `mutation { signOut }`, nil, nil)
			ws.expectClosed(server.WebSocketCloseSessionEnded, since)
		}
	})
}

func TestSocketClosesOnSignOutEverywhereAndPasswordChange(t *testing.T) {
	databases(t, func(t *testing.T, s *testServer) {
		// Sign-out everywhere from another session closes this one's socket.
		c1, c2 := s.signIn(t, registrar, registrarPw), s.signIn(t, registrar, registrarPw)
		ws := openSocket(t, s, c1.Token, "graphql-transport-ws")
		ws.mustWork("1")
		since := time.Now()
		mustDo(t, c2, `mutation { signOutEverywhere }`, nil, nil)
		ws.expectClosed(server.WebSocketCloseSessionEnded, since)

		// A password change in another session closes this one's socket.
		c1, c2 = s.signIn(t, registrar, registrarPw), s.signIn(t, registrar, registrarPw)
		ws = openSocket(t, s, c1.Token, "graphql-ws")
		ws.mustWork("1")
		since = time.Now()
		mustDo(t, c2, `mutation($c: String!) { changePassword(input: {currentPassword: $c, newPassword: "Mua-thu-Ha-Noi-7391"}) }`,
			map[string]any{"c": registrarPw}, nil)
		ws.expectClosed(server.WebSocketCloseSessionEnded, since)
		// The session that changed it still works.
		mustDo(t, c2, viewerQuery, nil, nil)
	})
}

// accountOf is the account id of a signed-in client's session.
func accountOf(t *testing.T, s *testServer, token string) pulid.ID {
	t.Helper()
	v, err := s.App.Auth.Authenticate(context.Background(), token)
	if err != nil || v == nil {
		t.Fatalf("authenticate: %v %v", v, err)
	}
	return v.AccountID
}

func TestSocketClosesOnLock(t *testing.T) {
	databases(t, func(t *testing.T, s *testServer) {
		ctx := viewer.System(context.Background())
		c := s.signIn(t, registrar, registrarPw)
		id := accountOf(t, s, c.Token)
		lock := func(status account.Status) {
			if err := s.App.DB.Client.Account.UpdateOneID(id).SetStatus(status).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}

		// Locked and announced: the socket closes at once.
		ws := openSocket(t, s, c.Token, "graphql-transport-ws")
		ws.mustWork("1")
		since := time.Now()
		lock(account.StatusLOCKED)
		s.App.Auth.AccountChanged(ctx, id)
		ws.expectClosed(server.WebSocketCloseSessionEnded, since)

		// Locked behind the bus's back: the next operation is refused and closes the socket.
		lock(account.StatusACTIVE)
		c = s.signIn(t, registrar, registrarPw)
		ws = openSocket(t, s, c.Token, "graphql-ws")
		ws.mustWork("1")
		lock(account.StatusLOCKED)
		since = time.Now()
		if err := ws.start("2", `mutation { signOut }`); err != nil {
			t.Fatal(err)
		}
		ws.expectClosed(server.WebSocketCloseSessionEnded, since)
	})
}

// TestSocketRefusesOperationOfRevokedSession revokes a session in the
// database without any event: the socket's next operation is refused and the
// socket closed, before the operation runs.
func TestSocketRefusesOperationOfRevokedSession(t *testing.T) {
	databases(t, func(t *testing.T, s *testServer) {
		c := s.signIn(t, registrar, registrarPw)
		ws := openSocket(t, s, c.Token, "graphql-transport-ws")
		ws.mustWork("1")
		ctx := viewer.System(context.Background())
		n, err := s.App.DB.Client.Session.Update().
			Where(session.AccountID(accountOf(t, s, c.Token)), session.RevokedAtIsNil()).
			SetRevokedAt(time.Now().UTC()).Save(ctx)
		if err != nil || n == 0 {
			t.Fatalf("revoke: %d %v", n, err)
		}
		since := time.Now()
		// signOutEverywhere would write an audit event as the officer if it ran.
		if err := ws.start("2", `mutation { signOutEverywhere }`); err != nil {
			t.Fatal(err)
		}
		ws.expectClosed(server.WebSocketCloseSessionEnded, since)
		audited, err := s.App.DB.Client.AuditEvent.Query().All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range audited {
			if e.Action == "auth.sign_out_everywhere" {
				t.Errorf("the refused operation ran: %+v", e)
			}
		}
	})
}

func TestSocketClosesOnRoleLoss(t *testing.T) {
	databases(t, func(t *testing.T, s *testServer) {
		reg := s.signIn(t, registrar, registrarPw)
		var me struct {
			Viewer struct{ Officer struct{ ID string } }
		}
		mustDo(t, reg, `{ viewer { officer { id } } }`, nil, &me)
		ws := openSocket(t, s, reg.Token, "graphql-transport-ws")
		ws.mustWork("1")
		admin := s.signIn(t, provAdmin, provPass)
		since := time.Now()
		mustDo(t, admin, `mutation($id: ID!) { setOfficerPermissions(officerID: $id, permissions: []) { id } }`,
			map[string]any{"id": me.Viewer.Officer.ID}, nil)
		ws.expectClosed(server.WebSocketCloseForbidden, since)
		// The session itself lives on, without the role.
		wantCode(t, reg, `{ lookupCitizen(idNumber: "001201900006") { exists } }`, nil, "FORBIDDEN")
	})
}

// TestSocketOnOtherReplicaCloses runs two replicas on one PostgreSQL
// database: signing out on A closes the session's socket on B, and so does
// withdrawing a role on A.
func TestSocketOnOtherReplicaCloses(t *testing.T) {
	url := dbtest.PostgresURL(t)
	a := start(t, url)
	b := start(t, url)
	c := a.signIn(t, registrar, registrarPw)
	ws := openSocket(t, b, c.Token, "graphql-transport-ws")
	ws.mustWork("1")
	since := time.Now()
	mustDo(t, c, `mutation { signOut }`, nil, nil)
	ws.expectClosed(server.WebSocketCloseSessionEnded, since)

	c = a.signIn(t, registrar, registrarPw)
	var me struct {
		Viewer struct{ Officer struct{ ID string } }
	}
	mustDo(t, c, `{ viewer { officer { id } } }`, nil, &me)
	ws = openSocket(t, b, c.Token, "graphql-ws")
	ws.mustWork("1")
	admin := a.signIn(t, provAdmin, provPass)
	since = time.Now()
	mustDo(t, admin, `mutation($id: ID!) { setOfficerPermissions(officerID: $id, permissions: []) { id } }`,
		map[string]any{"id": me.Viewer.Officer.ID}, nil)
	ws.expectClosed(server.WebSocketCloseForbidden, since)
}

// TestConnectionAckHoldsNoToken: the acknowledgement of either sub-protocol
// never sends the bearer token back.
func TestConnectionAckHoldsNoToken(t *testing.T) {
	s := start(t, dbtest.SQLiteURL(t))
	c := s.signIn(t, registrar, registrarPw)
	for _, proto := range protocols {
		ws := openSocket(t, s, c.Token, proto)
		var ack socketMessage
		_ = json.Unmarshal(ws.ack, &ack)
		if strings.Contains(string(ws.ack), c.Token) || strings.Contains(strings.ToLower(string(ws.ack)), "authorization") ||
			(len(ack.Payload) > 0 && string(ack.Payload) != "null" && string(ack.Payload) != "{}") {
			t.Errorf("%s connection_ack: %s", proto, ws.ack)
		}
	}
}
