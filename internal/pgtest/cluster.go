package pgtest

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
	clusterStartTimeout = 60 * time.Second
	clusterStopTimeout  = 15 * time.Second
	dirPrefix           = "tusk-pgtest-"
)

// cluster is a throwaway PostgreSQL server: a data directory in a temporary
// directory and a postgres process listening on 127.0.0.1 and a socket in
// that directory, with trust authentication.
type cluster struct {
	dir    string // temporary directory holding data/, the socket and the log
	url    string
	cmd    *exec.Cmd
	exited chan struct{} // closed when the postgres process has exited
}

// findBinDir returns a directory holding both initdb and postgres: the one
// of initdb on PATH, else the newest /usr/lib/postgresql/*/bin.
func findBinDir() (string, error) {
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
	return "", errNoBinaries
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

// startCluster creates and starts a throwaway server from the binaries in
// binDir.
func startCluster(ctx context.Context, binDir string) (*cluster, error) {
	removeStaleDirs()
	as, err := serverUser()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, clusterStartTimeout)
	defer cancel()

	dir, err := os.MkdirTemp("", fmt.Sprintf("%s%d-", dirPrefix, os.Getpid()))
	if err != nil {
		return nil, fmt.Errorf("temporary directory: %w", err)
	}
	fail := func(err error) (*cluster, error) {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	if err := as.chown(dir); err != nil {
		return fail(fmt.Errorf("chown %s to postgres: %w", dir, err))
	}
	data := filepath.Join(dir, "data")
	initdb := as.command(ctx, dir, filepath.Join(binDir, "initdb"),
		"-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		return fail(fmt.Errorf("initdb: %w\n%s", err, tail(out)))
	}

	// The free port may be taken by someone else before postgres binds it:
	// try a few.
	var lastErr error
	for range 3 {
		c, err := launch(ctx, as, binDir, dir, data)
		if err == nil {
			return c, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			break
		}
	}
	return fail(lastErr)
}

func launch(ctx context.Context, as runAs, binDir, dir, data string) (*cluster, error) {
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

	// Not ctx: the server outlives start-up, and stop ends it.
	cmd := as.command(context.Background(), dir, filepath.Join(binDir, "postgres"),
		"-D", data,
		"-p", strconv.Itoa(port),
		"-k", dir,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "max_connections=200",
		"-F", // fsync off: the data is thrown away
		"-c", "synchronous_commit=off",
		"-c", "full_page_writes=off",
	)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Should this process die without stopping the server, the kernel
	// asks postgres for an immediate shutdown. Its own process group keeps
	// a terminal's Ctrl-C for the test process, which then stops it.
	cmd.SysProcAttr.Pdeathsig = syscall.SIGQUIT
	cmd.SysProcAttr.Setpgid = true
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	c := &cluster{
		dir:    dir,
		url:    fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port),
		cmd:    cmd,
		exited: make(chan struct{}),
	}
	go func() { // owned by c: ends when postgres exits, which stop ensures
		_ = cmd.Wait()
		close(c.exited)
	}()

	for {
		if err := ping(ctx, c.url, time.Second); err == nil {
			return c, nil
		}
		select {
		case <-c.exited:
			log, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("postgres exited during start-up: %v\n%s", cmd.ProcessState, tail(log))
		case <-ctx.Done():
			_ = c.kill()
			log, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("postgres did not accept connections within %s\n%s", clusterStartTimeout, tail(log))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// stop shuts the server down (fast shutdown, then kill) and removes its
// directory.
func (c *cluster) stop() error {
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
	if err := os.RemoveAll(c.dir); err != nil {
		errs = append(errs, fmt.Errorf("remove %s: %w", c.dir, err))
	}
	if len(errs) > 0 {
		return fmt.Errorf("stop throwaway server: %w", errors.Join(errs...))
	}
	return nil
}

func (c *cluster) kill() error {
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
