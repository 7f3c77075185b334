package timeorder_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/timeorder"
)

// obs is the size of a correlation observation: a time, an account, a key.
type obs struct {
	At      time.Time
	Account string
	Key     string
	Seq     int64
}

func obsByTime(a, b *obs) bool { return a.At.Before(b.At) }

// obsBinary is a compact hand-written codec, to compare with JSON.
type obsBinary struct{}

func (obsBinary) Append(dst []byte, o *obs) ([]byte, error) {
	dst = binary.AppendVarint(dst, o.At.UnixNano())
	dst = binary.AppendVarint(dst, o.Seq)
	dst = binary.AppendUvarint(dst, uint64(len(o.Account)))
	dst = append(dst, o.Account...)
	return append(dst, o.Key...), nil
}

var errShort = errors.New("short obs")

func (obsBinary) Decode(src []byte) (obs, error) {
	ns, n := binary.Varint(src)
	if n <= 0 {
		return obs{}, errShort
	}
	src = src[n:]
	seq, n := binary.Varint(src)
	if n <= 0 {
		return obs{}, errShort
	}
	src = src[n:]
	l, n := binary.Uvarint(src)
	if n <= 0 || uint64(len(src)-n) < l {
		return obs{}, errShort
	}
	src = src[n:]
	return obs{At: time.Unix(0, ns).UTC(), Seq: seq, Account: string(src[:l]), Key: string(src[l:])}, nil
}

func BenchmarkSorter(b *testing.B) {
	const n = 1_000_000
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	items := make([]obs, n)
	for i := range items {
		items[i] = obs{
			At:      base.Add(time.Duration(rng.IntN(90*24*3600)) * time.Second), // 90 days
			Account: fmt.Sprintf("%012d", rng.IntN(50)),
			Key:     fmt.Sprintf("snap-%017x", rng.Uint64()),
			Seq:     int64(i),
		}
	}
	codecs := []struct {
		name  string
		codec timeorder.Codec[obs]
	}{{"json", timeorder.JSON[obs]{}}, {"binary", obsBinary{}}}
	for _, c := range codecs {
		for _, maxBytes := range []int64{0, 8 << 20} {
			b.Run(fmt.Sprintf("codec=%s/maxBytes=%d", c.name, maxBytes), func(b *testing.B) {
				b.ReportAllocs()
				dir := b.TempDir()
				var st timeorder.Stats
				for b.Loop() {
					s := timeorder.New(obsByTime, c.codec, timeorder.Options{MaxBytes: maxBytes, Dir: dir})
					for _, o := range items {
						if err := s.Add(o); err != nil {
							b.Fatal(err)
						}
					}
					var last time.Time
					if err := s.Drain(func(o obs) error {
						if o.At.Before(last) {
							return fmt.Errorf("out of order at %d", o.Seq)
						}
						last = o.At
						return nil
					}); err != nil {
						b.Fatal(err)
					}
					st = s.Stats()
					if err := s.Close(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
				b.ReportMetric(float64(st.Runs), "runs")
				b.ReportMetric(float64(st.SpilledBytes)/float64(n), "spilled-B/item")
			})
		}
	}
}
