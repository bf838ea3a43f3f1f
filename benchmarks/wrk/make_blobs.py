#!/usr/bin/env python3
"""make_blobs.py DIR COUNT SIZE: COUNT distinct blobs of SIZE bytes for oci_upload.lua.

Writes DIR/blobs.bin (the blobs back to back) and DIR/digests.txt (one "sha256:<hex>" per blob, same order).
Each blob is one random base with its number and 16 random bytes in front, so no two are alike, in this run or
another.
"""
import hashlib
import os
import sys


def main(out, count, size):
    base = bytearray(os.urandom(size))
    with open(os.path.join(out, "blobs.bin"), "wb") as blobs, open(os.path.join(out, "digests.txt"), "w") as digests:
        for i in range(count):
            base[0:24] = i.to_bytes(8, "big") + os.urandom(16)
            blobs.write(base)
            digests.write("sha256:" + hashlib.sha256(base).hexdigest() + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
