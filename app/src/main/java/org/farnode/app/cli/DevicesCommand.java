package org.farnode.app.cli;

import org.farnode.backend.vulkan.DeviceDiscovery;
import org.farnode.backend.vulkan.DeviceReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code far devices}: the Vulkan devices of this machine, best first, and the one
 * {@code --backend auto} uses. Vulkan being unusable is a finding, not an error: the command says
 * why and that the CPU backend is used instead, and exits 0.
 */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List the Vulkan devices of this machine, best first, and which one --backend auto uses.")
final class DevicesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON document instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        DeviceReport report = DeviceDiscovery.discover();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(DeviceReportJson.write(report));
        } else {
            DeviceReportText.print(report, out);
        }
        out.flush();
        return 0;
    }
}
