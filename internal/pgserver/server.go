// Package pgserver finds and runs PostgreSQL for tusk: a server of its own from the
// PostgreSQL binaries on the machine (throwaway in a temporary directory for tests, or
// persistent in a data directory for a devnet), and the few administrative operations
// tusk needs (ping, create or ensure a database).
package pgserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	// StartTimeout bounds a server's start.
	StartTimeout       = 60 * time.Second
	clusterStopTimeout = 15 * time.Second
	dirPrefix          = "tusk-pgtest-"
)

// ErrNoBinaries is returned by FindBinDir when the machine has no PostgreSQL server.
var ErrNoBinaries = errors.New("no PostgreSQL server binaries (initdb, postgres) on PATH or under /usr/lib/postgresql/*/bin")

// Server is a PostgreSQL server run by this process: a data directory and a postgres
// process listening on 127.0.0.1 (and a socket in its directory), trust authentication.
type Server struct {
	// URL connects to its postgres database as the postgres user.
	URL        string
	dir        string // directory holding data/, the socket and the log
	persistent bool   // keep dir at Stop
	cmd        *exec.Cmd
	exited     chan struct{} // closed when the postgres process has exited
}

// FindBinDir returns a directory holding both initdb and postgres: the one
// of initdb on PATH, else the newest /usr/lib/postgresql/*/bin.
func FindBinDir() (string, error) {
	var candidates []string
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		candidates = append(candidates, filepath.Dir(p))
	}
	versions, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(versions, func(i, j int) bool { return pgVersion(versions[i]) > pgVersion(versions[j]) })
	candidates = append(candidates, versions...)
	for _, dir := range candidates {
		if isExecutable(filepath.Join(dir, "initdb")) && isExecutable(filepath.Join(dir, "postgres")) {
			return dir, nil
		}
	}
	return "", ErrNoBinaries
}

// pgVersion extracts the major version from /usr/lib/postgresql/<v>/bin.
func pgVersion(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// runAs is how the server's processes get their user: PostgreSQL refuses to
// run as root, so as root they run as the "postgres" user.
type runAs struct {
	cred *syscall.Credential // nil: as ourselves
}

func serverUser() (runAs, error) {
	if os.Geteuid() != 0 {
		return runAs{}, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return runAs{}, fmt.Errorf("running as root, which PostgreSQL refuses, and there is no postgres user to run it as: %w", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return runAs{}, fmt.Errorf("user postgres has uid %q gid %q", u.Uid, u.Gid)
	}
	return runAs{cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}}, nil
}

func (r runAs) command(ctx context.Context, dir, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir // the server user may not be able to enter our working directory
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: r.cred}
	return cmd
}

func (r runAs) chown(path string) error {
	if r.cred == nil {
		return nil
	}
	return os.Chown(path, int(r.cred.Uid), int(r.cred.Gid))
}

// StartThrowaway creates and starts a server from the binaries in binDir in a new
// temporary directory, without fsync; Stop removes it.
func StartThrowaway(ctx context.Context, binDir string) (*Server, error) {
	removeStaleDirs()
	dir, err := os.MkdirTemp("", fmt.Sprintf("%s%d-", dirPrefix, os.Getpid()))
	if err != nil {
		return nil, fmt.Errorf("temporary directory: %w", err)
	}
	s, err := start(ctx, binDir, dir, false)
	if err != nil {
		_ = os.RemoveAll(dir)
	}
	return s, err
}

// ErrNotReachable is returned by StartPersistent when the server would run as the
// postgres user (tusk runs as root) and that user cannot reach the directory.
var ErrNotReachable = errors.New("the postgres user cannot reach the directory")

// StartPersistent starts a server from the binaries in binDir on the data in dir,
// creating it (initdb) on the first start; the data survives Stop.
func StartPersistent(ctx context.Context, binDir, dir string) (*Server, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("postgres directory: %w", err)
	}
	as, err := serverUser()
	if err != nil {
		return nil, err
	}
	if as.cred != nil {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return nil, err
		}
		for p := filepath.Dir(abs); ; p = filepath.Dir(p) {
			if fi, err := os.Stat(p); err != nil || fi.Mode().Perm()&0o001 == 0 {
				return nil, fmt.Errorf("%w: %s is not searchable by others", ErrNotReachable, p)
			}
			if p == filepath.Dir(p) {
				break
			}
		}
	}
	return start(ctx, binDir, dir, true)
}

