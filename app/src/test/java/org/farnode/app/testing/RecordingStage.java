package org.farnode.app.testing;

import java.util.ArrayList;
import java.util.List;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardStage;

/** A stage in front of another that keeps a copy of every window it was given and returned. */
public final class RecordingStage implements ShardStage {
    private final ShardStage inner;
    private final List<HiddenStates> inputs = new ArrayList<>();
    private final List<HiddenStates> outputs = new ArrayList<>();

    public RecordingStage(ShardStage inner) {
        this.inner = inner;
    }

    @Override
    public LayerRange layers() {
        return inner.layers();
    }

    @Override
    public synchronized HiddenStates forward(int startPosition, HiddenStates window) {
        inputs.add(copy(window));
        HiddenStates out = inner.forward(startPosition, window);
        outputs.add(copy(out));
        return out;
    }

    @Override
    public void truncate(int length) {
        inner.truncate(length);
    }

    @Override
    public void close() {
        inner.close();
    }

    /** Every window given to {@link #forward}, in order. */
    public synchronized List<HiddenStates> inputs() {
        return List.copyOf(inputs);
    }

    /** Every window {@link #forward} returned, in order. */
    public synchronized List<HiddenStates> outputs() {
        return List.copyOf(outputs);
    }

    private static HiddenStates copy(HiddenStates states) {
        return new HiddenStates(states.positions(), states.width(), states.values().clone());
    }
}
