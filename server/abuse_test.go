package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/graph"
	"github.com/motcua/motcua/graph/generated"
	"github.com/motcua/motcua/policy/viewer"
	"github.com/motcua/motcua/server"
)

// fakeAuth knows one token, of a signed-in account without any role.
type fakeAuth struct{}

const fakeToken = "token-of-a-citizen"

func (fakeAuth) Authenticate(_ context.Context, token string) (*viewer.Viewer, error) {
	if token != fakeToken {
		return nil, nil
	}
	return &viewer.Viewer{AccountID: "AC01TEST", SessionID: "SE01TEST"}, nil
}

// newAbuseServer is the production-mode server (or dev mode) with a fake
// authenticator, logging into logs.
func newAbuseServer(t *testing.T, dev bool, maxBody int64, logs io.Writer) http.Handler {
	t.Helper()
	if logs == nil {
		logs = io.Discard
	}
	h, err := server.New(server.Config{
		Dev: dev, MaxBodyBytes: maxBody, AllowedOrigins: []string{"https://motcua.example.gov.vn"},
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}, server.Deps{
		Schema: generated.NewExecutableSchema(generated.Config{Resolvers: &graph.Resolver{}}),
		Auth:   fakeAuth{},
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

type gqlAnswer struct {
	Status int
	Body   string
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (a gqlAnswer) code() string {
	if len(a.Errors) == 0 {
		return ""
	}
	c, _ := a.Errors[0].Extensions["code"].(string)
	return c
}

func postRaw(t *testing.T, h http.Handler, body string, header map[string]string) gqlAnswer {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	a := gqlAnswer{Status: rec.Code, Body: rec.Body.String()}
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
		t.Fatalf("answer is not JSON (%d): %q", rec.Code, rec.Body.String())
	}
	return a
}

func postQuery(t *testing.T, h http.Handler, query string, header map[string]string) gqlAnswer {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"query": query})
	return postRaw(t, h, string(b), header)
}

func TestNoNameSuggestionsOutsideDev(t *testing.T) {
	shapes := map[string]string{
		"argument":    `{ units(serch: "x") { totalCount } }`,
		"input field": `mutation { signIn(input: {logn: "001078900001", password: "x"}) { token } }`,
		"enum value":  `{ smsMessages(status: DELIVERD) { totalCount } }`,
		"field":       `{ unit { id } }`,
		"type name":   `query { ...F } fragment F on Querry { __typename }`,
	}
	for name, q := range shapes {
		t.Run(name, func(t *testing.T) {
			prod := postQuery(t, newAbuseServer(t, false, 0, nil), q, nil)
			if len(prod.Errors) == 0 {
				t.Fatalf("no error: %s", prod.Body)
			}
			if strings.Contains(prod.Body, "Did you mean") {
				t.Errorf("production suggests a name: %s", prod.Body)
			}
			dev := postQuery(t, newAbuseServer(t, true, 0, nil), q, nil)
			if !strings.Contains(dev.Body, "Did you mean") {
				t.Errorf("dev mode should still suggest (the shape is wrong otherwise): %s", dev.Body)
			}
		})
	}
}

func TestRefusedIntrospection(t *testing.T) {
	var logs bytes.Buffer
	h := newAbuseServer(t, false, 0, &logs)
	queries := []string{
		`{ __schema { queryType { name } } }`,
		`{ __type(name: "Query") { name } }`,
		`query { ...F } fragment F on Query { __schema { types { name } } }`,
		`{ ... on Query { __type(name: "Unit") { name } } }`,
	}
	for _, q := range queries {
		anon := postQuery(t, h, q, map[string]string{"Accept-Language": "en"})
		if anon.code() != "UNAUTHENTICATED" || anon.Status != http.StatusOK || !strings.Contains(anon.Body, "Sign in") {
			t.Errorf("anonymous %s: %d %s", q, anon.Status, anon.Body)
		}
		signedIn := postQuery(t, h, q, map[string]string{"Authorization": "Bearer " + fakeToken})
		if signedIn.code() != "FORBIDDEN" {
			t.Errorf("signed-in non-admin %s: %s", q, signedIn.Body)
		}
		if strings.Contains(signedIn.Body, `"data":{`) {
			t.Errorf("refused introspection returned data: %s", signedIn.Body)
		}
	}
	// __typename is not introspection.
	if a := postQuery(t, h, `{ __typename }`, nil); len(a.Errors) != 0 {
		t.Errorf("__typename: %s", a.Body)
	}
	for line := range strings.Lines(logs.String()) {
		var rec struct{ Level string }
		_ = json.Unmarshal([]byte(line), &rec)
		if rec.Level != "INFO" && rec.Level != "DEBUG" {
			t.Errorf("log line above info: %s", line)
		}
	}
}

// TestErrorsDoNotEchoTheRequest sends malformed bodies and documents that
// carry a secret and checks the secret is not in the answer.
func TestErrorsDoNotEchoTheRequest(t *testing.T) {
	const secret = "S3cretPassw0rd"
	h := newAbuseServer(t, false, 0, nil)
	bodies := map[string]string{
		"malformed JSON":      `{"query":"mutation { signIn(input:{login:\"001078900001\", password:\"` + secret + `\"}) { token } }"`,
		"wrong JSON type":     `{"query":["` + secret + `"]}`,
		"not JSON":            `password=` + secret,
		"parse error":         `{"query":"mutation { signIn(input:{login:\"001078900001\" password \"` + secret + `\"}) { token } }"}`,
		"bad escape":          `{"query":"{ units(search: \"\\q` + secret + `\") { totalCount } }"}`,
		"number for a string": `{"query":"mutation { signIn(input:{login:\"001078900001\", password: 7123456789}) { token } }"}`,
		"enum variable":       `{"query":"query($s: SMSStatus) { smsMessages(status: $s) { totalCount } }","variables":{"s":"` + secret + `"}}`,
		"literal enum":        `{"query":"{ smsMessages(status: ` + secret + `) { totalCount } }"}`,
		"string for an enum":  `{"query":"{ smsMessages(status: \"` + secret + `\") { totalCount } }"}`,
		"object for a string": `{"query":"{ units(search: {a: \"` + secret + `\"}) { totalCount } }"}`,
		"huge malformed JSON": `{"query": "` + strings.Repeat("x", 512<<10) + secret,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			a := postRaw(t, h, body, nil)
			if len(a.Errors) == 0 {
				t.Fatalf("no error: %s", a.Body)
			}
			if strings.Contains(a.Body, secret) || strings.Contains(a.Body, "123456789") || strings.Contains(a.Body, "xxxxxxxx") {
				t.Errorf("the answer echoes the request: %.300s", a.Body)
			}
			if a.Status >= 500 {
				t.Errorf("status %d", a.Status)
			}
		})
	}
	// The malformed bodies get the fixed message, in the request's language.
	a := postRaw(t, h, `{"query": "`, map[string]string{"Accept-Language": "en"})
	if a.Status != http.StatusBadRequest || a.code() != "VALIDATION" ||
		a.Errors[0].Message != "The request body is not a valid GraphQL request in JSON." {
		t.Errorf("malformed JSON: %d %s", a.Status, a.Body)
	}
}

