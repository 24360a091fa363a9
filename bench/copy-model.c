/*
 * A model of the copy step alone, without PvBoot's start-up, sandbox or configuration: copies a file's extents out of
 * a disk image into a new output file with plain system calls, in one of several ways, so bench/copy-floor.sh can show
 * what a single-threaded copy of a given layout costs at best.
 *
 *   copy-model MODE IMAGE EXTENTS OUTPUT
 *
 * EXTENTS holds one "IMAGE_OFFSET LENGTH" pair per line, in file order. OUTPUT is created (it must not exist) and gets
 * disk space reserved ahead of the data as PvBoot's pygrub does (fallocate KEEP_SIZE, 8 MiB then doubling). MODE:
 *   window   256 KiB reads through a read-ahead window, the file's pieces copied into a 256 KiB output buffer
 *   direct   one read per extent piece of up to 256 KiB straight into the output buffer
 *   preadv   one preadv per run of nearby pieces, the other file's bytes in between read into a scratch buffer (what
 *            PvBoot's ext and XFS readers do: one scatter read per 256 KiB chunk of the file)
 *   mmap     the image mapped in 4 MiB windows (populated with MADV_POPULATE_READ) and written out with writev
 *   uring    one read per extent piece straight into the output buffer, as in direct, but queued on an io_uring and
 *            submitted and waited for with one system call per 256 KiB chunk (raw system calls, no liburing)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/io_uring.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

enum { CHUNK = 256 << 10, SCRATCH = 64 << 10, MAP_WINDOW = 4 << 20, MAX_IOV = 1024, RING = 256 };

struct piece { long offset, length; };

static struct piece *pieces;
static size_t count;
static int image = -1, output = -1;
static long reserved, written;

static void fail(const char *what)
{
    fprintf(stderr, "copy-model: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void reserve(long end)
{
    while (end > reserved) {
        long step = reserved ? reserved : 8L << 20;
        if (fallocate(output, FALLOC_FL_KEEP_SIZE, reserved, step) != 0) return; /* the writes decide */
        reserved += step;
    }
}

static void put(const char *data, long length)
{
    reserve(written + length);
    for (long done = 0; done < length;) {
        ssize_t n = write(output, data + done, length - done);
        if (n <= 0) fail("write");
        done += n;
    }
    written += length;
}

static void get(char *buffer, long length, long offset)
{
    for (long done = 0; done < length;) {
        ssize_t n = pread(image, buffer + done, length - done, offset + done);
        if (n <= 0) { errno = n == 0 ? EIO : errno; fail("pread"); }
        done += n;
    }
}

static void copy_window(void)
{
    static char window[CHUNK], out[CHUNK];
    long start = -1, filled = 0, used = 0;
    for (size_t i = 0; i < count; i++) {
        for (long offset = pieces[i].offset, left = pieces[i].length; left > 0;) {
            if (offset < start || offset >= start + filled) {
                start = offset;
                filled = pread(image, window, CHUNK, offset);
                if (filled <= 0) fail("pread");
            }
            long n = start + filled - offset;
            if (n > left) n = left;
            if (n > CHUNK - used) n = CHUNK - used;
            memcpy(out + used, window + (offset - start), n);
            used += n; offset += n; left -= n;
            if (used == CHUNK) { put(out, used); used = 0; }
        }
    }
    put(out, used);
}

static void copy_direct(void)
{
    static char out[CHUNK];
    for (size_t i = 0; i < count; i++)
        for (long offset = pieces[i].offset, left = pieces[i].length; left > 0;) {
            long n = left < CHUNK ? left : CHUNK;
            get(out, n, offset);
            put(out, n);
            offset += n; left -= n;
        }
}

static void copy_preadv(void)
{
    static char out[CHUNK], scratch[SCRATCH];
    struct iovec iov[MAX_IOV];
    int vectors = 0;
    long used = 0, start = 0, next = 0, within = 0;
    for (size_t i = 0;;) {
        int done = i == count;
        long offset = done ? 0 : pieces[i].offset + within;
        if (vectors > 0 && (done || used == CHUNK || offset < next || offset - next > SCRATCH || vectors >= MAX_IOV - 2)) {
            ssize_t got = preadv(image, iov, vectors, start);
            if (got != next - start) { errno = got < 0 ? errno : EIO; fail("preadv"); }
            vectors = 0;
        }
        if (done || used == CHUNK) { put(out, used); used = 0; }
        if (done) break;
        if (vectors == 0) start = next = offset;
        if (offset > next) iov[vectors++] = (struct iovec){ scratch, (size_t)(offset - next) };
        long n = pieces[i].length - within;
        if (n > CHUNK - used) n = CHUNK - used;
        iov[vectors++] = (struct iovec){ out + used, (size_t)n };
        used += n; next = offset + n; within += n;
        if (within == pieces[i].length) { i++; within = 0; }
    }
}

static void put_vectors(const struct iovec *iov, int vectors, long length)
{
    if (vectors == 0) return;
    reserve(written + length);
    ssize_t n = writev(output, iov, vectors);
    if (n != length) { errno = n < 0 ? errno : EIO; fail("writev"); }
    written += length;
}

