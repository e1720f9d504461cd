package org.farnode.app.testing;

import java.lang.management.ManagementFactory;

/**
 * Bytes the calling thread has allocated on the heap, as the JVM counts them
 * ({@link com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}): what a test measures
 * around a call to show the call allocated no buffer of a size it was only told about.
 */
public final class ThreadAllocations {
    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private ThreadAllocations() {
    }

    /** Bytes allocated by this thread since it started; a difference of two readings is what ran between them. */
    public static long sofar() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** Bytes {@code work} allocated on this thread. */
    public static long of(Runnable work) {
        long before = sofar();
        work.run();
        return sofar() - before;
    }

    /** Bytes a second run of {@code work} allocated on this thread: the first also pays for loading classes, once. */
    public static long ofSecondRun(Runnable work) {
        work.run();
        return of(work);
    }
}
