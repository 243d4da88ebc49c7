package node

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/encoding"
)

// Invalidation: when blob sync recovers a sliver that does not match the metadata, the
// blob was encoded inconsistently by its writer. The node sends the inconsistency proof
// to the other committee members, collects their signed InvalidBlobId attestations
// (each verified) until they, with its own, cover n-f shards, as Walrus does,
// aggregates them and calls invalidate_blob_id. The InvalidBlobID event that follows
// marks the blob invalid on every node, which deletes its data.

// errNoChainWriter: the node has no chain writer, so it cannot submit the certificate.
var errNoChainWriter = errors.New("node: no chain writer configured")

// invalidate collects a certificate of InvalidBlobId attestations for the blob from
// the committee of v and submits it. It returns once submitted, or with an error
// when the attestations or the submission failed (blob sync retries it later).
func (n *Node) invalidate(ctx context.Context, v *view, id encoding.BlobID, proof *encoding.InconsistencyProof) error {
	if n.chain == nil {
		return errNoChainWriter
	}
	cert, err := n.invalidBlobCertificate(ctx, v, id, proof)
	if err != nil {
		return err
	}
	if err := n.chain.InvalidateBlobID(ctx, cert); err != nil {
		return fmt.Errorf("node: invalidate blob %s: %w", id, err)
	}
	n.metrics.blobsInvalidated.Inc()
	n.log.Warn("inconsistent blob invalidated on chain", zap.Stringer("blob_id", id), zap.Uint32("epoch", v.epoch),
		zap.Int("signers", len(cert.Signers)))
	return nil
}

// invalidBlobCertificate asks the members, heaviest first, for attestations until the
// verified ones cover n-f shards.
func (n *Node) invalidBlobCertificate(ctx context.Context, v *view, id encoding.BlobID, proof *encoding.InconsistencyProof) (*messages.ConfirmationCertificate, error) {
	want := messages.NewInvalidBlobIDMessage(v.epoch, id)
	need := v.params.MinCorrect()
	order := make([]int, len(v.committee.Members))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return len(v.committee.Members[order[a]].Shards) > len(v.committee.Members[order[b]].Shards)
	})
	var (
		attestations []messages.SignedMessage
		signers      []int
		weight       int
		errs         []error
	)
	for _, i := range order {
		if weight >= need {
			break
		}
		m := &v.committee.Members[i]
		sm, err := n.attestation(ctx, v, m, id, proof)
		if err == nil {
			err = checkAttestation(sm, m, want)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", m.NodeID, err))
			continue
		}
		attestations, signers, weight = append(attestations, sm), append(signers, i), weight+len(m.Shards)
	}
	if weight < need {
		return nil, fmt.Errorf("node: invalid-blob attestations for %s cover %d of the %d shards needed: %w",
			id, weight, need, errors.Join(errs...))
	}
	cert, err := messages.Aggregate(attestations, signers)
	if err != nil {
		return nil, fmt.Errorf("node: aggregate invalid-blob attestations for %s: %w", id, err)
	}
	return &cert, nil
}

// attestation gets member m's attestation: signed here for the node itself, asked for
// over the network otherwise.
func (n *Node) attestation(ctx context.Context, v *view, m *chain.CommitteeMember, id encoding.BlobID, proof *encoding.InconsistencyProof) (messages.SignedMessage, error) {
	if m.NodeID == n.self {
		return messages.Sign(n.key, messages.NewInvalidBlobIDMessage(v.epoch, id)), nil
	}
	p, err := n.peers.Dial(m)
	if err != nil {
		return messages.SignedMessage{}, err
	}
	rctx, cancel := context.WithTimeout(ctx, n.cfg.Sync.RequestTimeout)
	defer cancel()
	return p.SubmitInconsistencyProof(rctx, id, proof)
}

// checkAttestation verifies that sm is member m's signature over exactly want.
func checkAttestation(sm messages.SignedMessage, m *chain.CommitteeMember, want []byte) error {
	if !bytes.Equal(sm.SerializedMessage, want) {
		return errors.New("attestation is for another message (epoch or blob ID)")
	}
	if err := sm.Verify(m.PublicKey); err != nil {
		return fmt.Errorf("attestation does not verify: %w", err)
	}
	return nil
}