static void copy_mmap(void)
{
    struct iovec iov[MAX_IOV];
    size_t i = 0;
    long within = 0;
    while (i < count) {
        long base = (pieces[i].offset + within) & ~4095L;
        char *map = mmap(NULL, MAP_WINDOW, PROT_READ, MAP_SHARED, image, base);
        if (map == MAP_FAILED) fail("mmap");
        (void)madvise(map, MAP_WINDOW, MADV_POPULATE_READ);
        int vectors = 0;
        long batch = 0;
        while (i < count) {
            long offset = pieces[i].offset + within;
            if (offset < base || offset >= base + MAP_WINDOW) break;
            long n = base + MAP_WINDOW - offset;
            if (n > pieces[i].length - within) n = pieces[i].length - within;
            iov[vectors++] = (struct iovec){ map + (offset - base), (size_t)n };
            batch += n; within += n;
            if (within == pieces[i].length) { i++; within = 0; }
            if (vectors == MAX_IOV) { put_vectors(iov, vectors, batch); vectors = 0; batch = 0; }
        }
        put_vectors(iov, vectors, batch);
        munmap(map, MAP_WINDOW);
    }
}

/* The submission and completion rings of one io_uring, mapped from the kernel. */
static struct {
    int fd;
    unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
    struct io_uring_sqe *sqes;
    struct io_uring_cqe *cqes;
    unsigned queued;
} ring;

static void ring_open(void)
{
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    if ((ring.fd = (int)syscall(__NR_io_uring_setup, RING, &p)) < 0) fail("io_uring_setup");
    size_t sq_size = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    size_t cq_size = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    char *sq = mmap(NULL, sq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring.fd, IORING_OFF_SQ_RING);
    char *cq = mmap(NULL, cq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring.fd, IORING_OFF_CQ_RING);
    ring.sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                     ring.fd, IORING_OFF_SQES);
    if (sq == MAP_FAILED || cq == MAP_FAILED || ring.sqes == MAP_FAILED) fail("mmap io_uring");
    ring.sq_tail = (unsigned *)(sq + p.sq_off.tail);
    ring.sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
    ring.sq_array = (unsigned *)(sq + p.sq_off.array);
    ring.cq_head = (unsigned *)(cq + p.cq_off.head);
    ring.cq_tail = (unsigned *)(cq + p.cq_off.tail);
    ring.cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
    ring.cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
}

static void ring_read(char *buffer, long length, long offset)
{
    unsigned tail = *ring.sq_tail, slot = tail & *ring.sq_mask;
    struct io_uring_sqe *sqe = &ring.sqes[slot];
    memset(sqe, 0, sizeof *sqe);
    sqe->opcode = IORING_OP_READ;
    sqe->fd = image;
    sqe->addr = (unsigned long)buffer;
    sqe->len = (unsigned)length;
    sqe->off = (unsigned long)offset;
    sqe->user_data = (unsigned long)length;
    ring.sq_array[slot] = slot;
    __atomic_store_n(ring.sq_tail, tail + 1, __ATOMIC_RELEASE);
    ring.queued++;
}

/* Submits the queued reads and waits for all of them; a short read fails like get() does. */
static void ring_wait(void)
{
    unsigned submit = ring.queued, seen = 0, head = *ring.cq_head;
    while (seen < ring.queued) {
        if (syscall(__NR_io_uring_enter, ring.fd, submit, ring.queued - seen, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
            fail("io_uring_enter");
        submit = 0;
        for (; head != __atomic_load_n(ring.cq_tail, __ATOMIC_ACQUIRE); head++, seen++) {
            struct io_uring_cqe *cqe = &ring.cqes[head & *ring.cq_mask];
            if (cqe->res < 0 || (unsigned long)cqe->res != cqe->user_data) {
                errno = cqe->res < 0 ? -cqe->res : EIO;
                fail("io_uring read");
            }
        }
        __atomic_store_n(ring.cq_head, head, __ATOMIC_RELEASE);
    }
    ring.queued = 0;
}

static void copy_uring(void)
{
    static char out[CHUNK];
    long used = 0;
    ring_open();
    for (size_t i = 0; i < count; i++)
        for (long offset = pieces[i].offset, left = pieces[i].length; left > 0;) {
            long n = left < CHUNK - used ? left : CHUNK - used;
            if (ring.queued == RING) ring_wait();
            ring_read(out + used, n, offset);
            used += n; offset += n; left -= n;
            if (used == CHUNK) { ring_wait(); put(out, used); used = 0; }
        }
    ring_wait();
    put(out, used);
}

int main(int argc, char **argv)
{
    if (argc != 5) { fprintf(stderr, "usage: copy-model window|direct|preadv|mmap|uring IMAGE EXTENTS OUTPUT\n"); return 2; }
    FILE *list = fopen(argv[3], "r");
    if (!list) fail(argv[3]);
    size_t capacity = 1024;
    pieces = malloc(capacity * sizeof *pieces);
    long offset, length;
    while (fscanf(list, "%ld %ld", &offset, &length) == 2) {
        if (count == capacity) pieces = realloc(pieces, (capacity *= 2) * sizeof *pieces);
        if (!pieces) fail("realloc");
        pieces[count++] = (struct piece){ offset, length };
    }
    fclose(list);
    if ((image = open(argv[2], O_RDONLY)) < 0) fail(argv[2]);
    if ((output = open(argv[4], O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0) fail(argv[4]);
    if (!strcmp(argv[1], "window")) copy_window();
    else if (!strcmp(argv[1], "direct")) copy_direct();
    else if (!strcmp(argv[1], "preadv")) copy_preadv();
    else if (!strcmp(argv[1], "mmap")) copy_mmap();
    else if (!strcmp(argv[1], "uring")) copy_uring();
    else { fprintf(stderr, "copy-model: unknown mode %s\n", argv[1]); return 2; }
    if (ftruncate(output, written) != 0) fail("ftruncate");
    if (close(output) != 0) fail("close");
    return 0;
}