func TestBodyLimitFlag(t *testing.T) {
	h := newAbuseServer(t, false, 2048, nil)
	q := `{"query":"{ __typename }","variables":{"pad":"` + strings.Repeat("a", 2100) + `"}}`
	a := postRaw(t, h, q, map[string]string{"Accept-Language": "en"})
	if a.Status != http.StatusRequestEntityTooLarge || a.code() != "REQUEST_TOO_LARGE" ||
		a.Errors[0].Extensions["maxBytes"] != float64(2048) || !strings.Contains(a.Errors[0].Message, "at most 2048 bytes") {
		t.Errorf("over the cap: %d %s", a.Status, a.Body)
	}
	vi := postRaw(t, h, q, nil)
	if !strings.Contains(vi.Errors[0].Message, "Yêu cầu quá lớn") {
		t.Errorf("Vietnamese by default: %s", vi.Body)
	}
	if a := postRaw(t, h, `{"query":"{ __typename }"}`, nil); a.Status != http.StatusOK || len(a.Errors) != 0 {
		t.Errorf("under the cap: %d %s", a.Status, a.Body)
	}
	// An upload must state its length, so that its cap is checked before reading.
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader("--x--"))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	req.Header.Set("GraphQL-Require-Preflight", "1")
	req.ContentLength = -1
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusLengthRequired || !strings.Contains(rec.Body.String(), `"VALIDATION"`) {
		t.Errorf("chunked upload: %d %s", rec.Code, rec.Body.String())
	}
}

