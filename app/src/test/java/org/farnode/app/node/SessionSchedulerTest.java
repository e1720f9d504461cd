package org.farnode.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order in which the compute thread serves sessions' requests, without a model or sockets. */
class SessionSchedulerTest {
    private final SessionScheduler scheduler = new SessionScheduler();
    private final NodeConnection gateway = new NodeConnection(null, null, "gateway:1");
    private final NodeConnection otherGateway = new NodeConnection(null, null, "gateway:2");
    private final List<String> ran = new ArrayList<>();

    /** A request that takes {@code turns} turns, noting {@code name} and the turn in {@link #ran} each time. */
    private SessionScheduler.Request request(String name, int turns) {
        int[] done = {0};
        return () -> {
            done[0]++;
            ran.add(turns == 1 ? name : name + "." + done[0]);
            return done[0] == turns;
        };
    }

    private void runAll() {
        int turns = 0;
        while (scheduler.waiting() > 0) {
            scheduler.runOneTurn();
            assertThat(++turns).as("turns run").isLessThan(1000);
        }
    }

    @Test
    void aLongWindowTakesOneTurnPerChunkAndAnotherSessionsStepGoesBetweenItsChunks() {
        scheduler.add(gateway, 1, request("prompt", 4));
        scheduler.add(gateway, 2, request("step", 1));
        runAll();
        assertThat(ran).containsExactly("prompt.1", "step", "prompt.2", "prompt.3", "prompt.4");
    }

    @Test
    void sessionsTakeTurnsWhateverTheirQueuesAndEachKeepsItsOwnOrder() {
        for (int i = 1; i <= 4; i++) {
            scheduler.add(gateway, 1, request("a" + i, 1));
        }
        scheduler.add(otherGateway, 1, request("b1", 1)); // the same id on another connection is another session
        scheduler.add(gateway, 3, request("c1", 2));
        scheduler.add(otherGateway, 1, request("b2", 1));
        runAll();
        assertThat(ran).containsExactly("a1", "b1", "c1.1", "a2", "b2", "c1.2", "a3", "a4");
    }

    @Test
    void aRequestAddedDuringItsSessionsTurnWaitsBehindTheOthersInLine() {
        scheduler.add(gateway, 1, () -> {
            ran.add("a1");
            scheduler.add(gateway, 1, request("a2", 1));
            return true;
        });
        scheduler.add(gateway, 2, request("b1", 1));
        runAll();
        assertThat(ran).containsExactly("a1", "b1", "a2");
    }

    @Test
    void aGoneConnectionsRequestsAreTakenOutOfLineAndTheOthersGoOn() {
        scheduler.add(gateway, 1, request("a1", 1));
        scheduler.add(otherGateway, 1, request("b1", 1));
        scheduler.add(gateway, 2, request("c1", 1));
        assertThat(scheduler.hasWork(gateway, 2)).isTrue();

        assertThat(scheduler.removeAll(gateway)).hasSize(2);
        assertThat(scheduler.hasWork(gateway, 2)).isFalse();
        assertThat(scheduler.waiting()).isEqualTo(1);
        runAll();
        assertThat(ran).containsExactly("b1");
        assertThat(scheduler.runOneTurn()).as("nothing left").isFalse();
    }

    @Test
    void aSessionHasWorkUntilItsLastRequestIsDone() {
        scheduler.add(gateway, 1, request("a", 2));
        assertThat(scheduler.runOneTurn()).as("another turn needed").isTrue();
        assertThat(scheduler.hasWork(gateway, 1)).isTrue();
        assertThat(scheduler.runOneTurn()).isFalse();
        assertThat(scheduler.hasWork(gateway, 1)).isFalse();
        assertThat(scheduler.waiting()).isZero();
    }
}
