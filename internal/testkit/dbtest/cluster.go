package dbtest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// binaries are the PostgreSQL programs we run; pg_ctl finds postgres beside its own real path.
type binaries struct {
	initdb, pgCtl string
}

// findBinaries looks for initdb and pg_ctl on pathList first, then in the newest
// libRoot/<version>/bin (Debian and Ubuntu install there without putting it on PATH).
func findBinaries(pathList, libRoot string) (binaries, error) {
	if b := (binaries{initdb: lookPath(pathList, "initdb"), pgCtl: lookPath(pathList, "pg_ctl")}); b.initdb != "" && b.pgCtl != "" {
		return b, nil
	}
	dirs, _ := filepath.Glob(filepath.Join(libRoot, "*", "bin"))
	versionOf := func(dir string) float64 {
		v, err := strconv.ParseFloat(filepath.Base(filepath.Dir(dir)), 64)
		if err != nil {
			return -1
		}
		return v
	}
	slices.SortFunc(dirs, func(a, b string) int { // newest first; "9.6" is older than "15"
		return -compareFloat(versionOf(a), versionOf(b))
	})
	for _, dir := range dirs {
		b := binaries{initdb: filepath.Join(dir, "initdb"), pgCtl: filepath.Join(dir, "pg_ctl")}
		if versionOf(dir) >= 0 && isExecutable(b.initdb) && isExecutable(b.pgCtl) {
			return b, nil
		}
	}
	return binaries{}, errNoBinaries
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func lookPath(pathList, name string) string {
	for _, dir := range filepath.SplitList(pathList) {
		if dir == "" {
			continue
		}
		if p := filepath.Join(dir, name); isExecutable(p) {
			return p
		}
	}
	return ""
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// cluster is a throwaway PostgreSQL cluster in its own temporary directory.
type cluster struct {
	bin     binaries
	dir     string              // everything lives here: data/, sock/, postgres.log
	port    int                 // loopback TCP port
	cred    *syscall.Credential // the unprivileged user the server runs as when we are root; nil otherwise
	release *os.File            // closing it (or our exit) lets the watchdog stop the cluster
	guard   *exec.Cmd           // the watchdog
}

func (c *cluster) dataDir() string { return filepath.Join(c.dir, "data") }
func (c *cluster) logFile() string { return filepath.Join(c.dir, "postgres.log") }

func (c *cluster) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// startCluster creates and starts a cluster. The watchdog is armed before initdb runs,
// so even a failed or interrupted start leaves no directory and no server behind.
func startCluster(bin binaries) (c *cluster, err error) {
	c = &cluster{bin: bin}
	if c.cred, err = unprivilegedUser(); err != nil {
		return nil, err
	}
	if c.dir, err = os.MkdirTemp("", "motcua-pg-"); err != nil {
		return nil, fmt.Errorf("cluster directory: %w", err)
	}
	sockDir := filepath.Join(c.dir, "sock")
	if err := os.Mkdir(sockDir, 0o700); err != nil {
		return nil, errors.Join(fmt.Errorf("socket directory: %w", err), os.RemoveAll(c.dir))
	}
	if c.cred != nil {
		// The unprivileged user owns the whole directory, so the watchdog (running as that
		// user) may delete it from the sticky /tmp.
		for _, d := range []string{c.dir, sockDir} {
			if err := os.Chown(d, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
				return nil, errors.Join(fmt.Errorf("hand the cluster directory to uid %d: %w", c.cred.Uid, err), os.RemoveAll(c.dir))
			}
		}
	}
	if err := c.armWatchdog(); err != nil {
		return nil, errors.Join(err, os.RemoveAll(c.dir))
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, c.stop())
		}
	}()

	// C.UTF-8 makes pg_trgm treat Vietnamese letters as word characters, as a UTF-8
	// production locale does; plain C is the fallback where C.UTF-8 is missing.
	if out, err := c.run(bin.initdb, "-D", c.dataDir(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"); err != nil {
		_ = os.RemoveAll(c.dataDir())
		if out2, err2 := c.run(bin.initdb, "-D", c.dataDir(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"); err2 != nil {
			return nil, fmt.Errorf("initdb: %w\n%s\n%s", err2, out, out2)
		}
	}

	// The port comes from the kernel and is free when we look; another process may take it
	// before the server binds, so a failed start is retried on a new port.
	var startErr error
	for range 3 {
		if c.port, err = freePort(); err != nil {
			return nil, err
		}
		opts := fmt.Sprintf("-p %d -k '%s' -c listen_addresses=127.0.0.1"+
			" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"+
			// Test binaries run in parallel, each with its own cluster: keep memory small,
			// allow many pools, and keep dynamic shared memory off a small container /dev/shm.
			" -c shared_buffers=32MB -c max_connections=200 -c dynamic_shared_memory_type=mmap",
			c.port, sockDir)
		out, err := c.run(bin.pgCtl, "-D", c.dataDir(), "-l", c.logFile(), "-w", "-t", "120", "-o", opts, "start")
		if err == nil {
			return c, nil
		}
		startErr = fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, tail(c.logFile()))
	}
	return nil, startErr
}

// armWatchdog starts a shell that waits for end-of-file on a pipe whose only writer is this
// process. The kernel closes it when we exit for any reason (even SIGKILL), and the shell
// then stops the server and deletes the directory. It runs in its own session so that a
// Ctrl-C aimed at `go test` does not kill it before it has cleaned up.
func (c *cluster) armWatchdog() error {
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("watchdog pipe: %w", err)
	}
	defer r.Close()
	script := `read -r line; "$1" -D "$2" -m immediate -w stop >/dev/null 2>&1; rm -rf "$3"`
	cmd := exec.Command("/bin/sh", "-c", script, "motcua-pg-watchdog", c.bin.pgCtl, c.dataDir(), c.dir)
	cmd.Stdin = r
	cmd.Dir = c.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Credential: c.cred}
	if err := cmd.Start(); err != nil {
		_ = w.Close()
		return fmt.Errorf("start watchdog: %w", err)
	}
	c.release, c.guard = w, cmd
	return nil
}