// streamPost sends a POST of size bytes of spaces, with a declared length
// or chunked, from a raw connection: a body is written in the background
// while the answer is read, as a client that keeps sending after the server
// answered (net/http's client gives up with "broken pipe" instead of
// reading the answer the server sent before closing). It returns the status.
func streamPost(t *testing.T, addr string, header map[string]string, size int64, chunked bool) int {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Errorf("dial: %v", err)
		return 0
	}
	defer conn.Close()
	var head strings.Builder
	head.WriteString("POST /graphql HTTP/1.1\r\nHost: motcua.test\r\n")
	for k, v := range header {
		fmt.Fprintf(&head, "%s: %s\r\n", k, v)
	}
	if chunked {
		head.WriteString("Transfer-Encoding: chunked\r\n\r\n")
	} else {
		fmt.Fprintf(&head, "Content-Length: %d\r\n\r\n", size)
	}
	go func() {
		if _, err := io.WriteString(conn, head.String()); err != nil {
			return
		}
		chunk := bytes.Repeat([]byte{' '}, 64<<10)
		for sent := int64(0); sent < size; sent += int64(len(chunk)) {
			if chunked {
				fmt.Fprintf(conn, "%x\r\n", len(chunk))
			}
			if _, err := conn.Write(chunk); err != nil {
				return // the server closed: it has answered
			}
			if chunked {
				io.WriteString(conn, "\r\n") //nolint:errcheck
			}
		}
		if chunked {
			io.WriteString(conn, "0\r\n\r\n") //nolint:errcheck
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(time.Minute)) // only keeps a broken test from hanging
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Errorf("read answer: %v", err)
		return 0
	}
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), `"REQUEST_TOO_LARGE"`) {
		t.Errorf("answer %d %q", resp.StatusCode, body)
	}
	return resp.StatusCode
}

// TestOversizedBodiesUnderLoad streams 100 concurrent 100 MB bodies at a real
// server (JSON with a declared length, chunked JSON, uploads with a declared
// length, JSON waiting for 100 Continue) and checks that every one is
// answered 413 while the server's heap stays bounded. It logs the peak heap
// growth.
func TestOversizedBodiesUnderLoad(t *testing.T) {
	ts := httptest.NewServer(newAbuseServer(t, false, 0, nil))
	t.Cleanup(ts.Close)
	addr := strings.TrimPrefix(ts.URL, "http://")
	const n, size = 100, 100 << 20

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		samplePeakHeap(&peak, stop)
	}()

	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			header := map[string]string{"Content-Type": "application/json"}
			chunked := false
			switch i % 4 {
			case 1:
				chunked = true
			case 2:
				header["Content-Type"] = "multipart/form-data; boundary=x"
				header["GraphQL-Require-Preflight"] = "1"
			case 3:
				header["Expect"] = "100-continue"
			}
			statuses <- streamPost(t, addr, header, size, chunked)
		})
	}
	wg.Wait()
	close(stop)
	<-sampled
	close(statuses)
	for s := range statuses {
		if s != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d, want 413", s)
		}
	}
	growth := int64(peak.Load()) - int64(base.HeapInuse)
	t.Logf("%d concurrent %d MB bodies: peak heap in use grew by %.1f MiB (base %.1f MiB)",
		n, size>>20, float64(growth)/(1<<20), float64(base.HeapInuse)/(1<<20))
	// Each chunked JSON body may be buffered up to the 1 MiB cap before it
	// is refused; nothing else is read. 4 MiB per request leaves room for
	// the buffer's growth and the HTTP machinery.
	if limit := int64(n) * 4 << 20; growth > limit {
		t.Errorf("heap grew by %d bytes, more than %d", growth, limit)
	}
}

// samplePeakHeap records in peak the largest heap in use it sees, sampling
// every 2 ms until stop is closed.
func samplePeakHeap(peak *atomic.Uint64, stop <-chan struct{}) {
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		if m.HeapInuse > peak.Load() {
			peak.Store(m.HeapInuse)
		}
		select {
		case <-stop:
			return
		case <-tick.C:
		}
	}
}
