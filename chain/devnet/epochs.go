package devnet

import (
	"context"
	"time"

	"go.uber.org/zap"
	"golang.org/x/crypto/blake2b"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/walrus"
)

// driverFunding is the SUI the epoch driver's key gets from the faucet when it has less
// than driverMinGas.
const (
	driverFunding = 100_000_000_000 // 100 SUI
	driverMinGas  = 1_000_000_000   // 1 SUI
)

// EpochDriverKey is the Sui key a devnet with DriveEpochs signs its epoch calls with,
// derived from a public seed (it only pays gas).
func EpochDriverKey() *keys.Keypair {
	seed := blake2b.Sum256([]byte("tusk devnet epoch driver"))
	k, err := keys.NewKeypairFromSeed(seed[:])
	if err != nil {
		panic(err) // a 32-byte seed is always valid
	}
	return k
}

// runEpochDriver runs a chain.EpochDriver against this devnet's gRPC endpoint until ctx is
// done, funding its key when it runs short of gas.
func (d *Devnet) runEpochDriver(ctx context.Context) {
	log := d.log.Named("epochs")
	key := EpochDriverKey()
	cc := d.ClientConfig("", walrus.Address{})
	var c *chain.Client
	for c == nil {
		var err error
		if c, err = chain.Dial(ctx, cc.Config, chain.Options{Signer: key, Logger: d.log}); err != nil {
			log.Warn("epoch driver: dial", zap.Error(err))
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
		}
	}
	defer c.Close()
	drv, err := chain.NewEpochDriver(c, chain.EpochDriverConfig{Treasury: d.IDs().Treasury, Logger: d.log})
	if err != nil {
		log.Error("epoch driver", zap.Error(err))
		return
	}
	fund := func() {
		bal, err := c.SUIBalance(ctx, walrus.Address(key.Address()))
		if err != nil || bal >= driverMinGas {
			return
		}
		if _, err := d.Faucet(ctx, walrus.Address(key.Address()), 0, driverFunding); err != nil {
			log.Warn("epoch driver: funding", zap.Error(err))
		}
	}
	fund()
	for ctx.Err() == nil {
		// Run returns only when ctx ends; fund between epochs by running it in slices.
		sliceCtx, cancel := context.WithTimeout(ctx, 10*d.epochPoll())
		_ = drv.Run(sliceCtx)
		cancel()
		fund()
	}
}

// epochPoll is a tenth of an epoch, between 100 ms and 30 s: the driver runs in slices
// of ten of them, checking its gas between slices.
func (d *Devnet) epochPoll() time.Duration {
	return min(max(d.gen.Genesis.EpochDuration/10, 100*time.Millisecond), 30*time.Second)
}
