package ai.thinkheads.phoenix.cli;

import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.ShutdownOptions;
import ai.thinkheads.phoenix.hypervisor.Task;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code phoenix start|stop|shutdown|reboot NAME...}: one power action on each guest, waiting for its task. */
abstract class PowerCommand extends Verb {

    @Parameters(paramLabel = "NAME", arity = "1..*", description = "Guests, by name or VMID.")
    List<String> names = new ArrayList<>();

    @Mixin
    TargetOptions target;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long to wait for each guest's task (default ${DEFAULT-VALUE} s).")
    long timeoutSeconds;

    abstract String done();

    abstract Task act(Hypervisor pve, VmRef vm);

    @Override
    public Integer call() {
        target.refuseSecretFlags();
        try (Connection c = target.open(context())) {
            List<VmSummary> guests = names.stream().map(n -> GuestNames.resolve(c.hypervisor(), n)).toList();
            for (VmSummary vm : guests) {
                act(c.hypervisor(), vm.ref()).await(Duration.ofSeconds(timeoutSeconds));
                out().println(vm.name() + " (" + vm.vmid() + "): " + done());
                out().flush();
            }
            return OK;
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start guests.",
            footer = {"", "Example:", "  phoenix start --state /tmp/sim docker-01 docker-02"})
    static final class Start extends PowerCommand {
        @Override
        String done() {
            return "started";
        }

        @Override
        Task act(Hypervisor pve, VmRef vm) {
            return pve.start(vm);
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop guests at once (power off, as qm stop).",
            footer = {"", "Example:", "  phoenix stop --state /tmp/sim docker-01"})
    static final class Stop extends PowerCommand {
        @Override
        String done() {
            return "stopped";
        }

        @Override
        Task act(Hypervisor pve, VmRef vm) {
            return pve.stop(vm);
        }
    }

    @Command(name = "shutdown", mixinStandardHelpOptions = true,
            description = "Shut guests down cleanly (ACPI or the guest agent, as qm shutdown).",
            footer = {"", "Example:", "  phoenix shutdown --state /tmp/sim --guest-timeout 120 --force-stop docker-01"})
    static final class Shutdown extends PowerCommand {
        @Option(names = "--guest-timeout", paramLabel = "SECONDS", defaultValue = "180",
                description = "How long the guest has to shut down (default ${DEFAULT-VALUE} s).")
        long guestTimeout;

        @Option(names = "--force-stop", description = "Stop the guest when it has not shut down in time.")
        boolean forceStop;

        @Override
        String done() {
            return "shut down";
        }

        @Override
        Task act(Hypervisor pve, VmRef vm) {
            ShutdownOptions o = ShutdownOptions.within(Duration.ofSeconds(guestTimeout));
            return pve.shutdown(vm, forceStop ? new ShutdownOptions(o.timeout(), true) : o);
        }
    }

    @Command(name = "reboot", mixinStandardHelpOptions = true, description = "Reboot guests.",
            footer = {"", "Example:", "  phoenix reboot --state /tmp/sim docker-01"})
    static final class Reboot extends PowerCommand {
        @Override
        String done() {
            return "rebooted";
        }

        @Override
        Task act(Hypervisor pve, VmRef vm) {
            return pve.reboot(vm);
        }
    }
}
