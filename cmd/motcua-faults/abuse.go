package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/motcua/motcua/internal/testkit/gqlclient"
	"github.com/motcua/motcua/internal/testkit/proctest"
)

// devServer is one `serve --dev` on SQLite (console SMS) shared by the
// abuse runs, with the registrar signed in.
func (e *env) devServer(ctx context.Context) (*proctest.Server, *gqlclient.Client, string, error) {
	if e.dev == nil {
		dir, err := e.dir()
		if err != nil {
			return nil, nil, "", err
		}
		s, err := proctest.StartServer(ctx, proctest.ServerConfig{
			Bin: e.bin, Dir: dir, Database: "sqlite://" + filepath.Join(dir, "motcua.db"), Dev: true,
			Args: []string{"--sms-console-delay", "100ms"}, Log: e.log("abuse"),
		})
		if err != nil {
			return nil, nil, "", err
		}
		e.dev = s
	}
	off, unitID, err := proctest.SignInRegistrar(ctx, e.dev.URL)
	return e.dev, off, unitID, err
}

// otpAliases sends 50 wrong codes in one GraphQL document (aliases run
// one after the other in one request): at most 5 may be counted, the rest
// must be OTP_TOO_MANY_ATTEMPTS, and then even the right code is refused.
// Long because a fault scenario reads as its steps: set up, attack, checks,
// in the order they happen.
func otpAliases(ctx context.Context, e *env) (*proctest.Report, error) {
	rep := &proctest.Report{Name: "50 aliased OTP attempts in one GraphQL document"}
	_, off, unitID, err := e.devServer(ctx)
	if err != nil {
		return nil, err
	}
	c := proctest.NewCitizen(e.series, 1)
	regID, err := proctest.StartRegistration(ctx, off, c, unitID, "cccd.docx", e.scan)
	if err != nil {
		return nil, err
	}
	code, err := proctest.DevOTP(ctx, off, regID, c.Phone)
	if err != nil {
		return nil, err
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	var doc strings.Builder
	doc.WriteString("mutation($id: ID!) {\n")
	for i := 1; i <= 50; i++ {
		fmt.Fprintf(&doc, "  a%d: completeRegistration(registrationID: $id, code: %q) { state }\n", i, wrong)
	}
	doc.WriteString("}")
	r, err := off.Do(ctx, doc.String(), map[string]any{"id": regID})
	if err != nil {
		return nil, err
	}
	rep.Triedf("one document with a1 … a50: completeRegistration(code: wrong) on a case with a fresh OTP (%d bytes)", doc.Len())
	byAlias := map[int]string{}
	var docLevel []string
	for _, x := range r.Errors {
		if len(x.Path) == 0 {
			docLevel = append(docLevel, x.Code())
			continue
		}
		name, _ := x.Path[0].(string)
		n, _ := strconv.Atoi(strings.TrimPrefix(name, "a"))
		byAlias[n] = x.Code()
	}
	invalid, tooMany, other := 0, 0, 0
	var seq []string
	for i := 1; i <= 50; i++ {
		switch byAlias[i] {
		case "OTP_INVALID":
			invalid++
		case "OTP_TOO_MANY_ATTEMPTS":
			tooMany++
		default:
			other++
		}
		if i <= 7 {
			seq = append(seq, byAlias[i])
		}
	}
	if len(docLevel) > 0 {
		rep.Triedf("the whole document was refused: %v", docLevel)
	} else {
		rep.Triedf("answers a1…a7: %s …", strings.Join(seq, ", "))
	}
	ordered := len(docLevel) > 0 || (invalid <= 5 && other == 0 && tooMany == 50-invalid && firstTooMany(byAlias) == invalid+1)
	rep.Expect(ordered, "at most 5 wrong tries counted, OTP_TOO_MANY_ATTEMPTS for every later one",
		"%d OTP_INVALID, %d OTP_TOO_MANY_ATTEMPTS, %d other", invalid, tooMany, other)
	var left struct {
		Registrations struct {
			Edges []struct {
				Node struct{ OtpAttemptsLeft *int }
			}
		}
	}
	if err := proctest.Do(ctx, off, "registrations", `query($id:ID!){ registrations(first:1, where:{id:$id}){ edges { node { otpAttemptsLeft } } } }`,
		map[string]any{"id": regID}, &left); err != nil {
		return nil, err
	}
	attemptsLeft := -1
	if e := left.Registrations.Edges; len(e) == 1 && e[0].Node.OtpAttemptsLeft != nil {
		attemptsLeft = *e[0].Node.OtpAttemptsLeft
	}
	rep.Expect(attemptsLeft == 0 || len(docLevel) > 0, "the code has no tries left", "otpAttemptsLeft = %d", attemptsLeft)
	_, err = proctest.Complete(ctx, off, regID, code)
	rep.Expect(proctest.CodeOf(err) == "OTP_TOO_MANY_ATTEMPTS" || len(docLevel) > 0, "the right code is refused afterwards",
		"answer: %s", codeOrOK(err))
	return rep, nil
}

func firstTooMany(byAlias map[int]string) int {
	for i := 1; i <= 50; i++ {
		if byAlias[i] == "OTP_TOO_MANY_ATTEMPTS" {
			return i
		}
	}
	return 0
}

func codeOrOK(err error) string {
	if err == nil {
		return "accepted"
	}
	if c := proctest.CodeOf(err); c != "" {
		return c
	}
	return err.Error()
}

// queryLimits sends a 100-deep query and a page of 100000.
func queryLimits(ctx context.Context, e *env) (*proctest.Report, error) {
	rep := &proctest.Report{Name: "a 100-deep query and first: 100000"}
	srv, _, _, err := e.devServer(ctx)
	if err != nil {
		return nil, err
	}
	admin, err := proctest.SignIn(ctx, srv.URL, proctest.SuperAdmin, proctest.SuperAdminPass)
	if err != nil {
		return nil, err
	}
	deep := `{ units(first: 1) { edges { node ` + strings.Repeat("{ parent ", 100) + "{ id }" + strings.Repeat(" }", 100) + ` } } }`
	t0 := time.Now()
	r, err := admin.Do(ctx, deep, nil)
	if err != nil {
		return nil, err
	}
	rep.Triedf("units → node → parent × 100 as the super admin (%d bytes), answered in %v", len(deep), time.Since(t0).Round(time.Millisecond))
	rep.Expect(len(r.Errors) > 0 && isNull(r.Data), "the deep query is refused without data", "%s", errCodes(r))
	r, err = admin.Do(ctx, `{ units(first: 100000) { totalCount edges { node { id } } } }`, nil)
	if err != nil {
		return nil, err
	}
	rep.Triedf("units(first: 100000) as the super admin")
	rep.Expect(len(r.Errors) > 0 && isNull(r.Data), "first: 100000 is refused", "%s", errCodes(r))
	return rep, nil
}

func isNull(raw []byte) bool {
	s := strings.TrimSpace(string(raw))
	return s == "" || s == "null"
}

func errCodes(r *gqlclient.Response) string {
	var codes []string
	for _, x := range r.Errors {
		codes = append(codes, x.Code()+" "+strconv.Quote(x.Message))
	}
	if len(codes) == 0 {
		return "answered without errors"
	}
	if len(codes) > 2 {
		codes = append(codes[:2], fmt.Sprintf("… %d errors", len(r.Errors)))
	}
	return strings.Join(codes, "; ")
}

// crossOrigin: a multipart POST from another origin without the preflight
// header, carrying the session cookie as a browser would, is refused with
// 400 and creates nothing; a WebSocket from a foreign origin is refused
// with 403 before the upgrade.
// Long because a fault scenario reads as its steps: set up, attack, checks,
// in the order they happen.
func crossOrigin(ctx context.Context, e *env) (*proctest.Report, error) {
	rep := &proctest.Report{Name: "cross-origin multipart POST and WebSocket"}
	srv, off, unitID, err := e.devServer(ctx)
	if err != nil {
		return nil, err
	}
	cookie, err := sessionCookie(ctx, srv.URL)
	if err != nil {
		return nil, err
	}
	count := func() (int, error) {
		var regs struct{ Registrations struct{ TotalCount int } }
		err := proctest.Do(ctx, off, "registrations", `{ registrations(first: 1){ totalCount } }`, nil, &regs)
		return regs.Registrations.TotalCount, err
	}
	before, err := count()
	if err != nil {
		return nil, err
	}
	c := proctest.NewCitizen(e.series, 2)
	var body bytes.Buffer
	w := multipartWriter(&body, c, unitID, e.scan)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body.Bytes()))
	req.Header.Set("Content-Type", w)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Cookie", cookie)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	rep.Triedf("POST /graphql multipart/form-data (startRegistration with a scan) from Origin https://evil.example with the session cookie, no GraphQL-Require-Preflight")
	afterRefused, err := count()
	if err != nil {
		return nil, err
	}
	rep.Expect(resp.StatusCode == http.StatusBadRequest, "the multipart POST is refused with 400", "HTTP %d", resp.StatusCode)

	// The same request with the preflight header goes through: the refusal was the header's doing.
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body.Bytes()))
	req.Header.Set("Content-Type", w)
	req.Header.Set("GraphQL-Require-Preflight", "1")
	req.Header.Set("Cookie", cookie)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	afterHeader, err := count()
	if err != nil {
		return nil, err
	}
	rep.Expect(afterRefused == before && afterHeader == before+1 && resp.StatusCode == http.StatusOK,
		"nothing was created by it (the same request with the preflight header creates the case)",
		"registrations %d → %d after the refused POST, → %d with the header (HTTP %d)", before, afterRefused, afterHeader, resp.StatusCode)

	d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}, HandshakeTimeout: 5 * time.Second}
	h := http.Header{"Origin": {"https://evil.example"}, "Cookie": {cookie}}
	conn, wsResp, err := d.DialContext(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql", h)
	status := 0
	if wsResp != nil {
		status = wsResp.StatusCode
	}
	if conn != nil {
		conn.Close()
	}
	rep.Triedf("WebSocket upgrade of /graphql (graphql-transport-ws) from Origin https://evil.example with the session cookie")
	rep.Expect(err != nil && status == http.StatusForbidden, "the foreign-origin WebSocket is refused with 403", "HTTP %d", status)
	h.Set("Origin", srv.URL)
	conn, _, err = d.DialContext(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql", h)
	if conn != nil {
		conn.Close()
	}
	rep.Expect(err == nil, "a WebSocket from the server's own origin is accepted", "%v", errOrOK(err))
	return rep, nil
}

func errOrOK(err error) string {
	if err == nil {
		return "upgraded"
	}
	return err.Error()
}

// sessionCookie signs the registrar in with a raw request and returns the
// session cookie the server set ("name=value").
func sessionCookie(ctx context.Context, baseURL string) (string, error) {
	body, _ := json.Marshal(map[string]any{
		"query":     `mutation($l:String!,$p:String!){ signIn(input:{login:$l,password:$p}){ token } }`,
		"variables": map[string]string{"l": proctest.Registrar, "p": proctest.RegistrarPass},
	})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	for _, c := range resp.Cookies() {
		if c.Value != "" {
			return c.Name + "=" + c.Value, nil
		}
	}
	return "", fmt.Errorf("signIn set no cookie (HTTP %d)", resp.StatusCode)
}

// uploads: a scan of 5 MiB + 1 byte is FILE_TOO_LARGE (5 MiB exactly is
// not); a .docx that inflates 1000× is refused as a zip bomb.
func uploads(ctx context.Context, e *env) (*proctest.Report, error) {
	rep := &proctest.Report{Name: "an upload of 5 MiB + 1 byte and a zip-bomb .docx"}
	_, off, unitID, err := e.devServer(ctx)
	if err != nil {
		return nil, err
	}
	const maxBytes = 5 << 20
	big := make([]byte, maxBytes+1)
	_, _ = rand.Read(big)
	_, err = proctest.StartRegistration(ctx, off, proctest.NewCitizen(e.series, 3), unitID, "cccd.docx", big)
	rep.Triedf("startRegistration with a scan of %d bytes (random)", len(big))
	rep.Expect(proctest.CodeOf(err) == "FILE_TOO_LARGE", "5 MiB + 1 byte is FILE_TOO_LARGE", "answer: %s", codeOrOK(err))
	_, err = proctest.StartRegistration(ctx, off, proctest.NewCitizen(e.series, 3), unitID, "cccd.docx", big[:maxBytes])
	rep.Expect(proctest.CodeOf(err) != "FILE_TOO_LARGE" && err != nil, "5 MiB exactly passes the size check (and is refused as no document)",
		"answer: %s", codeOrOK(err))

	bomb, inflated, err := zipBomb(e.scan)
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	_, err = proctest.StartRegistration(ctx, off, proctest.NewCitizen(e.series, 4), unitID, "cccd.docx", bomb)
	took := time.Since(t0)
	rep.Triedf("startRegistration with a .docx of %d bytes (the sample plus word/media/image1.png inflating to %d MiB of zeros), refused in %v",
		len(bomb), inflated>>20, took.Round(time.Millisecond))
	reason := ""
	var ge *proctest.GraphQLError
	if errors.As(err, &ge) && len(ge.Errors) > 0 {
		reason, _ = ge.Errors[0].Extensions["reason"].(string)
	}
	rep.Expect(err != nil && reason == "zip_bomb", "the zip bomb is refused as one", "answer: %s, reason %q", codeOrOK(err), reason)
	c := proctest.NewCitizen(e.series, 5)
	_, err = proctest.StartRegistration(ctx, off, c, unitID, "cccd.docx", e.scan)
	rep.Expect(err == nil, "the server still takes a valid scan afterwards", "%s", codeOrOK(err))
	return rep, nil
}

// zipBomb is the sample .docx with one more part: 200 MiB of zeros,
// deflated to about 200 KiB.
func zipBomb(sample []byte) ([]byte, int, error) {
	zr, err := zip.NewReader(bytes.NewReader(sample), int64(len(sample)))
	if err != nil {
		return nil, 0, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			return nil, 0, err
		}
	}
	const inflated = 200 << 20
	w, err := zw.Create("word/media/image1.png")
	if err != nil {
		return nil, 0, err
	}
	zeros := make([]byte, 1<<20)
	for range inflated >> 20 {
		if _, err := w.Write(zeros); err != nil {
			return nil, 0, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, 0, err
	}
	return buf.Bytes(), inflated, nil
}

// multipartWriter writes a GraphQL multipart request for startRegistration
// into body and returns its content type.
func multipartWriter(body *bytes.Buffer, c proctest.Citizen, unitID string, scan []byte) string {
	w := multipart.NewWriter(body)
	ops, _ := json.Marshal(map[string]any{
		"query": `mutation($in: StartRegistrationInput!){ startRegistration(input:$in){ id } }`,
		"variables": map[string]any{"in": map[string]any{"idNumber": c.IDNumber, "fullName": c.FullName,
			"dateOfBirth": c.DateOfBirth, "phone": c.Phone, "unitID": unitID, "scan": nil}},
	})
	_ = w.WriteField("operations", string(ops))
	_ = w.WriteField("map", `{"0":["variables.in.scan"]}`)
	part, _ := w.CreateFormFile("0", "cccd.docx")
	_, _ = part.Write(scan)
	_ = w.Close()
	return w.FormDataContentType()
}
