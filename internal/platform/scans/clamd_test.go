package scans

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/rules/refusal"
)

// fakeClamd speaks clamd's INSTREAM protocol on a listener: it reads the
// command and the chunks, answers FOUND when the file holds the EICAR
// string, and records what it received.
type fakeClamd struct {
	ln      net.Listener
	reply   string // when set, answered instead of the verdict
	mu      sync.Mutex
	got     [][]byte
	chunks  []int
	badCmds int
}

func startFakeClamd(t *testing.T, network, address string) *fakeClamd {
	t.Helper()
	ln, err := net.Listen(network, address)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeClamd{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(conn)
		}
	}()
	return f
}

func (f *fakeClamd) serve(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	cmd, err := r.ReadString(0)
	if err != nil || cmd != "zINSTREAM\x00" {
		f.mu.Lock()
		f.badCmds++
		f.mu.Unlock()
		return
	}
	var file bytes.Buffer
	var sizes []int
	for {
		var size [4]byte
		if _, err := io.ReadFull(r, size[:]); err != nil {
			return
		}
		n := binary.BigEndian.Uint32(size[:])
		if n == 0 {
			break
		}
		sizes = append(sizes, int(n))
		if _, err := io.CopyN(&file, r, int64(n)); err != nil {
			return
		}
	}
	f.mu.Lock()
	f.got = append(f.got, file.Bytes())
	f.chunks = sizes
	reply := f.reply
	f.mu.Unlock()
	if reply == "" {
		reply = "stream: OK"
		if bytes.Contains(file.Bytes(), []byte(eicar)) {
			reply = "stream: Eicar-Signature FOUND"
		}
	}
	_, _ = conn.Write([]byte(reply + "\x00"))
}

func (f *fakeClamd) received() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.got
}

func TestClamd(t *testing.T) {
	clean := buildPDF(pdfObjects(""), "")
	// EICAR inside a stream: a well-formed PDF the structure check accepts,
	// so only the antivirus can refuse it.
	infected := buildPDF(append(pdfObjects(""), "<< /Length 68 >>\nstream\n"+eicar+"\nendstream"), "")
	if _, err := Check(bytes.NewReader(infected)); err != nil {
		t.Fatalf("the infected file must pass the structure check for this test: %v", err)
	}
	big := bytes.Repeat([]byte("A"), 200_000) // several chunks

	tcp := startFakeClamd(t, "tcp", "127.0.0.1:0")
	sock := filepath.Join(t.TempDir(), "clamd.sock")
	unix := startFakeClamd(t, "unix", sock)
	for _, tc := range []struct {
		name string
		addr string
		fake *fakeClamd
	}{
		{"tcp", "tcp://" + tcp.ln.Addr().String(), tcp},
		{"unix", "unix://" + sock, unix},
	} {
		t.Run(tc.name, func(t *testing.T) {
			av, err := NewClamd(ClamdConfig{Address: tc.addr})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if err := av.Scan(ctx, clean); err != nil {
				t.Errorf("clean file: %v", err)
			}
			err = av.Scan(ctx, infected)
			r, ok := refusal.As(err)
			if !ok || r.Code != refusal.FileInfected || r.Field != "scan" || r.Extra["signature"] != "Eicar-Signature" {
				t.Errorf("infected file: %v, want FILE_INFECTED naming Eicar-Signature", err)
			}
			if err := av.Scan(ctx, big); err != nil {
				t.Errorf("large file: %v", err)
			}
			got := tc.fake.received()
			if len(got) != 3 || !bytes.Equal(got[0], clean) || !bytes.Equal(got[1], infected) || !bytes.Equal(got[2], big) {
				t.Errorf("clamd received %d files, not the three sent byte for byte", len(got))
			}
			if c := tc.fake.chunks; len(c) != 4 || c[0] != clamdChunk || c[3] != len(big)-3*clamdChunk {
				t.Errorf("chunks of the large file: %v", c)
			}
		})
	}
}

func TestClamdUnavailable(t *testing.T) {
	// A port nothing listens on: taken, then released.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "tcp://" + ln.Addr().String()
	ln.Close()
	erroring := startFakeClamd(t, "tcp", "127.0.0.1:0")
	erroring.reply = "INSTREAM size limit exceeded. ERROR"
	// A clamd that accepts and never answers.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { silent.Close() })
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()

	for _, addr := range []string{down, "tcp://" + erroring.ln.Addr().String(), "tcp://" + silent.Addr().String()} {
		hold, err := NewClamd(ClamdConfig{Address: addr, Timeout: 300 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		err = hold.Scan(context.Background(), []byte("%PDF-1.7"))
		if r, ok := refusal.As(err); !ok || r.Code != refusal.ScanUnavailable || !strings.Contains(r.EN, "try again") {
			t.Errorf("%s, holding: %v, want SCAN_UNAVAILABLE", addr, err)
		}
		accept, err := NewClamd(ClamdConfig{Address: addr, Timeout: 300 * time.Millisecond, AcceptWhenDown: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := accept.Scan(context.Background(), []byte("%PDF-1.7")); err != nil {
			t.Errorf("%s, accepting: %v", addr, err)
		}
	}
}

func TestNewClamdRefusesBadAddresses(t *testing.T) {
	for _, a := range []string{"", "127.0.0.1:3310", "http://127.0.0.1:3310", "tcp://", "unix://", "unix://host/x", "tcp://h:1/path"} {
		if _, err := NewClamd(ClamdConfig{Address: a}); err == nil {
			t.Errorf("NewClamd(%q) accepted", a)
		}
	}
	for _, a := range []string{"tcp://127.0.0.1:3310", "tcp://clamav:3310", "unix:///run/clamav/clamd.ctl"} {
		if _, err := NewClamd(ClamdConfig{Address: a}); err != nil {
			t.Errorf("NewClamd(%q): %v", a, err)
		}
	}
}
