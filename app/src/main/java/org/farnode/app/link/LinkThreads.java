package org.farnode.app.link;

/**
 * The one place that decides what threads the emulator and its measurement run on. Platform
 * threads: on the machine this was measured on, a virtual thread's timed park woke about 0.3 ms
 * later than a platform thread's (through the scheduler's unparker and a carrier), which is 0.7%
 * of a 40 ms delay, while a blocked platform thread costs only its stack. Daemons, so a
 * forgotten emulator never keeps a JVM alive.
 */
final class LinkThreads {
    private LinkThreads() {
    }

    static Thread start(String name, Runnable body) {
        return Thread.ofPlatform().daemon().name(name).start(body);
    }

    static Thread unstarted(String name, Runnable body) {
        return Thread.ofPlatform().daemon().name(name).unstarted(body);
    }

    static Thread daemon(Runnable body) {
        return Thread.ofPlatform().daemon().name("link-measure-", 0).unstarted(body);
    }
}
