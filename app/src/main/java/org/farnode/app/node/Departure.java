package org.farnode.app.node;

/**
 * What a node did as it left ({@link NodeService#leave}, {@link NodeServer#shutdownGracefully}).
 *
 * @param windowsFinished    windows it computed and answered after it stopped taking new ones
 * @param requestsUnfinished requests it had taken and dropped because the grace ran out (0 normally)
 * @param gatewaysTold       connected gateways it told it was leaving
 * @param directoriesLeft    directories it withdrew its entry from
 */
public record Departure(long windowsFinished, int requestsUnfinished, int gatewaysTold, int directoriesLeft) {

    Departure withDirectoriesLeft(int directories) {
        return new Departure(windowsFinished, requestsUnfinished, gatewaysTold, directories);
    }

    /** {@code finished 3 windows, told 2 gateways}, and what else happened, for the operator. */
    public String describe() {
        StringBuilder text = new StringBuilder("finished " + windowsFinished + (windowsFinished == 1 ? " window" : " windows")
                + ", told " + gatewaysTold + (gatewaysTold == 1 ? " gateway" : " gateways"));
        if (requestsUnfinished > 0) {
            text.append(", dropped ").append(requestsUnfinished).append(requestsUnfinished == 1 ? " request" : " requests")
                    .append(" the grace did not cover");
        }
        if (directoriesLeft > 0) {
            text.append(", withdrew from ").append(directoriesLeft == 1 ? "the directory" : directoriesLeft + " directories");
        }
        return text.toString();
    }
}