func start(ctx context.Context, binDir, dir string, persistent bool) (*Server, error) {
	as, err := serverUser()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, StartTimeout)
	defer cancel()
	if err := as.chown(dir); err != nil {
		return nil, fmt.Errorf("chown %s to postgres: %w", dir, err)
	}
	data := filepath.Join(dir, "data")
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); err != nil {
		_ = os.RemoveAll(data) // a half-made data directory from an interrupted initdb
		initdb := as.command(ctx, dir, filepath.Join(binDir, "initdb"),
			"-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync")
		if out, err := initdb.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("initdb: %w\n%s", err, tail(out))
		}
	}

	// The free port may be taken by someone else before postgres binds it:
	// try a few.
	var lastErr error
	for range 3 {
		c, err := launch(ctx, as, binDir, dir, data, persistent)
		if err == nil {
			return c, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, lastErr
}

func launch(ctx context.Context, as runAs, binDir, dir, data string, persistent bool) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("find a free port: %w", err)
	}
	logPath := filepath.Join(dir, "postgres.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("server log: %w", err)
	}
	defer logFile.Close() // the child keeps its own descriptor

	args := []string{
		"-D", data,
		"-p", strconv.Itoa(port),
		"-k", dir,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "max_connections=200",
	}
	if !persistent { // the data is thrown away: no need to make it durable
		args = append(args, "-F", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	// Not ctx: the server outlives start-up, and Stop ends it.
	cmd := as.command(context.Background(), dir, filepath.Join(binDir, "postgres"), args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Should this process die without stopping the server, the kernel
	// asks postgres for an immediate shutdown. Its own process group keeps
	// a terminal's Ctrl-C for the test process, which then stops it.
	cmd.SysProcAttr.Pdeathsig = syscall.SIGQUIT
	cmd.SysProcAttr.Setpgid = true
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	c := &Server{
		URL:        fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port),
		dir:        dir,
		persistent: persistent,
		cmd:        cmd,
		exited:     make(chan struct{}),
	}
	go func() { // owned by c: ends when postgres exits, which stop ensures
		_ = cmd.Wait()
		close(c.exited)
	}()

	for {
		if err := Ping(ctx, c.URL, time.Second); err == nil {
			return c, nil
		}
		select {
		case <-c.exited:
			log, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("postgres exited during start-up: %v\n%s", cmd.ProcessState, tail(log))
		case <-ctx.Done():
			_ = c.kill()
			log, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("postgres did not accept connections within %s\n%s", StartTimeout, tail(log))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Stop shuts the server down (fast shutdown, then kill) and, for a throwaway server,
// removes its directory.
func (c *Server) Stop() error {
	var errs []error
	if err := c.cmd.Process.Signal(syscall.SIGINT); err != nil && !errors.Is(err, os.ErrProcessDone) {
		errs = append(errs, fmt.Errorf("signal postgres: %w", err))
	}
	select {
	case <-c.exited:
	case <-time.After(clusterStopTimeout):
		if err := c.kill(); err != nil {
			errs = append(errs, err)
		}
	}
	if !c.persistent {
		if err := os.RemoveAll(c.dir); err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", c.dir, err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("stop postgres: %w", errors.Join(errs...))
	}
	return nil
}

func (c *Server) kill() error {
	if err := c.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("kill postgres: %w", err)
	}
	select {
	case <-c.exited:
		return nil
	case <-time.After(clusterStopTimeout):
		return fmt.Errorf("postgres (pid %d) did not exit after SIGKILL", c.cmd.Process.Pid)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// removeStaleDirs deletes the directories of throwaway servers whose test
// process is gone and whose postgres is not running (left by a test process
// that was killed, or that did not use Main).
func removeStaleDirs() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, dir := range dirs {
		rest := strings.TrimPrefix(filepath.Base(dir), dirPrefix)
		owner, err := strconv.Atoi(strings.SplitN(rest, "-", 2)[0])
		if err != nil || owner == os.Getpid() || alive(owner) {
			continue
		}
		if pid, ok := postmasterPID(dir); ok && alive(pid) {
			continue
		}
		_ = os.RemoveAll(dir)
	}
}

func postmasterPID(dir string) (int, bool) {
	b, err := os.ReadFile(filepath.Join(dir, "data", "postmaster.pid"))
	if err != nil {
		return 0, false
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	pid, err := strconv.Atoi(strings.TrimSpace(string(line)))
	return pid, err == nil
}

func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// tail returns the last lines of a command's output or a log, for errors.
func tail(b []byte) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}
