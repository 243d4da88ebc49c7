// Package contract is the Walrus Move API implemented in Go for the embedded devnet: the
// same state transitions as the Move contracts, on the BCS types of chain/walrus, so that
// the devnet's objects and events are the bytes Move would produce.
//
// Source followed: MystenLabs/walrus at commit 3c1cacc11c9292ed498f01f798cf790f02ea5062,
// contracts/walrus/sources/**. Each ported function names its Move original; the port
// keeps Move's order of operations wherever the order is observable (tie-breaking in the
// apportionment, which shards move in a committee transition, the order of the active set).
//
// This file set holds the genesis configuration and committee selection:
//
//   - GenesisConfig: the devnet's initial parameters and storage nodes, with Default and
//     Validate (config conventions), and GenesisConfig.Genesis, which derives the node IDs
//     and the first committee from them.
//   - ActiveSet: staking/active_set.move (insert_or_update, update, insert, remove, ...).
//   - DHondt, SelectCommittee (staking_inner.move dhondt, apportionment,
//     max_shards_per_node), on the apportionment queue of
//     staking/apportionment_queue.move.
//   - InitialCommittee and TransitionCommittee: staking/committee.move initialize and
//     transition, CommitteeDiff: committee.move diff; ComputeNextCommittee:
//     staking_inner.move compute_next_committee.
//   - DeriveObjectID: Sui's ObjectID::derive_id, for deterministic object IDs.
//
// A Move abort is returned as an *Abort (compare with errors.Is against the Err*
// values), a Move arithmetic error (overflow, underflow, division by zero) as an error
// wrapping ErrArithmetic. Functions that fail change nothing.
package contract
