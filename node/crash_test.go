package node_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node"
	"github.com/tuskstore/tusk/node/api"
	"github.com/tuskstore/tusk/node/client"
	"github.com/tuskstore/tusk/node/events"
	"github.com/tuskstore/tusk/node/store"
)

// The crash test runs a node in a child process (this test binary, re-executed), uploads
// blobs to it from several goroutines and collects confirmations, kills the child with
// SIGKILL while uploads are in flight, then opens its pebble store: every blob the node
// confirmed must have its metadata and every sliver of its shards, byte for byte.

const (
	crashEnv    = "TUSK_NODE_CRASH_DIR"
	crashShards = 7
	crashBlobs  = 48
)

var crashNodeID = walrus.MustParseID("0xc0de")

func crashBlobSet(t testing.TB) (*encoding.Codec, []*testBlob) {
	codec, err := encoding.NewCodec(crashShards)
	if err != nil {
		t.Fatal(err)
	}
	var out []*testBlob
	for i := 0; i < crashBlobs; i++ {
		out = append(out, makeBlob(t, codec, uint64(1000+i), 20_000+i*997))
	}
	return codec, out
}

// TestCrashChild is the child's body; it does nothing unless run by TestCrashSafety.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashEnv)
	if dir == "" {
		t.Skip("run by TestCrashSafety")
	}
	_, blobs := crashBlobSet(t)
	feed := events.NewFeed()
	var regs []walrus.Event
	for _, b := range blobs {
		regs = append(regs, b.registered(false, 10))
	}
	if err := feed.Publish(events.Checkpoint(0, testPkg, regs)); err != nil {
		t.Fatal(err)
	}
	bk, err := keys.GenerateBLSKey()
	if err != nil {
		t.Fatal(err)
	}
	nk, err := keys.GenerateNetworkKey()
	if err != nil {
		t.Fatal(err)
	}
	cfg := node.Default()
	cfg.DataDir = filepath.Join(dir, "db")
	cfg.ListenAddr = "127.0.0.1:0"
	cfg.TLS = false
	cfg.MetricsAddr = ""
	cfg.NodeID = crashNodeID.String()
	cfg.BLSKeyFile = filepath.Join(dir, "protocol.key")
	cfg.NetworkKeyFile = filepath.Join(dir, "network.key")
	if err := keys.SaveBLSKey(cfg.BLSKeyFile, bk); err != nil {
		t.Fatal(err)
	}
	if err := keys.SaveNetworkKey(cfg.NetworkKeyFile, nk); err != nil {
		t.Fatal(err)
	}
	all := make([]uint16, crashShards)
	for i := range all {
		all[i] = uint16(i)
	}
	cs := &committeeSource{}
	cs.set(&chain.Committee{Epoch: testEpoch, NShards: crashShards, Members: []chain.CommitteeMember{{
		NodeID: crashNodeID, PublicKey: bk.PublicKey(), Shards: all,
	}}})
	n, err := node.New(cfg, node.Deps{Log: zap.NewNop(), Events: events.FromCheckpoints(feed, testPkg), Committee: cs})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("ADDR %s\n", n.Addr())
	_ = n.Run(context.Background()) // until killed
}

func TestCrashSafety(t *testing.T) {
	if os.Getenv(crashEnv) != "" {
		t.Skip("in the child")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()
	addr := ""
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "ADDR "); ok {
			addr = a
			break
		}
	}
	if addr == "" {
		t.Fatalf("child gave no address: %v", sc.Err())
	}
	go func() { // drain the rest of the child's output
		for sc.Scan() {
		}
	}()
	c, err := client.New(addr, client.Options{Plain: true, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	waitFor(t, "the child applies the registrations", func() bool {
		h, err := c.Health(ctx, false)
		return err == nil && h.LatestCheckpointSequenceNumber != nil
	})

	codec, blobs := crashBlobSet(t)
	p := codec.Params()
	var (
		mu        sync.Mutex
		confirmed []*testBlob
		wg        sync.WaitGroup
		killAt    = crashBlobs / 3
		kill      = make(chan struct{})
		killOnce  sync.Once
	)
	work := make(chan *testBlob)
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				if _, err := c.StoreMetadata(ctx, b.id, &b.meta, false); err != nil {
					return
				}
				for sh := 0; sh < crashShards; sh++ {
					pair := p.PairForShard(b.id, sh)
					for _, axis := range []encoding.Axis{encoding.Primary, encoding.Secondary} {
						s := b.sliver(pair, axis)
						if _, err := c.StoreSliver(ctx, b.id, uint16(pair), &s, false); err != nil {
							return
						}
					}
				}
				if _, err := c.PermanentConfirmation(ctx, b.id, api.ConfirmationWait{}); err != nil {
					return
				}
				mu.Lock()
				confirmed = append(confirmed, b)
				if len(confirmed) >= killAt {
					killOnce.Do(func() { close(kill) })
				}
				mu.Unlock()
			}
		}()
	}
	go func() {
		defer close(work)
		for _, b := range blobs {
			select {
			case work <- b:
			case <-kill:
				return
			}
		}
	}()
	select {
	case <-kill:
	case <-waitGroupDone(&wg):
		t.Fatal("all uploads finished before the kill")
	}
	// Kill while the other workers are mid-upload.
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed = true
	_ = cmd.Wait()
	cancel()
	wg.Wait()

	mu.Lock()
	got := append([]*testBlob(nil), confirmed...)
	mu.Unlock()
	if len(got) < killAt {
		t.Fatalf("only %d confirmations", len(got))
	}
	st, err := store.Open(filepath.Join(dir, "db"), zap.NewNop())
	if err != nil {
		t.Fatalf("reopen after SIGKILL: %v", err)
	}
	defer st.Close()
	for _, b := range got {
		m, err := st.Metadata(b.id)
		if err != nil || m == nil {
			t.Fatalf("confirmed blob %s: metadata lost (%v)", b.id, err)
		}
		for sh := 0; sh < crashShards; sh++ {
			pair := p.PairForShard(b.id, sh)
			for _, axis := range []encoding.Axis{encoding.Primary, encoding.Secondary} {
				s, err := st.Sliver(uint16(sh), axis, b.id)
				if err != nil || s == nil || !bytes.Equal(s.Data, b.sliver(pair, axis).Data) {
					t.Fatalf("confirmed blob %s: %s sliver of shard %d lost (%v)", b.id, axis, sh, err)
				}
			}
		}
		in, err := st.BlobInfo(b.id)
		if err != nil || !in.IsRegistered(testEpoch) {
			t.Fatalf("confirmed blob %s: record lost (%v)", b.id, err)
		}
	}
	t.Logf("%d blobs confirmed before SIGKILL, all intact", len(got))
}

func waitGroupDone(wg *sync.WaitGroup) <-chan struct{} {
	ch := make(chan struct{})
	go func() { wg.Wait(); close(ch) }()
	return ch
}
