package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// proc is one tusk process of a test. Its standard output and error go to files in the
// test's log directory; when the test fails, their ends are printed.
type proc struct {
	name           string
	cmd            *exec.Cmd
	stdout, stderr string // file paths
	done           chan struct{}
	waitErr        error // valid once done is closed
}

// startProc starts tusk with args and env (the whole environment of the process).
func startProc(t *testing.T, logDir, name string, env []string, args ...string) *proc {
	t.Helper()
	outFile, err := os.CreateTemp(logDir, name+"-*.out")
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	errFile, err := os.CreateTemp(logDir, name+"-*.log")
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	cmd := exec.Command(tuskBin, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = outFile, errFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: start tusk %v: %v", name, args, err)
	}
	outFile.Close() // the child has its own descriptors
	errFile.Close()
	p := &proc{name: name, cmd: cmd, stdout: outFile.Name(), stderr: errFile.Name(), done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	t.Logf("started %s (pid %d): tusk %s", name, cmd.Process.Pid, strings.Join(args, " "))
	t.Cleanup(func() {
		p.stop(t)
		if t.Failed() {
			p.dump(t)
		}
	})
	return p
}

// exited reports whether the process has ended.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *proc) kill(t *testing.T) {
	t.Helper()
	if p.exited() {
		t.Fatalf("%s had already exited (%v) when it was to be killed", p.name, p.waitErr)
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatalf("kill %s: %v", p.name, err)
	}
	<-p.done
	t.Logf("killed %s (pid %d) with SIGKILL", p.name, p.cmd.Process.Pid)
}

// stop ends the process gracefully (SIGTERM), or with SIGKILL if it does not stop
// within 20 seconds. It does nothing to a process that has exited.
func (p *proc) stop(t *testing.T) {
	if p.exited() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		t.Logf("%s did not stop within 20s of SIGTERM; killing it", p.name)
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
	}
}

// output is what the process has written to its standard output so far.
func (p *proc) output() string {
	b, _ := os.ReadFile(p.stdout)
	return string(b)
}

// log is what the process has written to its standard error (its log) so far.
func (p *proc) log() string {
	b, _ := os.ReadFile(p.stderr)
	return string(b)
}

// waitOutput waits until the standard output contains marker, failing the test if the
// process exits first or the deadline passes.
func (p *proc) waitOutput(t *testing.T, marker string, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		out := p.output()
		if strings.Contains(out, marker) {
			return out
		}
		if p.exited() {
			t.Fatalf("%s exited (%v) before printing %q; stdout:\n%s\nlog:\n%s", p.name, p.waitErr, marker, out, tail(p.log(), 30))
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not print %q within %s; stdout:\n%s\nlog:\n%s", p.name, marker, timeout, out, tail(p.log(), 30))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// dump prints the ends of the process's output and log into the test's log.
func (p *proc) dump(t *testing.T) {
	t.Logf("---- %s (pid %d, %v): stdout\n%s\n---- %s: log (last 60 lines)\n%s", p.name, p.cmd.Process.Pid,
		p.waitErr, tail(p.output(), 20), p.name, tail(p.log(), 60))
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// cliResult is the outcome of one tusk command run to completion.
type cliResult struct {
	code           int
	stdout, stderr string
}

func (r cliResult) String() string {
	return fmt.Sprintf("exit %d, stdout %q, stderr %q", r.code, tail(r.stdout, 10), tail(r.stderr, 10))
}

// runCLI runs tusk with args and env to completion (at most two minutes).
func runCLI(t *testing.T, env []string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tuskBin, args...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := cliResult{stdout: stdout.String(), stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr) && exitErr.Exited():
		res.code = exitErr.ExitCode()
	default:
		t.Fatalf("tusk %s: %v (stderr %q)", strings.Join(args, " "), err, stderr.String())
	}
	return res
}

// processEnv is the environment of the test's processes: this process's, without
// anything that configures tusk or its database from outside, with the home and XDG
// directories in home (so nothing lands in the user's configuration).
func processEnv(home string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "TUSK_"), name == "DATABASE_URL", name == "HOME", strings.HasPrefix(name, "XDG_"):
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_DATA_HOME="+filepath.Join(home, "data"))
	return append(env, extra...)
}
