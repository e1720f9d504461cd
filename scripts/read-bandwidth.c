/*
 * Cross-check for the bandwidth figure `far bench` prints (MemoryBandwidth.java): the same
 * measurement in C, outside the JVM. Reads a 1 GiB buffer with N threads, each thread its own
 * contiguous half/third/..., and prints every pass and the best one in 10^9 bytes per second.
 *
 *   gcc -O3 -march=native -pthread scripts/read-bandwidth.c -o /tmp/read-bandwidth && /tmp/read-bandwidth 2
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BUFFER_BYTES (1UL << 30)
#define PASSES 6 /* pass 0 is a warm-up and is not counted */

static uint64_t *buffer;
static int threads;
static pthread_barrier_t barrier;
static double best;

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *read_part(void *arg) {
    long id = (long) arg;
    size_t words = BUFFER_BYTES / sizeof(uint64_t) / threads;
    const uint64_t *part = buffer + id * words;
    uint64_t a = 0, b = 0, c = 0, d = 0;
    for (int pass = 0; pass < PASSES; pass++) {
        pthread_barrier_wait(&barrier);
        double start = seconds();
        for (size_t i = 0; i + 4 <= words; i += 4) { /* four sums: the compiler vectorises each */
            a += part[i];
            b += part[i + 1];
            c += part[i + 2];
            d += part[i + 3];
        }
        pthread_barrier_wait(&barrier);
        double rate = words * sizeof(uint64_t) * threads / (seconds() - start) / 1e9;
        if (id == 0 && pass > 0) {
            printf("pass %d: %.1f GB/s\n", pass, rate);
            if (rate > best) best = rate;
        }
    }
    return (void *) (uintptr_t) (a + b + c + d); /* keeps the reads from being optimised away */
}

int main(int argc, char **argv) {
    threads = argc > 1 ? atoi(argv[1]) : 2;
    if (threads < 1 || threads > 256) {
        fprintf(stderr, "usage: %s [threads 1..256]\n", argv[0]);
        return 2;
    }
    buffer = aligned_alloc(64, BUFFER_BYTES);
    if (buffer == NULL) {
        fprintf(stderr, "cannot allocate %lu bytes\n", BUFFER_BYTES);
        return 1;
    }
    memset(buffer, 1, BUFFER_BYTES); /* page faults happen here, not in the timed passes */
    pthread_barrier_init(&barrier, NULL, threads);
    pthread_t ids[256];
    for (long i = 0; i < threads; i++) pthread_create(&ids[i], NULL, read_part, (void *) i);
    for (int i = 0; i < threads; i++) pthread_join(ids[i], NULL);
    printf("%d threads, 1024 MiB, best of %d: %.1f GB/s sequential read\n", threads, PASSES - 1, best);
    return 0;
}
