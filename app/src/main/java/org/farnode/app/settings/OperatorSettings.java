package org.farnode.app.settings;

import java.util.List;

/**
 * What the person running a node chooses. Values are checked by {@link SettingsValidation}, not
 * here, so that a form can hold a wrong value while it says what is wrong with it.
 *
 * @param device          GPU to use: {@code auto}, or an index as {@code far devices} lists them
 * @param backend         {@code auto}, {@code vulkan} or {@code cpu}
 * @param vramCapMib      most GPU memory the shard may take, MiB; 0 = no cap
 * @param gpuSharePercent share of the GPU's time to give the network (the rest is pauses between windows), 1..100
 * @param uploadCapMbit   most upload rate, Mbit/s; 0 = unlimited
 * @param downloadCapMbit most download rate, Mbit/s; 0 = unlimited
 * @param dailyDataCapGib most data per day, both ways together, GiB; 0 = none
 * @param listenPort      port for peers; 0 = any free port
 * @param bootstrapPeers  peers to join through, each {@code HOST:PORT@NODEID}
 * @param modelFile       GGUF file served; empty = none chosen yet
 * @param layers          {@code auto}, or {@code a:b} for layers a to b − 1
 * @param onlyWhenIdle    serve only while the computer is otherwise idle
 * @param schedule        when to serve; empty = any time
 * @param startOnLogin    start the app when the user logs in
 * @param closeToTray     closing the window keeps the node running in the tray
 */
public record OperatorSettings(String device, String backend, long vramCapMib, int gpuSharePercent, double uploadCapMbit,
                               double downloadCapMbit, double dailyDataCapGib, int listenPort, List<String> bootstrapPeers,
                               String modelFile, String layers, boolean onlyWhenIdle, List<WeeklySlot> schedule,
                               boolean startOnLogin, boolean closeToTray) {

    public OperatorSettings {
        bootstrapPeers = bootstrapPeers == null ? List.of() : List.copyOf(bootstrapPeers);
        schedule = schedule == null ? List.of() : List.copyOf(schedule);
        device = device == null ? "auto" : device;
        backend = backend == null ? "auto" : backend;
        modelFile = modelFile == null ? "" : modelFile;
        layers = layers == null ? "auto" : layers;
    }

    /** A first start: everything automatic, no model chosen, the whole GPU, no caps, the node in the tray when closed. */
    public static OperatorSettings defaults() {
        return new OperatorSettings("auto", "auto", 0, 100, 0, 0, 0, 0, List.of(), "", "auto", false, List.of(), false, true);
    }

    public OperatorSettings withModelFile(String file) {
        return new OperatorSettings(device, backend, vramCapMib, gpuSharePercent, uploadCapMbit, downloadCapMbit, dailyDataCapGib,
                listenPort, bootstrapPeers, file, layers, onlyWhenIdle, schedule, startOnLogin, closeToTray);
    }

    public OperatorSettings withLayers(String range) {
        return new OperatorSettings(device, backend, vramCapMib, gpuSharePercent, uploadCapMbit, downloadCapMbit, dailyDataCapGib,
                listenPort, bootstrapPeers, modelFile, range, onlyWhenIdle, schedule, startOnLogin, closeToTray);
    }

    public OperatorSettings withListenPort(int port) {
        return new OperatorSettings(device, backend, vramCapMib, gpuSharePercent, uploadCapMbit, downloadCapMbit, dailyDataCapGib,
                port, bootstrapPeers, modelFile, layers, onlyWhenIdle, schedule, startOnLogin, closeToTray);
    }
}
