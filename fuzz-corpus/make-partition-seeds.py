#!/usr/bin/env python3
"""Derives the partition-table regression seeds in fuzz-corpus/{mbr,gpt,lvm}/ from the committed, tool-made fixtures
(tests/fixtures/images/*.img.gz): one field patched (checksums recomputed where they cover it), cut to the table area
so that no seed exceeds 64 KiB. Run from anywhere: python3 fuzz-corpus/make-partition-seeds.py"""
import gzip, os, struct, zlib

here = os.path.dirname(os.path.abspath(__file__))
images = os.path.join(here, "..", "tests", "fixtures", "images")


def load(name):
    with gzip.open(os.path.join(images, name + ".img.gz")) as f:
        return bytearray(f.read())


def save(folder, name, data):
    os.makedirs(os.path.join(here, folder), exist_ok=True)
    assert len(data) <= 64 * 1024, name
    with open(os.path.join(here, folder, name), "wb") as f:
        f.write(bytes(data))


def u32(d, o): return struct.unpack_from("<I", d, o)[0]
def u64(d, o): return struct.unpack_from("<Q", d, o)[0]
def put32(d, o, v): struct.pack_into("<I", d, o, v)
def put64(d, o, v): struct.pack_into("<Q", d, o, v)


def gpt_fix_header(d, h=512):
    put32(d, h + 16, 0)
    put32(d, h + 16, zlib.crc32(bytes(d[h:h + u32(d, h + 12)])))


def gpt_fix_array(d, h=512):
    start = u64(d, h + 72) * 512
    put32(d, h + 88, zlib.crc32(bytes(d[start:start + u32(d, h + 80) * u32(d, h + 84)])))
    gpt_fix_header(d, h)


def lvm_crc(data):
    # LVM2: reflected CRC-32, initial register 0xF597A6CF, no final inversion.
    return ~zlib.crc32(bytes(data), ~0xF597A6CF & 0xFFFFFFFF) & 0xFFFFFFFF


# --- GPT (table area: header at 512, 16 KiB entry array from 1024)
gpt = load("gpt")
head = 20 * 1024
d = gpt[:]; put32(d, 512 + 80, 0xFFFFFFFF); gpt_fix_header(d); save("gpt", "entry-count-ffffffff.img", d[:head])
d = gpt[:]; put32(d, 512 + 84, 0); gpt_fix_header(d); save("gpt", "entry-size-zero.img", d[:head])
d = gpt[:]; put32(d, 512 + 80, 16); put32(d, 512 + 84, 0x10000000); gpt_fix_header(d); save("gpt", "entry-product-wraps.img", d[:head])
entry2 = 1024 + 128


def gpt_small(d):
    # Shrink the usable range to the cut image and keep only entry 2 at sector 36, so the entry checks are reached.
    put64(d, 512 + 48, head // 512 - 1)
    for i in (0, 2, 3):
        d[1024 + i * 128:1024 + i * 128 + 128] = bytes(128)
    put64(d, entry2 + 32, 36); put64(d, entry2 + 40, 38)


d = gpt[:]; gpt_small(d); put64(d, entry2 + 32, 1 << 63); gpt_fix_array(d); save("gpt", "first-lba-2-63.img", d[:head])
d = gpt[:]; gpt_small(d); put64(d, entry2 + 40, 35); gpt_fix_array(d); save("gpt", "last-lba-before-first.img", d[:head])
d = gpt[:]; gpt_small(d); gpt_fix_array(d); save("gpt", "valid-small.img", d[:head])
save("gpt", "truncated-mid-array.img", gpt[:9 * 1024])
d = gpt[:]; d[512 + 60] ^= 0xFF; save("gpt", "primary-crc-stale.img", d[:head])

# --- MBR (partition records at 446; the seeds that need an EBR chain move the extended partition to sector 64)
mbr = load("mbr")
d = mbr[:512]; put32(d, 446 + 8, 0xFFFFFFF0); put32(d, 446 + 12, 0x100); save("mbr", "start-plus-size-overflows.img", d)
d = mbr[:512]; put32(d, 446 + 12, 0x00100000); save("mbr", "partition-past-end.img", d)
save("mbr", "truncated-before-ebr.img", mbr[:64 * 1024])
ext = 446 + 32  # the third record is the extended partition
first_ebr = u32(mbr, ext + 8) * 512
for name, links in (("ebr-loop-to-itself.img", [0]), ("ebr-two-cycle.img", [1, 0])):
    d = mbr[:66 * 512]
    d[446:446 + 32] = bytes(32)                   # drop the two primaries: only the extended partition is left
    put32(d, ext + 8, 64)
    for i, link in enumerate(links):
        at = (64 + i) * 512
        d[at:at + 512] = mbr[first_ebr:first_ebr + 512]
        d[at + 446:at + 462] = bytes(16)          # no data partition, only the link
        put32(d, at + 462 + 8, link)              # relative to the extended partition's start
    save("mbr", name, d)

# --- LVM (the PV of lvm.img as a whole disk: label in sector 1, metadata area at 4 KiB)
lvm = load("lvm")[6144 * 512:6144 * 512 + 64 * 1024]
mda = 4096
# Shrink the 1 MiB metadata area to 60 KiB (pv_header's disk_locn and mda_header.size) so that it fits in the seed.
label = 512
areas = label + u32(lvm, label + 20) + 40
while u64(lvm, areas) or u64(lvm, areas + 8):
    areas += 16
put64(lvm, areas + 16 + 8, 60 * 1024)
put32(lvm, label + 16, lvm_crc(lvm[label + 20:label + 512]))
put64(lvm, mda + 32, 60 * 1024)
put32(lvm, mda, lvm_crc(lvm[mda + 4:mda + 512]))
save("lvm", "valid-small-area.img", lvm)
d = lvm[:]; put64(d, mda + 48, 100 << 20); put32(d, mda, lvm_crc(d[mda + 4:mda + 512])); save("lvm", "metadata-100mib.img", d)
d = lvm[:]
text = b"a{" * 4000
at = mda + u64(d, mda + 40)
d[at:at + len(text)] = text; put64(d, mda + 48, len(text)); put32(d, mda + 56, lvm_crc(text))
put32(d, mda, lvm_crc(d[mda + 4:mda + 512])); save("lvm", "metadata-nested-braces.img", d)
