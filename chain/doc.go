// Package chain is tusk's access to Walrus on Sui. It will hold the BCS types
// of the Walrus Move objects and events; typed calls (reserve_space,
// register_blob, certify_blob, extend, delete, stake, withdraw,
// collect_commission, price votes, epoch calls) built with sui-go-sdk and
// executed over Sui gRPC sui.rpc.v2; reads of the System and Staking objects
// and of the committee; the checkpoint stream; and the Sui keystore (ed25519)
// and storage-node BLS keys. It talks to a Sui full node or to the embedded
// devnet (chain/devnet), which speaks the same wire protocol.
//
// Implemented so far: network presets (Config). The BCS types live in chain/walrus,
// keys in chain/keys, signed messages and certificates in chain/messages.
package chain
