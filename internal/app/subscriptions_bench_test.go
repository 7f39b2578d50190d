package app_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/testkit/dbtest"
)

// BenchmarkSMSMonitors is scenario S6 of docs/PERFORMANCE.md in one
// process: N (2000, or $MOTCUA_BENCH_MONITORS) WebSocket subscriptions to
// smsActivity as the super admin against the real server on SQLite. It
// reports what the server holds per subscriber (Go heap and goroutine
// stacks after a GC, goroutines) and, per op, the time for one SMS status
// change to reach every subscriber. The clients are bare TCP connections
// that speak just enough WebSocket (no goroutine, no buffer of their own)
// so that the memory counted is the server's.
func BenchmarkSMSMonitors(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("MOTCUA_BENCH_MONITORS")); err == nil && v > 0 {
		n = v
	}
	s := start(b, dbtest.SQLiteURL(b))
	super := s.signIn(b, superAdmin, superPass)
	addr := strings.TrimPrefix(s.URL, "http://")
	// One monitor first, so that what runs once per process (the shared
	// feed, the keep-alive ticker, pools) is in the baseline.
	warm := dialMonitor(b, addr, super.Token)
	defer warm.Close()
	waitMonitors(b, s, 1)
	heap0, stack0, g0 := serverMemory()

	conns := make([]net.Conn, n)
	for i := range conns {
		conns[i] = dialMonitor(b, addr, super.Token)
	}
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	waitMonitors(b, s, n+1)
	heap1, stack1, g1 := serverMemory()
	if path := os.Getenv("MOTCUA_BENCH_HEAP_PROFILE"); path != "" {
		// Where the bytes per subscriber are: go tool pprof -sample_index=inuse_space.
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		if err := pprof.WriteHeapProfile(f); err != nil {
			b.Fatal(err)
		}
		_ = f.Close()
	}

	for b.Loop() {
		id := enqueueSMS(b, s)
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < n; i += 8 {
					if err := readUntil(conns[i], id); err != nil {
						b.Errorf("monitor %d: %v", i, err)
						return
					}
				}
			}()
		}
		wg.Wait()
	}
	// After the loop: b.Loop's start drops metrics reported before it.
	b.ReportMetric(float64(heap1-heap0)/float64(n), "heap-B/sub")
	b.ReportMetric(float64(stack1-stack0)/float64(n), "stack-B/sub")
	b.ReportMetric(float64(g1-g0)/float64(n), "goroutines/sub")
}

// serverMemory returns the heap in use, the goroutine stacks and the
// goroutines after a collection.
func serverMemory() (heap, stack uint64, goroutines int) {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc, m.StackInuse, runtime.NumGoroutine()
}

func waitMonitors(b *testing.B, s *testServer, n int) {
	b.Helper()
	for range 1200 {
		if s.App.Queue.Monitors() >= n {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.Fatalf("%d monitors subscribed, want %d", s.App.Queue.Monitors(), n)
}

// dialMonitor opens a graphql-ws connection (its keep-alive needs no
// answer) subscribed to smsActivity.
func dialMonitor(b *testing.B, addr, token string) net.Conn {
	b.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	_, err = fmt.Fprintf(c, "GET /graphql HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-ws\r\n\r\n", addr)
	if err != nil {
		b.Fatal(err)
	}
	// The server writes nothing after its 101 until connection_init.
	var resp []byte
	buf := make([]byte, 512)
	for !bytes.HasSuffix(resp, []byte("\r\n\r\n")) {
		k, err := c.Read(buf)
		if err != nil {
			b.Fatalf("handshake: %v", err)
		}
		resp = append(resp, buf[:k]...)
	}
	if !bytes.HasPrefix(resp, []byte("HTTP/1.1 101")) {
		b.Fatalf("handshake: %s", resp)
	}
	init, _ := json.Marshal(map[string]any{"type": "connection_init", "payload": map[string]string{"authorization": "Bearer " + token}})
	writeClientFrame(b, c, init)
	writeClientFrame(b, c, []byte(`{"type":"start","id":"1","payload":{"query":"subscription { smsActivity { id status updatedAt } }"}}`))
	return c
}

// writeClientFrame writes msg as a client's text frame, masked with a zero
// key (RFC 6455 allows any key; a zero one leaves the bytes as they are).
func writeClientFrame(b *testing.B, c net.Conn, msg []byte) {
	b.Helper()
	frame := []byte{0x81}
	if len(msg) < 126 {
		frame = append(frame, 0x80|byte(len(msg)))
	} else {
		frame = binary.BigEndian.AppendUint16(append(frame, 0x80|126), uint16(len(msg)))
	}
	frame = append(append(frame, 0, 0, 0, 0), msg...)
	if _, err := c.Write(frame); err != nil {
		b.Fatal(err)
	}
}

// readUntil reads server frames until one mentions id.
func readUntil(c net.Conn, id string) error {
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
	var hdr [8]byte
	for {
		if _, err := io.ReadFull(c, hdr[:2]); err != nil {
			return err
		}
		n := int(hdr[1] & 0x7f)
		switch n {
		case 126:
			if _, err := io.ReadFull(c, hdr[:2]); err != nil {
				return err
			}
			n = int(binary.BigEndian.Uint16(hdr[:2]))
		case 127:
			if _, err := io.ReadFull(c, hdr[:8]); err != nil {
				return err
			}
			n = int(binary.BigEndian.Uint64(hdr[:8]))
		}
		msg := make([]byte, n)
		if _, err := io.ReadFull(c, msg); err != nil {
			return err
		}
		if bytes.Contains(msg, []byte(id)) {
			return nil
		}
	}
}