// stop stops the server, deletes the directory and dismisses the watchdog.
func (c *cluster) stop() error {
	var errs []error
	if _, err := os.Stat(filepath.Join(c.dataDir(), "postmaster.pid")); err == nil {
		if out, err := c.run(c.bin.pgCtl, "-D", c.dataDir(), "-m", "fast", "-w", "-t", "60", "stop"); err != nil {
			errs = append(errs, fmt.Errorf("pg_ctl stop: %w\n%s", err, out))
		}
	}
	if err := os.RemoveAll(c.dir); err != nil {
		errs = append(errs, fmt.Errorf("remove cluster directory: %w", err))
	}
	if c.release != nil {
		_ = c.release.Close()
		_ = c.guard.Wait() // it finds nothing left to do
		c.release = nil
	}
	return errors.Join(errs...)
}

// run runs a PostgreSQL program, as the unprivileged user when we are root.
func (c *cluster) run(program string, args ...string) ([]byte, error) {
	cmd := exec.Command(program, args...)
	cmd.Dir = c.dir // the test's working directory may be unreadable for the unprivileged user
	cmd.Env = append(os.Environ(), "LC_MESSAGES=C")
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	// pg_ctl's server writes to the log file, not to our pipe; WaitDelay is a guard anyway.
	cmd.WaitDelay = 10 * time.Second
	return cmd.CombinedOutput()
}

// unprivilegedUser returns nil when we are not root; otherwise the credentials of the
// postgres user, or of nobody, because initdb and postgres refuse to run as root.
// The switch is done by the kernel via SysProcAttr.Credential, so no runuser, setpriv or
// sudo (and no PAM session) is needed.
func unprivilegedUser() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	var lastErr error
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			lastErr = err
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err := errors.Join(err1, err2); err != nil {
			lastErr = err
			continue
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, nil
	}
	return nil, fmt.Errorf("running as root and found no postgres or nobody user to run PostgreSQL as: %w", lastErr)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tail returns the end of the server log, for error messages.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	const keep = 4000
	s := string(b)
	if len(s) > keep {
		s = s[len(s)-keep:]
	}
	return "server log (" + path + "):\n" + strings.TrimSpace(s)
}
