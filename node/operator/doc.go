// Package operator is what a storage node's operator does on chain, signed with the
// operator's Sui key and the node's StorageNodeCap:
//
//   - Writer implements node.ChainWriter: the node's own transactions (epoch_sync_done,
//     with "already done" and "the epoch moved on" counted as success, and
//     invalidate_blob_id).
//   - EpochDriver makes the permissionless epoch calls when they are due (voting_end,
//     then initiate_epoch_change_v2), as Walrus storage nodes do: any number of nodes race,
//     one call succeeds and the others see it done (chain.EpochDriver).
//   - CommissionCollector collects the node's commission on a cron schedule, skipping
//     amounts below a minimum, into a receiver address, with logs and Prometheus metrics.
//
// Operator puts them together from a Config (the operator section of `tusk node run`)
// and runs the periodic parts with Run.
package operator
