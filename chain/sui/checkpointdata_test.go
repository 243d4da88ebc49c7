package sui

import (
	"bytes"
	"encoding"
	"fmt"
	"hash"
	"testing"

	"golang.org/x/crypto/blake2b"

	"github.com/tuskstore/tusk/internal/bcs"
)

// A full CheckpointData blob (sui_types::full_checkpoint_content::CheckpointData: the
// certified summary, the contents, then per transaction the signed transaction, effects,
// events and input/output objects) holds real effects, events and objects together with
// the digests that bind them. This package does not decode system transactions (they are
// not user input), so the walker below finds where such a TransactionData ends by its
// digest, which the contents list.

type checkpointTx struct {
	txBytes      []byte // BCS TransactionData
	signatures   [][]byte
	effectsBytes []byte
	effects      TransactionEffects
	eventsBytes  []byte // nil when the transaction has no events (None)
	events       TransactionEvents
	inputBytes   [][]byte
	inputs       []Object
	outputBytes  [][]byte
	outputs      []Object
}

type checkpointData struct {
	certBytes     []byte
	cert          CertifiedCheckpointSummary
	contentsBytes []byte
	contents      CheckpointContents
	txs           []checkpointTx
}

// span runs f on d and returns the bytes f consumed.
func span(b []byte, d *bcs.Decoder, f func()) []byte {
	start := len(b) - d.Remaining()
	f()
	if d.Err() != nil {
		return nil
	}
	return b[start : len(b)-d.Remaining()]
}

func parseCheckpointData(t testing.TB, b []byte) *checkpointData {
	t.Helper()
	cd := new(checkpointData)
	d := bcs.NewDecoder(b)
	cd.certBytes = span(b, d, func() { cd.cert.UnmarshalBCS(d) })
	cd.contentsBytes = span(b, d, func() { cd.contents.UnmarshalBCS(d) })
	n := d.Len(1)
	if d.Err() != nil {
		t.Fatal(d.Err())
	}
	digests := cd.contents.Transactions()
	if n != len(digests) {
		t.Fatalf("%d transactions, contents list %d", n, len(digests))
	}
	for i := 0; i < n; i++ {
		var tx checkpointTx
		// Envelope<SenderSignedData, EmptySignInfo>: [1] [0 0 0] TransactionData sigs.
		if k := d.Len(1); k != 1 {
			t.Fatalf("tx %d: SenderSignedData of %d", i, k)
		}
		if in := d.Fixed(3); !bytes.Equal(in, []byte{0, 0, 0}) {
			t.Fatalf("tx %d: intent %x", i, in)
		}
		off := len(b) - d.Remaining()
		end := transactionEnd(b[off:], digests[i].Transaction)
		if end < 0 {
			t.Fatalf("tx %d: no TransactionData with digest %s", i, digests[i].Transaction)
		}
		tx.txBytes = d.Fixed(end)
		if k := d.Len(1); k > 0 {
			for j := 0; j < k; j++ {
				tx.signatures = append(tx.signatures, getBytes(d))
			}
		}
		tx.effectsBytes = span(b, d, func() { tx.effects.UnmarshalBCS(d) })
		if getOption(d) {
			tx.eventsBytes = span(b, d, func() { tx.events.UnmarshalBCS(d) })
		}
		objects := func(raw *[][]byte, objs *[]Object) {
			k := d.Len(1)
			*objs = make([]Object, k)
			for j := range *objs {
				*raw = append(*raw, span(b, d, func() { (*objs)[j].UnmarshalBCS(d) }))
			}
		}
		objects(&tx.inputBytes, &tx.inputs)
		objects(&tx.outputBytes, &tx.outputs)
		if d.Err() != nil {
			t.Fatalf("tx %d: %v", i, d.Err())
		}
		cd.txs = append(cd.txs, tx)
	}
	if err := d.Finish(); err != nil {
		t.Fatal(err)
	}
	return cd
}

// transactionEnd returns the length of the TransactionData at the start of b whose digest
// is want: decoded directly when this package supports its kind, otherwise found by
// hashing every prefix.
func transactionEnd(b []byte, want Digest) int {
	d := bcs.NewDecoder(b)
	var td TransactionData
	if td.UnmarshalBCS(d); d.Err() == nil {
		if n := len(b) - d.Remaining(); TransactionDigest(b[:n]) == want {
			return n
		}
	}
	h, _ := blake2b.New256(nil)
	h.Write([]byte("TransactionData::"))
	for n := 1; n <= len(b); n++ {
		h.Write(b[n-1 : n])
		if sumClone(h) == want {
			return n
		}
	}
	return -1
}

func sumClone(h hash.Hash) Digest {
	state, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		panic(err)
	}
	c, _ := blake2b.New256(nil)
	if err := c.(encoding.BinaryUnmarshaler).UnmarshalBinary(state); err != nil {
		panic(err)
	}
	var out Digest
	c.Sum(out[:0])
	return out
}

// fullCheckpoints are the CheckpointData fixtures (see testdata/SOURCES-chain.md). The
// two end-of-epoch checkpoints start with a format-version byte.
var fullCheckpoints = []struct {
	file       string
	skip       int
	seq, epoch uint64
	txs        int
	v1         bool // V1 effects
	endOfEpoch bool
}{
	{"checkpoint-1137.chk", 0, 1137, 0, 9, false, false},
	{"checkpoint-15918264.chk", 1, 15918264, 188, 2, true, true},
	{"checkpoint-16005062.chk", 1, 16005062, 189, 2, true, true},
}

func loadFullCheckpoint(t testing.TB, i int) *checkpointData {
	t.Helper()
	c := fullCheckpoints[i]
	return parseCheckpointData(t, readBinary(t, c.file)[c.skip:])
}

