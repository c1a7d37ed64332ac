// Hashes a file with Go's crypto/sha256 the way the registry hashes an upload (io.Copy into the
// digester, 32 KiB writes), from memory so only hashing is timed.
// Prints: <bytes> <seconds> <hex digest>.
package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"time"
)

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	h := sha256.New()
	start := time.Now()
	for off := 0; off < len(data); off += 32 * 1024 {
		end := off + 32*1024
		if end > len(data) {
			end = len(data)
		}
		h.Write(data[off:end])
	}
	elapsed := time.Since(start)
	fmt.Printf("%d %.6f %x\n", len(data), elapsed.Seconds(), h.Sum(nil))
}
