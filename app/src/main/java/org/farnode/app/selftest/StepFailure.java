package org.farnode.app.selftest;

/** A self-test step that did not pass: which step, and why in one line. */
final class StepFailure extends RuntimeException {
    private final String step;

    StepFailure(String step, String reason, Throwable cause) {
        super(reason, cause);
        this.step = step;
    }

    String step() {
        return step;
    }

    /** The line the self-test ends with. */
    String line() {
        return "far-node self-test: FAIL at " + step + ": " + getMessage();
    }
}