// Every part of each checkpoint re-encodes to its bytes, and every digest that binds the
// parts together is the one this package computes: contents ← summary, effects ←
// contents, transaction ← effects, events ← effects, input and output objects ← effects.
func TestFullCheckpoints(t *testing.T) {
	var nEvents, nObjects, nUserTx int
	kinds := map[ObjectChangeKind]int{}
	for ci, c := range fullCheckpoints {
		cd := loadFullCheckpoint(t, ci)
		s := &cd.cert.Summary
		if s.SequenceNumber != c.seq || s.Epoch != c.epoch || len(cd.txs) != c.txs ||
			(s.EndOfEpochData != nil) != c.endOfEpoch || cd.contents.V1 == nil {
			t.Fatalf("%s: summary %+v, %d txs", c.file, s, len(cd.txs))
		}
		if got := bcs.Marshal(&cd.cert); !bytes.Equal(got, cd.certBytes) {
			t.Fatalf("%s: certified summary re-encoding differs", c.file)
		}
		if got := cd.contents.Bytes(); !bytes.Equal(got, cd.contentsBytes) {
			t.Fatalf("%s: contents re-encoding differs", c.file)
		}
		if cd.contents.Digest() != s.ContentDigest {
			t.Fatalf("%s: content digest", c.file)
		}
		digests := cd.contents.Transactions()
		for i := range cd.txs {
			tx := &cd.txs[i]
			name := fmt.Sprintf("%s tx %d", c.file, i)
			checkCheckpointTx(t, name, tx, digests[i], c.v1)
			nEvents += len(tx.events)
			nObjects += len(tx.outputs)
			if _, err := DecodeTransaction(tx.txBytes); err == nil {
				nUserTx++
			}
			for _, ch := range tx.effects.ObjectChanges() {
				kinds[ch.Kind]++
			}
		}
	}
	if nEvents == 0 || nObjects == 0 || nUserTx == 0 || kinds[ChangeMutated] == 0 || kinds[ChangeCreated] == 0 {
		t.Fatalf("fixtures exercised too little: %d events, %d objects, %d user txs, %v", nEvents, nObjects, nUserTx, kinds)
	}
	t.Logf("%d events, %d objects, %d user transactions, changes %v", nEvents, nObjects, nUserTx, kinds)
}

func checkCheckpointTx(t *testing.T, name string, tx *checkpointTx, digests ExecutionDigests, v1 bool) {
	t.Helper()
	eff := &tx.effects
	if !bytes.Equal(eff.Bytes(), tx.effectsBytes) {
		t.Fatalf("%s: effects re-encoding differs", name)
	}
	if eff.Digest() != digests.Effects {
		t.Fatalf("%s: effects digest %s, contents say %s", name, eff.Digest(), digests.Effects)
	}
	if eff.TransactionDigest() != TransactionDigest(tx.txBytes) {
		t.Fatalf("%s: effects name another transaction", name)
	}
	if (eff.V1 != nil) != v1 || !eff.Status().Success() {
		t.Fatalf("%s: effects %+v", name, eff)
	}
	if tx.eventsBytes != nil {
		if !bytes.Equal(tx.events.Bytes(), tx.eventsBytes) {
			t.Fatalf("%s: events re-encoding differs", name)
		}
		if ed := eff.EventsDigest(); ed == nil || *ed != tx.events.Digest() {
			t.Fatalf("%s: events digest", name)
		}
	} else if eff.EventsDigest() != nil {
		t.Fatalf("%s: events digest without events", name)
	}
	// Objects are matched to the effects by reference; V1 effects do not record input
	// digests, so inputs are matched by ID and version there.
	type idVersion struct {
		id      [32]byte
		version uint64
	}
	inputs, inputVersions, outputs := map[ObjectRef]bool{}, map[idVersion]bool{}, map[ObjectRef]bool{}
	for j := range tx.inputs {
		o := &tx.inputs[j]
		if !bytes.Equal(o.Bytes(), tx.inputBytes[j]) {
			t.Fatalf("%s: input %d re-encoding differs", name, j)
		}
		ref, _ := o.Ref()
		inputs[ref] = true
		inputVersions[idVersion{ref.ObjectID, ref.Version}] = true
	}
	for j := range tx.outputs {
		o := &tx.outputs[j]
		if !bytes.Equal(o.Bytes(), tx.outputBytes[j]) {
			t.Fatalf("%s: output %d re-encoding differs", name, j)
		}
		ref, ok := o.Ref()
		if !ok {
			t.Fatalf("%s: output %d has no ID", name, j)
		}
		outputs[ref] = true
		if o.PreviousTransaction != eff.TransactionDigest() {
			t.Fatalf("%s: output %d previous transaction", name, j)
		}
	}
	for _, ch := range eff.ObjectChanges() {
		if ch.Output != nil && !outputs[*ch.Output] {
			t.Fatalf("%s: %s %s: no output object with digest %s", name, ch.Kind, ch.ID, ch.Output.Digest)
		}
		if ch.Input == nil {
			continue
		}
		if v1 && !inputVersions[idVersion{ch.Input.ObjectID, ch.Input.Version}] || !v1 && !inputs[*ch.Input] {
			t.Fatalf("%s: %s %s: no input object %+v", name, ch.Kind, ch.ID, ch.Input)
		}
	}
	if eff.V2 != nil {
		if ref, owner, ok := eff.V2.GasObject(); ok && (!outputs[ref] || owner.Kind != OwnerAddress) {
			t.Fatalf("%s: gas object", name)
		}
	}
}
